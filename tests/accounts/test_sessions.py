"""Sign-ins the server can end: replayed cookies and tokens after sign-out, a new password,
"sign out everywhere" and deactivation; the account page that lists them."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import select

from app.main import SESSION_COOKIE
from app.models import DataRevision, UserSession, utcnow
from tests.helpers import auth
from tests.web.test_pages import PASSWORD, csrf_from, seat_person, sign_in

FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"


def other_browser(app, user_agent: str = FIREFOX_ON_WINDOWS) -> TestClient:
    """A second browser of the same person: its own cookie jar."""
    return TestClient(app, headers={"User-Agent": user_agent})


def replay(app, cookie: str) -> TestClient:
    """A browser that presents a copied session cookie."""
    thief = TestClient(app)
    thief.cookies.set(SESSION_COOKIE, cookie)
    return thief


def signed_in(browser: TestClient) -> bool:
    response = browser.get("/councils", follow_redirects=False)
    assert response.status_code in (200, 303), response.status_code
    return response.status_code == 200


def token(client, email="chair@example.com", password=PASSWORD, user_agent="report-bot/2.1") -> str:
    response = client.post(
        "/api/auth/token", data={"username": email, "password": password}, headers={"User-Agent": user_agent}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def test_an_old_cookie_is_refused_after_sign_out(app, client, session):
    seat_person(session)
    assert sign_in(client).status_code == 303
    copied = client.cookies[SESSION_COOKIE]
    assert signed_in(replay(app, copied))
    page = client.get("/councils")
    assert client.post("/logout", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False).status_code == 303

    thief = replay(app, copied)
    assert not signed_in(thief)
    assert thief.get("/api/me").status_code == 401
    # Signing in again is a new sign-in; the copy stays dead.
    assert sign_in(client).status_code == 303 and signed_in(client)
    assert not signed_in(replay(app, copied))


def test_a_new_password_ends_other_browsers_and_old_tokens_but_not_this_token(app, client, session):
    seat_person(session)
    browser = other_browser(app)
    assert sign_in(browser).status_code == 303 and signed_in(browser)
    old = token(client)
    current = token(client)

    changed = client.patch(
        "/api/me", headers=bearer(current), json={"current_password": PASSWORD, "new_password": "new-pw-87654321"}
    )
    assert changed.status_code == 200, changed.text

    refused = client.get("/api/me", headers=bearer(old))
    assert refused.status_code == 401 and "signed out" in refused.json()["detail"]
    assert not signed_in(browser)
    assert client.get("/api/me", headers=bearer(current)).status_code == 200


def test_a_new_password_from_the_account_page_keeps_this_browser_only(app, client, session):
    seat_person(session)
    browser = other_browser(app)
    assert sign_in(browser).status_code == 303
    old = token(client)
    assert sign_in(client).status_code == 303
    account = client.get("/account")
    assert account.status_code == 200 and "Firefox on Windows" in account.text

    wrong = client.post(
        "/account/password",
        data={"csrf_token": csrf_from(account.text), "current_password": "not-it-at-all", "new_password": "x" * 12},
    )
    assert "current password is not correct" in wrong.text
    assert signed_in(browser)  # a refused change ends nothing

    done = client.post(
        "/account/password",
        data={"csrf_token": csrf_from(account.text), "current_password": PASSWORD, "new_password": "new-pw-87654321"},
    )
    assert done.status_code == 200 and "Password changed" in done.text
    assert signed_in(client)
    assert not signed_in(browser)
    assert client.get("/api/me", headers=bearer(old)).status_code == 401
    assert sign_in(browser, password="new-pw-87654321").status_code == 303


def test_sign_out_everywhere_else_from_the_api(app, client, session):
    seat_person(session)
    browser = other_browser(app)
    assert sign_in(browser).status_code == 303
    old, current = token(client), token(client)

    listed = client.get("/api/me/sessions", headers=bearer(current)).json()
    assert listed["count"] == 3
    assert [s["current"] for s in listed["data"]].count(True) == 1
    kinds = sorted((s["kind"], s["user_agent"]) for s in listed["data"])
    assert kinds == [("browser", FIREFOX_ON_WINDOWS), ("token", "report-bot/2.1"), ("token", "report-bot/2.1")]
    assert all("token_hash" not in s for s in listed["data"])

    ended = client.post("/api/me/sessions/revoke", headers=bearer(current))
    assert ended.status_code == 200 and ended.json() == {"ended": 2}
    assert client.get("/api/me", headers=bearer(old)).status_code == 401
    assert not signed_in(browser)
    assert client.get("/api/me", headers=bearer(current)).status_code == 200
    assert client.get("/api/me/sessions", headers=bearer(current)).json()["count"] == 1


def test_a_token_signs_itself_out_and_cannot_end_someone_elses(app, client, session):
    seat_person(session)
    seat_person(session, email="other@example.com")
    mine, theirs = token(client), token(client, email="other@example.com")
    their_id = client.get("/api/me/sessions", headers=bearer(theirs)).json()["data"][0]["id"]
    assert client.delete(f"/api/me/sessions/{their_id}", headers=bearer(mine)).status_code == 404
    assert client.get("/api/me", headers=bearer(theirs)).status_code == 200

    my_id = client.get("/api/me/sessions", headers=bearer(mine)).json()["data"][0]["id"]
    assert client.delete(f"/api/me/sessions/{my_id}", headers=bearer(mine)).status_code == 204
    assert client.get("/api/me", headers=bearer(mine)).status_code == 401


def test_the_account_page_signs_out_one_browser_or_every_other(app, client, session):
    seat_person(session)
    firefox = other_browser(app)
    phone = other_browser(app, "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile")
    for browser in (firefox, phone):
        assert sign_in(browser).status_code == 303
    assert sign_in(client).status_code == 303
    account = client.get("/account").text
    assert "Firefox on Windows" in account and "Chrome on Android" in account and "This browser" in account

    firefox_id = session.exec(select(UserSession.id).where(UserSession.user_agent == FIREFOX_ON_WINDOWS)).one()
    page = client.post(f"/account/sessions/{firefox_id}/revoke", data={"csrf_token": csrf_from(account)})
    assert "Signed out there" in page.text and "Firefox on Windows" not in page.text
    assert not signed_in(firefox) and signed_in(phone) and signed_in(client)

    page = client.post("/account/sessions/revoke", data={"csrf_token": csrf_from(page.text)})
    assert "Signed out everywhere else (1 sign-in ended)" in page.text
    assert not signed_in(phone) and signed_in(client)

    own_id = session.exec(select(UserSession.id).where(UserSession.revoked_at.is_(None))).one()
    done = client.post(
        f"/account/sessions/{own_id}/revoke", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert done.headers["location"] == "/login" and not signed_in(client)


def test_deactivation_ends_everything_for_good(app, client, session):
    admin, _ = seat_person(session, email="admin@example.com")
    admin.is_site_admin = True
    session.add(admin)
    session.commit()
    user, _ = seat_person(session, email="ada@example.com")
    browser = other_browser(app)
    assert sign_in(browser, email="ada@example.com").status_code == 303
    old = token(client, email="ada@example.com")

    admin_headers = auth(app, admin)
    assert client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"is_active": False}).status_code == 200
    assert client.get("/api/me", headers=bearer(old)).status_code == 401
    assert not signed_in(browser)
    # Reactivating the account does not bring old sign-ins back.
    assert client.patch(f"/api/users/{user.id}", headers=admin_headers, json={"is_active": True}).status_code == 200
    assert client.get("/api/me", headers=bearer(old)).status_code == 401
    assert sign_in(browser, email="ada@example.com").status_code == 303 and signed_in(browser)


def test_an_admin_password_reset_ends_the_accounts_sign_ins(app, client, session):
    admin, _ = seat_person(session, email="admin@example.com")
    admin.is_site_admin = True
    session.add(admin)
    session.commit()
    user, _ = seat_person(session, email="ada@example.com")
    old = token(client, email="ada@example.com")
    reset = client.patch(f"/api/users/{user.id}", headers=auth(app, admin), json={"password": "reset-pw-1234"})
    assert reset.status_code == 200
    assert client.get("/api/me", headers=bearer(old)).status_code == 401


def test_last_seen_is_written_at_most_once_a_minute_and_changes_no_data(app, client, session):
    seat_person(session)
    assert sign_in(client).status_code == 303
    row = session.exec(select(UserSession)).one()
    stamp = session.exec(select(DataRevision.stamp)).one()
    seen = row.last_seen_at
    for _ in range(3):
        assert client.get("/councils").status_code == 200
    session.expire_all()
    assert session.get(UserSession, row.id).last_seen_at == seen

    row = session.get(UserSession, row.id)
    row.last_seen_at = utcnow() - timedelta(minutes=5)
    session.add(row)
    session.commit()
    before = utcnow() - timedelta(seconds=1)
    assert client.get("/councils").status_code == 200
    session.expire_all()
    assert session.get(UserSession, row.id).last_seen_at >= before
    assert session.exec(select(DataRevision.stamp)).one() == stamp  # cached agendas stay valid


def test_last_seen_waits_for_no_other_note(app, client, session):
    """A note takes a second connection while the request holds one: one note at a time per process, and a request
    that finds another being written skips its own (else a burst of requests could each hold a connection and wait
    for another until the pool's timeout). The sign-in's next request writes it."""
    from app import auth as auth_module

    seat_person(session)
    assert sign_in(client).status_code == 303
    row = session.exec(select(UserSession)).one()
    row.last_seen_at = old = utcnow() - timedelta(minutes=5)
    session.add(row)
    session.commit()
    with auth_module._noting:  # another request's note under way
        assert client.get("/councils").status_code == 200
    session.expire_all()
    assert session.get(UserSession, row.id).last_seen_at == old
    assert client.get("/councils").status_code == 200
    session.expire_all()
    assert session.get(UserSession, row.id).last_seen_at > old


def test_an_expired_sign_in_is_refused(app, client, session):
    seat_person(session)
    assert sign_in(client).status_code == 303
    row = session.exec(select(UserSession)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    assert not signed_in(client)


def test_signing_in_again_in_one_browser_ends_its_previous_sign_in(app, client, session):
    seat_person(session)
    assert sign_in(client).status_code == 303
    copied = client.cookies[SESSION_COOKIE]
    assert sign_in(client).status_code == 303
    assert not signed_in(replay(app, copied)) and signed_in(client)
    assert len(session.exec(select(UserSession).where(UserSession.revoked_at.is_(None))).all()) == 1


def test_long_ended_sign_ins_are_cleared_when_their_owner_signs_in(app, client, session):
    seat_person(session)
    for browser in (client, other_browser(app)):
        assert sign_in(browser).status_code == 303
    old, recent = session.exec(select(UserSession).order_by(UserSession.id)).all()
    old_id, recent_id = old.id, recent.id
    old.revoked_at = utcnow() - timedelta(days=31)
    recent.revoked_at = utcnow() - timedelta(days=1)
    session.add_all([old, recent])
    session.commit()
    assert sign_in(client).status_code == 303
    session.expire_all()
    remaining = session.exec(select(UserSession.id)).all()
    assert old_id not in remaining and recent_id in remaining and len(remaining) == 2
