"""Every form post (every non-/api POST route) is refused without the CSRF token."""

import re

from fastapi.routing import APIRoute
from sqlmodel import select

from app.models import Council, Membership
from tests.web.test_pages import seat_person, sign_in


def page_post_routes(app) -> list[str]:
    paths = []
    for route in app.routes:
        for inner in getattr(getattr(route, "original_router", None), "routes", [route]):
            if isinstance(inner, APIRoute) and "POST" in inner.methods and not inner.path.startswith("/api"):
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
