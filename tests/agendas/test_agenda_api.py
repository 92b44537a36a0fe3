"""The agenda through the API: draft, publish, snapshot, live comparison, and a fixed query count."""

import copy
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from app.agendas.data import load_agenda_data
from app.models import AgendaSnapshot, Measure, Reading, Role
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import auth, count_statements, if_match


def arrange(session):
    chair = make_user(session, name="Helen Carter")
    council = make_council(session, chair=chair, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    member_user = make_user(session, name="Aisha Rahman")
    seat = make_membership(session, council=council, user=member_user, role=Role.member, department=billing)
    observer = make_user(session)
    make_membership(session, council=council, user=observer, role=Role.observer)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=10))
    session.commit()
    return chair, member_user, observer, council, seat, meeting


def test_a_new_meeting_gets_a_live_draft(app, client, session):
    chair, _, _, _, _, meeting = arrange(session)
    body = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()
    assert body["status"] == "draft" and body["version"] == 0
    assert [s["number"] for s in body["sections"]] == list(range(1, 10))
    assert [s["key"] for s in body["sections"]] == [
        "actions",
        "overall_measures",
        "department_reports",
        "best_practice",
        "initiatives",
        "measures_review",
        "prioritisation",
        "research",
        "aob",
    ]
    for s in body["sections"]:
        assert {"number", "key", "title", "minutes_allocated"} <= set(s)
    assert body["meeting"]["council_name"] == "Utility council"


def test_publishing_freezes_what_was_circulated(app, client, session):
    chair, member_user, observer, council, seat, meeting = arrange(session)
    url = f"/api/meetings/{meeting.id}/agenda"
    assert client.get(url, headers=auth(app, observer)).status_code == 403  # not circulated yet
    make_action(
        session, council=council, owner=seat, title="Before publishing", due_on=date.today() + timedelta(days=3)
    )
    session.commit()

    published = client.post(f"{url}/publish", headers=auth(app, chair))
    assert published.status_code == 200
    assert (published.json()["status"], published.json()["version"]) == ("published", 1)

    make_action(session, council=council, owner=seat, title="After publishing", due_on=date.today() + timedelta(days=4))
    session.commit()
    frozen = client.get(url, headers=auth(app, observer)).json()
    titles = [a["title"] for a in frozen["sections"][0]["open_actions"]]
    assert titles == ["Before publishing"]

    live = client.get(f"{url}?live=true", headers=auth(app, chair)).json()
    assert [a["title"] for a in live["sections"][0]["open_actions"]] == ["Before publishing", "After publishing"]
    assert "actions" in live["changed_sections"]
    assert "aob" not in live["changed_sections"]

    assert client.post(f"{url}/publish", headers=auth(app, member_user)).status_code == 403
    again = client.post(f"{url}/publish", headers=auth(app, chair)).json()
    assert again["version"] == 2
    assert [a["title"] for a in client.get(url, headers=auth(app, chair)).json()["sections"][0]["open_actions"]] == [
        "Before publishing",
        "After publishing",
    ]


def test_the_days_ticking_by_are_not_a_change_since_publishing(app, client, session):
    """Regression: an overdue action's day count grows daily, so every agenda published
    with a late action showed item 1 as "changed" from the next day on."""
    chair, _, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Late one", due_on=date.today() - timedelta(days=3))
    session.commit()
    url = f"/api/meetings/{meeting.id}/agenda"
    assert client.post(f"{url}/publish", headers=auth(app, chair)).status_code == 200
    # Make the snapshot as it would read had it been published yesterday.
    snapshot = session.exec(select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting.id)).one()
    content = copy.deepcopy(snapshot.content)
    late = content["sections"][0]["open_actions"][0]
    assert (late["title"], late["days_overdue"]) == ("Late one", 3)
    late["days_overdue"] = 2
    snapshot.content = content
    session.add(snapshot)
    session.commit()

    live = client.get(f"{url}?live=true", headers=auth(app, chair)).json()
    assert live["sections"][0]["open_actions"][0]["days_overdue"] == 3
    assert live["changed_sections"] == []

    # A real change still shows.
    make_action(session, council=council, owner=seat, title="New one", due_on=date.today() + timedelta(days=3))
    session.commit()
    assert "actions" in client.get(f"{url}?live=true", headers=auth(app, chair)).json()["changed_sections"]


def test_a_held_meeting_keeps_its_agenda(app, client, session):
    chair, *_, meeting = arrange(session)
    meeting.scheduled_at = datetime.now(UTC) - timedelta(hours=3)  # a meeting is marked held once it has started
    session.add(meeting)
    session.commit()
    url = f"/api/meetings/{meeting.id}"
    client.post(f"{url}/agenda/publish", headers=auth(app, chair))
    assert (
        client.patch(url, headers=if_match(client, url, auth(app, chair)), json={"status": "held"}).status_code == 200
    )
    refused = client.post(f"{url}/agenda/publish", headers=auth(app, chair))
    assert refused.status_code == 409
    assert client.get(f"{url}/agenda", headers=auth(app, chair)).json()["version"] == 1


def test_aob_and_apologies_reach_the_agenda(app, client, session):
    chair, member_user, observer, *_, meeting = arrange(session)
    base = f"/api/meetings/{meeting.id}"
    item = client.post(f"{base}/aob", headers=auth(app, member_user), json={"title": "Storm readiness"})
    assert item.status_code == 201
    assert client.post(f"{base}/aob", headers=auth(app, observer), json={"title": "x"}).status_code == 403
    assert client.post(f"{base}/aob", headers=auth(app, member_user), json={"title": " "}).status_code == 422
    assert client.put(f"{base}/apologies", headers=auth(app, member_user), json={"note": "On leave"}).status_code == 204
    agenda = client.get(f"{base}/agenda", headers=auth(app, chair)).json()
    assert [(p["name"], p["note"]) for p in agenda["meeting"]["apologies"]] == [("Aisha Rahman", "On leave")]
    assert [i["title"] for i in agenda["sections"][8]["items"]] == ["Storm readiness"]
    assert client.delete(f"{base}/apologies", headers=auth(app, member_user)).status_code == 204
    agenda = client.get(f"{base}/agenda", headers=auth(app, chair)).json()
    assert agenda["meeting"]["apologies"] == []


def _grow(session, council, seat, factor: int) -> None:
    for n in range(factor):
        department = make_department(session, council=council)
        make_action(session, council=council, owner=seat, department=department, due_on=date(2026, 1, 1) + timedelta(n))
        make_action(session, council=council, owner=seat, status="done", due_on=date(2025, 1, 1))
        measure = Measure(council_id=council.id, name=f"Measure {factor}-{n}", scope="overall", target=50)
        session.add(measure)
        session.flush()
        for month in range(1, 13):
            session.add(Reading(measure_id=measure.id, period=date(2026, month, 1), value=40 + month))
    session.commit()


def count_queries(engine, session_factory, council, meeting) -> int:
    with count_statements(engine) as statements, session_factory() as session:
        load_agenda_data(session=session, council=council, meeting=meeting)
    return len(statements)


def test_agenda_queries_do_not_grow_with_the_data(engine, session):
    *_, council, seat, meeting = arrange(session)
    _grow(session, council, seat, 3)
    small = count_queries(engine, lambda: Session(engine), council, meeting)
    _grow(session, council, seat, 30)
    large = count_queries(engine, lambda: Session(engine), council, meeting)
    assert small == large
    assert small <= 15


def test_agenda_scorecard_agrees_with_the_scorecard_in_the_councils_own_calendar(app, client, session):
    """Closed at 22:00 in New York on the due date is 02:00 the next day in UTC: on time."""
    chair = make_user(session)
    council = make_council(session, chair=chair, timezone="America/New_York")
    billing = make_department(session, council=council, name="Billing")
    seat = make_membership(session, council=council, role=Role.member, department=billing)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=7))
    due = date.today() - timedelta(days=20)
    late_evening = make_action(session, council=council, owner=seat, due_on=due, status="done")
    late_evening.closed_at = datetime(due.year, due.month, due.day, 2, 0, tzinfo=UTC) + timedelta(days=1)
    old = make_action(session, council=council, owner=seat, due_on=date.today() - timedelta(days=400))
    assert old.status == "open"  # missed, but more than a year ago: outside the scorecard's year
    session.commit()

    agenda = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()
    reports = next(s for s in agenda["sections"] if s["key"] == "department_reports")
    on_agenda = reports["departments"][0]["scorecard"]
    card = client.get(f"/api/councils/{council.id}/scorecard", headers=auth(app, chair)).json()
    # Delivery (actions closed on time) is beside the score, judged in the council's calendar.
    assert on_agenda["delivery"] == card["data"][0]["delivery"]
    assert on_agenda["delivery"] == "Delivery (not scored): 1 of 1 action that fell due in the last year closed on time"


def _open_titles(body: dict) -> list[str]:
    return [a["title"] for a in body["sections"][0]["open_actions"]]


def test_the_agenda_is_reused_until_the_data_changes_whoever_changes_it(app, client, engine, session):
    chair, member_user, _, council, seat, meeting = arrange(session)
    url = f"/api/meetings/{meeting.id}/agenda"
    first = client.get(url, headers=auth(app, chair))
    assert first.status_code == 200 and first.headers["cache-control"] == "private, no-cache"
    assert first.json()["status"] == "draft" and len(app.state.agenda_cache) == 1
    again = client.get(url, headers=auth(app, member_user))
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert len(app.state.agenda_cache) == 1  # served from the cache: nothing new was built

    # A write through the API: the next read shows it.
    created = client.post(
        f"/api/councils/{council.id}/actions",
        headers=auth(app, chair),
        json={"title": "Call back within a day", "owner_id": seat.id, "due_on": str(date.today() + timedelta(days=5))},
    )
    assert created.status_code == 201, created.text
    assert "Call back within a day" in _open_titles(client.get(url, headers=auth(app, chair)).json())

    # A write from elsewhere (another worker, a CLI command): its own session, its own commit.
    with Session(engine) as other:
        make_action(other, council=council, owner=seat, title="Written by another process")
        other.commit()
    after = client.get(url, headers=auth(app, chair))
    assert "Written by another process" in _open_titles(after.json())
    assert after.headers["etag"] != first.headers["etag"]


def test_if_none_match_gets_304_until_the_agenda_changes(app, client, session):
    chair, _, _, council, seat, meeting = arrange(session)
    url = f"/api/meetings/{meeting.id}/agenda"
    etag = client.get(url, headers=auth(app, chair)).headers["etag"]
    unchanged = client.get(url, headers={**auth(app, chair), "If-None-Match": f'"other", {etag}'})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == etag

    make_action(session, council=council, owner=seat, title="New since")
    session.commit()
    changed = client.get(url, headers={**auth(app, chair), "If-None-Match": etag})
    assert changed.status_code == 200 and "New since" in _open_titles(changed.json())
    assert changed.headers["etag"] != etag


def test_a_cached_agenda_still_checks_who_is_asking(app, client, session):
    chair, _, observer, _, _, meeting = arrange(session)
    url = f"/api/meetings/{meeting.id}/agenda"
    assert client.get(url, headers=auth(app, chair)).status_code == 200  # now cached
    assert client.get(url, headers=auth(app, observer)).status_code == 403  # not published yet
    outsider = make_user(session)
    session.commit()
    assert client.get(url, headers=auth(app, outsider)).status_code == 404
