"""/api/health: 200 with the version while the database answers; 503 with a JSON detail when it cannot be reached or
opened (what a load balancer reads to take the instance out), never a 500 with a stack trace."""

import logging

from fastapi.testclient import TestClient

from app import __version__
from app.main import UNREACHABLE, create_app
from tests.conftest import engine_independent
from tests.pg import free_port


def _health(settings, url: str, caplog):
    app = create_app(settings.model_copy(update={"DATABASE_URL": url}))
    try:
        with caplog.at_level(logging.WARNING, logger="council.db"), TestClient(app) as client:
            return client.get("/api/health")
    finally:
        app.state.engine.dispose()


def test_health_answers_ok_with_the_version(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


@engine_independent  # the database is one nothing listens for
def test_health_is_503_when_postgresql_is_unreachable(settings, caplog):
    response = _health(settings, f"postgresql+psycopg://app:secret@127.0.0.1:{free_port()}/nothing_here", caplog)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": UNREACHABLE}
    assert "the database is unreachable (OperationalError)" in caplog.text
    assert "Traceback" not in caplog.text and "secret" not in caplog.text


@engine_independent
def test_health_is_503_when_the_sqlite_file_cannot_be_opened(settings, caplog, tmp_path):
    response = _health(settings, f"sqlite:///{tmp_path}/no-such-folder/council.db", caplog)
    assert response.status_code == 503
    assert response.json() == {"detail": UNREACHABLE}
    assert "Traceback" not in response.text


@engine_independent
def test_the_schema_says_health_may_answer_503(app):
    responses = app.openapi()["paths"]["/api/health"]["get"]["responses"]
    assert set(responses) == {"200", "503"}
    assert responses["503"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorMessage"}
