"""Measures and readings through the JSON API: rules, figures, who may write what, charts."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.common import today_in
from app.measures.figures import add_months
from app.models import Journey, Measure, Membership, Reading, Role
from tests.factories import make_council, make_department, make_membership, make_user
from tests.helpers import auth, error_fields, if_match
from tests.kept import kept


@dataclass
class World:
    council: object
    seats: dict[str, Membership]
    users: dict
    departments: dict
    journey: Journey
    other_council: object
    other_department: object
    other_journey: Journey


@pytest.fixture
def world(session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(session))


def _build_world(session) -> World:
    """A utility council: chair, secretary, Tom (Field Engineering), Aisha (Billing), Jo (a journey's owner), Olga
    (an observer)."""
    council = make_council(session, name="Utility council")
    field = make_department(session, council=council, name="Field Engineering")
    billing = make_department(session, council=council, name="Billing")
    people = {
        "chair": (Role.chair, None),
        "secretary": (Role.secretary, None),
        "tom": (Role.member, field),
        "aisha": (Role.member, billing),
        "jo": (Role.member, None),
        "olga": (Role.observer, field),
    }
    users, seats = {}, {}
    for name, (role, department) in people.items():
        users[name] = make_user(session, email=f"{name}@example.com", name=name.title())
        seats[name] = make_membership(session, council=council, user=users[name], role=role, department=department)
    journey = Journey(council_id=council.id, name="No supply", owner_id=seats["jo"].id)
    other = make_council(session, name="Another council")
    users["outsider"] = make_user(session, email="outsider@example.com")
    make_membership(session, council=other, user=users["outsider"], role=Role.chair)
    other_department = make_department(session, council=other, name="Elsewhere")
    other_journey = Journey(council_id=other.id, name="Elsewhere journey")
    session.add_all([journey, other_journey])
    session.flush()
    session.commit()
    return World(
        council=council,
        seats=seats,
        users=users,
        departments={"field": field, "billing": billing},
        journey=journey,
        other_council=other,
        other_department=other_department,
        other_journey=other_journey,
    )


def as_(app, world: World, who: str) -> dict:
    return auth(app, world.users[who])


def create(client, app, world, who="chair", **body):
    body.setdefault("name", "Repeat engineer visits")
    return client.post(f"/api/councils/{world.council.id}/measures", json=body, headers=as_(app, world, who))


def add_measure(session, world, **fields) -> Measure:
    fields.setdefault("name", "Repeat engineer visits")
    measure = Measure(council_id=world.council.id, **fields)
    session.add(measure)
    session.flush()
    return measure


def add_readings(session, measure: Measure, values: list[float], *, last: date | None = None) -> None:
    """Monthly readings ending with the month `last` (default: last month)."""
    last = last or add_months(date.today(), -1)
    for i, value in enumerate(values):
        session.add(Reading(measure_id=measure.id, period=add_months(last, i - len(values) + 1), value=value))
    session.flush()


# Creating measures


def test_chair_creates_a_measure_with_defaults_from_its_kind(client, app, world):
    nps = create(client, app, world, name="Net Promoter Score", kind="nps", target=30)
    assert nps.status_code == 201, nps.text
    body = nps.json()
    assert nps.headers["ETag"] == '"1"'
    assert (body["category"], body["direction"], body["scope"]) == ("survey_rating", "higher_is_better", "overall")
    assert (body["latest"], body["trend"], body["status"], body["reading_count"]) == (None, [], None, 0)
    repeat = create(client, app, world, name="Repeat visits", kind="repeat_contact", unit="%")
    assert (repeat.json()["category"], repeat.json()["direction"]) == ("operational", "lower_is_better")
    theme = create(client, app, world, name="Estimated bills", category="comment_theme", direction="lower_is_better")
    assert theme.json()["category"] == "comment_theme"


def test_scope_follows_the_ids_and_must_be_consistent(client, app, world):
    field_id = world.departments["field"].id
    inferred = create(client, app, world, name="Visits", department_id=field_id, owner_id=world.seats["tom"].id)
    assert inferred.status_code == 201, inferred.text
    assert (inferred.json()["scope"], inferred.json()["department_name"]) == ("department", "Field Engineering")
    assert inferred.json()["owner_name"] == "Tom"
    journey = create(client, app, world, name="No supply NPS", scope="journey", journey_id=world.journey.id)
    assert (journey.json()["scope"], journey.json()["journey_name"]) == ("journey", "No supply")
    cases = [
        ({"scope": "department"}, "department_id"),
        ({"scope": "journey"}, "journey_id"),
        ({"scope": "overall", "department_id": field_id}, "department_id"),
        ({"scope": "department", "department_id": field_id, "journey_id": world.journey.id}, "journey_id"),
        ({"department_id": field_id, "journey_id": world.journey.id}, "journey_id"),
        ({"department_id": world.other_department.id}, "department_id"),
        ({"scope": "journey", "journey_id": world.other_journey.id}, "journey_id"),
        ({"owner_id": world.seats["chair"].id + 1000}, "owner_id"),
        ({"target": "40"}, "target"),
        ({"kind": "happiness"}, "kind"),
        ({"scope": "everywhere"}, "scope"),
        ({"name": "   "}, "name"),
        ({"colour": "red"}, "colour"),
    ]
    for n, (body, field) in enumerate(cases):
        response = create(client, app, world, **{"name": f"Bad {n}", **body})
        assert response.status_code == 422, (body, response.text)
        assert field in error_fields(response), (body, response.json())


def test_an_owner_from_another_council_is_refused(client, app, world, session):
    stranger = make_membership(session, council=world.other_council)
    session.commit()
    response = create(client, app, world, owner_id=stranger.id)
    assert response.status_code == 422 and error_fields(response) == {"owner_id"}


def test_names_are_unique_per_council_whatever_the_case(client, app, world):
    assert create(client, app, world, name="Net Promoter Score").status_code == 201
    again = create(client, app, world, name="  net promoter SCORE ")
    assert again.status_code == 409
    assert "already has a measure" in again.json()["detail"]


@pytest.mark.parametrize("who", ["secretary", "tom", "olga"])
def test_only_the_chair_creates_measures(client, app, world, who):
    assert create(client, app, world, who=who).status_code == 403


def test_another_councils_measure_does_not_exist_for_me(client, app, world, session):
    measure = add_measure(session, world)
    session.commit()
    for path in ["", "/readings", "/chart.svg"]:
        response = client.get(f"/api/measures/{measure.id}{path}", headers=as_(app, world, "outsider"))
        assert response.status_code == 404, path
    assert client.get("/api/measures/2147483647", headers=as_(app, world, "chair")).status_code == 404


# Figures


def test_every_measure_carries_its_figures(client, app, world, session):
    measure = add_measure(session, world, direction="lower_is_better", target=8, unit="%")
    add_readings(session, measure, [9.0 + i * 0.1 for i in range(13)] + [11.0])
    session.commit()
    body = client.get(f"/api/measures/{measure.id}", headers=as_(app, world, "olga")).json()
    last = add_months(today_in("Europe/London"), -1)
    assert body["latest"] == {"period": last.isoformat(), "value": 11.0}
    assert body["previous"]["value"] == pytest.approx(10.2)
    assert body["change"] == pytest.approx(0.8)
    assert (body["on_target"], body["movement"], body["status"], body["stale"]) == (False, "worsening", "red", False)
    assert len(body["trend"]) == 12 and body["trend"][-1]["value"] == 11.0
    assert body["trend"][0]["period"] < body["trend"][-1]["period"]
    assert body["reading_count"] == 14 and body["slope"] > 0


def test_a_measure_without_last_months_reading_is_stale(client, app, world, session):
    late = add_measure(session, world, name="Supplier calls")
    add_readings(session, late, [80, 82], last=add_months(date.today(), -2))
    session.commit()
    body = client.get(f"/api/measures/{late.id}", headers=as_(app, world, "chair")).json()
    assert body["stale"] is True and body["status"] == "green"  # no target, improving


def test_list_filters_by_scope_department_journey_and_status(client, app, world, session):
    nps = add_measure(session, world, name="NPS", target=30)
    add_readings(session, nps, [20, 25])  # off target, improving: amber
    visits = add_measure(
        session,
        world,
        name="Repeat visits",
        scope="department",
        department_id=world.departments["field"].id,
        direction="lower_is_better",
        target=8,
    )
    add_readings(session, visits, [9, 10])  # off target, worsening: red
    add_measure(session, world, name="Journey NPS", scope="journey", journey_id=world.journey.id)
    session.commit()
    url = f"/api/councils/{world.council.id}/measures"
    headers = as_(app, world, "tom")

    def names(**params):
        response = client.get(url, params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [m["name"] for m in response.json()["data"]]

    assert names() == ["NPS", "Repeat visits", "Journey NPS"]  # overall, department, journey
    assert names(scope="overall") == ["NPS"]
    assert names(department_id=world.departments["field"].id) == ["Repeat visits"]
    assert names(journey_id=world.journey.id) == ["Journey NPS"]
    assert names(status="red") == ["Repeat visits"]
    assert names(status="amber") == ["NPS"]
    assert client.get(url, params={"status": "purple"}, headers=headers).status_code == 422


# Changing measures


def test_chair_edits_with_if_match_and_a_stale_copy_is_refused(client, app, world, session):
    measure = add_measure(session, world)
    session.commit()
    url = f"/api/measures/{measure.id}"
    chair = as_(app, world, "chair")
    etag = client.get(url, headers=chair).headers["ETag"]
    renamed = client.patch(url, json={"name": "Repeat visits", "target": 8}, headers={**chair, "If-Match": etag})
    assert renamed.status_code == 200, renamed.text
    assert renamed.headers["ETag"] == '"2"' and renamed.json()["name"] == "Repeat visits"
    stale = client.patch(url, json={"target": 7}, headers={**chair, "If-Match": etag})
    assert stale.status_code == 412
    assert client.patch(url, json={"name": None}, headers=if_match(client, url, chair)).status_code == 422
    cleared = client.patch(url, json={"target": None}, headers=if_match(client, url, chair))
    assert cleared.status_code == 200 and cleared.json()["target"] is None


def test_changing_the_scope_clears_what_no_longer_fits(client, app, world, session):
    measure = add_measure(session, world, scope="department", department_id=world.departments["field"].id)
    session.commit()
    url, chair = f"/api/measures/{measure.id}", as_(app, world, "chair")
    journey = client.patch(
        url, json={"scope": "journey", "journey_id": world.journey.id}, headers=if_match(client, url, chair)
    ).json()
    assert (journey["scope"], journey["department_id"], journey["journey_id"]) == ("journey", None, world.journey.id)
    overall = client.patch(url, json={"scope": "overall"}, headers=if_match(client, url, chair)).json()
    assert (overall["scope"], overall["department_id"], overall["journey_id"]) == ("overall", None, None)
    refused = client.patch(url, json={"department_id": world.other_department.id}, headers=if_match(client, url, chair))
    assert refused.status_code == 422 and error_fields(refused) == {"department_id"}


def test_a_change_of_kind_carries_default_category_and_direction(client, app, world):
    measure = create(client, app, world, name="Calls", kind="custom").json()
    changed = client.patch(
        f"/api/measures/{measure['id']}",
        json={"kind": "repeat_contact"},
        headers=if_match(client, f"/api/measures/{measure['id']}", as_(app, world, "chair")),
    ).json()
    assert (changed["category"], changed["direction"]) == ("operational", "lower_is_better")


def test_the_owner_may_change_target_and_description_only(client, app, world, session):
    measure = add_measure(session, world, owner_id=world.seats["tom"].id, target=8)
    session.commit()
    url = f"/api/measures/{measure.id}"
    tom = as_(app, world, "tom")
    ok = client.patch(
        url, json={"target": 7.5, "description": "Second visits within 28 days"}, headers=if_match(client, url, tom)
    )
    assert ok.status_code == 200 and ok.json()["target"] == 7.5
    refused = client.patch(url, json={"target": 7, "name": "Mine now"}, headers=if_match(client, url, tom))
    assert refused.status_code == 403 and "name" in refused.json()["detail"]
    assert (
        client.patch(url, json={"target": 7}, headers=if_match(client, url, as_(app, world, "aisha"))).status_code
        == 403
    )
    assert (
        client.patch(url, json={"target": 7}, headers=if_match(client, url, as_(app, world, "secretary"))).status_code
        == 403
    )


def test_deleting_a_measure_with_readings_archives_it_and_keeps_them(client, app, world, session):
    measure = add_measure(session, world)
    add_readings(session, measure, [1, 2, 3])
    session.commit()
    measure_id = measure.id
    url = f"/api/measures/{measure_id}"
    assert client.delete(url, headers=if_match(client, url, as_(app, world, "secretary"))).status_code == 403
    assert client.delete(url, headers={**as_(app, world, "chair"), "If-Match": '"9"'}).status_code == 412
    assert client.delete(url, headers=if_match(client, url, as_(app, world, "chair"))).status_code == 204
    assert client.get(url, headers=as_(app, world, "chair")).status_code == 404
    session.expire_all()
    assert len(session.exec(select(Reading).where(Reading.measure_id == measure_id)).all()) == 3


# Readings


def test_a_reading_is_created_then_replaced_for_the_same_period(client, app, world, session):
    measure = add_measure(session, world)
    session.commit()
    url, chair = f"/api/measures/{measure.id}/readings", as_(app, world, "chair")
    first = client.post(url, json={"period": "2026-01-01", "value": 9.5, "sample_size": 410}, headers=chair)
    assert first.status_code == 201, first.text
    again = client.post(url, json={"period": "2026-01-01", "value": 9.1, "note": "Corrected"}, headers=chair)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert (again.json()["value"], again.json()["sample_size"], again.json()["note"]) == (9.1, None, "Corrected")
    client.post(url, json={"period": "2025-12-01", "value": 10}, headers=chair)
    listed = client.get(url, headers=as_(app, world, "olga")).json()
    assert [r["period"] for r in listed["data"]] == ["2025-12-01", "2026-01-01"] and listed["count"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"period": "2026-01-01", "value": NaN}', "value"),
        ('{"period": "2026-01-01", "value": Infinity}', "value"),
        ('{"period": "2026-01-01", "value": "12"}', "value"),
        ('{"period": "2026-01-01", "value": true}', "value"),
        ('{"period": "2026-01-01", "value": 1e300}', "value"),
        ('{"period": "2026-01-01", "value": 1, "sample_size": -1}', "sample_size"),
        ('{"period": "2026-01-01", "value": 1, "sample_size": 2.5}', "sample_size"),
        ('{"period": "2026-13-01", "value": 1}', "period"),
        ('{"period": "yesterday", "value": 1}', "period"),
        ('{"value": 1}', "period"),
        ('{"period": "2026-01-01", "value": 1, "colour": "red"}', "colour"),
    ],
)
def test_readings_must_be_finite_numbers_on_real_dates(client, app, world, session, body, field):
    measure = add_measure(session, world)
    session.commit()
    response = client.post(
        f"/api/measures/{measure.id}/readings",
        content=body,
        headers={**as_(app, world, "chair"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert field in error_fields(response)


def test_a_period_more_than_a_year_ahead_is_refused(client, app, world, session):
    measure = add_measure(session, world)
    session.commit()
    today = today_in("Europe/London")
    url, chair = f"/api/measures/{measure.id}/readings", as_(app, world, "chair")
    far = client.post(url, json={"period": (today + timedelta(days=367)).isoformat(), "value": 1}, headers=chair)
    assert far.status_code == 422 and error_fields(far) == {"period"}
    near = client.post(url, json={"period": (today + timedelta(days=366)).isoformat(), "value": 1}, headers=chair)
    assert near.status_code == 201
    old = client.post(url, json={"period": "1899-12-01", "value": 1}, headers=chair)
    assert old.status_code == 422


def test_who_may_record_readings(client, app, world, session):
    field_measure = add_measure(
        session, world, name="Repeat visits", scope="department", department_id=world.departments["field"].id
    )
    owned = add_measure(session, world, name="Estimated bills", owner_id=world.seats["tom"].id)
    journey_measure = add_measure(session, world, name="No supply NPS", scope="journey", journey_id=world.journey.id)
    session.commit()
    expected = [
        # Tom sits in Field Engineering and owns the bills measure; Aisha is in Billing; Olga observes.
        (field_measure, {"chair": 201, "secretary": 201, "tom": 201, "aisha": 403, "jo": 403, "olga": 403}),
        (owned, {"tom": 201, "aisha": 403, "olga": 403}),
        (journey_measure, {"jo": 201, "tom": 403}),
    ]
    for measure, outcomes in expected:
        for n, (who, status) in enumerate(outcomes.items()):
            response = client.post(
                f"/api/measures/{measure.id}/readings",
                json={"period": f"2025-{n + 1:02d}-01", "value": 1},
                headers=as_(app, world, who),
            )
            assert response.status_code == status, (measure.name, who, response.text)


def test_a_reading_is_corrected_moved_and_deleted_by_period(client, app, world, session):
    measure = add_measure(session, world)
    session.add_all(
        [
            Reading(measure_id=measure.id, period=date(2026, 1, 1), value=10, sample_size=100),
            Reading(measure_id=measure.id, period=date(2026, 2, 1), value=11),
        ]
    )
    session.commit()
    base, chair = f"/api/measures/{measure.id}/readings", as_(app, world, "chair")
    corrected = client.patch(f"{base}/2026-01-01", json={"value": 10.5, "note": "Late returns"}, headers=chair)
    assert corrected.status_code == 200
    assert (corrected.json()["value"], corrected.json()["sample_size"]) == (10.5, 100)
    clash = client.patch(f"{base}/2026-01-01", json={"period": "2026-02-01"}, headers=chair)
    assert clash.status_code == 409
    moved = client.patch(f"{base}/2026-01-01", json={"period": "2025-12-01"}, headers=chair)
    assert moved.status_code == 200 and moved.json()["period"] == "2025-12-01"
    assert client.patch(f"{base}/2026-01-01", json={"value": 1}, headers=chair).status_code == 404
    assert client.patch(f"{base}/2025-12-01", json={"value": None}, headers=chair).status_code == 422
    assert client.patch(f"{base}/not-a-date", json={"value": 1}, headers=chair).status_code == 422
    assert client.delete(f"{base}/2025-12-01", headers=as_(app, world, "aisha")).status_code == 403
    assert client.delete(f"{base}/2025-12-01", headers=chair).status_code == 204
    assert client.delete(f"{base}/2025-12-01", headers=chair).status_code == 404
    assert [r["period"] for r in client.get(base, headers=chair).json()["data"]] == ["2026-02-01"]


# Charts


def test_charts_are_served_as_svg_and_png_and_revalidate_by_etag(client, app, world, session):
    measure = add_measure(session, world, target=8, unit="%", direction="lower_is_better")
    add_readings(session, measure, [9, 9.5, 10])
    session.commit()
    headers = as_(app, world, "olga")
    svg = client.get(f"/api/measures/{measure.id}/chart.svg", headers=headers)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content and b"Target 8%" in svg.content
    png = client.get(f"/api/measures/{measure.id}/chart.png", headers=headers)
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG\r\n\x1a\n")
    again = client.get(
        f"/api/measures/{measure.id}/chart.svg", headers={**headers, "If-None-Match": svg.headers["ETag"]}
    )
    assert again.status_code == 304
    client.post(
        f"/api/measures/{measure.id}/readings",
        json={"period": "2020-01-01", "value": 3},
        headers=as_(app, world, "chair"),
    )
    changed = client.get(
        f"/api/measures/{measure.id}/chart.svg", headers={**headers, "If-None-Match": svg.headers["ETag"]}
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != svg.headers["ETag"]
