"""Minutes through the API: recording a meeting, draft → circulated → approved, amendments, audit, mail."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import event
from sqlmodel import Session, select

from app.auth import load_access
from app.minutes.service import load_minutes
from app.models import AobItem, Council, Decision, Meeting, Membership, Role, User
from tests.factories import (
    make_action,
    make_council,
    make_department,
    make_meeting,
    make_membership,
    make_response,
    make_user,
)
from tests.helpers import access_token, auth, error_fields, if_match

# Quotes, an ampersand, angle brackets, an emoji and three non-Latin scripts.
TRICKY = 'Said "no" & <b>left</b> early 🎉 — Ελληνικά, 中文, العربية'
ZONE = ZoneInfo("Europe/London")
# Approving the day the minutes are circulated is approving before the correction window closes.
EARLY = "Everyone present read them at the meeting."


@dataclass
class World:
    council: Council
    meeting: Meeting
    upcoming: Meeting
    aob: AobItem
    users: dict[str, User]
    seats: dict[str, Membership]

    def seat(self, name: str) -> int:
        return self.seats[name].id


def arrange(session) -> World:
    """A council meeting that started an hour ago and is still `scheduled`: the secretary records it live."""
    council = make_council(session, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    field = make_department(session, council=council, name="Field Engineering")
    supplier = make_department(session, council=council, name="FixIt Ltd", is_external=True)
    people = [
        ("chair", "Helen Carter", Role.chair, None),
        ("secretary", "Sam Okafor", Role.secretary, None),
        ("aisha", "Aisha Rahman", Role.member, billing),
        ("ben", "Ben Hughes", Role.member, field),
        ("chen", "Chen Wei 陈伟", Role.member, supplier),
        ("dana", "Dana Price", Role.member, billing),
        ("observer", "Olu Adebayo", Role.observer, None),
    ]
    users, seats = {}, {}
    for key, name, role, department in people:
        users[key] = make_user(session, name=name, email=f"{key}@example.com")
        seats[key] = make_membership(session, council=council, user=users[key], role=role, department=department)
    now = datetime.now(UTC).replace(microsecond=0)
    meeting = make_meeting(session, council=council, scheduled_at=now - timedelta(hours=1))
    upcoming = make_meeting(session, council=council, scheduled_at=now + timedelta(days=30))
    aob = AobItem(meeting_id=meeting.id, submitted_by_id=seats["aisha"].id, title="Storm readiness")
    session.add(aob)
    session.commit()
    return World(council, meeting, upcoming, aob, users, seats)


def url(world: World, tail: str = "") -> str:
    return f"/api/meetings/{world.meeting.id}{tail}"


def as_(app, world: World, who: str) -> dict[str, str]:
    return auth(app, world.users[who])


def current_tag(client, app, world: World, tail: str) -> str:
    """The ETag a write to `tail` names (read by the chair): the item's for notes, the minutes' otherwise."""
    read = tail if tail.startswith("/minutes/items/") else "/minutes"
    return client.get(url(world, read), headers=as_(app, world, "chair")).headers["ETag"]


def attendance(client, app, world, *rows: dict, who: str = "secretary"):
    return client.put(url(world, "/attendance"), headers=as_(app, world, who), json={"attendance": list(rows)})


def approve(client, app, world: World) -> dict:
    """Record one decision, circulate, approve: the shortest way to approved minutes."""
    headers = as_(app, world, "secretary")
    assert (
        client.post(url(world, "/decisions"), headers=headers, json={"item_number": 5, "text": "Go"}).status_code == 201
    )
    assert (
        client.post(
            url(world, "/minutes/circulate"),
            headers=if_match(client, url(world, "/minutes/circulate"), headers, read=url(world, "/minutes")),
        ).status_code
        == 200
    )
    approved = client.post(
        url(world, "/minutes/approve"),
        headers=if_match(client, url(world, "/minutes/approve"), as_(app, world, "chair"), read=url(world, "/minutes")),
        json={"reason": EARLY},
    )
    assert approved.status_code == 200, approved.text
    return approved.json()


def test_a_meeting_recorded_in_full(app, client, session):
    w = arrange(session)
    sec = as_(app, w, "secretary")
    # Dana sent apologies before the meeting: the minutes' attendance starts from them.
    make_response(session, meeting=w.meeting, seat=w.seats["dana"], answer="apologies", reason="On leave")
    session.commit()

    recorded = attendance(
        client,
        app,
        w,
        {"membership_id": w.seat("chair"), "status": "present"},
        {"membership_id": w.seat("secretary"), "status": "present"},
        {"membership_id": w.seat("aisha"), "status": "present"},
        {"membership_id": w.seat("ben"), "status": "delegate", "delegate_name": "Priya Shah", "note": "On site"},
        {"membership_id": w.seat("chen"), "status": "present"},
        {"membership_id": w.seat("observer"), "status": "present"},
    )
    assert recorded.status_code == 200, recorded.text
    # Six voting seats (the observer does not count), five there, one of them by delegate.
    assert recorded.json()["quorum"] == {
        "met": True,
        "present": 5,
        "required_members": 4,
        "departments_represented": 3,
        "required_departments": 0,
        "statement": "Quorate: 5 of 6 members present, 1 by delegate (4 required).",
    }
    rows = {r["name"]: r for r in recorded.json()["attendance"]}
    assert [r["name"] for r in recorded.json()["attendance"]][:2] == ["Helen Carter", "Sam Okafor"]
    assert (rows["Ben Hughes"]["status"], rows["Ben Hughes"]["delegate_name"]) == ("delegate", "Priya Shah")
    assert (rows["Chen Wei 陈伟"]["department"], rows["Chen Wei 陈伟"]["is_external"]) == ("FixIt Ltd", True)
    assert (rows["Dana Price"]["status"], rows["Dana Price"]["note"]) == ("apologies", "On leave")
    assert rows["Aisha Rahman"]["is_external"] is False

    # Two leave early: quorum lost.
    left = attendance(
        client,
        app,
        w,
        {"membership_id": w.seat("aisha"), "status": "absent"},
        {"membership_id": w.seat("chen"), "status": "absent"},
    )
    assert left.json()["quorum"]["met"] is False
    assert left.json()["quorum"]["statement"] == "Not quorate: 3 of 6 members present, 1 by delegate (4 required)."
    attendance(
        client,
        app,
        w,
        {"membership_id": w.seat("aisha"), "status": "present"},
        {"membership_id": w.seat("chen"), "status": "present"},
    )

    for number, notes in [(1, "Minutes of the last meeting reviewed."), (3, TRICKY), (9, "Nothing else.")]:
        saved = client.put(
            url(w, f"/minutes/items/{number}"),
            headers=if_match(client, url(w, f"/minutes/items/{number}"), sec),
            json={"notes": notes},
        )
        assert saved.status_code == 200, saved.text
        assert (saved.json()["notes"], saved.json()["updated_by"]) == (notes, "Sam Okafor")

    numbers = []
    for item, text in [(3, "Adopt the diagnosis script."), (5, "Extend the SMS pilot."), (7, "Fund the portal fix.")]:
        made = client.post(url(w, "/decisions"), headers=sec, json={"item_number": item, "text": text})
        assert made.status_code == 201, made.text
        numbers.append(made.json()["number"])
    assert numbers == [1, 2, 3]

    due = (date.today() + timedelta(days=14)).isoformat()
    raised = client.post(
        url(w, "/actions"),
        headers=sec,
        json={"title": "Brief the call centre", "owner_id": w.seat("aisha"), "due_on": due, "item_number": 3},
    )
    assert raised.status_code == 201, raised.text
    action = raised.json()
    assert (action["raised_at_meeting_id"], action["raised_at_item"]) == (w.meeting.id, 3)
    assert action["raised_at_meeting_number"] == w.meeting.number and action["department_name"] == "Billing"
    log = client.get(
        f"/api/councils/{w.council.id}/actions",
        headers=as_(app, w, "aisha"),
        params={"raised_at_meeting_id": w.meeting.id},
    )
    assert [a["title"] for a in log.json()["data"]] == ["Brief the call centre"]

    outcome = client.put(url(w, f"/aob/{w.aob.id}/outcome"), headers=sec, json={"outcome": "Plan due in March."})
    assert outcome.status_code == 200
    assert (outcome.json()["outcome"], outcome.json()["submitted_by"]) == ("Plan due in March.", "Aisha Rahman")
    fields = {
        "previous_minutes_approved": True,
        "previous_minutes_note": "A true record.",
        "next_meeting_note": "Leeds",
    }
    assert (
        client.put(url(w, "/minutes"), headers=if_match(client, url(w, "/minutes"), sec), json=fields).status_code
        == 200
    )

    got = client.get(url(w, "/minutes"), headers=as_(app, w, "aisha"))
    assert got.status_code == 200
    doc = got.json()
    assert got.headers["ETag"] == f'"{doc["version"]}"'
    assert (doc["status"], doc["meeting"]["council_name"], doc["agenda_version"]) == ("draft", "Utility council", 0)
    assert doc["quorum"]["met"] is True
    assert [i["number"] for i in doc["items"]] == list(range(1, 10))
    items = {i["number"]: i for i in doc["items"]}
    assert items[3]["notes"] == TRICKY and items[9]["notes"] == "Nothing else." and items[2]["notes"] == ""
    assert [d["text"] for d in items[3]["decisions"]] == ["Adopt the diagnosis script."]
    assert [a["title"] for a in items[3]["actions_raised"]] == ["Brief the call centre"]
    assert [(d["number"], d["item_number"]) for d in doc["decisions"]] == [(1, 3), (2, 5), (3, 7)]
    assert [a["title"] for a in doc["open_actions"]] == ["Brief the call centre"]
    assert [(a["title"], a["outcome"]) for a in doc["aob"]] == [("Storm readiness", "Plan due in March.")]
    assert (doc["previous_minutes_approved"], doc["previous_minutes_note"]) == (True, "A true record.")
    assert doc["next_meeting"] == w.upcoming.scheduled_at.astimezone(ZONE).date().isoformat()
    assert doc["next_meeting_note"] == "Leeds"
    assert doc["amendments"] == [] and doc["approved_at"] is None

    # The council asks for four departments: only three are represented.
    w.council.quorum_departments = 4
    session.add(w.council)
    session.commit()
    quorum = client.get(url(w, "/minutes"), headers=sec).json()["quorum"]
    assert quorum["met"] is False
    assert quorum["statement"] == (
        "Not quorate: 5 of 6 members present, 1 by delegate (4 required); 3 departments represented (4 required)."
    )


def test_draft_then_circulated_then_approved(app, client, session):
    w = arrange(session)
    sec, chair = as_(app, w, "secretary"), as_(app, w, "chair")
    assert client.get(url(w, "/minutes"), headers=as_(app, w, "observer")).status_code == 403
    fresh = client.get(url(w, "/minutes"), headers=sec)
    assert (fresh.json()["status"], fresh.json()["version"], fresh.headers["ETag"]) == ("draft", 0, '"0"')

    refused = client.post(
        url(w, "/minutes/approve"), headers=if_match(client, url(w, "/minutes/approve"), chair, read=url(w, "/minutes"))
    )
    assert refused.status_code == 409 and "Circulate" in refused.json()["detail"]
    early = client.post(url(w, "/minutes/amendments"), headers=chair, json={"text": "x", "reason": "y"})
    assert early.status_code == 409
    assert (
        client.post(
            url(w, "/minutes/circulate"),
            headers=if_match(client, url(w, "/minutes/circulate"), as_(app, w, "aisha"), read=url(w, "/minutes")),
        ).status_code
        == 403
    )

    circulated = client.post(
        url(w, "/minutes/circulate"),
        headers=if_match(client, url(w, "/minutes/circulate"), sec, read=url(w, "/minutes")),
    )
    assert circulated.status_code == 200, circulated.text
    body = circulated.json()
    assert body["minutes"]["status"] == "circulated" and body["minutes"]["circulated_at"]
    assert (body["emailed"], body["attachment"]) == (0, None)
    assert body["notes"] == [f"Meeting {w.meeting.number} is now marked as held."]
    session.refresh(w.meeting)
    assert w.meeting.status == "held"
    assert client.get(url(w, "/minutes"), headers=as_(app, w, "observer")).status_code == 403

    # Corrections before approval: allowed, still circulated, and circulated again.
    fixed = client.put(
        url(w, "/minutes/items/2"),
        headers=if_match(client, url(w, "/minutes/items/2"), sec),
        json={"notes": "NPS up two points."},
    )
    assert fixed.status_code == 200
    assert client.get(url(w, "/minutes"), headers=sec).json()["status"] == "circulated"
    again = client.post(
        url(w, "/minutes/circulate"),
        headers=if_match(client, url(w, "/minutes/circulate"), chair, read=url(w, "/minutes")),
        json={"email": False},
    )
    assert again.status_code == 200 and again.json()["notes"] == []

    assert (
        client.post(
            url(w, "/minutes/approve"),
            headers=if_match(client, url(w, "/minutes/approve"), sec, read=url(w, "/minutes")),
        ).status_code
        == 403
    )
    stale = client.post(url(w, "/minutes/approve"), headers={**chair, "If-Match": '"1"'})
    assert stale.status_code == 412
    etag = client.get(url(w, "/minutes"), headers=chair).headers["ETag"]
    # The correction window (five working days from tomorrow) is open: approving now needs a reason.
    waits = client.post(url(w, "/minutes/approve"), headers={**chair, "If-Match": etag})
    assert waits.status_code == 422 and error_fields(waits) == {"reason"}
    assert "open until the end of" in waits.text
    approved = client.post(url(w, "/minutes/approve"), headers={**chair, "If-Match": etag}, json={"reason": EARLY})
    assert approved.status_code == 200, approved.text
    doc = approved.json()
    assert (doc["status"], doc["approved_by"]) == ("approved", "Helen Carter")
    assert doc["approved_at"] and doc["items"][1]["notes"] == "NPS up two points."
    assert approved.headers["ETag"] == f'"{doc["version"]}"'

    seen = client.get(url(w, "/minutes"), headers=as_(app, w, "observer"))
    assert seen.status_code == 200 and seen.json()["status"] == "approved"


def test_approved_minutes_refuse_every_edit_and_take_amendments(app, client, session):
    w = arrange(session)
    sec, chair = as_(app, w, "secretary"), as_(app, w, "chair")
    approved = approve(client, app, w)
    decision_id = approved["decisions"][0]["id"]
    due = (date.today() + timedelta(days=7)).isoformat()
    edits = [
        ("PUT", "/attendance", {"attendance": [{"membership_id": w.seat("aisha"), "status": "absent"}]}),
        ("PUT", "/minutes/items/3", {"notes": "Rewritten"}),
        ("POST", "/decisions", {"item_number": 3, "text": "Another"}),
        ("PATCH", f"/decisions/{decision_id}", {"text": "Reworded"}),
        ("DELETE", f"/decisions/{decision_id}", None),
        ("POST", "/actions", {"title": "Late", "owner_id": w.seat("aisha"), "due_on": due, "item_number": 3}),
        ("PUT", f"/aob/{w.aob.id}/outcome", {"outcome": "Changed"}),
        ("PUT", "/minutes", {"next_meeting_note": "Moved"}),
        ("POST", "/minutes/circulate", None),
        ("POST", "/minutes/approve", None),
    ]
    for method, tail, body in edits:
        # The secretary may not approve at all (403); every other route refuses both with 409.
        for headers in (sec, chair) if tail != "/minutes/approve" else (chair,):
            tagged = {**headers, "If-Match": current_tag(client, app, w, tail)}
            response = client.request(method, url(w, tail), headers=tagged, json=body)
            assert response.status_code == 409, f"{method} {tail}: {response.text}"
            assert "approved" in response.json()["detail"] and "amendment" in response.json()["detail"]

    # The log moves on; the approved minutes do not.
    make_action(session, council=w.council, owner=w.seats["dana"], title="Raised later, elsewhere")
    session.commit()
    after = client.get(url(w, "/minutes"), headers=sec).json()
    assert after["open_actions"] == approved["open_actions"]
    assert after["decisions"] == approved["decisions"]

    missing = client.post(url(w, "/minutes/amendments"), headers=sec, json={"text": "Decision 1 covers billing."})
    assert missing.status_code == 422 and error_fields(missing) == {"reason"}
    blank = client.post(url(w, "/minutes/amendments"), headers=sec, json={"text": "x", "reason": "  "})
    assert blank.status_code == 422 and error_fields(blank) == {"reason"}
    member = client.post(url(w, "/minutes/amendments"), headers=as_(app, w, "aisha"), json={"text": "x", "reason": "y"})
    assert member.status_code == 403

    amended = client.post(
        url(w, "/minutes/amendments"),
        headers=sec,
        json={"text": TRICKY, "reason": "Misheard in the room.", "item_number": 5},
    )
    assert amended.status_code == 201, amended.text
    row = amended.json()
    assert (row["text"], row["reason"], row["item_number"], row["made_by"]) == (
        TRICKY,
        "Misheard in the room.",
        5,
        "Sam Okafor",
    )
    assert datetime.fromisoformat(row["made_at"]) > datetime.now(UTC) - timedelta(minutes=5)
    doc = client.get(url(w, "/minutes"), headers=as_(app, w, "observer")).json()
    assert [a["text"] for a in doc["amendments"]] == [TRICKY]
    assert doc["version"] > approved["version"]
    assert {k: v for k, v in doc.items() if k not in ("amendments", "version")} == {
        k: v for k, v in approved.items() if k not in ("amendments", "version")
    }
    history = client.get(url(w, "/minutes/history"), headers=chair).json()["data"]
    assert (history[-1]["kind"], history[-1]["user_name"]) == ("amended", "Sam Okafor")
    assert history[-1]["detail"]["reason"] == "Misheard in the room."


def test_every_change_is_in_the_history(app, client, session):
    w = arrange(session)
    sec, chair = as_(app, w, "secretary"), as_(app, w, "chair")
    attendance(client, app, w, {"membership_id": w.seat("aisha"), "status": "present"})
    attendance(client, app, w, {"membership_id": w.seat("aisha"), "status": "present"})  # no change, no entry
    # Notes saved as they are typed: one entry for the burst.
    for notes in ["Billing", "Billing reported", "Billing reported a fall"]:
        client.put(
            url(w, "/minutes/items/3"), headers=if_match(client, url(w, "/minutes/items/3"), sec), json={"notes": notes}
        )
    client.put(
        url(w, "/minutes/items/3"),
        headers=if_match(client, url(w, "/minutes/items/3"), sec),
        json={"notes": "Billing reported a fall"},
    )
    first = client.post(url(w, "/decisions"), headers=sec, json={"item_number": 3, "text": "One"}).json()
    second = client.post(url(w, "/decisions"), headers=sec, json={"item_number": 5, "text": "Two"}).json()
    third = client.post(url(w, "/decisions"), headers=sec, json={"item_number": 7, "text": "Three"}).json()
    client.patch(url(w, f"/decisions/{second['id']}"), headers=chair, json={"text": "Two, reworded", "item_number": 6})
    assert client.delete(url(w, f"/decisions/{first['id']}"), headers=sec).status_code == 204
    due = (date.today() + timedelta(days=7)).isoformat()
    action = client.post(
        url(w, "/actions"),
        headers=sec,
        json={"title": "Call", "owner_id": w.seat("ben"), "due_on": due, "item_number": 6},
    ).json()
    client.put(url(w, f"/aob/{w.aob.id}/outcome"), headers=sec, json={"outcome": "Noted"})
    client.put(
        url(w, "/minutes"), headers=if_match(client, url(w, "/minutes"), sec), json={"previous_minutes_approved": True}
    )
    client.post(
        url(w, "/minutes/circulate"),
        headers=if_match(client, url(w, "/minutes/circulate"), sec, read=url(w, "/minutes")),
    )
    client.post(
        url(w, "/minutes/approve"),
        headers=if_match(client, url(w, "/minutes/approve"), chair, read=url(w, "/minutes")),
        json={"reason": EARLY},
    )
    client.post(url(w, "/minutes/amendments"), headers=chair, json={"text": "Fix", "reason": "Typo"})

    assert client.get(url(w, "/minutes/history"), headers=as_(app, w, "observer")).status_code == 403
    response = client.get(url(w, "/minutes/history"), headers=as_(app, w, "aisha"))
    assert response.status_code == 200
    history = response.json()["data"]
    assert [e["kind"] for e in history] == [
        "attendance",
        "item_notes",
        "decision_added",
        "decision_added",
        "decision_added",
        "decision_changed",
        "decision_deleted",
        "action_raised",
        "aob_outcome",
        "minutes_updated",
        "circulated",
        "approved",
        "amended",
    ]
    times = [e["at"] for e in history]
    assert times == sorted(times)
    by_kind = {e["kind"]: e for e in history}
    assert by_kind["attendance"]["user_name"] == "Sam Okafor"
    assert by_kind["attendance"]["detail"]["changes"] == [
        {"membership_id": w.seat("aisha"), "name": "Aisha Rahman", "status": [None, "present"]}
    ]
    assert by_kind["item_notes"]["detail"] == {
        "item_number": 3,
        "before": "",
        "after": "Billing reported a fall",
        "saves": 3,
    }
    changed = by_kind["decision_changed"]
    assert changed["user_name"] == "Helen Carter"
    assert changed["detail"]["text"] == ["Two", "Two, reworded"] and changed["detail"]["item_number"] == [5, 6]
    deleted = by_kind["decision_deleted"]["detail"]
    assert (deleted["number"], deleted["text"], deleted["renumbered"]) == (1, "One", [[2, 1], [3, 2]])
    assert by_kind["action_raised"]["detail"]["action_id"] == action["id"]
    assert by_kind["aob_outcome"]["detail"]["after"] == "Noted"
    assert by_kind["minutes_updated"]["detail"] == {"previous_minutes_approved": [None, True]}
    assert by_kind["circulated"]["detail"]["meeting_marked_held"] is True
    assert "snapshot" not in by_kind["approved"]["detail"]

    # The register runs 1..n again after the deletion.
    doc = client.get(url(w, "/minutes"), headers=sec).json()
    assert [(d["number"], d["text"], d["item_number"]) for d in doc["decisions"]] == [
        (1, "Two, reworded", 6),
        (2, "Three", 7),
    ]
    assert third["number"] == 3


def test_validation_names_the_field(app, client, session):
    w = arrange(session)
    sec = as_(app, w, "secretary")
    other = make_council(session)
    stranger = make_membership(session, council=other)
    other_meeting = make_meeting(session, council=other)
    foreign_decision = Decision(meeting_id=other_meeting.id, number=1, item_number=1, text="Elsewhere")
    foreign_aob = AobItem(meeting_id=other_meeting.id, title="Elsewhere")
    session.add_all([foreign_decision, foreign_aob])
    session.commit()

    for number in (0, 10):
        bad = client.put(
            url(w, f"/minutes/items/{number}"),
            headers={**sec, "If-Match": '"0"'},
            json={"notes": "x"},
        )
        assert bad.status_code == 422 and error_fields(bad) == {"number"}

    unknown = attendance(client, app, w, {"membership_id": w.seat("aisha"), "status": "asleep"})
    assert unknown.status_code == 422 and error_fields(unknown) == {"status"}
    foreign = attendance(
        client,
        app,
        w,
        {"membership_id": w.seat("aisha"), "status": "present"},
        {"membership_id": stranger.id, "status": "present"},
    )
    assert foreign.status_code == 422 and error_fields(foreign) == {"attendance[1].membership_id"}
    assert foreign.json()["detail"][0]["msg"].startswith("Row 2:")
    nameless = attendance(client, app, w, {"membership_id": w.seat("ben"), "status": "delegate"})
    assert nameless.status_code == 422 and error_fields(nameless) == {"attendance[0].delegate_name"}
    assert "Ben Hughes" in nameless.json()["detail"][0]["msg"]
    twice = attendance(
        client,
        app,
        w,
        {"membership_id": w.seat("ben"), "status": "present"},
        {"membership_id": w.seat("ben"), "status": "absent"},
    )
    assert twice.status_code == 422 and error_fields(twice) == {"attendance[1].membership_id"}
    # A refused request changes nothing, not even its valid rows.
    rows = client.get(url(w, "/minutes"), headers=sec).json()["attendance"]
    assert all(r["status"] is None for r in rows)

    for body, field in [
        ({"item_number": 3, "text": ""}, "text"),
        ({"item_number": 3, "text": "   "}, "text"),
        ({"item_number": 0, "text": "x"}, "item_number"),
        ({"item_number": 3}, "text"),
    ]:
        bad = client.post(url(w, "/decisions"), headers=sec, json=body)
        assert bad.status_code == 422 and error_fields(bad) == {field}, body
    decision = client.post(url(w, "/decisions"), headers=sec, json={"item_number": 3, "text": "Ok"}).json()
    null = client.patch(url(w, f"/decisions/{decision['id']}"), headers=sec, json={"text": None})
    assert null.status_code == 422 and error_fields(null) == {"text"}
    assert client.patch(url(w, f"/decisions/{foreign_decision.id}"), headers=sec, json={"text": "x"}).status_code == 404
    assert client.delete(url(w, f"/decisions/{foreign_decision.id}"), headers=sec).status_code == 404
    assert client.put(url(w, f"/aob/{foreign_aob.id}/outcome"), headers=sec, json={"outcome": "x"}).status_code == 404

    due = (date.today() + timedelta(days=7)).isoformat()
    no_item = client.post(
        url(w, "/actions"), headers=sec, json={"title": "x", "owner_id": w.seat("ben"), "due_on": due}
    )
    assert no_item.status_code == 422 and error_fields(no_item) == {"item_number"}
    outsider = client.post(
        url(w, "/actions"), headers=sec, json={"title": "x", "owner_id": stranger.id, "due_on": due, "item_number": 3}
    )
    assert outsider.status_code == 422 and error_fields(outsider) == {"owner_id"}
    elsewhere = client.post(
        url(w, "/actions"),
        headers=sec,
        json={"title": "x", "owner_id": w.seat("ben"), "due_on": due, "item_number": 3, "raised_at_item": 4},
    )
    assert elsewhere.status_code == 422 and error_fields(elsewhere) == {"raised_at_item"}

    cleared = client.put(
        url(w, "/minutes"), headers=if_match(client, url(w, "/minutes"), sec), json={"next_meeting_note": None}
    )
    assert cleared.status_code == 422 and error_fields(cleared) == {"next_meeting_note"}
    typo = client.put(
        url(w, "/minutes"), headers=if_match(client, url(w, "/minutes"), sec), json={"next_meting_note": "x"}
    )
    assert typo.status_code == 422
    mail = client.post(
        url(w, "/minutes/circulate"),
        headers=if_match(client, url(w, "/minutes/circulate"), sec, read=url(w, "/minutes")),
        json={"email": "yes"},
    )
    assert mail.status_code == 422 and error_fields(mail) == {"email"}
    assert client.get(url(w, "/minutes"), headers=sec).json()["status"] == "draft"


def test_who_may_do_what(app, client, session):
    w = arrange(session)
    outsider = make_user(session)
    make_council(session, chair=outsider)
    session.commit()
    due = (date.today() + timedelta(days=7)).isoformat()
    writes = [
        ("PUT", "/attendance", {"attendance": [{"membership_id": w.seat("aisha"), "status": "present"}]}),
        ("PUT", "/minutes/items/3", {"notes": "x"}),
        ("POST", "/decisions", {"item_number": 3, "text": "x"}),
        ("POST", "/actions", {"title": "x", "owner_id": w.seat("aisha"), "due_on": due, "item_number": 3}),
        ("PUT", f"/aob/{w.aob.id}/outcome", {"outcome": "x"}),
        ("PUT", "/minutes", {"next_meeting_note": "x"}),
        ("POST", "/minutes/circulate", None),
        ("POST", "/minutes/approve", None),
        ("POST", "/minutes/amendments", {"text": "x", "reason": "y"}),
    ]
    for who in ("aisha", "observer"):
        for method, tail, body in writes:
            tagged = {**as_(app, w, who), "If-Match": current_tag(client, app, w, tail)}
            response = client.request(method, url(w, tail), headers=tagged, json=body)
            assert response.status_code == 403, f"{who} {method} {tail}: {response.text}"
    assert client.get(url(w, "/minutes"), headers=as_(app, w, "aisha")).status_code == 200
    assert client.get(url(w, "/minutes"), headers=as_(app, w, "observer")).status_code == 403
    assert client.get(url(w, "/minutes"), headers=auth(app, outsider)).status_code == 404
    assert client.get(url(w, "/minutes")).status_code == 401
    # Nothing the refused writers sent was recorded.
    assert client.get(url(w, "/minutes/history"), headers=as_(app, w, "chair")).json()["count"] == 0


def test_a_cancelled_meeting_cannot_be_minuted(app, client, session):
    w = arrange(session)
    w.meeting.status = "cancelled"
    session.add(w.meeting)
    session.commit()
    refused = client.put(
        url(w, "/minutes/items/3"),
        headers=if_match(client, url(w, "/minutes/items/3"), as_(app, w, "secretary")),
        json={"notes": "x"},
    )
    assert refused.status_code == 409 and "cancelled" in refused.json()["detail"]
    assert (
        client.post(
            url(w, "/minutes/circulate"),
            headers=if_match(client, url(w, "/minutes/circulate"), as_(app, w, "chair"), read=url(w, "/minutes")),
        ).status_code
        == 409
    )


def test_text_survives_intact(app, client, session):
    w = arrange(session)
    sec = as_(app, w, "secretary")
    attendance(
        client,
        app,
        w,
        {"membership_id": w.seat("ben"), "status": "delegate", "delegate_name": "Zoë «Ω» O'Brien", "note": TRICKY},
    )
    client.put(
        url(w, "/minutes/items/4"),
        headers=if_match(client, url(w, "/minutes/items/4"), sec),
        json={"notes": f"{TRICKY}\nSecond line & more"},
    )
    client.post(url(w, "/decisions"), headers=sec, json={"item_number": 4, "text": TRICKY})
    client.put(url(w, f"/aob/{w.aob.id}/outcome"), headers=sec, json={"outcome": TRICKY})
    client.put(
        url(w, "/minutes"),
        headers=if_match(client, url(w, "/minutes"), sec),
        json={"previous_minutes_note": TRICKY, "next_meeting_note": TRICKY},
    )
    doc = client.get(url(w, "/minutes"), headers=sec).json()
    ben = next(r for r in doc["attendance"] if r["membership_id"] == w.seat("ben"))
    assert (ben["delegate_name"], ben["note"]) == ("Zoë «Ω» O'Brien", TRICKY)
    assert doc["items"][3]["notes"] == f"{TRICKY}\nSecond line & more"
    assert doc["decisions"][0]["text"] == TRICKY
    assert doc["aob"][0]["outcome"] == TRICKY
    assert doc["previous_minutes_note"] == TRICKY and doc["next_meeting_note"] == TRICKY
    assert next(r for r in doc["attendance"] if r["name"] == "Chen Wei 陈伟")
    history = client.get(url(w, "/minutes/history"), headers=sec).json()["data"]
    assert history[2]["detail"]["text"] == TRICKY


def _count_queries(engine, world: World) -> int:
    statements = []

    def record(*_args):
        statements.append(1)

    with Session(engine) as session:
        user = session.get(User, world.users["chair"].id)
        access = load_access(session=session, user=user, council_id=world.council.id)
        meeting = session.get(Meeting, world.meeting.id)
        event.listen(engine, "before_cursor_execute", record)
        try:
            load_minutes(session=session, access=access, meeting=meeting)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_minutes_queries_do_not_grow_with_the_record(app, client, engine, session):
    w = arrange(session)
    sec = as_(app, w, "secretary")
    assert client.post(url(w, "/agenda/publish"), headers=as_(app, w, "chair")).status_code == 200

    def grow(n: int) -> None:
        for k in range(n):
            client.post(url(w, "/decisions"), headers=sec, json={"item_number": k % 9 + 1, "text": f"D{k}"})
            client.put(
                url(w, f"/minutes/items/{k % 9 + 1}"),
                headers=if_match(client, url(w, f"/minutes/items/{k % 9 + 1}"), sec),
                json={"notes": f"N{k}"},
            )
        # After the app's writes: an open test transaction would hold SQLite's write lock.
        for _ in range(n):
            make_action(session, council=w.council, owner=w.seats["aisha"], raised_at=w.meeting)
        session.commit()

    grow(2)
    small = _count_queries(engine, w)
    grow(12)
    assert _count_queries(engine, w) == small
    assert small <= 14


def test_decisions_numbered_concurrently_from_the_first_write(live_server, settings, session):
    w = arrange(session)
    writers = 8
    headers = {"Authorization": f"Bearer {access_token(user=w.users['secretary'], settings=settings)}"}
    start = threading.Barrier(writers)

    def write(n: int) -> int:
        with httpx.Client(timeout=60) as http:
            start.wait()
            response = http.post(
                f"{live_server}{url(w, '/decisions')}", headers=headers, json={"item_number": 3, "text": f"D{n}"}
            )
            return response.status_code

    with ThreadPoolExecutor(writers) as pool:
        statuses = list(pool.map(write, range(writers)))
    assert statuses == [201] * writers
    numbers = session.exec(select(Decision.number).where(Decision.meeting_id == w.meeting.id)).all()
    assert sorted(numbers) == list(range(1, writers + 1))


def test_once_minuting_starts_attendance_and_aob_change_only_in_the_minutes(app, client, session):
    w = arrange(session)
    dana, aisha = as_(app, w, "dana"), as_(app, w, "aisha")
    make_response(session, meeting=w.meeting, seat=w.seats["dana"], answer="apologies", reason="On leave")
    session.commit()
    client.put(
        url(w, "/minutes/items/1"),
        headers=if_match(client, url(w, "/minutes/items/1"), as_(app, w, "secretary")),
        json={"notes": "Started"},
    )
    for method, tail, headers, body in [
        ("PUT", "/apologies", as_(app, w, "ben"), {"note": "Late apologies"}),
        ("DELETE", "/apologies", dana, None),
        ("POST", "/aob", aisha, {"title": "A late item"}),
        ("DELETE", f"/aob/{w.aob.id}", aisha, None),
    ]:
        refused = client.request(method, url(w, tail), headers=headers, json=body)
        assert refused.status_code == 409 and "minuting" in refused.json()["detail"], f"{method} {tail}"
    doc = client.get(url(w, "/minutes"), headers=aisha).json()
    assert [(r["name"], r["status"]) for r in doc["attendance"] if r["status"]] == [("Dana Price", "apologies")]
    assert [a["title"] for a in doc["aob"]] == ["Storm readiness"]
