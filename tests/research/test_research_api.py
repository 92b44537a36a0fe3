"""Customer research and five-whys root causes through the JSON API."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from app.common import today_in
from app.models import (
    Council,
    Initiative,
    Measure,
    Membership,
    Research,
    ResearchMeasure,
    Role,
    RootCause,
    RootCauseAction,
    User,
)
from tests.factories import make_action, make_council, make_membership
from tests.helpers import auth, error_fields
from tests.kept import kept


@dataclass
class World:
    council: Council
    chair: Membership
    secretary: Membership
    author: Membership
    member: Membership
    observer: Membership
    other_seat: Membership
    measure: Measure
    initiative: Initiative
    other_measure: Measure
    other_initiative: Initiative
    signed_in: dict[int, dict[str, str]]

    def as_(self, seat: Membership) -> dict[str, str]:
        return self.signed_in[seat.id]


@pytest.fixture
def world(app, session: Session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(app, session))


def _build_world(app, session: Session) -> World:
    council = make_council(session, name="Utility council")
    seats = {
        "chair": make_membership(session, council=council, role=Role.chair),
        "secretary": make_membership(session, council=council, role=Role.secretary),
        "author": make_membership(session, council=council, role=Role.member),
        "member": make_membership(session, council=council, role=Role.member),
        "observer": make_membership(session, council=council, role=Role.observer),
    }
    other = make_council(session, name="Another council")
    other_seat = make_membership(session, council=other, role=Role.chair)
    records = {
        "measure": Measure(council_id=council.id, name="Repeat visit rate"),
        "initiative": Initiative(council_id=council.id, title="Diagnose on the call"),
        "other_measure": Measure(council_id=other.id, name="Repeat visit rate"),
        "other_initiative": Initiative(council_id=other.id, title="Elsewhere"),
    }
    session.add_all(records.values())
    session.commit()
    signed_in = {s.id: auth(app, session.get(User, s.user_id)) for s in [*seats.values(), other_seat]}
    return World(council=council, other_seat=other_seat, signed_in=signed_in, **seats, **records)


def research_url(world: World) -> str:
    return f"/api/councils/{world.council.id}/research"


def root_causes_url(world: World) -> str:
    return f"/api/councils/{world.council.id}/root-causes"


def today() -> date:
    return today_in("Europe/London")


def add_research(client, world: World, seat: Membership | None = None, **body) -> dict:
    payload = {
        "title": "Post-visit survey",
        "conducted_on": (today() - timedelta(days=3)).isoformat(),
        "method": "survey",
    }
    response = client.post(research_url(world), json={**payload, **body}, headers=world.as_(seat or world.author))
    assert response.status_code == 201, response.text
    return response.json()


def add_root_cause(client, world: World, seat: Membership | None = None, **body) -> dict:
    payload = {"theme": "Engineers without the right parts", "whys": ["Thin job sheets", "Short call scripts"]}
    response = client.post(root_causes_url(world), json={**payload, **body}, headers=world.as_(seat or world.author))
    assert response.status_code == 201, response.text
    return response.json()


# -- research -------------------------------------------------------------------------


def test_member_records_research_linked_to_measures_and_initiatives(client, world):
    body = add_research(
        client,
        world,
        title="  Post-visit survey, March ",
        method="survey",
        summary="412 replies",
        findings="Customers want an arrival window.",
        link="https://intranet.example.com/research/42?tab=findings",
        measure_ids=[world.measure.id, world.measure.id],
        initiative_ids=[world.initiative.id],
    )
    assert body["title"] == "Post-visit survey, March"
    assert body["measure_ids"] == [world.measure.id]
    assert body["measures"] == [{"id": world.measure.id, "name": "Repeat visit rate"}]
    assert body["initiatives"] == [{"id": world.initiative.id, "name": "Diagnose on the call"}]
    assert body["link"] == "https://intranet.example.com/research/42?tab=findings"
    assert body["created_by_name"]
    assert client.get(f"/api/research/{body['id']}", headers=world.as_(world.observer)).json() == body


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.com/file",
        "www.example.com",
        "https://",
        "https://exa mple.com",
        "https://example.com/\nnext",
        "https://example.com/" + "a" * 2000,
    ],
)
def test_link_must_be_a_web_address(client, session, world, link):
    response = client.post(
        research_url(world),
        json={"title": "Survey", "conducted_on": "2024-05-01", "method": "survey", "link": link},
        headers=world.as_(world.author),
    )
    assert response.status_code == 422, response.text
    assert error_fields(response) == {"link"}
    session.expire_all()
    assert session.exec(select(Research)).all() == []


def test_an_empty_link_is_allowed_and_http_too(client, world):
    assert add_research(client, world, link="")["link"] == ""
    assert add_research(client, world, link="  http://example.com  ")["link"] == "http://example.com"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "séance"}, "method"),
        ({"method": None}, "method"),
        ({"title": " "}, "title"),
        ({"conducted_on": "yesterday"}, "conducted_on"),
        ({"conducted_on": "1899-12-31"}, "conducted_on"),
        ({"measure_ids": [0]}, 0),
        ({"surprise": True}, "surprise"),
    ],
)
def test_research_fields_are_checked_by_name(client, world, body, field):
    payload = {"title": "Survey", "conducted_on": "2024-05-01", "method": "survey", **body}
    response = client.post(research_url(world), json=payload, headers=world.as_(world.author))
    assert response.status_code == 422, response.text
    assert str(field) in error_fields(response)


def test_research_is_recorded_after_it_took_place(client, world):
    tomorrow = today() + timedelta(days=1)
    response = client.post(
        research_url(world),
        json={"title": "Survey", "conducted_on": tomorrow.isoformat(), "method": "survey"},
        headers=world.as_(world.author),
    )
    assert response.status_code == 422 and error_fields(response) == {"conducted_on"}


def test_linked_ids_must_belong_to_this_council_and_nothing_is_half_written(client, session, world):
    for body, field in (
        ({"measure_ids": [world.measure.id, world.other_measure.id]}, "measure_ids"),
        ({"initiative_ids": [world.other_initiative.id]}, "initiative_ids"),
        ({"measure_ids": [999_999]}, "measure_ids"),
    ):
        response = client.post(
            research_url(world),
            json={"title": "Survey", "conducted_on": "2024-05-01", "method": "survey", **body},
            headers=world.as_(world.author),
        )
        assert response.status_code == 422, response.text
        assert error_fields(response) == {field}
    session.expire_all()
    assert session.exec(select(Research)).all() == []
    assert session.exec(select(ResearchMeasure)).all() == []


def test_research_list_is_newest_first_and_filters_since(client, world):
    for days, title in ((90, "Complaints analysis"), (10, "Mystery shopping"), (30, "Post-visit survey")):
        add_research(client, world, title=title, conducted_on=(today() - timedelta(days=days)).isoformat())
    listed = client.get(research_url(world), headers=world.as_(world.observer)).json()
    assert [r["title"] for r in listed["data"]] == ["Mystery shopping", "Post-visit survey", "Complaints analysis"]
    since = (today() - timedelta(days=30)).isoformat()
    listed = client.get(research_url(world), params={"since": since}, headers=world.as_(world.member)).json()
    assert [r["title"] for r in listed["data"]] == ["Mystery shopping", "Post-visit survey"]
    assert listed["count"] == 2
    response = client.get(research_url(world), params={"since": "last-meeting"}, headers=world.as_(world.member))
    assert response.status_code == 422


def test_observers_read_but_do_not_add_research(client, world):
    response = client.post(
        research_url(world),
        json={"title": "Survey", "conducted_on": "2024-05-01", "method": "survey"},
        headers=world.as_(world.observer),
    )
    assert response.status_code == 403
    for seat in (world.secretary, world.member, world.chair):
        add_research(client, world, seat)


def test_author_and_chair_edit_research_others_do_not(client, session, world):
    research = add_research(client, world, measure_ids=[world.measure.id])
    url = f"/api/research/{research['id']}"
    for seat in (world.member, world.secretary, world.observer):
        assert client.patch(url, json={"summary": "mine"}, headers=world.as_(seat)).status_code == 403
        assert client.delete(url, headers=world.as_(seat)).status_code == 403
    response = client.patch(
        url,
        json={"summary": "412 replies", "measure_ids": [], "initiative_ids": [world.initiative.id]},
        headers=world.as_(world.author),
    )
    assert response.status_code == 200, response.text
    assert response.json()["measure_ids"] == [] and response.json()["initiative_ids"] == [world.initiative.id]
    response = client.patch(url, json={"method": "interviews"}, headers=world.as_(world.chair))
    assert response.status_code == 200 and response.json()["method"] == "interviews"
    # A refused link leaves the record as it was.
    response = client.patch(
        url, json={"summary": "changed", "initiative_ids": [world.other_initiative.id]}, headers=world.as_(world.author)
    )
    assert response.status_code == 422 and error_fields(response) == {"initiative_ids"}
    response = client.patch(url, json={"link": "javascript:alert(1)"}, headers=world.as_(world.author))
    assert response.status_code == 422 and error_fields(response) == {"link"}
    response = client.patch(url, json={"title": None}, headers=world.as_(world.author))
    assert response.status_code == 422 and error_fields(response) == {"title"}
    body = client.get(url, headers=world.as_(world.member)).json()
    assert body["summary"] == "412 replies" and body["initiative_ids"] == [world.initiative.id]
    assert client.delete(url, headers=world.as_(world.author)).status_code == 204
    assert client.get(url, headers=world.as_(world.member)).status_code == 404


def test_an_author_made_observer_no_longer_edits(client, session, world):
    research = add_research(client, world)
    seat = session.get(Membership, world.author.id)
    seat.role = Role.observer
    session.add(seat)
    session.commit()
    response = client.patch(f"/api/research/{research['id']}", json={"summary": "x"}, headers=world.as_(world.author))
    assert response.status_code == 403


def test_another_councils_research_does_not_exist_for_me(client, world):
    research = add_research(client, world)
    url = f"/api/research/{research['id']}"
    assert client.get(url, headers=world.as_(world.other_seat)).status_code == 404
    assert client.patch(url, json={"summary": "x"}, headers=world.as_(world.other_seat)).status_code == 404
    assert client.delete(url, headers=world.as_(world.other_seat)).status_code == 404


# -- root causes ----------------------------------------------------------------------


def test_root_cause_defaults_to_the_last_why_and_links_research_and_actions(client, world, session):
    action = make_action(session, council=world.council, title="Add a diagnosis checklist to call scripts")
    session.commit()
    research = add_research(client, world, title="Complaints analysis", method="complaints_analysis")
    body = add_root_cause(
        client,
        world,
        whys=[" Wrong parts on the van ", "Thin job sheets", "Scripts stop at booking"],
        research_id=research["id"],
        action_ids=[action.id],
        initiative_ids=[world.initiative.id],
    )
    assert body["whys"] == ["Wrong parts on the van", "Thin job sheets", "Scripts stop at booking"]
    assert body["root_cause"] == "Scripts stop at booking"
    assert body["research_title"] == "Complaints analysis"
    assert body["actions"] == [{"id": action.id, "name": "Add a diagnosis checklist to call scripts"}]
    assert body["initiative_ids"] == [world.initiative.id]
    explicit = add_root_cause(client, world, root_cause="Targets reward short calls")
    assert explicit["root_cause"] == "Targets reward short calls"
    listed = client.get(root_causes_url(world), headers=world.as_(world.member)).json()
    assert [r["id"] for r in listed["data"]] == [explicit["id"], body["id"]]


@pytest.mark.parametrize(
    "whys",
    [[], ["one", "two", "three", "four", "five", "six"], ["fine", "  "], "just one", [None], ["x" * 1001]],
)
def test_whys_are_one_to_five_non_empty_answers(client, session, world, whys):
    response = client.post(
        root_causes_url(world), json={"theme": "Repeat visits", "whys": whys}, headers=world.as_(world.author)
    )
    assert response.status_code == 422, response.text
    assert "whys" in {str(e["loc"][1]) for e in response.json()["detail"]}
    session.expire_all()
    assert session.exec(select(RootCause)).all() == []


def test_root_cause_links_must_be_this_councils(client, session, world):
    other_action = make_action(session, council=session.get(Council, world.other_seat.council_id))
    session.commit()
    foreign_research = client.post(
        f"/api/councils/{world.other_seat.council_id}/research",
        json={"title": "Elsewhere", "conducted_on": "2024-01-01", "method": "other"},
        headers=world.as_(world.other_seat),
    ).json()
    for body, field in (
        ({"research_id": foreign_research["id"]}, "research_id"),
        ({"action_ids": [other_action.id]}, "action_ids"),
        ({"initiative_ids": [world.other_initiative.id]}, "initiative_ids"),
    ):
        response = client.post(
            root_causes_url(world), json={"theme": "T", "whys": ["W"], **body}, headers=world.as_(world.author)
        )
        assert response.status_code == 422, response.text
        assert error_fields(response) == {field}
    session.expire_all()
    assert session.exec(select(RootCause)).all() == []
    assert session.exec(select(RootCauseAction)).all() == []


def test_new_whys_move_a_default_root_cause_but_not_a_written_one(client, world):
    defaulted = add_root_cause(client, world, whys=["A", "B"])
    url = f"/api/root-causes/{defaulted['id']}"
    response = client.patch(url, json={"whys": ["A", "B", "C"]}, headers=world.as_(world.author))
    assert response.json()["root_cause"] == "C"
    written = add_root_cause(client, world, whys=["A"], root_cause="Our own words")
    url = f"/api/root-causes/{written['id']}"
    response = client.patch(url, json={"whys": ["A", "B"]}, headers=world.as_(world.author))
    assert response.json()["root_cause"] == "Our own words"
    # Clearing it brings back the default.
    response = client.patch(url, json={"root_cause": ""}, headers=world.as_(world.chair))
    assert response.json()["root_cause"] == "B"
    response = client.patch(url, json={"whys": None}, headers=world.as_(world.chair))
    assert response.status_code == 422 and error_fields(response) == {"whys"}


def test_author_and_chair_edit_root_causes(client, world):
    root_cause = add_root_cause(client, world)
    url = f"/api/root-causes/{root_cause['id']}"
    for seat in (world.member, world.secretary, world.observer):
        assert client.patch(url, json={"theme": "Mine"}, headers=world.as_(seat)).status_code == 403
        assert client.delete(url, headers=world.as_(seat)).status_code == 403
    assert client.patch(url, json={"theme": "Repeat visits"}, headers=world.as_(world.author)).status_code == 200
    assert client.patch(url, json={"research_id": None}, headers=world.as_(world.chair)).status_code == 200
    assert client.delete(url, headers=world.as_(world.chair)).status_code == 204
    response = client.post(
        root_causes_url(world), json={"theme": "T", "whys": ["W"]}, headers=world.as_(world.observer)
    )
    assert response.status_code == 403


def test_observers_see_only_their_own_actions_on_a_root_cause(client, session, world):
    mine = make_action(session, council=world.council, owner=world.observer, title="Observer's action")
    theirs = make_action(session, council=world.council, owner=world.member, title="Someone else's")
    session.commit()
    root_cause = add_root_cause(client, world, action_ids=[mine.id, theirs.id])
    assert set(root_cause["action_ids"]) == {mine.id, theirs.id}
    seen = client.get(f"/api/root-causes/{root_cause['id']}", headers=world.as_(world.observer)).json()
    assert seen["action_ids"] == [mine.id]


def test_deleting_research_keeps_the_root_cause_drawn_from_it(client, world):
    research = add_research(client, world)
    root_cause = add_root_cause(client, world, research_id=research["id"])
    assert client.delete(f"/api/research/{research['id']}", headers=world.as_(world.author)).status_code == 204
    body = client.get(f"/api/root-causes/{root_cause['id']}", headers=world.as_(world.member)).json()
    assert body["research_id"] is None and body["research_title"] is None


def test_another_councils_root_cause_does_not_exist_for_me(client, world):
    root_cause = add_root_cause(client, world)
    assert client.get(f"/api/root-causes/{root_cause['id']}", headers=world.as_(world.other_seat)).status_code == 404
