"""Councils, departments and members through the JSON API."""

from datetime import date, timedelta

from sqlmodel import func, select

from app.auth import hash_password
from app.models import Action, Council, Department, Invitation, Membership, User
from tests.councils.invitations import seat_by_invitation
from tests.helpers import auth, error_fields, if_match


def person(session, email: str, *, creates_councils: bool = False) -> User:
    user = User(
        email=email,
        name=email.split("@")[0].title(),
        password_hash=hash_password("pw-12345678"),
        can_create_councils=creates_councils,
    )
    session.add(user)
    session.commit()
    return user


def start_council(app, client, chair: User, name="Utility council") -> dict:
    response = client.post("/api/councils", headers=auth(app, chair), json={"name": name})
    assert response.status_code == 201, response.text
    return response.json()


def count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_whoever_creates_a_council_chairs_it(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    council = start_council(app, client, chair)
    assert council["my_role"] == "chair"
    assert council["timezone"] == "Europe/London"
    listed = client.get("/api/councils", headers=auth(app, chair)).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == council["id"]
    members = client.get(f"/api/councils/{council['id']}/members", headers=auth(app, chair)).json()
    assert [(m["email"], m["role"]) for m in members["data"]] == [("chair@example.com", "chair")]


def test_council_validation_names_the_field_and_stores_nothing(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    headers = auth(app, chair)
    for body, field in [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 42}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Ok", "timezone": "Mars/Olympus"}, "timezone"),
        ({"name": "Ok", "colour": "red"}, "colour"),
        ({"name": "Nul\x00byte"}, "name"),
    ]:
        response = client.post("/api/councils", headers=headers, json=body)
        assert response.status_code == 422, body
        assert field in error_fields(response), response.json()
    assert count(session, Council) == 0


def test_stale_if_match_on_council_is_refused(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    council = start_council(app, client, chair)
    url = f"/api/councils/{council['id']}"
    etag = client.get(url, headers=auth(app, chair)).headers["ETag"]
    first = client.patch(url, headers={**auth(app, chair), "If-Match": etag}, json={"name": "First"})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = client.patch(url, headers={**auth(app, chair), "If-Match": etag}, json={"name": "Second"})
    assert stale.status_code == 412
    assert client.get(url, headers=auth(app, chair)).json()["name"] == "First"


def test_departments_unique_per_council_and_kept_while_in_use(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    council = start_council(app, client, chair)
    base = f"/api/councils/{council['id']}/departments"
    headers = auth(app, chair)
    billing = client.post(base, headers=headers, json={"name": "Billing"}).json()
    supplier = client.post(base, headers=headers, json={"name": "ContactPlus", "is_external": True})
    assert supplier.status_code == 201 and supplier.json()["is_external"] is True
    duplicate = client.post(base, headers=headers, json={"name": "billing"})
    assert duplicate.status_code == 409
    # Another council may have its own Billing.
    other = start_council(app, client, chair, name="Second council")
    assert (
        client.post(f"/api/councils/{other['id']}/departments", headers=headers, json={"name": "Billing"}).status_code
        == 201
    )

    member = seat_by_invitation(
        app,
        client,
        session,
        council_id=council["id"],
        chair=chair,
        email="billing@example.com",
        name="Bill",
        department_id=billing["id"],
    )
    assert member["department_name"] == "Billing"
    in_use = client.delete(f"{base}/{billing['id']}", headers=headers)
    assert in_use.status_code == 409
    assert "1 member;" in in_use.json()["detail"]
    assert client.get(f"{base}/{billing['id']}", headers=headers).status_code == 200


def test_ids_from_another_council_are_not_found(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    mine = start_council(app, client, chair)
    theirs = start_council(app, client, chair, name="Other")
    headers = auth(app, chair)
    dept = client.post(f"/api/councils/{theirs['id']}/departments", headers=headers, json={"name": "Billing"}).json()
    assert client.get(f"/api/councils/{mine['id']}/departments/{dept['id']}", headers=headers).status_code == 404
    assert client.delete(f"/api/councils/{mine['id']}/departments/{dept['id']}", headers=headers).status_code == 404
    # …and in a body it is a 422 naming the field, with nothing stored on the way.
    response = client.post(
        f"/api/councils/{mine['id']}/invitations",
        headers=headers,
        json={"email": "new@example.com", "name": "New", "department_id": dept["id"]},
    )
    assert response.status_code == 422 and error_fields(response) == {"department_id"}
    assert count(session, User) == 1
    assert count(session, Invitation) == 0
    assert client.get("/api/councils/2147483647", headers=headers).status_code == 404
    assert client.get("/api/councils/99999999999", headers=headers).status_code == 422
    assert client.get("/api/councils/abc", headers=headers).status_code == 422


def test_adding_members_by_email_invites_and_seats_nobody_until_they_accept(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    existing = person(session, "existing@example.com")
    council = start_council(app, client, chair)
    url = f"/api/councils/{council['id']}/invitations"
    headers = auth(app, chair)

    known = client.post(url, headers=headers, json={"email": "EXISTING@example.com", "role": "secretary"})
    assert known.status_code == 201
    assert known.json()["email"] == "existing@example.com" and known.json()["role"] == "secretary"
    assert "temporary_password" not in known.json() and "user_id" not in known.json()

    new = client.post(url, headers=headers, json={"email": "fresh@example.com", "name": "Fresh Face"})
    assert new.status_code == 201 and new.json()["role"] == "member"
    # No account for the new email, and no password to hand around.
    assert (
        client.post("/api/auth/token", data={"username": "fresh@example.com", "password": "x" * 12}).status_code == 401
    )

    nameless = client.post(url, headers=headers, json={"email": "nobody@example.com"})
    assert nameless.status_code == 201  # a name is no longer what tells who has an account
    again = client.post(url, headers=headers, json={"email": "fresh@example.com"})
    assert again.status_code == 201  # a second invitation replaces the first
    listed = client.get(url, headers=headers).json()["data"]
    assert [i["status"] for i in listed if i["email"] == "fresh@example.com"] == ["pending", "revoked"]
    bad_role = client.post(url, headers=headers, json={"email": "x@example.com", "name": "X", "role": "boss"})
    assert bad_role.status_code == 422 and error_fields(bad_role) == {"role"}
    seated = client.post(url, headers=headers, json={"email": "chair@example.com"})
    assert seated.status_code == 409 and "already sits on this council" in seated.json()["detail"]
    assert count(session, User) == 2
    assert count(session, Membership) == 1
    assert existing.id  # seated only by accepting: see tests/councils/test_invitations.py


def test_a_council_always_keeps_a_chair(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    council = start_council(app, client, chair)
    headers = auth(app, chair)
    url = f"/api/councils/{council['id']}/members"
    seat = client.get(url, headers=headers).json()["data"][0]
    assert client.patch(f"{url}/{seat['id']}", headers=headers, json={"role": "member"}).status_code == 409
    assert client.delete(f"{url}/{seat['id']}", headers=headers).status_code == 409
    deputy = seat_by_invitation(
        app, client, session, council_id=council["id"], chair=chair, email="deputy@example.com", role="chair"
    )
    assert client.patch(f"{url}/{seat['id']}", headers=headers, json={"role": "member"}).status_code == 200
    assert client.get(f"{url}/{deputy['id']}", headers=headers).json()["role"] == "chair"


def test_a_member_who_owns_actions_is_not_removed(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    council = start_council(app, client, chair)
    headers = auth(app, chair)
    url = f"/api/councils/{council['id']}/members"
    seat = seat_by_invitation(app, client, session, council_id=council["id"], chair=chair, email="owner@example.com")
    action = client.post(
        f"/api/councils/{council['id']}/actions",
        headers=headers,
        json={"title": "Fix it", "owner_id": seat["id"], "due_on": str(date.today() + timedelta(days=3))},
    )
    assert action.status_code == 201
    refused = client.delete(f"{url}/{seat['id']}", headers=headers)
    assert refused.status_code == 409 and "reassign" in refused.json()["detail"]
    assert count(session, Membership) == 2


def test_deleting_a_council_archives_it_and_keeps_everything_in_it(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    doomed = start_council(app, client, chair, name="Doomed")
    kept = start_council(app, client, chair, name="Kept")
    headers = auth(app, chair)
    for council in (doomed, kept):
        dept = client.post(
            f"/api/councils/{council['id']}/departments", headers=headers, json={"name": "Billing"}
        ).json()
        seat = seat_by_invitation(
            app,
            client,
            session,
            council_id=council["id"],
            chair=chair,
            email=f"m{council['id']}@example.com",
            department_id=dept["id"],
        )
        client.post(
            f"/api/councils/{council['id']}/meetings", headers=headers, json={"scheduled_at": "2031-01-01T10:00:00Z"}
        )
        client.post(
            f"/api/councils/{council['id']}/actions",
            headers=headers,
            json={"title": "Act", "owner_id": seat["id"], "due_on": "2031-01-01"},
        )
    assert client.delete(f"/api/councils/{doomed['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/councils/{doomed['id']}", headers=headers).status_code == 404
    assert [c["name"] for c in client.get("/api/councils", headers=headers).json()["data"]] == ["Kept"]
    assert count(session, Council) == 1  # the archived one is hidden…
    assert count(session, Department) == 2  # …and nothing in it went
    assert count(session, Action) == 2
    assert client.get(f"/api/councils/{kept['id']}/actions", headers=headers).json()["count"] == 1


def test_meeting_settings_quorum_and_agenda_time(app, client, session):
    chair = person(session, "chair@example.com", creates_councils=True)
    council = start_council(app, client, chair)
    url = f"/api/councils/{council['id']}"
    headers = auth(app, chair)
    assert council["quorum_members"] is None and council["agenda_minutes"]["department_reports"] == 30
    changed = client.patch(
        url, headers=if_match(client, url, headers), json={"quorum_members": 4, "agenda_minutes": {"aob": 20}}
    )
    assert changed.status_code == 200
    assert changed.json()["quorum_members"] == 4
    assert changed.json()["agenda_minutes"]["aob"] == 20
    assert changed.json()["agenda_minutes"]["actions"] == 15  # the rest keep their defaults
    for body, field in [
        ({"quorum_members": 0}, "quorum_members"),
        ({"quorum_departments": "two"}, "quorum_departments"),
        ({"agenda_minutes": {"lunch": 30}}, "agenda_minutes"),
        ({"agenda_minutes": {"aob": -5}}, "aob"),
    ]:
        response = client.patch(url, headers=if_match(client, url, headers), json=body)
        assert response.status_code == 422, body
        assert field in error_fields(response), response.json()
    reset = client.patch(url, headers=if_match(client, url, headers), json={"quorum_members": None})
    assert reset.json()["quorum_members"] is None


def test_a_department_with_measures_or_meeting_reports_is_kept(app, client, session):
    """The database would delete them with the department: readings and meeting history."""
    chair = person(session, "chair@example.com", creates_councils=True)
    council = start_council(app, client, chair)
    headers = auth(app, chair)
    base = f"/api/councils/{council['id']}/departments"
    field = client.post(base, headers=headers, json={"name": "Field Engineering"}).json()
    measure = client.post(
        f"/api/councils/{council['id']}/measures",
        headers=headers,
        json={"name": "Repeat visits", "scope": "department", "department_id": field["id"], "unit": "%"},
    )
    assert measure.status_code == 201, measure.text
    refused = client.delete(f"{base}/{field['id']}", headers=headers)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "Field Engineering still has 1 measure; move or delete them first, so that nothing is lost with the department."
    )
    assert client.get(f"/api/measures/{measure.json()['id']}", headers=headers).status_code == 200

    assert (
        client.delete(
            f"/api/measures/{measure.json()['id']}",
            headers=if_match(client, f"/api/measures/{measure.json()['id']}", headers),
        ).status_code
        == 204
    )
    assert client.delete(f"{base}/{field['id']}", headers=headers).status_code == 204
