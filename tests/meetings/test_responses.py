"""Members answer a meeting's invitation in the app: attending, apologies with a reason, or a delegate.
The answers feed the agenda's "who is coming" and quorum forecast, and start the minutes' attendance."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from app.meetings.responses import partstats
from app.models import Attendance, MeetingResponse, Role
from tests.factories import (
    make_council,
    make_department,
    make_meeting,
    make_membership,
    make_response,
    make_user,
)
from tests.helpers import auth, error_fields


def arrange(session, *, members: int = 8, starts_in: timedelta = timedelta(days=10)):
    """A council of a chair, a secretary and `members - 1` members (9 voting seats), an observer, one meeting."""
    chair = make_user(session, name="Helen Carter", email="chair@example.com")
    council = make_council(session, chair=chair, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    people = {"chair": chair}
    seats = {"chair": session.exec(select_seat(council.id, chair.id)).one()}
    for key, role in [("secretary", Role.secretary), ("observer", Role.observer)] + [
        (f"m{i}", Role.member) for i in range(1, members)
    ]:
        people[key] = make_user(session, name=f"{key.title()} Person", email=f"{key}@example.com")
        seats[key] = make_membership(session, council=council, user=people[key], role=role, department=billing)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC).replace(microsecond=0) + starts_in)
    session.commit()
    return council, meeting, people, seats


def select_seat(council_id, user_id):
    from app.models import Membership

    return select(Membership).where(Membership.council_id == council_id, Membership.user_id == user_id)


def url(meeting, tail=""):
    return f"/api/meetings/{meeting.id}/responses{tail}"


def test_a_member_answers_changes_and_takes_back_their_answer(app, client, session):
    _, meeting, people, seats = arrange(session)
    me = auth(app, people["m1"])
    said = client.put(url(meeting, "/me"), headers=me, json={"answer": "attending"})
    assert said.status_code == 200, said.text
    assert (said.json()["answer"], said.json()["answered_by"]) == ("attending", "M1 Person")

    changed = client.put(url(meeting, "/me"), headers=me, json={"answer": "apologies", "reason": "On leave"})
    assert (changed.json()["answer"], changed.json()["reason"]) == ("apologies", "On leave")
    rows = {r["membership_id"]: r for r in client.get(url(meeting), headers=me).json()["items"]}
    assert rows[seats["m1"].id]["reason"] == "On leave" and rows[seats["m2"].id]["answer"] is None

    assert client.delete(url(meeting, "/me"), headers=me).status_code == 204
    rows = {r["membership_id"]: r for r in client.get(url(meeting), headers=me).json()["items"]}
    assert rows[seats["m1"].id]["answer"] is None


def test_apologies_need_a_reason_and_a_delegate_a_name(app, client, session):
    _, meeting, people, seats = arrange(session)
    other = make_council(session, name="Other council")
    stranger = make_membership(session, council=other, user=make_user(session, email="x@example.com"))
    session.commit()
    me = auth(app, people["m1"])
    for body, field in [
        ({"answer": "apologies", "reason": "  "}, "reason"),
        ({"answer": "delegate"}, "delegate_name"),
        ({"answer": "delegate", "delegate_membership_id": stranger.id}, "delegate_membership_id"),
        ({"answer": "delegate", "delegate_membership_id": seats["m1"].id}, "delegate_membership_id"),
        ({"answer": "maybe"}, "answer"),
    ]:
        refused = client.put(url(meeting, "/me"), headers=me, json=body)
        assert refused.status_code == 422 and field in error_fields(refused), (body, refused.text)
    # A fellow seat-holder as delegate: their name is taken from the seat.
    sent = client.put(
        url(meeting, "/me"), headers=me, json={"answer": "delegate", "delegate_membership_id": seats["m2"].id}
    )
    assert (sent.json()["answer"], sent.json()["delegate_name"]) == ("delegate", "M2 Person")
    assert session.exec(select(MeetingResponse)).one().delegate_membership_id == seats["m2"].id


def test_answers_close_when_the_meeting_starts_and_a_cancelled_meeting_takes_none(app, client, session):
    _, meeting, people, _ = arrange(session, starts_in=timedelta(minutes=-5))
    me = auth(app, people["m1"])
    late = client.put(url(meeting, "/me"), headers=me, json={"answer": "attending"})
    assert late.status_code == 409 and "started" in late.json()["detail"]
    assert client.put(f"/api/meetings/{meeting.id}/apologies", headers=me, json={"note": "x"}).status_code == 409

    _, later, more, _ = arrange_other(session)
    later.status = "cancelled"
    session.add(later)
    session.commit()
    refused = client.put(url(later, "/me"), headers=auth(app, more), json={"answer": "attending"})
    assert refused.status_code == 409 and "cancelled" in refused.json()["detail"]
    assert session.exec(select(MeetingResponse)).first() is None


def arrange_other(session):
    user = make_user(session, name="Solo Chair", email="solo@example.com")
    council = make_council(session, chair=user, name="Second council")
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=3))
    session.commit()
    return council, meeting, user, None


def test_the_chair_or_secretary_records_an_answer_for_a_seat_and_others_may_not(app, client, session):
    _, meeting, people, seats = arrange(session)
    target = url(meeting, f"/{seats['m3'].id}")
    body = {"answer": "apologies", "reason": "Rang in sick"}
    for who in ("observer", "m1"):
        refused = client.put(target, headers=auth(app, people[who]), json=body)
        assert refused.status_code == 403, who
    recorded = client.put(target, headers=auth(app, people["secretary"]), json=body)
    assert recorded.status_code == 200 and recorded.json()["answered_by"] == "Secretary Person"
    assert client.delete(target, headers=auth(app, people["m1"])).status_code == 403
    assert client.delete(target, headers=auth(app, people["chair"])).status_code == 204
    # An observer answers for their own seat.
    own = client.put(url(meeting, "/me"), headers=auth(app, people["observer"]), json={"answer": "attending"})
    assert own.status_code == 200


def test_the_forecast_counts_voting_seats_by_the_councils_rule(app, client, session):
    council, meeting, people, seats = arrange(session)
    make_response(session, meeting=meeting, seat=seats["m1"], answer="apologies", reason="Audit week")
    make_response(session, meeting=meeting, seat=seats["m2"], answer="apologies", reason="On leave")
    make_response(session, meeting=meeting, seat=seats["m3"], answer="delegate", delegate_name="Priya Shah")
    make_response(session, meeting=meeting, seat=seats["m4"], answer="attending")
    make_response(session, meeting=meeting, seat=seats["observer"], answer="apologies", reason="Not needed")
    session.commit()
    member = auth(app, people["m5"])
    forecast = client.get(url(meeting), headers=member).json()["forecast"]
    # 9 voting seats (the observer does not count); 2 apologies: 7 expected, 1 by delegate; 5 of 9 required.
    assert (forecast["seats"], forecast["expected"], forecast["delegates"], forecast["required_members"]) == (
        9,
        7,
        1,
        5,
    )
    assert forecast["met"] is True
    assert forecast["statement"] == (
        "On the answers so far, 7 of 9 seats expected (1 by delegate), quorum (5) met. 5 seats not answered yet."
    )

    council.quorum_members = 8
    session.add(council)
    session.commit()
    header = client.get(f"/api/meetings/{meeting.id}/agenda", headers=member).json()["meeting"]
    assert header["forecast"]["met"] is False and "quorum (8) not met" in header["forecast"]["statement"]
    assert [(p["name"], p["note"]) for p in header["apologies"]] == [
        ("M1 Person", "Audit week"),
        ("M2 Person", "On leave"),
        ("Observer Person", "Not needed"),
    ]
    assert [(p["name"], p["delegate_name"]) for p in header["delegates"]] == [("M3 Person", "Priya Shah")]
    assert "M3 Person" not in [p["name"] for p in header["expected_attendees"]]
    assert partstats(session, meeting)[seats["m3"].id] == "DELEGATED"
    assert partstats(session, meeting)[seats["m1"].id] == "DECLINED"
    assert partstats(session, meeting)[seats["m4"].id] == "ACCEPTED"
    assert partstats(session, meeting)[seats["m5"].id] == "NEEDS-ACTION"


def test_the_minutes_attendance_starts_from_the_answers(app, client, session):
    _, meeting, people, seats = arrange(session, starts_in=timedelta(hours=-1))
    make_response(session, meeting=meeting, seat=seats["m1"], answer="apologies", reason="Audit week")
    make_response(session, meeting=meeting, seat=seats["m2"], answer="delegate", delegate_name="Priya Shah")
    make_response(session, meeting=meeting, seat=seats["m3"], answer="attending")
    session.commit()
    secretary = auth(app, people["secretary"])

    def recorded():
        doc = client.get(f"/api/meetings/{meeting.id}/minutes", headers=secretary).json()
        return {r["name"]: (r["status"], r["note"], r["delegate_name"]) for r in doc["attendance"] if r["status"]}

    expected = {
        "M1 Person": ("apologies", "Audit week", ""),
        "M2 Person": ("delegate", "", "Priya Shah"),
        "M3 Person": ("present", "", ""),
    }
    # Before the secretary records anything, the answers stand in; nothing is saved yet.
    assert recorded() == expected
    assert session.exec(select(Attendance)).first() is None
    # The secretary's first record saves them, and the secretary's word wins for the seat recorded.
    saved = client.put(
        f"/api/meetings/{meeting.id}/attendance",
        headers=secretary,
        json={"attendance": [{"membership_id": seats["m3"].id, "status": "absent"}]},
    )
    assert saved.status_code == 200, saved.text
    assert recorded() == {**expected, "M3 Person": ("absent", "", "")}
    assert len(session.exec(select(Attendance)).all()) == 3


def test_the_apologies_routes_still_work_as_answers(app, client, session):
    _, meeting, people, _ = arrange(session)
    me = auth(app, people["m1"])
    assert client.put(f"/api/meetings/{meeting.id}/apologies", headers=me, json={"note": ""}).status_code == 204
    assert session.exec(select(MeetingResponse)).one().answer == "apologies"
    assert client.delete(f"/api/meetings/{meeting.id}/apologies", headers=me).status_code == 204
    assert session.exec(select(MeetingResponse)).first() is None


def test_the_secretary_records_an_answer_from_the_agenda_page(client, session):
    _, meeting, _, seats = arrange(session)
    from tests.web.test_pages import csrf_from, sign_in

    sign_in(client, "secretary@example.com")
    page = client.get(f"/meetings/{meeting.id}/agenda").text
    assert "Record an answer someone gave you" in page
    client.post(
        f"/meetings/{meeting.id}/answer",
        data={
            "csrf_token": csrf_from(page),
            "membership_id": str(seats["m2"].id),
            "answer": "apologies",
            "reason": "Rang in sick",
            "back": "agenda",
        },
    )
    row = session.exec(select(MeetingResponse)).one()
    assert (row.membership_id, row.answer, row.reason) == (seats["m2"].id, "apologies", "Rang in sick")
    assert "Rang in sick" in client.get(f"/meetings/{meeting.id}/agenda").text


def test_answers_in_the_app_show_in_the_meeting_request_each_seat_receives(app, client, session):
    import vobject

    _, meeting, people, seats = arrange(session)
    client.put(url(meeting, "/me"), headers=auth(app, people["m1"]), json={"answer": "attending"})
    client.put(url(meeting, "/me"), headers=auth(app, people["m2"]), json={"answer": "apologies", "reason": "Leave"})
    client.put(url(meeting, "/me"), headers=auth(app, people["m3"]), json={"answer": "delegate", "delegate_name": "Jo"})
    body = client.get(f"/api/meetings/{meeting.id}/invite.ics", headers=auth(app, people["m4"])).text
    event = vobject.readOne(body).vevent
    partstat = {a.value.lower(): a.params["PARTSTAT"][0] for a in event.contents["attendee"]}
    assert partstat["mailto:m1@example.com"] == "ACCEPTED"
    assert partstat["mailto:m2@example.com"] == "DECLINED"
    assert partstat["mailto:m3@example.com"] == "DELEGATED"
    assert partstat["mailto:m4@example.com"] == "NEEDS-ACTION"
