"""Publishing writes only the snapshot (and its mail job, bookkeeping), which the draft reads none of: the kept draft
is carried to the council's new stamp at the commit (app/revision.py carry_over, app/agendas/service.py DRAFT_UNREAD),
so publishing again freezes it rather than reading the data and building it. Never a stale one: a write of anything
else, in the same transaction or committed by another since the draft's stamp was read, means no carry."""

import re
from datetime import date

from sqlmodel import Session, select

from app.agendas.build import build_agenda
from app.agendas.cache import AgendaCache
from app.agendas.data import load_agenda_data
from app.agendas.service import DRAFT_UNREAD
from app.meetings.site_identity import uid_namespace
from app.models import AgendaSnapshot, Council, Meeting
from app.revision import carry_over, stamp_for
from tests.agendas.test_agenda_api import arrange as arrange_council
from tests.agendas.test_agenda_cache import agenda_queries
from tests.factories import make_action
from tests.helpers import auth, count_statements


def arrange(session):
    """The council, and the site's calendar namespace (the migration makes it; tables made from the models get it
    from the first calendar file, the publish's mail job, a write of site-wide data that would replace every key)."""
    arranged = arrange_council(session)
    uid_namespace(session=session)
    session.commit()
    return arranged


def _publish(client, meeting, headers: dict[str, str]) -> dict:
    response = client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _drafts(app) -> list:
    return [e for e in app.state.agenda_cache.entries() if e.agenda.status == "draft"]


def _built_now(session, council_id: int, meeting_id: int, snapshot: AgendaSnapshot | None = None) -> dict:
    session.expire_all()
    data = load_agenda_data(
        session=session, council=session.get(Council, council_id), meeting=session.get(Meeting, meeting_id)
    )
    if snapshot is None:
        return build_agenda(data).model_dump(mode="json")
    built = build_agenda(data, status="published", version=snapshot.version, published_at=snapshot.published_at)
    return built.model_dump(mode="json")


def _snapshot(session, meeting_id: int, version: int) -> AgendaSnapshot:
    session.expire_all()
    return session.exec(
        select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting_id, AgendaSnapshot.version == version)
    ).one()


def test_the_draft_reads_none_of_what_publishing_writes(engine, session):
    *_, meeting = arrange(session)
    tables = [m.__tablename__ for m in DRAFT_UNREAD]
    read = re.compile(r'\b(?:FROM|JOIN|INTO|UPDATE)\s+"?(' + "|".join(tables) + r')\b"?', re.IGNORECASE)
    for statement in agenda_queries(engine, session, meeting):
        assert not read.search(statement), statement


def test_publishing_again_freezes_the_carried_draft_which_is_a_fresh_builds(app, client, engine, session):
    chair, member, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    url = f"/api/meetings/{meeting.id}/agenda"
    assert client.get(url, headers=auth(app, chair)).json()["status"] == "draft"
    queries = agenda_queries(engine, session, meeting)
    with Session(engine) as s:
        before = stamp_for(s, council.id, minutes=False)
    _publish(client, meeting, auth(app, chair))

    with Session(engine) as s:
        after = stamp_for(s, council.id, minutes=False)
    assert after != before  # publishing replaced the council's stamp, as every write does …
    [draft] = _drafts(app)
    assert draft.key.stamp == after  # … and the draft is kept under the new one
    assert draft.agenda.model_dump(mode="json") == _built_now(session, council.id, meeting.id)

    headers = auth(app, chair)  # minted first: the token's statements are not the publish's
    with count_statements(app.state.engine) as sent:
        second = _publish(client, meeting, headers)
    assert not queries & set(sent)  # the carried draft, not the data read again
    assert second["version"] == 2
    snapshot = _snapshot(session, meeting.id, 2)
    assert snapshot.content == second == _built_now(session, council.id, meeting.id, snapshot)
    assert client.get(url, headers=auth(app, member)).json() == second


def test_publish_edit_publish_shows_the_edit(app, client, session):
    chair, member, _, council, seat, meeting = arrange(session)
    url = f"/api/meetings/{meeting.id}/agenda"
    client.get(url, headers=auth(app, chair))
    _publish(client, meeting, auth(app, chair))
    make_action(session, council=council, owner=seat, title="Raised after the first publish")
    session.commit()
    second = _publish(client, meeting, auth(app, chair))
    assert "Raised after the first publish" in str(second)
    assert second == _snapshot(session, meeting.id, 2).content
    assert "Raised after the first publish" in client.get(url, headers=auth(app, member)).text
    # And the third, from the draft carried from the second's: still with it.
    third = _publish(client, meeting, auth(app, chair))
    assert "Raised after the first publish" in str(third)
    assert third == _built_now(session, council.id, meeting.id, _snapshot(session, meeting.id, 3))


def test_another_worker_publishing_again_reads_the_carried_draft_from_the_shared_folder(
    app, client, engine, session, tmp_path
):
    chair, _, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Call back within a day")
    session.commit()
    folder = str(tmp_path / "share")
    app.state.agenda_cache = AgendaCache(shared=folder)
    client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair))
    _publish(client, meeting, auth(app, chair))
    queries = agenda_queries(engine, session, meeting)
    app.state.agenda_cache = AgendaCache(shared=folder)  # another worker: it holds nothing
    headers = auth(app, chair)  # minted first: the token's statements are not the publish's
    with count_statements(app.state.engine) as sent:
        second = _publish(client, meeting, headers)
    assert not queries & set(sent)
    assert second == _built_now(session, council.id, meeting.id, _snapshot(session, meeting.id, 2))


def _snapshot_carrying(s: Session, council, meeting, chair, *, stamp: str, then) -> None:
    """A publish's writes in `s`, as freeze_agenda makes them: carry_over asked for, then the snapshot added."""
    carry_over(s, council.id, stamp=stamp, writes=DRAFT_UNREAD, then=then)
    s.add(AgendaSnapshot(meeting_id=meeting.id, version=1, content={}, published_by_id=chair.id))


def test_a_commit_that_also_wrote_something_else_carries_nothing(engine, session):
    chair, _, _, council, seat, meeting = arrange(session)
    called: list[str] = []
    with Session(engine) as s:
        stamp = stamp_for(s, council.id, minutes=False)
        _snapshot_carrying(s, council, meeting, chair, stamp=stamp, then=called.append)
        make_action(s, council=s.get(Council, council.id), owner=s.merge(seat), title="Also written")
        s.commit()
    assert called == []
    with Session(engine) as s:
        assert stamp_for(s, council.id, minutes=False) != stamp


def test_a_stamp_replaced_by_another_commit_since_it_was_read_carries_nothing(engine, session):
    chair, _, _, council, seat, meeting = arrange(session)
    called: list[str] = []
    with Session(engine) as s:
        read = stamp_for(s, council.id, minutes=False)
    make_action(session, council=council, owner=seat, title="Committed after the stamp was read")
    session.commit()
    with Session(engine) as s:
        between = stamp_for(s, council.id, minutes=False)
        _snapshot_carrying(s, council, meeting, chair, stamp=read, then=called.append)
        s.commit()
    assert called == []  # what was kept under `read` lacks the action
    with Session(engine) as s:
        assert stamp_for(s, council.id, minutes=False) not in (read, between)


def test_a_commit_of_the_snapshot_alone_carries_to_the_stamp_readers_then_use(engine, session):
    chair, _, _, council, _, meeting = arrange(session)
    called: list[str] = []
    with Session(engine) as s:
        stamp = stamp_for(s, council.id, minutes=False)
        _snapshot_carrying(s, council, meeting, chair, stamp=stamp, then=called.append)
        s.commit()
    with Session(engine) as s:
        assert called == [stamp_for(s, council.id, minutes=False)] != [stamp]


def test_a_rolled_back_transaction_carries_nothing(engine, session):
    chair, _, _, council, _, meeting = arrange(session)
    called: list[str] = []
    with Session(engine) as s:
        stamp = stamp_for(s, council.id, minutes=False)
        _snapshot_carrying(s, council, meeting, chair, stamp=stamp, then=called.append)
        s.flush()
        s.rollback()
        s.commit()
    assert called == []
    with Session(engine) as s:
        assert stamp_for(s, council.id, minutes=False) == stamp


def test_the_circulated_page_on_any_worker_takes_the_drafts_html_and_is_the_page_rendered_whole(
    app, client, session, tmp_path, monkeypatch
):
    """The chair publishes from the draft's page on one worker, then again from another worker: each worker's page
    after the publish takes the HTML kept for the draft (carried to the new stamp, copied for the circulated agenda)
    rather than rendering it; a third worker shows the circulated page from its part and that HTML alone. Every one
    is the page rendered whole with nothing kept."""
    from app.agendas import bodies
    from app.agendas.bodies import SAME_FOR_EVERYONE, shared_tag
    from app.agendas.cache import AgendaFiles
    from app.agendas.page_agenda import page_agenda
    from app.agendas.service import circulated_tag, latest_snapshot
    from tests.agendas.test_agenda_page_part import demo_meeting, page_of, shared_folder
    from tests.web.test_pages import csrf_from

    council, chair, meeting = demo_meeting(app, client, session)
    uid_namespace(session=session)
    session.commit()
    folder = str(shared_folder(tmp_path))
    url = f"/meetings/{meeting.id}/agenda"

    def publish() -> str:
        done = client.post(f"{url}/publish", data={"csrf_token": csrf_from(client.get(url).text)})
        assert done.status_code == 200 and "Agenda published as version" in done.text
        return page_of(client, url)

    worker = app.state.agenda_cache = AgendaCache(shared=folder)
    page_of(client, url)  # the draft's page: its HTML rendered, kept in the folder
    publish()
    rendered: list[int] = []
    real = bodies.render_bodies
    monkeypatch.setattr(bodies, "render_bodies", lambda *a, **k: rendered.append(1) or real(*a, **k))
    app.state.agenda_cache = AgendaCache(shared=folder)  # another worker publishes again, and is shown the page
    shown = publish()
    assert "version 2" in shown and rendered == []
    app.state.agenda_cache = worker  # and the first worker, once more
    assert "version 3" in publish() and rendered == []

    session.expire_all()
    snapshot = latest_snapshot(session=session, meeting=session.get(Meeting, meeting.id))
    [entry] = [e for e in worker.entries() if e.key.stamp == circulated_tag(snapshot)]
    kept = AgendaFiles(folder).read_page(entry.key, shared_tag(council.id, SAME_FOR_EVERYONE))
    assert kept == page_agenda(entry.agenda, SAME_FOR_EVERYONE)
    third = app.state.agenda_cache = AgendaCache(shared=folder)
    shown = page_of(client, url)
    assert not third.entries() and len(third.pages()) == 1 and rendered == []
    app.state.agenda_cache = AgendaCache()  # nothing kept: rendered whole
    assert page_of(client, url) == shown
