"""Who may start a council: site admins and the people they allow, unless COUNCIL_CREATORS=everyone."""

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from app.models import Council
from tests.factories import PASSWORD, make_user
from tests.helpers import auth
from tests.web.test_pages import csrf_from, sign_in


def councils(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Council)).one()


def test_only_admins_and_flagged_people_start_councils(app, client, session):
    admin = make_user(session, email="admin@example.com", is_site_admin=True)
    plain = make_user(session, email="plain@example.com")
    session.commit()
    refused = client.post("/api/councils", headers=auth(app, plain), json={"name": "Mine"})
    assert refused.status_code == 403
    assert "site administrator" in refused.json()["detail"] and "allow" in refused.json()["detail"]
    assert councils(session) == 0
    assert client.get("/api/me", headers=auth(app, plain)).json()["can_create_councils"] is False

    # A site admin may, and may allow someone else.
    assert client.post("/api/councils", headers=auth(app, admin), json={"name": "Admin's"}).status_code == 201
    allowed = client.patch(f"/api/users/{plain.id}", headers=auth(app, admin), json={"can_create_councils": True})
    assert allowed.status_code == 200 and allowed.json()["can_create_councils"] is True
    made = client.post("/api/councils", headers=auth(app, plain), json={"name": "Mine"})
    assert made.status_code == 201 and made.json()["my_role"] == "chair"

    # Nobody but a site admin hands out the flag, not even to themselves.
    other = make_user(session, email="other@example.com")
    session.commit()
    assert (
        client.patch(f"/api/users/{other.id}", headers=auth(app, plain), json={"can_create_councils": True}).status_code
        == 403
    )
    assert client.patch("/api/me", headers=auth(app, other), json={"can_create_councils": True}).status_code == 422
    withdrawn = client.patch(f"/api/users/{plain.id}", headers=auth(app, admin), json={"can_create_councils": False})
    assert withdrawn.json()["can_create_councils"] is False
    assert client.post("/api/councils", headers=auth(app, plain), json={"name": "Again"}).status_code == 403
    assert councils(session) == 2


def test_a_site_admin_creates_an_account_allowed_to_start_councils(app, client, session):
    admin = make_user(session, email="admin@example.com", is_site_admin=True)
    session.commit()
    created = client.post(
        "/api/users",
        headers=auth(app, admin),
        json={"email": "lead@example.com", "name": "Lead", "password": "long-enough-pw", "can_create_councils": True},
    )
    assert created.status_code == 201 and created.json()["can_create_councils"] is True


def test_the_new_council_form_is_there_only_for_those_who_may(client, session):
    make_user(session, email="chair@example.com", password=PASSWORD)
    make_user(session, email="lead@example.com", password=PASSWORD, can_create_councils=True)
    session.commit()
    sign_in(client, email="chair@example.com")
    page = client.get("/councils")
    assert "Start a new council" not in page.text and 'action="/councils"' not in page.text
    # Posting the form anyway is refused, saying why.
    refused = client.post("/councils", data={"csrf_token": csrf_from(page.text), "name": "Sneaky"})
    assert refused.status_code == 403 and "site administrator" in refused.text
    assert councils(session) == 0

    client.cookies.clear()
    sign_in(client, email="lead@example.com")
    page = client.get("/councils")
    assert "Start a new council" in page.text
    made = client.post("/councils", data={"csrf_token": csrf_from(page.text), "name": "Lead's council"})
    assert made.status_code == 200 and "Council “Lead&#39;s council” created; you are its chair." in made.text


@pytest.fixture
def open_app(settings):
    from app.main import create_app

    application = create_app(settings.model_copy(update={"COUNCIL_CREATORS": "everyone"}))
    with TestClient(application) as test_client:
        yield application, test_client
    application.state.engine.dispose()


def test_council_creators_everyone_lets_anyone_signed_in_start_one(open_app, session):
    app, client = open_app
    plain = make_user(session, email="plain@example.com")
    session.commit()
    assert client.post("/api/councils", headers=auth(app, plain), json={"name": "Mine"}).status_code == 201
    assert client.post("/api/councils", json={"name": "Nobody's"}).status_code == 401


def test_the_setting_takes_only_its_two_values():
    from pydantic import ValidationError

    from app.config import Settings

    with pytest.raises(ValidationError, match="COUNCIL_CREATORS"):
        Settings(_env_file=None, ENVIRONMENT="test", SECRET_KEY="x" * 40, COUNCIL_CREATORS="anyone")
