"""Sign-in throttling: by (email, address) and by address, with a growing wait; never a lockout
of the person from elsewhere. Counts live in the database; client addresses come from
X-Forwarded-For only through a proxy named in FORWARDED_ALLOW_IPS."""

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.accounts import throttle
from app.main import create_app
from app.models import LoginFailure, utcnow
from tests.conftest import engine_independent
from tests.web.test_pages import PASSWORD, csrf_from, seat_person, sign_in

EMAIL = "chair@example.com"
ATTACKER = "198.51.100.7"
CHAIR_AT_HOME = "203.0.113.9"
PROXY = "10.0.0.2"


def token(client, password, email=EMAIL, headers=None):
    return client.post("/api/auth/token", data={"username": email, "password": password}, headers=headers)


@pytest.fixture
def from_address(app):
    """A client of `app` whose requests come from `address`."""
    clients = []

    def connect(address: str, served=app) -> TestClient:
        client = TestClient(served, client=(address, 40000))
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()


def fail_until_locked(client, email=EMAIL, headers=None):
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
        assert token(client, "wrong-password", email=email, headers=headers).status_code == 401


def test_an_attacker_locks_only_themselves_out_and_the_chair_signs_in_from_elsewhere(session, from_address):
    seat_person(session)
    attacker, chair = from_address(ATTACKER), from_address(CHAIR_AT_HOME)
    fail_until_locked(attacker)
    locked = token(attacker, PASSWORD)  # even the right password, from the attacker's address
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "60"
    assert locked.json()["detail"] == "Too many failed sign-ins from here; try again in 1 minute."
    # The chair, from home, is not held up at all: through the API and the sign-in page.
    assert token(chair, PASSWORD).status_code == 200
    assert sign_in(chair).status_code == 303


def test_the_wait_doubles_with_each_failure_after_it_and_hammering_does_not_count(session, from_address):
    seat_person(session)
    attacker = from_address(ATTACKER)
    fail_until_locked(attacker)
    waits = []
    for _ in range(6):
        for _ in range(3):  # refused while waiting, and not counted
            assert token(attacker, "wrong-password").status_code == 429
        waits.append(int(token(attacker, "wrong-password").headers["Retry-After"]))
        # The wait passes: move every failure back by it.
        for failure in session.exec(select(LoginFailure)).all():
            failure.failed_at -= timedelta(seconds=waits[-1])
        session.commit()
        assert token(attacker, "wrong-password").status_code == 401
    assert waits == [60, 120, 240, 480, 900, 900]


def test_success_resets_this_address_count_for_the_email(client, session):
    seat_person(session)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_ADDRESS - 1):
        assert token(client, "wrong-password").status_code == 401
    assert token(client, PASSWORD).status_code == 200
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_ADDRESS - 1):
        assert token(client, "wrong-password").status_code == 401
    assert token(client, PASSWORD).status_code == 200


def test_failures_are_forgotten_after_the_window(client, session):
    seat_person(session)
    fail_until_locked(client)
    assert token(client, PASSWORD).status_code == 429
    for failure in session.exec(select(LoginFailure)).all():
        failure.failed_at = utcnow() - throttle.WINDOW - timedelta(seconds=1)
    session.commit()
    assert token(client, PASSWORD).status_code == 200


def test_one_address_is_held_up_after_many_failures_across_emails(session, from_address):
    seat_person(session)
    guesser = from_address(ATTACKER)
    for n in range(throttle.MAX_FAILURES_PER_ADDRESS):
        assert token(guesser, "wrong-password", email=f"guess{n}@example.com").status_code == 401
    held = token(guesser, PASSWORD)
    assert held.status_code == 429
    assert held.headers["Retry-After"] == "60"
    assert token(from_address(CHAIR_AT_HOME), PASSWORD).status_code == 200


def test_spoofed_forwarded_for_is_not_believed_by_default(session, from_address):
    seat_person(session)
    spoofer = from_address(ATTACKER)
    answers = [
        token(spoofer, "wrong-password", email=f"guess{n}@example.com", headers={"X-Forwarded-For": f"192.0.2.{n}"})
        for n in range(25)
    ]
    statuses = [answer.status_code for answer in answers]
    assert statuses == [401] * throttle.MAX_FAILURES_PER_ADDRESS + [429] * 5
    assert all(answer.headers["Retry-After"] for answer in answers[throttle.MAX_FAILURES_PER_ADDRESS :])
    keys = {f.key for f in session.exec(select(LoginFailure)).all() if f.key.startswith("ip:")}
    assert keys == {f"ip:{ATTACKER}"}


def test_a_trusted_proxy_header_is_honoured(session, settings, from_address):
    seat_person(session)
    behind_proxy = create_app(settings.model_copy(update={"FORWARDED_ALLOW_IPS": f"127.0.0.1, {PROXY}/32"}))
    try:
        proxy = from_address(PROXY, served=behind_proxy)
        fail_until_locked(proxy, headers={"X-Forwarded-For": ATTACKER})
        assert token(proxy, PASSWORD, headers={"X-Forwarded-For": ATTACKER}).status_code == 429
        # Another visitor through the same proxy is someone else.
        assert token(proxy, PASSWORD, headers={"X-Forwarded-For": CHAIR_AT_HOME}).status_code == 200
        # The proxy appends the address it saw; what the client wrote before it is not believed.
        spoof = {"X-Forwarded-For": f"{CHAIR_AT_HOME}, {ATTACKER}"}
        assert token(proxy, PASSWORD, headers=spoof).status_code == 429
        # A client that is not the proxy is its own address, whatever it says.
        direct = from_address(ATTACKER, served=behind_proxy)
        assert token(direct, PASSWORD, headers={"X-Forwarded-For": CHAIR_AT_HOME}).status_code == 429
    finally:
        behind_proxy.state.engine.dispose()


@pytest.mark.parametrize("wrong", ["proxy.local", "10.0.0.1/8", "*"])
def test_forwarded_allow_ips_refuses_what_is_not_an_address(wrong):
    # uvicorn would take each as a name that never matches (or, for "*", trust everyone).
    from pydantic import ValidationError

    from app.config import Settings

    with pytest.raises(ValidationError, match=f"{re.escape(repr(wrong))} is not an IP address or network"):
        Settings(_env_file=None, ENVIRONMENT="development", FORWARDED_ALLOW_IPS=f"10.0.0.1, {wrong}")


def test_login_page_is_throttled_too_and_shares_the_count(client, session):
    seat_person(session)
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_ADDRESS - 1):
        assert sign_in(client, password="wrong-password").status_code == 401
    assert token(client, "wrong-password").status_code == 401  # the fifth, through the API
    page = sign_in(client)
    assert page.status_code == 429
    assert page.headers["Retry-After"] == "60"
    assert "Too many failed sign-ins from here; try again in 1 minute." in page.text
    assert csrf_from(page.text)  # the form is still there
    assert client.get("/councils", follow_redirects=False).status_code == 303  # not signed in
    # The counts are rows any worker sharing the database sees.
    keys = {f.key for f in session.exec(select(LoginFailure)).all()}
    assert keys == {f"pair:testclient|{EMAIL}", "ip:testclient"}


def test_a_very_long_email_is_counted_not_refused_by_the_database(client):
    email = "a" * 5000 + "@example.com"
    for _ in range(throttle.MAX_FAILURES_PER_EMAIL_AND_ADDRESS):
        assert token(client, "wrong-password", email=email).status_code == 401
    assert token(client, "wrong-password", email=email).status_code == 429


# Engine-independent: what is tested is which address `council serve` hands the app (uvicorn's
# proxy headers against FORWARDED_ALLOW_IPS); the counting itself runs on both engines above.
@engine_independent
@pytest.mark.parametrize("trusted", [False, True], ids=["default", "proxy-named"])
def test_council_serve_believes_forwarded_for_only_from_named_proxies(db_url, tmp_path, monkeypatch, trusted):
    """`council serve` as run: uvicorn's own default (trust 127.0.0.1) must not override the setting."""
    import httpx

    from tests.serve import council_serve

    if trusted:
        monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
    else:
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    # No job process (`council serve`'s default): no request here queues a job, and starting one
    # imports the app a second time (about 2 s of CPU a server). Proxy handling is unchanged by it.
    monkeypatch.setenv("JOBS_RUN_IN", "inline")
    with council_serve(db_url, tmp_path) as (_process, base), httpx.Client(base_url=base, timeout=30) as http:
        statuses = [
            token(
                http, "wrong-password", email=f"guess{n}@example.com", headers={"X-Forwarded-For": f"192.0.2.{n}"}
            ).status_code
            for n in range(25)
        ]
    if trusted:
        assert statuses == [401] * 25  # 25 visitors behind the proxy, one failure each
    else:
        assert statuses == [401] * throttle.MAX_FAILURES_PER_ADDRESS + [429] * 5  # one spoofer
