"""The minutes page takes the agenda it follows from the app's agenda cache: never out of date."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from app.agendas.cache import AgendaCache, AgendaFiles
from app.models import Action, Meeting, Role
from tests.agendas.test_agenda_cache import agenda_queries
from tests.agendas.test_agenda_cache_shared import same_page, shared_folder
from tests.factories import make_action, make_council, make_meeting, make_membership, make_user
from tests.helpers import auth, count_statements
from tests.web.test_pages import sign_in


def test_the_minutes_page_follows_the_agenda_as_it_is_now(app, client, session):
    council = make_council(session, chair=make_user(session), name="Utility council")
    make_membership(session, council=council, user=make_user(session, email="sec@example.com"), role=Role.secretary)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=6))
    session.commit()
    sign_in(client, "sec@example.com", next_path="")
    url = f"/meetings/{meeting.id}/minutes"
    assert "Storm readiness" not in client.get(url).text
    # A change the agenda shows (the meeting's title, in the minutes' heading) shows at once.
    session.get(Meeting, meeting.id).title = "Storm readiness"
    session.commit()
    assert f"Minutes of meeting {meeting.number}: Storm readiness" in client.get(url).text
    # Opened beside the agenda page, the minutes page does not build the agenda again.
    client.get(f"/meetings/{meeting.id}/agenda")
    with count_statements(app.state.engine) as beside:
        page = client.get(url).text
    app.state.agenda_cache = AgendaCache()  # emptied: the next read builds the agenda
    with count_statements(app.state.engine) as cold:
        assert client.get(url).text.count("Storm readiness") == page.count("Storm readiness")
    assert len(beside) < len(cold)


def test_the_minutes_page_reads_the_actions_raised_here_not_the_whole_open_register(app, client, session):
    chair = make_user(session)
    council = make_council(session, chair=chair, name="Utility council")
    make_membership(session, council=council, user=make_user(session, email="sec@example.com"), role=Role.secretary)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=6))
    raised = make_action(session, council=council, title="Call the storm crews", raised_at=meeting)
    raised.raised_at_item = 5
    older = make_action(session, council=council, title="Fix the outage map")
    session.commit()
    sign_in(client, "sec@example.com", next_path="")
    url = f"/meetings/{meeting.id}/minutes"
    with count_statements(app.state.engine) as few:
        page = client.get(url).text
    assert "Call the storm crews" in page  # under item 5, where it was raised
    assert "Fix the outage map" not in page  # the page lists no register
    # Forty more open actions on the council's log: the page sends the same statements and shows the same.
    for n in range(40):
        make_action(session, council=council, title=f"Older action {n}")
    session.commit()
    loaded: list[int] = []
    listener = lambda target, context: loaded.append(target.id)  # noqa: E731
    event.listen(Action, "load", listener)
    try:
        with count_statements(app.state.engine) as many:
            again = client.get(url).text
    finally:
        event.remove(Action, "load", listener)
    assert len(many) == len(few)
    assert loaded == [raised.id]  # of the 42 open actions, only the one the page shows is read
    assert "Call the storm crews" in again and "Older action" not in again
    # The JSON minutes (and the Word minutes built from them) keep the council's open-action register.
    register = client.get(f"/api/meetings/{meeting.id}/minutes", headers=auth(app, chair)).json()["open_actions"]
    assert {"Call the storm crews", "Fix the outage map", "Older action 39"} <= {a["title"] for a in register}
    assert older.id in {a["id"] for a in register}


def test_a_worker_without_the_agenda_reads_only_its_outline_and_never_an_old_one(
    app, client, engine, session, tmp_path, monkeypatch
):
    """The outline kept beside the agenda in the workers' shared folder (app/agendas/outline.py) gives the same
    page as the whole agenda, and a change the agenda shows is on the next page whichever worker serves it."""
    council = make_council(session, chair=make_user(session), name="Utility council")
    make_membership(session, council=council, user=make_user(session, email="sec@example.com"), role=Role.secretary)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=6))
    session.commit()
    queries = agenda_queries(engine, session, meeting)
    folder = shared_folder(tmp_path)
    sign_in(client, "sec@example.com", next_path="")
    url = f"/meetings/{meeting.id}/minutes"

    app.state.agenda_cache = AgendaCache(shared=str(folder))  # one worker builds the agenda and its outline…
    first = client.get(url).text
    assert len(list(folder.glob("*.agenda"))) == len(list(folder.glob("*.outline"))) == 1

    cache = app.state.agenda_cache = AgendaCache(shared=str(folder))  # …another reads only the outline
    reads = []
    real_read = AgendaFiles.read
    monkeypatch.setattr(AgendaFiles, "read", lambda self, key, *rest: reads.append(key) or real_read(self, key, *rest))
    with count_statements(app.state.engine) as sent:
        second = client.get(url).text
    assert same_page(second) == same_page(first)
    assert not queries & set(sent) and reads == [] and cache.entries() == []  # neither built nor read whole
    # Its next open reads nothing from the folder: the same page.
    [outline] = folder.glob("*.outline")
    outline.unlink()
    assert same_page(client.get(url).text) == same_page(first)

    # A change the agenda shows makes a new key: this worker, holding the old outline, shows it at once…
    heading = f"Minutes of meeting {meeting.number}: Storm readiness"
    session.get(Meeting, meeting.id).title = "Storm readiness"
    session.commit()
    assert heading in client.get(url).text
    # …and so does a worker that never saw either, reading only the new outline the other wrote as it built.
    reads.clear()
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    changed = client.get(url).text
    assert heading in changed and reads == []
    # The page from the outline is the page from the whole agenda built with nothing kept.
    app.state.agenda_cache = AgendaCache(max_entries=0)
    assert same_page(client.get(url).text) == same_page(changed)


def test_the_secretarys_page_reads_the_minutes_record_and_the_seats_once(app, client, session):
    council = make_council(session, chair=make_user(session), name="Utility council")
    secretary = make_user(session, email="sec@example.com", name="Sam Secretary")
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=6))
    session.commit()
    sign_in(client, "sec@example.com", next_path="")
    url = f"/meetings/{meeting.id}/minutes"
    client.get(url)
    # Before the first save there is no record: looked for once, not by each part of the page.
    with count_statements(app.state.engine) as sent:
        page = client.get(url).text
    assert len([s for s in sent if s.startswith("SELECT minutes.meeting_id")]) == 1
    assert len([s for s in sent if "FROM memberships JOIN users" in s]) == 1
    # The seats the page reads once are both the attendance and whom "taken by" may name.
    holders = page[page.index('name="taken_by_user_id"') :]
    assert ">Sam Secretary</option>" in holders[: holders.index("</select>")]
