"""The home page after sign-in: next meetings with my answer, reports my department owes, my actions
falling due, and what changed since my last visit; observers see meetings and what was published."""

import threading
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from app.home.personal_data import note_visit
from app.models import AgendaSnapshot, DepartmentReport, HomeVisit, MeetingResponse, Membership, Role, User
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import auth, if_match
from tests.web.test_pages import csrf_from, sign_in

GAP = timedelta(hours=1)


def arrange(session):
    chair = make_user(session, name="Helen Carter", email="chair@example.com")
    council = make_council(session, chair=chair, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    member = make_user(session, name="Aisha Rahman", email="member@example.com")
    seat = make_membership(session, council=council, user=member, role=Role.member, department=billing)
    observer = make_user(session, name="Olu Adebayo", email="observer@example.com")
    watcher = make_membership(session, council=council, user=observer, role=Role.observer, department=billing)
    now = datetime.now(UTC).replace(microsecond=0)
    held = make_meeting(session, council=council, scheduled_at=now - timedelta(days=20))
    nxt = make_meeting(session, council=council, scheduled_at=now + timedelta(days=6), title="December council")
    today = date.today()
    make_action(session, council=council, owner=seat, title="Plain-English bill", due_on=today - timedelta(days=3))
    make_action(session, council=council, owner=seat, title="Arrival windows", due_on=today + timedelta(days=5))
    make_action(session, council=council, owner=seat, title="Far off", due_on=today + timedelta(days=60))
    make_action(session, council=council, owner=watcher, title="Observer's own", due_on=today - timedelta(days=1))
    session.add(AgendaSnapshot(meeting_id=nxt.id, version=1, content={}, published_at=now - timedelta(hours=2)))
    session.commit()
    return council, held, nxt, seat


def panel(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_signing_in_lands_on_the_home_page_with_its_four_panels(client, session):
    _, _, nxt, seat = arrange(session)
    signed = sign_in(client, "member@example.com", next_path="")
    assert signed.headers["location"] == "/home"
    assert client.get("/", follow_redirects=False).headers["location"] == "/home"
    page = client.get("/home").text
    meetings = panel(page, "meetings-h")
    assert "December council" in meetings and "You have not answered yet." in meetings
    assert "I'll attend" in meetings and "Send apologies" in meetings
    assert "Billing</strong> report for Utility council meeting 2" in panel(page, "reports-h")
    actions = panel(page, "actions-h")
    assert "Plain-English bill" in actions and "3 days overdue" in actions and "Arrival windows" in actions
    assert "Far off" not in actions
    assert "Agenda published for meeting 2: December council" in panel(page, "changes-h")
    assert 'href="/councils"' in page  # the councils list is one click away

    # Once the report is in, it is no longer owed.
    session.add(DepartmentReport(meeting_id=nxt.id, department_id=seat.department_id, summary="In"))
    session.commit()
    assert "Nothing owed" in panel(client.get("/home").text, "reports-h")


def test_a_member_answers_from_the_home_page(client, session):
    _, _, nxt, seat = arrange(session)
    sign_in(client, "member@example.com")
    page = client.get("/home").text
    missing = client.post(
        f"/meetings/{nxt.id}/answer",
        data={"csrf_token": csrf_from(page), "answer": "apologies", "reason": " ", "back": "home"},
        follow_redirects=False,
    )
    assert missing.headers["location"] == f"/home#meeting-{nxt.id}"
    assert "reason" in client.get("/home").text.lower()
    assert session.exec(select(MeetingResponse)).first() is None
    client.post(
        f"/meetings/{nxt.id}/answer",
        data={"csrf_token": csrf_from(page), "answer": "apologies", "reason": "Quarter-end run", "back": "home"},
        follow_redirects=False,
    )
    page = client.get("/home").text
    assert "Apologies sent for meeting 2" in page and "Quarter-end run" in panel(page, "meetings-h")
    assert session.exec(select(MeetingResponse)).one().membership_id == seat.id


def test_an_observer_sees_meetings_and_what_was_published_but_nothing_to_do(client, session):
    arrange(session)
    sign_in(client, "observer@example.com")
    page = client.get("/home").text
    assert "December council" in panel(page, "meetings-h")
    assert 'id="reports-h"' not in page and 'id="actions-h"' not in page
    assert "Observer&#39;s own" not in page
    assert "Agenda published for meeting 2" in panel(page, "changes-h")


def test_what_changed_counts_from_the_visit_before_this_one(client, session):
    council, _, nxt, seat = arrange(session)
    sign_in(client, "member@example.com")
    client.get("/home")
    visit = session.exec(select(HomeVisit)).one()
    # Pretend that visit was yesterday; the agenda was published since, the old action before.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    visit.seen_at = yesterday
    session.add(visit)
    session.commit()
    page = client.get("/home").text
    changes = panel(page, "changes-h")
    assert "since your last visit" in page.lower()
    assert "Agenda published for meeting 2" in changes
    # Reloading at once is the same visit: the same changes still show.
    assert "Agenda published for meeting 2" in panel(client.get("/home").text, "changes-h")


def test_a_person_on_no_council_is_told_what_to_do(client, session):
    make_user(session, name="New Person", email="new@example.com")
    session.commit()
    sign_in(client, "new@example.com")
    assert "You are not on a council yet" in client.get("/home").text


def test_an_action_reassigned_to_me_since_my_last_visit_shows(client, session):
    council, _, _, seat = arrange(session)
    chair_seat = session.exec(
        select(Membership).where(Membership.council_id == council.id, Membership.role == Role.chair)
    ).one()
    moved = make_action(session, council=council, owner=chair_seat, title="Storm script", due_on=date.today())
    session.commit()
    sign_in(client, "member@example.com")
    client.get("/home")
    visit = session.exec(select(HomeVisit)).one()
    visit.seen_at = datetime.now(UTC) - timedelta(days=1)
    session.add(visit)
    # Created for the chair before the visit; handed to the member since, through the action's own update.
    moved.created_at = visit.seen_at - timedelta(days=1)
    session.add(moved)
    session.commit()
    chair = session.get(User, chair_seat.user_id)
    headers = auth(client.app, chair)
    url = f"/api/actions/{moved.id}"
    answer = client.patch(url, json={"owner_id": seat.id}, headers=if_match(client, url, headers))
    assert answer.status_code == 200, answer.text
    session.expire_all()
    assert session.get(type(moved), moved.id).owner_id == seat.id, "the action changed hands"
    sign_in(client, "member@example.com")
    assert "Action reassigned to you: Storm script" in panel(client.get("/home").text, "changes-h")


def test_a_member_sends_another_seat_as_delegate_from_the_home_page(client, session):
    council, _, nxt, seat = arrange(session)
    chair_seat = session.exec(
        select(Membership).where(Membership.council_id == council.id, Membership.role == Role.chair)
    ).one()
    sign_in(client, "member@example.com")
    page = client.get("/home").text
    meetings = panel(page, "meetings-h")
    # The other seats are offered (named with their department where they have one); my own is not.
    assert f'<option value="{chair_seat.id}">Helen Carter</option>' in meetings
    assert f'<option value="{seat.id}"' not in meetings
    answer = client.post(
        f"/meetings/{nxt.id}/answer",
        data={
            "csrf_token": csrf_from(page),
            "answer": "delegate",
            "delegate_name": "",
            "delegate_membership_id": str(chair_seat.id),
            "back": "home",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == f"/home#meeting-{nxt.id}"
    session.expire_all()
    row = session.exec(select(MeetingResponse)).one()
    assert (row.membership_id, row.answer, row.delegate_membership_id, row.delegate_name) == (
        seat.id,
        "delegate",
        chair_seat.id,
        "Helen Carter",
    )
    assert "Helen Carter will attend meeting 2 in your place" in client.get("/home").text


def test_two_first_views_at_once_both_show_the_home_page(engine, session):
    # Two tabs opened together: the second view's visit row meets the first's, not yet committed when it looked.
    # It is the same first visit, not an error (on PostgreSQL the second insert used to raise: a 500).
    member = make_user(session, name="Aisha Rahman", email="member@example.com")
    session.commit()
    other = Session(engine)
    other.add(HomeVisit(user_id=member.id, seen_at=datetime.now(UTC)))
    other.flush()  # the first view's row, written and not committed: the second view cannot see it yet
    answer: list = []
    second = threading.Thread(target=lambda: answer.append(note_visit(engine=engine, user=member, gap=GAP)))
    second.start()
    second.join(timeout=1)  # it waits on the first's row (PostgreSQL) or its write lock (SQLite)
    other.commit()
    other.close()
    second.join(timeout=30)
    assert not second.is_alive() and answer == [None]  # a first visit: nothing "since your last visit"
    with Session(engine) as fresh:
        assert len(fresh.exec(select(HomeVisit).where(HomeVisit.user_id == member.id)).all()) == 1
