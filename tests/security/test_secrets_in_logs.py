"""Passwords, the secret key and tokens never reach the logs, stdout or stderr."""

import logging

from app.main import create_app
from tests.conftest import TEST_SECRET_KEY
from tests.web.test_pages import PASSWORD, seat_person, sign_in


def test_sign_ins_and_tokens_leave_no_secrets_in_debug_logs(settings, session, caplog, capfd):
    from fastapi.testclient import TestClient

    seat_person(session)
    caplog.set_level(logging.DEBUG)
    app = create_app(settings.model_copy(update={"SQL_ECHO": True}))
    try:
        with TestClient(app) as client:
            assert sign_in(client).status_code == 303
            assert sign_in(client, password="wrong-secret-pw-999").status_code == 401
            token = client.post("/api/auth/token", data={"username": "chair@example.com", "password": PASSWORD})
            access = token.json()["access_token"]
            assert client.get("/api/me", headers={"Authorization": f"Bearer {access}"}).status_code == 200
    finally:
        app.state.engine.dispose()
    out, err = capfd.readouterr()
    captured = caplog.text + out + err
    for secret in (PASSWORD, "wrong-secret-pw-999", TEST_SECRET_KEY, access):
        assert secret not in captured


def test_uvicorn_access_log_has_no_authorization_header():
    from uvicorn.config import LOGGING_CONFIG

    access_format = LOGGING_CONFIG["formatters"]["access"]["fmt"]
    assert "request_line" in access_format and "authorization" not in access_format.lower()


def test_cli_redacts_passwords_in_database_and_smtp_urls(monkeypatch, caplog, capsys, db_url):
    from typer.testing import CliRunner

    from app.cli import app as cli

    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SMTP_URL", "smtp+starttls://mailer:smtp-hunter2-pw@127.0.0.1:1")
    runner = CliRunner()
    outputs = []
    # A working database (its own URL), then one whose URL carries a password and cannot be reached.
    for url in (db_url, "postgresql+psycopg://council:db-hunter2-pw@127.0.0.1:1/council?connect_timeout=2"):
        monkeypatch.setenv("DATABASE_URL", url)
        for args in (["db", "upgrade"], ["db", "current"], ["send-reminders", "--dry-run"]):
            result = runner.invoke(cli, args)
            outputs.append(result.output + (repr(result.exception) if result.exception else ""))
    out, err = capsys.readouterr()
    captured = caplog.text + out + err + "".join(outputs)
    for secret in ("smtp-hunter2-pw", "db-hunter2-pw", TEST_SECRET_KEY):
        assert secret not in captured
