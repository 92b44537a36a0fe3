"""Session and CSRF cookies: HttpOnly, SameSite=Lax, Secure when configured or in production, and never past 4 KB."""

import re

import pytest
from fastapi.testclient import TestClient

from app.main import SESSION_COOKIE, create_app
from app.web.csrf import CSRF_COOKIE
from app.web.render import MAX_FLASHES, QUOTED_LENGTH
from tests.web.test_pages import csrf_from, seat_person, sign_in


def _cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize("secure", [False, True], ids=["plain", "secure"])
def test_cookie_flags(settings, session, secure):
    seat_person(session)
    app = create_app(settings.model_copy(update={"COOKIE_SECURE": secure}))
    base = "https://testserver" if secure else "http://testserver"
    try:
        with TestClient(app, base_url=base) as client:
            page = client.get("/login")
            csrf_cookie = _cookies(page)[CSRF_COOKIE]
            response = client.post(
                "/login",
                data={"email": "chair@example.com", "password": "pw-12345678", "csrf_token": csrf_from(page.text)},
                follow_redirects=False,
            )
            assert response.status_code == 303
            session_cookie = _cookies(response)[SESSION_COOKIE]
    finally:
        app.state.engine.dispose()
    for cookie in (session_cookie, csrf_cookie):
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert ("; secure" in cookie) is secure


def test_production_defaults_to_secure_cookies(settings):
    assert settings.model_copy(update={"ENVIRONMENT": "production", "COOKIE_SECURE": None}).cookie_secure
    assert not settings.model_copy(update={"ENVIRONMENT": "development", "COOKIE_SECURE": None}).cookie_secure


def _set_cookie_sizes(response) -> list[int]:
    return [len(header.encode()) for header in response.headers.get_list("set-cookie")]


def test_unseen_flashes_of_long_input_never_grow_the_cookie_past_4kb(client, session):
    """Finding 9: one refused form made a 6.9 KB cookie, and unseen flashes grew it to 100 KB."""
    _, council = seat_person(session)
    assert sign_in(client).status_code == 303
    token = csrf_from(client.get(f"/councils/{council.id}").text)
    # Long input in the fields the error quotes, emoji (12 bytes each once JSON-escaped), and
    # many short fields of the kind a refused form keeps for the next page.
    long_input = "😀" * 5000
    extra = {f"field_{n}": "é" * 100 for n in range(60)}
    sizes = []
    for _ in range(30):
        response = client.post(
            f"/councils/{council.id}/settings",
            data={"csrf_token": token, "quorum_members": long_input, "quorum_departments": long_input, **extra},
            follow_redirects=False,
        )
        assert response.status_code == 303
        sizes += _set_cookie_sizes(response)
    assert sizes and max(sizes) < 4096, max(sizes)

    page = client.get(f"/councils/{council.id}")
    shown = re.findall(r'<p class="flash error"[^>]*>(.*?)</p>', page.text, re.S)
    assert 1 <= len(shown) <= MAX_FLASHES
    assert "is not a whole number" in shown[-1] and "…" in shown[-1]
    assert 0 < shown[-1].count("😀") <= 2 * QUOTED_LENGTH and "quorum departments" in shown[-1]
    assert max(_set_cookie_sizes(page), default=0) < 4096
