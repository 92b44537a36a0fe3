"""Department reports to meetings, and the department scorecard, through the JSON API."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, func, select

from app.common import today_in
from app.models import (
    Action,
    Council,
    Department,
    DepartmentReport,
    Measure,
    Meeting,
    Membership,
    Reading,
    Role,
    RootCause,
    RootCauseMeasure,
    User,
)
from tests.factories import make_council, make_department, make_meeting, make_membership
from tests.helpers import auth, error_fields, if_match
from tests.kept import kept


@dataclass
class World:
    council: Council
    billing: Department
    field: Department
    supplier: Department
    meeting: Meeting
    chair: Membership
    billing_member: Membership
    billing_secretary: Membership
    field_member: Membership
    floating: Membership  # a member who sits for no department
    observer: Membership
    headers: dict[int, dict[str, str]]

    def h(self, seat: Membership, if_match: str | None = None) -> dict[str, str]:
        return {**self.headers[seat.id], **({"If-Match": if_match} if if_match else {})}

    @property
    def url(self) -> str:
        return f"/api/meetings/{self.meeting.id}/reports"


@pytest.fixture
def world(app, session: Session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(app, session))


def _build_world(app, session: Session) -> World:
    council = make_council(session, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    field = make_department(session, council=council, name="Field Engineering")
    supplier = make_department(session, council=council, name="ContactPlus", is_external=True)
    meeting = make_meeting(session, council=council)
    seats = {
        "chair": make_membership(session, council=council, role=Role.chair),
        "billing_member": make_membership(session, council=council, department=billing),
        "billing_secretary": make_membership(session, council=council, role=Role.secretary, department=billing),
        "field_member": make_membership(session, council=council, department=field),
        "floating": make_membership(session, council=council),
        "observer": make_membership(session, council=council, role=Role.observer, department=billing),
    }
    session.commit()
    headers = {s.id: auth(app, session.get(User, s.user_id)) for s in seats.values()}
    return World(
        council=council, billing=billing, field=field, supplier=supplier, meeting=meeting, headers=headers, **seats
    )


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


REPORT = {
    "summary": "Estimated bills down to 6% of bills sent.",
    "improvements": "Plain-English explanation on the first bill after a move.",
}


def submit(client, world, seat, **fields):
    return client.post(world.url, headers=world.h(seat), json={**REPORT, **fields})


# -- reports --------------------------------------------------------------------------


def test_the_list_shows_every_department_and_who_has_not_reported(client, world):
    response = submit(client, world, world.billing_member)
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["department_id"], report["department_name"]) == (world.billing.id, "Billing")
    assert report["author_name"] and report["best_practice"] == ""
    assert response.headers["ETag"] == f'"{report["version"]}"'
    # Everyone on the council, observers included, sees who has reported and who has not.
    for seat in [world.chair, world.field_member, world.observer]:
        listed = client.get(world.url, headers=world.h(seat)).json()
        assert (listed["count"], listed["submitted"], listed["missing"]) == (3, 1, 2)
        rows = {row["department_name"]: row for row in listed["data"]}
        assert rows["Billing"]["submitted"] is True and rows["Billing"]["report"]["id"] == report["id"]
        assert rows["Field Engineering"] == {
            "department_id": world.field.id,
            "department_name": "Field Engineering",
            "is_external": False,
            "submitted": False,
            "can_submit": seat.id in (world.chair.id, world.field_member.id),
            "report": None,
        }
        assert rows["ContactPlus"]["is_external"] is True and rows["ContactPlus"]["submitted"] is False


def test_one_report_per_department_per_meeting(client, session, world):
    assert submit(client, world, world.billing_member).status_code == 201
    again = submit(client, world, world.billing_secretary, department_id=world.billing.id)
    assert again.status_code == 409
    assert "PATCH" in again.json()["detail"]
    # The same department may report to the next meeting.
    later = make_meeting(session, council=world.council)
    session.commit()
    response = client.post(f"/api/meetings/{later.id}/reports", headers=world.h(world.billing_member), json=REPORT)
    assert response.status_code == 201
    assert count(session, DepartmentReport) == 2


def test_who_may_submit_for_a_department(client, session, world):
    # A member reports for their own department only; the chair for any.
    refused = submit(client, world, world.field_member, department_id=world.billing.id)
    assert refused.status_code == 403 and "Billing" in refused.json()["detail"]
    assert submit(client, world, world.observer).status_code == 403
    assert submit(client, world, world.chair, department_id=world.supplier.id).status_code == 201
    # Without a department of one's own, say which.
    floating = submit(client, world, world.floating)
    assert floating.status_code == 422 and error_fields(floating) == {"department_id"}
    chair_without = submit(client, world, world.chair)
    assert chair_without.status_code == 422 and error_fields(chair_without) == {"department_id"}
    assert count(session, DepartmentReport) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 5001}, "summary"),
        ({"summary": "Ok", "improvements": "x" * 5001}, "improvements"),
        ({"summary": "Ok", "best_practice": "nul\x00"}, "best_practice"),
        ({"summary": "Ok", "department_id": "billing"}, "department_id"),
        ({"summary": "Ok", "author_id": 1}, "author_id"),
    ],
)
def test_bad_reports_name_the_field_and_store_nothing(client, session, world, body, field):
    response = client.post(world.url, headers=world.h(world.billing_member), json=body)
    assert response.status_code == 422, response.text
    assert field in error_fields(response), response.json()
    assert count(session, DepartmentReport) == 0


def test_ids_of_another_council_or_meeting(app, client, session, world):
    other = make_council(session, name="Other council")
    other_department = make_department(session, council=other, name="Billing")
    other_meeting = make_meeting(session, council=other)
    stranger = make_membership(session, council=other, role=Role.chair, department=other_department)
    session.commit()
    foreign = submit(client, world, world.chair, department_id=other_department.id)
    assert foreign.status_code == 422 and error_fields(foreign) == {"department_id"}
    # Another council's meeting does not exist for me, nor mine for them.
    assert client.get(f"/api/meetings/{other_meeting.id}/reports", headers=world.h(world.chair)).status_code == 404
    stranger_headers = auth(app, session.get(User, stranger.user_id))
    assert client.get(world.url, headers=stranger_headers).status_code == 404
    report = submit(client, world, world.billing_member).json()
    # A report is found only under its own meeting.
    later = make_meeting(session, council=world.council)
    session.commit()
    wrong_meeting = f"/api/meetings/{later.id}/reports/{report['id']}"
    assert client.get(wrong_meeting, headers=world.h(world.chair)).status_code == 404
    assert (
        client.patch(wrong_meeting, headers=world.h(world.chair, '"1"'), json={"summary": "Moved"}).status_code == 404
    )
    assert client.get(f"{world.url}/{report['id']}", headers=stranger_headers).status_code == 404


def test_the_departments_members_and_the_chair_edit_with_if_match(client, session, world):
    report = submit(client, world, world.billing_member).json()
    url = f"{world.url}/{report['id']}"
    got = client.get(url, headers=world.h(world.observer))
    assert got.status_code == 200 and got.json()["can_edit"] is False
    etag = got.headers["ETag"]
    # Another member of the same department may carry on the report; the last writer is its author.
    response = client.patch(
        url, headers=world.h(world.billing_secretary, etag), json={"best_practice": "Call back within the hour."}
    )
    assert response.status_code == 200, response.text
    assert response.json()["best_practice"] == "Call back within the hour."
    assert response.headers["ETag"] != etag
    stale = client.patch(url, headers=world.h(world.chair, etag), json={"summary": "Overwritten"})
    assert stale.status_code == 412
    for seat in [world.field_member, world.observer, world.floating]:
        refused = client.patch(url, headers=if_match(client, url, world.h(seat)), json={"summary": "Not mine"})
        assert refused.status_code == 403
    tidied = client.patch(
        url, headers=if_match(client, url, world.h(world.chair)), json={"summary": "Tidied by the chair"}
    )
    assert tidied.status_code == 200
    for bad, field in [({"summary": None}, "summary"), ({"summary": ""}, "summary"), ({"colour": "red"}, "colour")]:
        response = client.patch(url, headers=if_match(client, url, world.h(world.billing_member)), json=bad)
        assert response.status_code == 422 and error_fields(response) == {field}, response.text
    session.expire_all()
    stored = session.get(DepartmentReport, report["id"])
    assert (stored.summary, stored.best_practice) == ("Tidied by the chair", "Call back within the hour.")


def test_a_cancelled_meeting_takes_no_reports(client, session, world):
    report = submit(client, world, world.billing_member).json()
    session.get(Meeting, world.meeting.id).status = "cancelled"
    session.commit()
    response = submit(client, world, world.field_member)
    assert response.status_code == 409 and "cancelled" in response.json()["detail"]
    url = f"{world.url}/{report['id']}"
    late = client.patch(url, headers=if_match(client, url, world.h(world.billing_member)), json={"summary": "Late"})
    assert late.status_code == 409
    rows = client.get(world.url, headers=world.h(world.chair)).json()["data"]
    assert not any(row["can_submit"] for row in rows)


# -- scorecard ------------------------------------------------------------------------


def closed_at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def add_action(session, world, department, due_on, status="open", closed_on=None):
    owner = world.billing_member if department == world.billing else world.field_member
    session.add(
        Action(
            council_id=world.council.id,
            title="An action",
            owner_id=owner.id,
            department_id=department.id,
            due_on=due_on,
            status=status,
            closed_at=closed_at(closed_on) if closed_on else None,
        )
    )


def add_measure(session, world, department, name, category, values, direction="lower_is_better", target=None):
    """A department measure with monthly readings from January 2026 (returned)."""
    measure = Measure(
        council_id=world.council.id,
        name=name,
        category=category,
        direction=direction,
        target=target,
        scope="department",
        department_id=department.id,
    )
    session.add(measure)
    session.flush()
    for i, value in enumerate(values):
        session.add(Reading(measure_id=measure.id, period=date(2026, 1 + i, 1), value=value))
    return measure


def add_workshop(session, world, theme, *metrics: Measure) -> RootCause:
    """A five-whys root cause held today, which picked `metrics` as its action-plan metrics."""
    root_cause = RootCause(council_id=world.council.id, theme=theme, whys=["Why?"], root_cause="Because")
    session.add(root_cause)
    session.flush()
    for metric in metrics:
        session.add(RootCauseMeasure(root_cause_id=root_cause.id, measure_id=metric.id))
    return root_cause


@pytest.fixture
def scored(session, world) -> World:
    today = today_in(world.council.timezone)
    due = today - timedelta(days=30)
    # Billing's action-plan metric: 75 against 100, no reading since today's workshop to
    # measure movement by, so attainment alone: 75.
    metric = add_measure(
        session, world, world.billing, "Bills right first time", "operational", [60, 75], "higher_is_better", 100
    )
    add_workshop(session, world, "Wrong bills", metric)
    # Billing's delivery (beside the score): 3 of 4 actions that fell due in the last year
    # closed on time; 1 not yet due.
    for closed in [due - timedelta(days=2), due, due - timedelta(days=9)]:
        add_action(session, world, world.billing, due, "done", closed)
    add_action(session, world, world.billing, due, "done", due + timedelta(days=1))
    add_action(session, world, world.billing, today + timedelta(days=5))
    # Comment theme 40 → 30 (−25%) scores 100; CSAT 8 against 10 scores 80.
    add_measure(session, world, world.billing, "Billing complaints", "comment_theme", [40, 35, 30])
    add_measure(session, world, world.billing, "Billing CSAT", "survey_rating", [7, 8], "higher_is_better", 10)
    add_measure(session, world, world.billing, "Bills sent", "operational", [100, 50])  # not on the scorecard
    # Field Engineering: only a theme, rising 40 → 41 (+2.5%) scores 37.5.
    add_measure(session, world, world.field, "No parts on the van", "comment_theme", [40, 41])
    session.commit()
    return world


def test_scorecard_scores_every_department_with_its_breakdown(client, scored):
    world = scored
    response = client.get(f"/api/councils/{world.council.id}/scorecard", headers=world.h(world.observer))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["weights"] == {"action_plan": 50, "comment_trend": 30, "survey_rating": 20}
    assert body["as_of"] == today_in(world.council.timezone).isoformat()
    cards = {card["department_name"]: card for card in body["data"]}
    assert list(cards) == ["Billing", "ContactPlus", "Field Engineering"]
    # Billing: 75 × 50% + 100 × 30% + 80 × 20% = 37.5 + 30 + 16 = 83.5.
    billing = {c["component"]: c for c in cards["Billing"]["components"]}
    assert cards["Billing"]["total"] == 83.5
    assert (billing["action_plan"]["value"], billing["action_plan"]["points"]) == (75, 37.5)
    assert billing["action_plan"]["inputs"] == ["Bills right first time: 75 against a target of 100, attainment 75"]
    assert cards["Billing"]["delivery"] == (
        "Delivery (not scored): 3 of 4 actions that fell due in the last year closed on time"
    )
    assert (billing["comment_trend"]["value"], billing["survey_rating"]["value"]) == (100, 80)
    # Field Engineering has only the theme: it takes all the weight, 37.5.
    field = {c["component"]: c for c in cards["Field Engineering"]["components"]}
    assert cards["Field Engineering"]["total"] == 37.5
    assert field["comment_trend"]["share"] == 100
    assert field["action_plan"]["included"] is False
    assert field["action_plan"]["inputs"] == ["no action-plan metric yet: pick one in a five-whys workshop"]
    # What was left out is said once, for the whole scorecard.
    assert cards["Field Engineering"]["notes"] == []
    assert body["notes"] == [
        "A part with no data is left out and the other weights re-normalised to 100: "
        "action-plan metrics for Field Engineering; goal-support and survey ratings for Field Engineering."
    ]
    # The supplier has no data at all.
    assert cards["ContactPlus"]["total"] is None


def test_scorecard_for_one_department_and_custom_weights(client, session, scored):
    world = scored
    url = f"/api/councils/{world.council.id}/scorecard"
    one = client.get(url, params={"department_id": world.billing.id}, headers=world.h(world.chair)).json()
    assert [c["department_name"] for c in one["data"]] == ["Billing"]
    weights = client.patch(
        f"/api/councils/{world.council.id}",
        headers=if_match(client, f"/api/councils/{world.council.id}", world.h(world.chair)),
        json={"scorecard_weights": {"action_plan": 1, "comment_trend": 0, "survey_rating": 1}},
    )
    assert weights.status_code == 200, weights.text
    # (75 + 80) / 2 = 77.5.
    again = client.get(url, params={"department_id": world.billing.id}, headers=world.h(world.chair)).json()
    assert again["data"][0]["total"] == 77.5
    assert again["weights"] == {"action_plan": 1, "comment_trend": 0, "survey_rating": 1}
    bad = client.patch(
        f"/api/councils/{world.council.id}",
        headers=if_match(client, f"/api/councils/{world.council.id}", world.h(world.chair)),
        json={"scorecard_weights": {"action_plan": 0, "survey_rating": 0}},
    )
    assert bad.status_code == 422 and error_fields(bad) == {"scorecard_weights"}


def test_scorecard_refuses_a_department_of_another_council(client, session, world):
    other = make_council(session, name="Other council")
    elsewhere = make_department(session, council=other, name="Billing")
    session.commit()
    url = f"/api/councils/{world.council.id}/scorecard"
    assert client.get(url, params={"department_id": elsewhere.id}, headers=world.h(world.chair)).status_code == 404
    assert client.get(url, params={"department_id": 0}, headers=world.h(world.chair)).status_code == 422
