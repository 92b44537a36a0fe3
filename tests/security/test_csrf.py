"""Every form post (every non-/api POST route) is refused without the CSRF token."""

import re

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import Council, Department, Membership
from app.web.csrf import CSRF_COOKIE
from tests.web.test_pages import csrf_from, seat_person, sign_in

# RFC 8058 one-click unsubscribe: mail clients post with no cookie and no form token; the
# signed token in the address is the authority (tests/notifications/test_preferences_pages.py).
NO_CSRF = {"/unsubscribe/{token}"}


def page_post_routes(app) -> list[str]:
    paths = []
    for route in app.routes:
        for inner in getattr(getattr(route, "original_router", None), "routes", [route]):
            is_form_post = isinstance(inner, APIRoute) and "POST" in inner.methods
            if is_form_post and not inner.path.startswith("/api") and inner.path not in NO_CSRF:
                paths.append(inner.path)
    return sorted(set(paths))


def test_every_form_post_needs_the_csrf_token(app, client, session):
    chair, council = seat_person(session)
    routes = page_post_routes(app)
    assert len(routes) > 40 and "/login" in routes and "/logout" in routes
    assert sign_in(client).status_code == 303
    client.get("/councils")  # the CSRF cookie is set; the form token is what is missing
    before = session.exec(select(Council)).all()
    for path in routes:
        url = re.sub(r"\{[^}]+\}", str(council.id) if "council_id" in path else "1", path)
        for data in ({"name": "Changed", "notes": "x"}, {"name": "Changed", "notes": "x", "csrf_token": "forged"}):
            response = client.post(url, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, data, response.status_code)
    session.expire_all()
    assert [(c.id, c.name) for c in session.exec(select(Council)).all()] == [(c.id, c.name) for c in before]
    assert len(session.exec(select(Membership)).all()) == 1
    assert client.get("/councils", follow_redirects=False).status_code == 200  # /logout did not sign out


def test_a_planted_csrf_cookie_and_its_token_are_refused_with_the_victims_session(app, client, session):
    """Login-free CSRF via a planted cookie: the attacker's own valid cookie and token do not fit my sign-in."""
    _, council = seat_person(session)
    attacker = TestClient(app)
    attacker_page = attacker.get("/login")
    planted_cookie, planted_token = attacker.cookies[CSRF_COOKIE], csrf_from(attacker_page.text)

    assert sign_in(client).status_code == 303
    client.cookies.set(CSRF_COOKIE, planted_cookie)  # e.g. set from a sibling subdomain
    response = client.post(f"/councils/{council.id}/departments", data={"name": "Planted", "csrf_token": planted_token})
    assert response.status_code == 403
    session.expire_all()
    assert session.exec(select(Department)).all() == []


def test_the_token_belongs_to_one_sign_in_and_every_tab_of_it(app, client, session):
    _, council = seat_person(session)
    assert sign_in(client).status_code == 303
    first_tab = csrf_from(client.get(f"/councils/{council.id}").text)
    second_tab = csrf_from(client.get("/actions").text)
    assert first_tab == second_tab
    # The first tab's form still works after other pages were opened.
    client.post(f"/councils/{council.id}/departments", data={"name": "Billing", "csrf_token": first_tab})
    session.expire_all()
    assert [d.name for d in session.exec(select(Department)).all()] == ["Billing"]

    # Another sign-in (after signing out and in again) has another token; the old one is refused.
    client.post("/logout", data={"csrf_token": first_tab})
    assert sign_in(client).status_code == 303
    assert csrf_from(client.get("/actions").text) != first_tab
    refused = client.post(f"/councils/{council.id}/departments", data={"name": "Old tab", "csrf_token": first_tab})
    assert refused.status_code == 403
