"""Initiatives through the JSON API: proposing, status moves, editing, links, ETags, priorities, weights."""

from dataclasses import dataclass
from datetime import date

import pytest
from sqlmodel import Session, func, select

from app.common import today_in
from app.models import (
    Council,
    Department,
    Initiative,
    InitiativeMeasure,
    Journey,
    Measure,
    Membership,
    Reading,
    Role,
    User,
)
from tests.factories import make_council, make_department, make_membership
from tests.helpers import auth, error_fields, if_match
from tests.kept import kept


@dataclass
class World:
    council: Council
    billing: Department
    field: Department
    chair: Membership
    member: Membership
    owner: Membership
    observer: Membership
    headers: dict[int, dict[str, str]]

    def h(self, seat: Membership, if_match: str | None = None) -> dict[str, str]:
        return {**self.headers[seat.id], **({"If-Match": if_match} if if_match else {})}

    @property
    def url(self) -> str:
        return f"/api/councils/{self.council.id}/initiatives"


@pytest.fixture
def world(app, session: Session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(app, session))


def _build_world(app, session: Session) -> World:
    council = make_council(session, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    field = make_department(session, council=council, name="Field Engineering")
    seats = {
        "chair": make_membership(session, council=council, role=Role.chair),
        "member": make_membership(session, council=council, role=Role.member, department=billing),
        "owner": make_membership(session, council=council, role=Role.member, department=field),
        "observer": make_membership(session, council=council, role=Role.observer),
    }
    session.commit()
    headers = {s.id: auth(app, session.get(User, s.user_id)) for s in seats.values()}
    return World(council=council, billing=billing, field=field, headers=headers, **seats)


def make_measure(session, council, name="Repeat visits", direction="lower_is_better", readings=()) -> Measure:
    measure = Measure(council_id=council.id, name=name, direction=direction, unit="%")
    session.add(measure)
    session.flush()
    for period, value in readings:
        session.add(Reading(measure_id=measure.id, period=period, value=value))
    session.flush()
    return measure


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


CHECKLIST = {
    "title": "Fault-diagnosis checklist on every call",
    "description": "Ask the five fault questions so the engineer brings the right parts.",
    "failure_volume_per_year": 2000,
    "unit_cost": 150,
    "implementation_cost": 60000,
    "customer_impact": 5,
    "effort": 2,
    "strategic_fit": 4,
    "confidence": 4,
}


def propose(client, world, seat=None, **fields) -> dict:
    response = client.post(world.url, headers=world.h(seat or world.member), json={**CHECKLIST, **fields})
    assert response.status_code == 201, response.text
    return response.json()


# -- proposing --------------------------------------------------------------------------


def test_a_member_proposes_and_the_economics_follow(client, session, world):
    response = client.post(
        world.url,
        headers=world.h(world.member),
        json={**CHECKLIST, "department_ids": [world.field.id, world.billing.id, world.field.id]},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "proposed"
    assert body["proposed_by_id"] == world.member.id and body["proposed_by_name"]
    assert body["owner_id"] is None and body["rag"] is None and body["percent_complete"] == 0
    # 2,000 visits × £150 = £300,000 a year; less £60,000 = £240,000; 60,000 / 25,000 = 2.4 months.
    assert body["yearly_saving"] == 300000
    assert body["net_first_year_saving"] == 240000
    assert body["payback_months"] == pytest.approx(2.4)
    assert [d["name"] for d in body["departments"]] == ["Billing", "Field Engineering"]
    assert body["next_statuses"] == ["approved", "on_hold", "rejected"]
    assert response.headers["ETag"] == f'"{body["version"]}"'
    listed = client.get(world.url, headers=world.h(world.observer)).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == body["id"]


def test_an_observer_cannot_propose(client, session, world):
    response = client.post(world.url, headers=world.h(world.observer), json={"title": "Quietly"})
    assert response.status_code == 403
    assert count(session, Initiative) == 0


def test_no_saving_means_no_payback(client, world):
    body = propose(client, world, failure_volume_per_year=0)
    assert (body["yearly_saving"], body["net_first_year_saving"], body["payback_months"]) == (0, -60000, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "Ok", "customer_impact": 6}, "customer_impact"),
        ({"title": "Ok", "effort": 0}, "effort"),
        ({"title": "Ok", "confidence": "high"}, "confidence"),
        ({"title": "Ok", "strategic_fit": 2.5}, "strategic_fit"),
        ({"title": "Ok", "unit_cost": -3}, "unit_cost"),
        ({"title": "Ok", "unit_cost": "3"}, "unit_cost"),
        ({"title": "Ok", "implementation_cost": 1e13}, "implementation_cost"),
        ({"title": "Ok", "failure_volume_per_year": -1}, "failure_volume_per_year"),
        ({"title": "Ok", "start_on": "1900-01-01"}, "start_on"),
        ({"title": "Ok", "start_on": "2026-05-01", "target_on": "2026-04-30"}, "target_on"),
        ({"title": "Ok", "status": "approved"}, "status"),
        ({"title": "Ok", "department_ids": [0]}, "0"),
        ({"title": "Ok", "measures": [{"measure_id": 1, "baseline": 3}]}, "baseline"),
    ],
)
def test_bad_proposals_name_the_field_and_store_nothing(client, session, world, body, field):
    response = client.post(world.url, headers=world.h(world.member), json=body)
    assert response.status_code == 422, response.text
    assert field in error_fields(response), response.json()
    assert count(session, Initiative) == 0


def test_ids_of_another_council_are_refused_naming_the_field(client, session, world):
    other = make_council(session, name="Other council")
    other_department = make_department(session, council=other, name="Billing")
    other_seat = make_membership(session, council=other)
    other_journey = Journey(council_id=other.id, name="Moving home")
    session.add(other_journey)
    other_measure = make_measure(session, other)
    mine = make_measure(session, world.council)
    session.commit()
    for extra, field in [
        ({"department_ids": [world.billing.id, other_department.id]}, "department_ids"),
        ({"owner_id": other_seat.id}, "owner_id"),
        ({"owner_id": world.observer.id}, "owner_id"),
        ({"journey_id": other_journey.id}, "journey_id"),
        ({"measures": [{"measure_id": other_measure.id}]}, "measures"),
        ({"measures": [{"measure_id": mine.id}, {"measure_id": mine.id}]}, "measures"),
    ]:
        response = client.post(world.url, headers=world.h(world.member), json={"title": "Linked", **extra})
        assert response.status_code == 422, (extra, response.text)
        assert error_fields(response) == {field}, response.json()
    assert count(session, Initiative) == 0


def test_another_councils_initiatives_do_not_exist_for_me(app, client, session, world):
    other = make_council(session, name="Other council")
    stranger = make_membership(session, council=other, role=Role.chair)
    session.commit()
    body = propose(client, world)
    stranger_headers = auth(app, session.get(User, stranger.user_id))
    assert client.get(f"/api/initiatives/{body['id']}", headers=stranger_headers).status_code == 404
    assert client.patch(
        f"/api/initiatives/{body['id']}",
        headers={**stranger_headers, "If-Match": '"1"'},
        json={"rag": "red"},
    ).status_code == (404)
    assert client.get(world.url, headers=stranger_headers).status_code == 404
    assert client.get("/api/initiatives/2147483647", headers=world.h(world.chair)).status_code == 404


# -- status -----------------------------------------------------------------------------


def move(client, world, initiative_id, status, seat=None):
    return client.patch(
        f"/api/initiatives/{initiative_id}",
        headers=if_match(client, f"/api/initiatives/{initiative_id}", world.h(seat or world.chair)),
        json={"status": status},
    )


def test_the_chair_moves_an_initiative_through_its_life_cycle(client, world):
    body = propose(client, world)
    for status in ["approved", "in_progress", "on_hold", "in_progress", "done"]:
        response = move(client, world, body["id"], status)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == status
    done = response.json()
    assert done["percent_complete"] == 100
    assert done["next_statuses"] == []


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "in_progress"),
        ([], "done"),
        (["approved"], "proposed"),
        (["approved", "in_progress"], "rejected"),
        (["approved", "in_progress", "done"], "in_progress"),
        (["rejected"], "approved"),
        (["on_hold"], "done"),
    ],
)
def test_moves_outside_the_life_cycle_are_conflicts_naming_from_and_to(client, session, world, path, target):
    body = propose(client, world)
    for status in path:
        assert move(client, world, body["id"], status).status_code == 200
    response = move(client, world, body["id"], target)
    assert response.status_code == 409, response.text
    current = path[-1] if path else "proposed"
    assert f"from {current} to {target}" in response.json()["detail"]
    session.expire_all()
    assert session.get(Initiative, body["id"]).status == current


def test_moving_to_the_same_status_changes_nothing(client, world):
    body = propose(client, world)
    response = move(client, world, body["id"], "proposed")
    assert response.status_code == 200 and response.json()["version"] == body["version"]


def test_only_the_chair_moves_status(client, world):
    body = propose(client, world, owner_id=None)
    assert move(client, world, body["id"], "approved").status_code == 200
    client.patch(
        f"/api/initiatives/{body['id']}",
        headers=if_match(client, f"/api/initiatives/{body['id']}", world.h(world.chair)),
        json={"owner_id": world.owner.id},
    )
    for seat in [world.owner, world.member, world.observer]:
        response = move(client, world, body["id"], "in_progress", seat=seat)
        assert response.status_code == 403, response.text
        assert "chair" in response.json()["detail"]


# -- editing ----------------------------------------------------------------------------


def test_the_owner_reports_progress_and_dates_must_be_in_order(client, session, world):
    body = propose(client, world, owner_id=world.owner.id)
    url = f"/api/initiatives/{body['id']}"
    move(client, world, body["id"], "approved")
    response = client.patch(
        url,
        headers=if_match(client, url, world.h(world.owner)),
        json={"rag": "amber", "percent_complete": 40, "start_on": "2026-03-01", "target_on": "2026-09-30"},
    )
    assert response.status_code == 200, response.text
    assert (response.json()["rag"], response.json()["percent_complete"]) == ("amber", 40)
    # The target may not fall before the start, whichever of the two moves.
    early = client.patch(url, headers=if_match(client, url, world.h(world.owner)), json={"target_on": "2026-02-28"})
    assert early.status_code == 422 and error_fields(early) == {"target_on"}
    late_start = client.patch(url, headers=if_match(client, url, world.h(world.owner)), json={"start_on": "2026-10-01"})
    assert late_start.status_code == 422 and error_fields(late_start) == {"target_on"}
    for bad, field in [
        ({"percent_complete": 101}, "percent_complete"),
        ({"rag": "purple"}, "rag"),
        ({"title": None}, "title"),
        ({"percent_complete": None}, "percent_complete"),
        ({"department_ids": None}, "department_ids"),
    ]:
        response = client.patch(url, headers=if_match(client, url, world.h(world.owner)), json=bad)
        assert response.status_code == 422 and error_fields(response) == {field}, (bad, response.text)
    # Clearing an optional field is fine.
    assert (
        client.patch(url, headers=if_match(client, url, world.h(world.owner)), json={"rag": None}).json()["rag"] is None
    )
    session.expire_all()
    assert session.get(Initiative, body["id"]).percent_complete == 40


def test_who_may_edit(client, world):
    body = propose(client, world, seat=world.member, owner_id=world.owner.id)
    url = f"/api/initiatives/{body['id']}"
    # While proposed, the proposer may still sharpen the proposal; a bystander may not.
    assert (
        client.patch(url, headers=if_match(client, url, world.h(world.member)), json={"effort": 3}).status_code == 200
    )
    assert (
        client.patch(url, headers=if_match(client, url, world.h(world.observer)), json={"effort": 1}).status_code == 403
    )
    move(client, world, body["id"], "approved")
    # Once approved, only the owner and the chair.
    assert (
        client.patch(url, headers=if_match(client, url, world.h(world.member)), json={"effort": 4}).status_code == 403
    )
    assert client.patch(url, headers=if_match(client, url, world.h(world.owner)), json={"effort": 4}).status_code == 200
    assert client.patch(url, headers=if_match(client, url, world.h(world.chair)), json={"effort": 5}).status_code == 200
    # Choosing the owner is the chair's.
    refused = client.patch(url, headers=if_match(client, url, world.h(world.owner)), json={"owner_id": world.member.id})
    assert refused.status_code == 403 and "owner" in refused.json()["detail"]
    chosen = client.patch(url, headers=if_match(client, url, world.h(world.chair)), json={"owner_id": world.member.id})
    assert chosen.status_code == 200 and chosen.json()["owner_id"] == world.member.id


def test_stale_if_match_is_refused(client, session, world):
    body = propose(client, world)
    url = f"/api/initiatives/{body['id']}"
    etag = client.get(url, headers=world.h(world.chair)).headers["ETag"]
    first = client.patch(url, headers=world.h(world.chair, etag), json={"title": "First"})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = client.patch(url, headers=world.h(world.chair, etag), json={"title": "Second"})
    assert stale.status_code == 412
    # A change to the links alone is a change too: it moves the version.
    relinked = client.patch(
        url,
        headers=world.h(world.chair, first.headers["ETag"]),
        json={"department_ids": [world.billing.id]},
    )
    assert relinked.status_code == 200 and relinked.headers["ETag"] != first.headers["ETag"]
    session.expire_all()
    assert session.get(Initiative, body["id"]).title == "First"


def test_delete_is_the_chairs_or_the_proposers_withdrawal(client, session, world):
    withdrawn = propose(client, world, seat=world.member)
    assert client.delete(f"/api/initiatives/{withdrawn['id']}", headers=world.h(world.owner)).status_code == 403
    assert client.delete(f"/api/initiatives/{withdrawn['id']}", headers=world.h(world.member)).status_code == 204
    approved = propose(client, world, seat=world.member)
    move(client, world, approved["id"], "approved")
    assert client.delete(f"/api/initiatives/{approved['id']}", headers=world.h(world.member)).status_code == 403
    assert client.delete(f"/api/initiatives/{approved['id']}", headers=world.h(world.chair)).status_code == 204
    assert count(session, Initiative) == 0


# -- linked measures --------------------------------------------------------------------


def test_linked_measures_show_baseline_current_and_movement(client, session, world):
    today = today_in(world.council.timezone)
    month = date(2026, 1, 1)
    repeat = make_measure(
        session, world.council, "Repeat visits", "lower_is_better", [(month, 12.0), (date(2026, 2, 1), 11.0)]
    )
    csat = make_measure(session, world.council, "CSAT", "higher_is_better", [(month, 7.5)])
    empty = make_measure(session, world.council, "First-time fix", "higher_is_better")
    session.commit()
    body = propose(
        client,
        world,
        measures=[
            {"measure_id": repeat.id},  # baseline: the latest reading, 11 in February
            {"measure_id": csat.id, "baseline_value": 7.0},
            {"measure_id": empty.id},
        ],
    )
    linked = {m["name"]: m for m in body["measures"]}
    assert (linked["Repeat visits"]["baseline_value"], linked["Repeat visits"]["baseline_on"]) == (11.0, "2026-02-01")
    assert linked["Repeat visits"]["movement"] == "flat"
    assert (linked["CSAT"]["baseline_value"], linked["CSAT"]["baseline_on"]) == (7.0, today.isoformat())
    assert (linked["CSAT"]["current_value"], linked["CSAT"]["change"], linked["CSAT"]["movement"]) == (
        7.5,
        0.5,
        "improving",
    )
    assert linked["First-time fix"]["baseline_value"] is None and linked["First-time fix"]["movement"] is None

    # Later readings move the current value, never the baseline.
    session.add(Reading(measure_id=repeat.id, period=date(2026, 3, 1), value=9.0))
    session.commit()
    url = f"/api/initiatives/{body['id']}"
    again = {m["name"]: m for m in client.get(url, headers=world.h(world.member)).json()["measures"]}
    assert again["Repeat visits"]["baseline_value"] == 11.0
    assert (again["Repeat visits"]["current_value"], again["Repeat visits"]["change"]) == (9.0, -2.0)
    assert again["Repeat visits"]["movement"] == "improving"  # lower is better

    # Relinking keeps a baseline unless a new one is given; leaving a measure out unlinks it.
    response = client.patch(
        url,
        headers=if_match(client, url, world.h(world.member)),
        json={"measures": [{"measure_id": repeat.id}, {"measure_id": csat.id, "baseline_value": 8.0}]},
    )
    assert response.status_code == 200, response.text
    relinked = {m["name"]: m for m in response.json()["measures"]}
    assert set(relinked) == {"Repeat visits", "CSAT"}
    assert relinked["Repeat visits"]["baseline_value"] == 11.0
    assert (relinked["CSAT"]["baseline_value"], relinked["CSAT"]["movement"]) == (8.0, "worsening")
    assert count(session, InitiativeMeasure) == 2


# -- priorities and weights -------------------------------------------------------------


def test_priorities_rank_the_proposals_with_a_breakdown(client, world):
    # Defaults 30/25/15/15/15. Checklist: impact 5 → 30, saving the largest → 25, effort 2 → 4/5 × 15 = 12,
    # fit 4 → 12, confidence 4 → 12: 91. Portal: impact 3 → 18, £30,000 of £300,000 → 0.5/5 × 25 = 2.5,
    # effort 1 → 15, fit 3 → 9, confidence 3 → 9: 53.5. Letters: impact 2 → 12, nothing else rated: 12.
    checklist = propose(client, world)
    portal = propose(
        client,
        world,
        title="Self-service meter reads",
        failure_volume_per_year=10000,
        unit_cost=3,
        implementation_cost=20000,
        customer_impact=3,
        effort=1,
        strategic_fit=3,
        confidence=3,
    )
    letters = client.post(
        world.url, headers=world.h(world.owner), json={"title": "Plain letters", "customer_impact": 2}
    )
    approved = propose(client, world, title="Already approved")
    move(client, world, approved["id"], "approved")
    response = client.get(f"/api/councils/{world.council.id}/priorities", headers=world.h(world.observer))
    assert response.status_code == 200
    body = response.json()
    assert body["weights"] == {"customer_impact": 30, "saving": 25, "effort": 15, "strategic_fit": 15, "confidence": 15}
    assert [(r["rank"], r["initiative_id"], r["score"]) for r in body["data"]] == [
        (1, checklist["id"], 91),
        (2, portal["id"], 53.5),
        (3, letters.json()["id"], 12),
    ]
    assert body["count"] == 3
    parts = {p["criterion"]: p for p in body["data"][1]["breakdown"]}
    assert parts["saving"] == {
        "criterion": "saving",
        "label": "Yearly saving",
        "raw": 30000,
        "normalised": 0.5,
        "weight": 25,
        "points": 2.5,
        "note": parts["saving"]["note"],
    }
    assert parts["effort"]["raw"] == 1 and parts["effort"]["normalised"] == 5
    unrated = {p["criterion"]: p for p in body["data"][2]["breakdown"]}
    assert "not rated" in unrated["effort"]["note"]
    assert body["data"][0]["yearly_saving"] == 300000


def test_the_chair_sets_priority_weights_and_the_ranking_follows(client, world):
    cheap = propose(client, world, title="Cheap", customer_impact=1, effort=1, failure_volume_per_year=0)
    big = propose(client, world, title="Big", customer_impact=5, effort=5, failure_volume_per_year=0)
    url = f"/api/councils/{world.council.id}"
    priorities = f"{url}/priorities"
    assert [r["initiative_id"] for r in client.get(priorities, headers=world.h(world.chair)).json()["data"]] == [
        big["id"],
        cheap["id"],
    ]
    response = client.patch(
        url, headers=if_match(client, url, world.h(world.chair)), json={"priority_weights": {"customer_impact": 0}}
    )
    assert response.status_code == 200, response.text
    # The keys given replace those weights; the rest stay.
    assert response.json()["priority_weights"] == {
        "customer_impact": 0,
        "saving": 25,
        "effort": 15,
        "strategic_fit": 15,
        "confidence": 15,
    }
    assert [r["initiative_id"] for r in client.get(priorities, headers=world.h(world.chair)).json()["data"]] == [
        cheap["id"],
        big["id"],
    ]
    # null puts the defaults back.
    reset = client.patch(url, headers=if_match(client, url, world.h(world.chair)), json={"priority_weights": None})
    assert reset.json()["priority_weights"]["customer_impact"] == 30
    assert client.get(url, headers=world.h(world.member)).json()["scorecard_weights"] == {
        "action_plan": 50,
        "comment_trend": 30,
        "survey_rating": 20,
    }


@pytest.mark.parametrize(
    "weights",
    [
        {"impact": 10},
        {"customer_impact": -1},
        {"customer_impact": "10"},
        {"customer_impact": True},
        {"customer_impact": 1001},
        [10, 20],
        {"customer_impact": 0, "saving": 0, "effort": 0, "strategic_fit": 0, "confidence": 0},
    ],
)
def test_bad_weights_are_refused_naming_the_field(client, session, world, weights):
    url = f"/api/councils/{world.council.id}"
    response = client.patch(
        url, headers=if_match(client, url, world.h(world.chair)), json={"priority_weights": weights, "name": "Renamed"}
    )
    assert response.status_code == 422, response.text
    assert any("priority_weights" in error["loc"] for error in response.json()["detail"]), response.json()
    session.expire_all()
    council = session.get(Council, world.council.id)
    assert (council.name, council.priority_weights) == ("Utility council", None)


def test_only_the_chair_sets_weights(client, world):
    url = f"/api/councils/{world.council.id}"
    for seat in [world.member, world.observer]:
        response = client.patch(
            url, headers=if_match(client, url, world.h(seat)), json={"priority_weights": {"saving": 50}}
        )
        assert response.status_code == 403
