"""Signing in with the API: tokens, expiry, me, and account administration."""

from datetime import timedelta

import jwt
from sqlmodel import func, select

from app.auth import _DUMMY_HASH, JWT_ALGORITHM, hash_password, password_hash
from app.models import User, utcnow
from tests.helpers import auth, error_fields


def add_user(session, email="ada@example.com", password="correct-horse", **extra) -> User:
    user = User(email=email, name="Ada", password_hash=hash_password(password), **extra)
    session.add(user)
    session.commit()
    return user


def test_token_then_me(client, session):
    add_user(session)
    response = client.post("/api/auth/token", data={"username": "ADA@example.com ", "password": "correct-horse"})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == "ada@example.com"
    assert me.json()["councils"] == []
    assert "password_hash" not in me.json()


def test_wrong_password_and_unknown_email_get_the_same_401(client, session):
    add_user(session)
    wrong = client.post("/api/auth/token", data={"username": "ada@example.com", "password": "nope-nope"})
    unknown = client.post("/api/auth/token", data={"username": "bob@example.com", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Incorrect email or password."}
    assert wrong.headers["WWW-Authenticate"] == "Bearer"


def test_inactive_account_cannot_sign_in_or_use_an_old_token(app, client, session):
    user = add_user(session, is_active=False)
    assert client.post("/api/auth/token", data={"username": user.email, "password": "correct-horse"}).status_code == 401
    assert client.get("/api/me", headers=auth(app, user)).status_code == 401


def test_missing_form_fields_are_named(client):
    response = client.post("/api/auth/token", data={"password": "x"})
    assert response.status_code == 422
    assert "username" in error_fields(response)


def test_expired_and_forged_tokens_are_refused(app, client, session):
    user = add_user(session)
    secret = app.state.settings.SECRET_KEY
    expired = jwt.encode(
        {"sub": str(user.id), "sid": "x", "exp": utcnow() - timedelta(minutes=1)}, secret, algorithm=JWT_ALGORITHM
    )
    response = client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    forged = jwt.encode({"sub": str(user.id), "exp": utcnow() + timedelta(hours=1)}, "x" * 40, algorithm=JWT_ALGORITHM)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer not-a-jwt"}).status_code == 401
    assert client.get("/api/me").status_code == 401


def test_a_token_used_before_is_refused_once_it_expires(app, client, session, monkeypatch):
    """A token whose signature was checked on an earlier request (app.auth keeps those) is still refused, in the
    same words, once its time is up."""
    user = add_user(session)
    headers = auth(app, user)
    assert client.get("/api/me", headers=headers).status_code == 200
    claims = jwt.decode(headers["Authorization"].removeprefix("Bearer "), options={"verify_signature": False})
    monkeypatch.setattr("app.auth.time.time", lambda: claims["exp"])
    response = client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_change_own_password_needs_the_current_one(app, client, session):
    user = add_user(session)
    headers = auth(app, user)
    refused = client.patch(
        "/api/me", headers=headers, json={"current_password": "wrong-one", "new_password": "brand-new-pw"}
    )
    assert refused.status_code == 422
    assert error_fields(refused) == {"current_password"}
    short = client.patch(
        "/api/me", headers=headers, json={"current_password": "correct-horse", "new_password": "short"}
    )
    assert short.status_code == 422 and error_fields(short) == {"new_password"}
    ok = client.patch(
        "/api/me", headers=headers, json={"current_password": "correct-horse", "new_password": "brand-new-pw"}
    )
    assert ok.status_code == 200
    assert client.post("/api/auth/token", data={"username": user.email, "password": "correct-horse"}).status_code == 401
    assert client.post("/api/auth/token", data={"username": user.email, "password": "brand-new-pw"}).status_code == 200


def test_admin_creates_accounts_and_duplicates_conflict(app, client, session):
    admin = add_user(session, email="admin@example.com", is_site_admin=True)
    headers = auth(app, admin)
    body = {"email": "New.Person@Example.com", "name": "New Person", "password": "long-enough"}
    created = client.post("/api/users", headers=headers, json=body)
    assert created.status_code == 201
    assert created.json()["email"] == "new.person@example.com"
    again = client.post("/api/users", headers=headers, json={**body, "email": "new.person@EXAMPLE.com"})
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]
    session.expire_all()
    assert session.exec(select(func.count()).select_from(User)).one() == 2


def test_admin_input_errors_name_the_field(app, client, session):
    admin = add_user(session, email="admin@example.com", is_site_admin=True)
    headers = auth(app, admin)
    for body, field in [
        ({"email": "not-an-email", "name": "X", "password": "long-enough"}, "email"),
        ({"email": "x@example.com", "name": "   ", "password": "long-enough"}, "name"),
        ({"email": "x@example.com", "name": "X", "password": "short"}, "password"),
        (
            {"email": "x@example.com", "name": "X", "password": "long-enough", "is_site_admin": "yes please"},
            "is_site_admin",
        ),
        ({"email": "x@example.com", "name": "X", "password": "long-enough", "role": "king"}, "role"),
    ]:
        response = client.post("/api/users", headers=headers, json=body)
        assert response.status_code == 422, body
        assert field in error_fields(response), response.json()
    session.expire_all()
    assert session.exec(select(func.count()).select_from(User)).one() == 1


def test_admin_cannot_lock_themselves_out(app, client, session):
    admin = add_user(session, email="admin@example.com", is_site_admin=True)
    response = client.patch(f"/api/users/{admin.id}", headers=auth(app, admin), json={"is_active": False})
    assert response.status_code == 403
    session.refresh(admin)
    assert admin.is_active


def test_malformed_json_is_a_422_not_a_500(app, client, session):
    user = add_user(session)
    response = client.post(
        "/api/councils", headers={**auth(app, user), "Content-Type": "application/json"}, content=b"{not json"
    )
    assert response.status_code == 422


def test_an_unknown_email_costs_what_a_known_one_costs():
    """The written-out dummy hash an unknown email is checked against has the hasher's current parameters."""
    assert password_hash.verify_and_update("not-a-real-password", _DUMMY_HASH) == (True, None)
