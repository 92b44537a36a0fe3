"""Sign-in throttling on the token endpoint and the login page; counts live in the database."""

from datetime import timedelta

from sqlmodel import select

from app.accounts import throttle
from app.models import LoginFailure, utcnow
from tests.web.test_pages import PASSWORD, csrf_from, seat_person, sign_in

EMAIL = "chair@example.com"


def token(client, password, email=EMAIL):
    return client.post("/api/auth/token", data={"username": email, "password": password})


def test_token_endpoint_locks_an_email_after_five_failures(client, session):
    seat_person(session)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        assert token(client, "wrong-password").status_code == 401
    locked = token(client, PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert locked.json()["detail"] == "Too many failed sign-ins; try again in 15 minutes."
    # Another email from the same address is still fine.
    seat_person(session, "other@example.com", "member")
    assert token(client, PASSWORD, email="other@example.com").status_code == 200


def test_success_resets_the_email_count(client, session):
    seat_person(session)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        assert token(client, "wrong-password").status_code == 401
    assert token(client, PASSWORD).status_code == 200
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        assert token(client, "wrong-password").status_code == 401
    assert token(client, PASSWORD).status_code == 200


def test_failures_expire_after_the_window(client, session):
    seat_person(session)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL):
        token(client, "wrong-password")
    assert token(client, PASSWORD).status_code == 429
    for failure in session.exec(select(LoginFailure)).all():
        failure.failed_at = utcnow() - throttle.WINDOW - timedelta(seconds=1)
    session.commit()
    assert token(client, PASSWORD).status_code == 200


def test_one_address_is_locked_after_many_failures_across_emails(client, session):
    seat_person(session)
    for n in range(throttle.MAX_FAILURES_PER_ADDRESS):
        assert token(client, "wrong-password", email=f"guess{n}@example.com").status_code == 401
    assert token(client, PASSWORD).status_code == 429


def test_login_page_is_throttled_too_and_shares_the_count(client, session):
    seat_person(session)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL - 1):
        assert sign_in(client, password="wrong-password").status_code == 401
    assert token(client, "wrong-password").status_code == 401  # the fifth, through the API
    page = sign_in(client)
    assert page.status_code == 429
    assert 0 < int(page.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins; try again in 15 minutes." in page.text
    assert csrf_from(page.text)  # the form is still there
    assert client.get("/councils", follow_redirects=False).status_code == 303  # not signed in
    # The counts are rows any worker sharing the database sees.
    keys = {f.key for f in session.exec(select(LoginFailure)).all()}
    assert keys == {f"email:{EMAIL}", "ip:testclient"}
