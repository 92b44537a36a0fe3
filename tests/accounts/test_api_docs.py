"""/docs, /redoc and /openapi.json: public in development and test, behind sign-in in production."""

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.web.test_pages import seat_person, sign_in


@pytest.fixture
def production_client(settings):
    app = create_app(settings.model_copy(update={"ENVIRONMENT": "production", "API_DOCS_PUBLIC": None}))
    try:
        with TestClient(app) as client:
            yield client
    finally:
        app.state.engine.dispose()


def test_production_docs_need_a_sign_in(production_client, session):
    seat_person(session)
    assert production_client.get("/openapi.json").status_code == 401
    for path in ("/docs", "/redoc"):
        response = production_client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"

    # A bearer token reads the document (what an API client generator does).
    token = production_client.post(
        "/api/auth/token", data={"username": "chair@example.com", "password": "pw-12345678"}
    ).json()["access_token"]
    document = production_client.get("/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert document.status_code == 200 and "/api/me/sessions" in document.json()["paths"]
    assert "/docs" not in document.json()["paths"]  # the docs routes stay out of the document

    # A signed-in browser reads the pages and the document they load.
    assert sign_in(production_client).status_code == 303
    assert "swagger-ui" in production_client.get("/docs").text
    assert "redoc" in production_client.get("/redoc").text
    assert production_client.get("/openapi.json").status_code == 200


def test_docs_are_public_in_test_and_when_the_setting_says_so(settings, client):
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/docs").status_code == 200
    assert settings.model_copy(update={"ENVIRONMENT": "production", "API_DOCS_PUBLIC": True}).api_docs_public
    assert not settings.model_copy(update={"ENVIRONMENT": "development", "API_DOCS_PUBLIC": False}).api_docs_public
