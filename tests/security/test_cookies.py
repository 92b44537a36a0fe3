"""Session and CSRF cookies: HttpOnly, SameSite=Lax, and Secure when configured or in production."""

import pytest
from fastapi.testclient import TestClient

from app.main import SESSION_COOKIE, create_app
from app.web.csrf import CSRF_COOKIE
from tests.web.test_pages import csrf_from, seat_person


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
