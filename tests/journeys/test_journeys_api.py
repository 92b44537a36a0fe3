"""Journeys through the JSON API: owners, steps in order, departments per step, the matrix."""

from dataclasses import dataclass

import pytest
from sqlmodel import Session, col, select

from app.models import Council, Department, Journey, JourneyStep, Measure, Membership, Role, StepDepartment, User
from tests.factories import make_council, make_department, make_membership
from tests.helpers import auth, error_fields
from tests.kept import kept


@dataclass
class World:
    council: Council
    calls: Department
    field: Department
    billing: Department
    chair: Membership
    owner: Membership
    member: Membership
    observer: Membership
    other_council: Council
    other_department: Department
    other_seat: Membership
    signed_in: dict[int, dict[str, str]]

    def as_(self, seat: Membership) -> dict[str, str]:
        return self.signed_in[seat.id]


@pytest.fixture
def world(app, session: Session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(app, session))


def _build_world(app, session: Session) -> World:
    council = make_council(session, name="Utility council")
    departments = {n: make_department(session, council=council, name=n) for n in ("Call Centre", "Field", "Billing")}
    seats = {
        "chair": make_membership(session, council=council, role=Role.chair),
        "owner": make_membership(session, council=council, role=Role.member, department=departments["Field"]),
        "member": make_membership(session, council=council, role=Role.member),
        "observer": make_membership(session, council=council, role=Role.observer),
    }
    other = make_council(session, name="Another council")
    other_department = make_department(session, council=other, name="Call Centre")
    other_seat = make_membership(session, council=other, role=Role.chair)
    session.commit()
    signed_in = {s.id: auth(app, session.get(User, s.user_id)) for s in [*seats.values(), other_seat]}
    return World(
        council=council,
        calls=departments["Call Centre"],
        field=departments["Field"],
        billing=departments["Billing"],
        other_council=other,
        other_department=other_department,
        other_seat=other_seat,
        signed_in=signed_in,
        **seats,
    )


def journeys_url(world: World) -> str:
    return f"/api/councils/{world.council.id}/journeys"


def make_journey(client, world: World, name: str = "No supply", owner: Membership | None = None) -> dict:
    owner = owner or world.owner
    response = client.post(
        journeys_url(world), json={"name": name, "owner_id": owner.id}, headers=world.as_(world.chair)
    )
    assert response.status_code == 201, response.text
    return response.json()


def add_step(client, world: World, journey: dict, name: str, *, as_=None, **body) -> dict:
    response = client.post(
        f"/api/journeys/{journey['id']}/steps", json={"name": name, **body}, headers=world.as_(as_ or world.owner)
    )
    assert response.status_code == 201, response.text
    return response.json()


def steps_of(client, world: World, journey: dict) -> list[tuple[int, str]]:
    response = client.get(f"/api/journeys/{journey['id']}/steps", headers=world.as_(world.member))
    assert response.status_code == 200, response.text
    return [(s["position"], s["name"]) for s in response.json()["data"]]


def stored_steps(session: Session, journey_id: int) -> list[tuple[int, str]]:
    session.expire_all()
    rows = session.exec(
        select(JourneyStep).where(JourneyStep.journey_id == journey_id).order_by(col(JourneyStep.position))
    )
    return [(s.position, s.name) for s in rows]


def owns(department: Department) -> dict:
    return {"department_id": department.id, "responsibility": "owns"}


def helps(department: Department) -> dict:
    return {"department_id": department.id, "responsibility": "contributes"}


# -- journeys -------------------------------------------------------------------------


def test_chair_creates_a_journey_with_an_owner_and_everyone_reads_it(client, world):
    response = client.post(
        journeys_url(world),
        json={
            "name": "  No supply / power cut ",
            "description": "From the first call to the bill",
            "owner_id": world.owner.id,
        },
        headers=world.as_(world.chair),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "No supply / power cut"
    assert body["owner_id"] == world.owner.id
    assert body["owner_name"]
    assert (body["step_count"], body["gap_count"], body["overlap_count"], body["handoff_count"]) == (0, 0, 0, 0)

    listed = client.get(journeys_url(world), headers=world.as_(world.observer)).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == body["id"]
    assert client.get(f"/api/journeys/{body['id']}", headers=world.as_(world.observer)).json() == body


def test_owner_must_sit_on_this_council(client, session, world):
    for owner_id in (world.other_seat.id, 999_999):
        response = client.post(
            journeys_url(world), json={"name": "Moving home", "owner_id": owner_id}, headers=world.as_(world.chair)
        )
        assert response.status_code == 422, response.text
        assert error_fields(response) == {"owner_id"}
    session.expire_all()
    assert session.exec(select(Journey)).all() == []


def test_journey_name_is_required_and_unique_in_the_council(client, world):
    response = client.post(journeys_url(world), json={"name": "   "}, headers=world.as_(world.chair))
    assert response.status_code == 422 and error_fields(response) == {"name"}
    make_journey(client, world, "Moving home")
    response = client.post(journeys_url(world), json={"name": "moving HOME"}, headers=world.as_(world.chair))
    assert response.status_code == 409
    # Another council may use the same name.
    response = client.post(
        f"/api/councils/{world.other_council.id}/journeys",
        json={"name": "Moving home"},
        headers=world.as_(world.other_seat),
    )
    assert response.status_code == 201


def test_a_journey_may_wait_for_its_owner(client, world):
    response = client.post(journeys_url(world), json={"name": "Complaints"}, headers=world.as_(world.chair))
    assert response.status_code == 201
    assert response.json()["owner_id"] is None and response.json()["owner_name"] is None


def test_owner_edits_the_journey_but_only_the_chair_names_a_new_owner(client, world):
    journey = make_journey(client, world)
    url = f"/api/journeys/{journey['id']}"
    response = client.patch(url, json={"description": "Power cut to supply restored"}, headers=world.as_(world.owner))
    assert response.status_code == 200 and response.json()["description"] == "Power cut to supply restored"
    # Sending the same owner is not a change of owner.
    response = client.patch(url, json={"owner_id": world.owner.id}, headers=world.as_(world.owner))
    assert response.status_code == 200
    response = client.patch(url, json={"owner_id": world.member.id}, headers=world.as_(world.owner))
    assert response.status_code == 403
    response = client.patch(url, json={"owner_id": world.member.id}, headers=world.as_(world.chair))
    assert response.status_code == 200 and response.json()["owner_id"] == world.member.id
    # The former owner no longer edits it; the new one does.
    assert client.patch(url, json={"description": "x"}, headers=world.as_(world.owner)).status_code == 403
    assert client.patch(url, json={"description": "y"}, headers=world.as_(world.member)).status_code == 200
    response = client.patch(url, json={"owner_id": world.other_seat.id}, headers=world.as_(world.chair))
    assert response.status_code == 422 and error_fields(response) == {"owner_id"}
    response = client.patch(url, json={"owner_id": None}, headers=world.as_(world.chair))
    assert response.status_code == 200 and response.json()["owner_id"] is None


def test_patch_refuses_nulls_and_unknown_fields(client, world):
    journey = make_journey(client, world)
    url = f"/api/journeys/{journey['id']}"
    response = client.patch(url, json={"name": None}, headers=world.as_(world.chair))
    assert response.status_code == 422 and error_fields(response) == {"name"}
    response = client.patch(url, json={"nmae": "typo"}, headers=world.as_(world.chair))
    assert response.status_code == 422 and error_fields(response) == {"nmae"}


def test_rename_to_a_taken_name_is_a_conflict(client, world):
    make_journey(client, world, "Moving home")
    journey = make_journey(client, world, "No supply")
    response = client.patch(
        f"/api/journeys/{journey['id']}", json={"name": "Moving Home"}, headers=world.as_(world.chair)
    )
    assert response.status_code == 409
    # Its own name, differently cased, is fine.
    response = client.patch(
        f"/api/journeys/{journey['id']}", json={"name": "NO SUPPLY"}, headers=world.as_(world.chair)
    )
    assert response.status_code == 200


def test_another_councils_journey_does_not_exist_for_me(client, world):
    journey = make_journey(client, world)
    for method in ("GET", "PATCH", "DELETE"):
        response = client.request(
            method, f"/api/journeys/{journey['id']}", json={"name": "Mine"}, headers=world.as_(world.other_seat)
        )
        assert response.status_code == 404, method
    assert client.get(f"/api/journeys/{journey['id']}/matrix", headers=world.as_(world.other_seat)).status_code == 404
    assert client.get("/api/journeys/2147483648", headers=world.as_(world.chair)).status_code == 422


def test_chair_deletes_a_journey_with_its_steps(client, session, world):
    journey = make_journey(client, world)
    add_step(client, world, journey, "Report the fault", departments=[owns(world.calls)])
    response = client.delete(f"/api/journeys/{journey['id']}", headers=world.as_(world.chair))
    assert response.status_code == 204
    session.expire_all()
    assert session.exec(select(JourneyStep)).all() == []
    assert session.exec(select(StepDepartment)).all() == []


def test_a_journey_with_measures_is_not_deleted(client, session, world):
    journey = make_journey(client, world)
    session.add(Measure(council_id=world.council.id, name="Repeat visits", scope="journey", journey_id=journey["id"]))
    session.commit()
    response = client.delete(f"/api/journeys/{journey['id']}", headers=world.as_(world.chair))
    assert response.status_code == 409
    assert "measure" in response.json()["detail"]
    session.expire_all()
    assert session.get(Journey, journey["id"]) is not None


# -- steps ----------------------------------------------------------------------------


def test_steps_append_and_insert_keeping_positions_contiguous(client, session, world):
    journey = make_journey(client, world)
    add_step(client, world, journey, "Report")
    add_step(client, world, journey, "Visit")
    add_step(client, world, journey, "Bill")
    # Inserting at 2 moves Visit and Bill down one.
    inserted = add_step(client, world, journey, "Diagnose", position=2, channel="Phone")
    assert inserted["position"] == 2 and inserted["channel"] == "Phone"
    assert steps_of(client, world, journey) == [(1, "Report"), (2, "Diagnose"), (3, "Visit"), (4, "Bill")]
    # At n + 1 is the end; first is 1.
    add_step(client, world, journey, "Follow-up", position=5)
    add_step(client, world, journey, "Notice", position=1)
    assert stored_steps(session, journey["id"]) == [
        (1, "Notice"),
        (2, "Report"),
        (3, "Diagnose"),
        (4, "Visit"),
        (5, "Bill"),
        (6, "Follow-up"),
    ]


@pytest.mark.parametrize("position", [0, 3, -1, "2", 1.5])
def test_a_position_past_the_end_or_not_a_whole_number_is_refused(client, session, world, position):
    journey = make_journey(client, world)
    add_step(client, world, journey, "Report")
    response = client.post(
        f"/api/journeys/{journey['id']}/steps",
        json={"name": "Visit", "position": position},
        headers=world.as_(world.chair),
    )
    assert response.status_code == 422, response.text
    assert error_fields(response) == {"position"}
    assert stored_steps(session, journey["id"]) == [(1, "Report")]


def test_moving_a_step_shifts_the_others_both_ways(client, session, world):
    journey = make_journey(client, world)
    steps = [add_step(client, world, journey, name) for name in "ABCDE"]
    url = f"/api/journeys/{journey['id']}/steps"
    response = client.patch(f"{url}/{steps[3]['id']}", json={"position": 2}, headers=world.as_(world.owner))
    assert response.status_code == 200 and response.json()["position"] == 2
    assert [n for _, n in stored_steps(session, journey["id"])] == list("ADBCE")
    response = client.patch(f"{url}/{steps[0]['id']}", json={"position": 5}, headers=world.as_(world.owner))
    assert response.status_code == 200
    assert stored_steps(session, journey["id"]) == [(1, "D"), (2, "B"), (3, "C"), (4, "E"), (5, "A")]
    # Past the end is refused (no n + 1 when moving), and nothing moves.
    response = client.patch(f"{url}/{steps[1]['id']}", json={"position": 6}, headers=world.as_(world.owner))
    assert response.status_code == 422 and error_fields(response) == {"position"}
    assert [n for _, n in stored_steps(session, journey["id"])] == list("DBCEA")


def test_deleting_a_step_closes_up_the_positions(client, session, world):
    journey = make_journey(client, world)
    steps = [add_step(client, world, journey, name) for name in "ABCD"]
    response = client.delete(f"/api/journeys/{journey['id']}/steps/{steps[1]['id']}", headers=world.as_(world.chair))
    assert response.status_code == 204
    assert stored_steps(session, journey["id"]) == [(1, "A"), (2, "C"), (3, "D")]


def test_a_step_lists_its_departments_owners_first(client, world):
    journey = make_journey(client, world)
    step = add_step(
        client,
        world,
        journey,
        "Diagnose on the call",
        channel="Phone",
        description="Ask the three fault questions",
        departments=[helps(world.field), owns(world.calls), helps(world.billing)],
    )
    assert [(d["department_name"], d["responsibility"]) for d in step["departments"]] == [
        ("Call Centre", "owns"),
        ("Billing", "contributes"),
        ("Field", "contributes"),
    ]


def test_departments_must_be_this_councils_and_each_listed_once(client, session, world):
    journey = make_journey(client, world)
    add_step(client, world, journey, "Report")
    url = f"/api/journeys/{journey['id']}/steps"
    for departments in (
        [owns(world.calls), helps(world.other_department)],
        [{"department_id": 999_999, "responsibility": "owns"}],
        [owns(world.calls), helps(world.calls)],
    ):
        response = client.post(
            url, json={"name": "Visit", "position": 1, "departments": departments}, headers=world.as_(world.owner)
        )
        assert response.status_code == 422, response.text
        assert error_fields(response) == {"departments"}
    response = client.post(
        url,
        json={"name": "Visit", "departments": [{"department_id": world.calls.id, "responsibility": "leads"}]},
        headers=world.as_(world.owner),
    )
    assert response.status_code == 422 and error_fields(response) == {"responsibility"}
    # Nothing half-written: no new step, no shifted positions, no department rows.
    assert stored_steps(session, journey["id"]) == [(1, "Report")]
    assert session.exec(select(StepDepartment)).all() == []


def test_patch_replaces_departments_only_when_sent(client, session, world):
    journey = make_journey(client, world)
    step = add_step(client, world, journey, "Book", departments=[owns(world.calls), helps(world.field)])
    url = f"/api/journeys/{journey['id']}/steps/{step['id']}"
    response = client.patch(url, json={"channel": "SMS"}, headers=world.as_(world.owner))
    assert len(response.json()["departments"]) == 2
    response = client.patch(
        url, json={"departments": [helps(world.calls), owns(world.billing)]}, headers=world.as_(world.owner)
    )
    assert response.status_code == 200
    assert {(d["department_id"], d["responsibility"]) for d in response.json()["departments"]} == {
        (world.calls.id, "contributes"),
        (world.billing.id, "owns"),
    }
    # A refused replacement leaves the old list, and the other changes in the same request, untouched.
    response = client.patch(
        url, json={"name": "Renamed", "departments": [owns(world.other_department)]}, headers=world.as_(world.owner)
    )
    assert response.status_code == 422 and error_fields(response) == {"departments"}
    session.expire_all()
    assert session.get(JourneyStep, step["id"]).name == "Book"
    rows = session.exec(select(StepDepartment).where(StepDepartment.step_id == step["id"])).all()
    assert {(r.department_id, r.responsibility) for r in rows} == {
        (world.calls.id, "contributes"),
        (world.billing.id, "owns"),
    }
    # An empty list clears them.
    response = client.patch(url, json={"departments": []}, headers=world.as_(world.owner))
    assert response.json()["departments"] == []


def test_step_patch_refuses_null_name(client, world):
    journey = make_journey(client, world)
    step = add_step(client, world, journey, "Book")
    response = client.patch(
        f"/api/journeys/{journey['id']}/steps/{step['id']}", json={"name": None}, headers=world.as_(world.owner)
    )
    assert response.status_code == 422 and error_fields(response) == {"name"}


def test_a_step_of_another_journey_is_not_found(client, world):
    first = make_journey(client, world, "First")
    second = make_journey(client, world, "Second")
    step = add_step(client, world, first, "Report")
    url = f"/api/journeys/{second['id']}/steps/{step['id']}"
    assert client.patch(url, json={"name": "Moved"}, headers=world.as_(world.chair)).status_code == 404
    assert client.delete(url, headers=world.as_(world.chair)).status_code == 404


def test_only_the_chair_and_the_owner_change_steps(client, world):
    journey = make_journey(client, world)
    step = add_step(client, world, journey, "Report")
    url = f"/api/journeys/{journey['id']}/steps"
    for seat in (world.member, world.observer):
        assert client.post(url, json={"name": "Visit"}, headers=world.as_(seat)).status_code == 403
        assert client.patch(f"{url}/{step['id']}", json={"name": "X"}, headers=world.as_(seat)).status_code == 403
        assert client.delete(f"{url}/{step['id']}", headers=world.as_(seat)).status_code == 403
    assert client.post(url, json={"name": "Visit"}, headers=world.as_(world.chair)).status_code == 201


def test_a_new_step_touches_the_journey(client, world):
    journey = make_journey(client, world)
    add_step(client, world, journey, "Report")
    after = client.get(f"/api/journeys/{journey['id']}", headers=world.as_(world.member)).json()
    assert after["updated_at"] > journey["updated_at"]
    assert after["step_count"] == 1


# -- the matrix -----------------------------------------------------------------------


def test_matrix_shows_the_grid_gaps_overlaps_and_handoffs(client, world):
    journey = make_journey(client, world)
    report = add_step(client, world, journey, "Report the fault", channel="Phone", departments=[owns(world.calls)])
    book = add_step(client, world, journey, "Book the engineer", departments=[owns(world.calls), owns(world.field)])
    visit = add_step(client, world, journey, "Engineer visit", channel="Home", departments=[owns(world.field)])
    follow = add_step(client, world, journey, "Follow-up", departments=[helps(world.calls)])
    bill = add_step(client, world, journey, "Bill adjustment", departments=[owns(world.billing)])

    response = client.get(f"/api/journeys/{journey['id']}/matrix", headers=world.as_(world.observer))
    assert response.status_code == 200, response.text
    matrix = response.json()
    assert [d["name"] for d in matrix["departments"]] == ["Call Centre", "Field", "Billing"]
    assert [(r["position"], r["name"], r["channel"], r["cells"], r["status"]) for r in matrix["rows"]] == [
        (1, "Report the fault", "Phone", ["owns", None, None], "owned"),
        (2, "Book the engineer", "", ["owns", "owns", None], "overlap"),
        (3, "Engineer visit", "Home", [None, "owns", None], "owned"),
        (4, "Follow-up", "", ["contributes", None, None], "gap"),
        (5, "Bill adjustment", "", [None, None, "owns"], "owned"),
    ]
    assert matrix["gaps"] == [
        {
            "step": {"id": follow["id"], "position": 4, "name": "Follow-up"},
            "contributors": [{"id": world.calls.id, "name": "Call Centre"}],
        }
    ]
    assert matrix["overlaps"] == [
        {
            "step": {"id": book["id"], "position": 2, "name": "Book the engineer"},
            "owners": [{"id": world.calls.id, "name": "Call Centre"}, {"id": world.field.id, "name": "Field"}],
        }
    ]
    handoffs = [
        (
            h["from_step"]["id"],
            h["to_step"]["id"],
            [d["name"] for d in h["from_departments"]],
            [d["name"] for d in h["to_departments"]],
            [s["id"] for s in h["across"]],
        )
        for h in matrix["handoffs"]
    ]
    assert handoffs == [
        (report["id"], book["id"], ["Call Centre"], ["Call Centre", "Field"], []),
        (book["id"], visit["id"], ["Call Centre", "Field"], ["Field"], []),
        (visit["id"], bill["id"], ["Field"], ["Billing"], [follow["id"]]),
    ]
    listed = client.get(f"/api/journeys/{journey['id']}", headers=world.as_(world.member)).json()
    assert (listed["step_count"], listed["gap_count"], listed["overlap_count"], listed["handoff_count"]) == (5, 1, 1, 3)


def test_an_empty_journey_has_an_empty_matrix_with_every_department(client, world):
    journey = make_journey(client, world)
    matrix = client.get(f"/api/journeys/{journey['id']}/matrix", headers=world.as_(world.member)).json()
    assert [d["name"] for d in matrix["departments"]] == ["Billing", "Call Centre", "Field"]
    assert matrix["rows"] == matrix["gaps"] == matrix["overlaps"] == matrix["handoffs"] == []
