"""f9cf5dd0cbc4 adds the idempotency tables beside existing data, enforces one row per key, and undoes cleanly."""

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.db import make_engine
from tests.databases import alembic_config

BEFORE, REVISION = "af1ffcbe5ba0", "f9cf5dd0cbc4"
NOW = "2026-01-01 10:00:00"


def test_idempotency_migration_keeps_data_and_enforces_one_row_per_key(empty_db_url):
    config = alembic_config(url=empty_db_url)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO users (id, email, name, password_hash, is_active, is_site_admin, created_at) "
                    f"VALUES (1, 'a@example.com', 'A', 'x', true, false, '{NOW}')"
                )
            )
        command.upgrade(config, REVISION)
        key = (
            "INSERT INTO idempotency_keys (user_id, key, method, path, body_hash, status_code, response_body, "
            f"created_at) VALUES (1, 'k1', 'POST', '/api/councils', 'h', 201, '{{}}', '{NOW}')"
        )
        token = (
            "INSERT INTO used_form_tokens (token, form_hash, user_id, path, created_at) "
            f"VALUES ('t1', 'f1', 1, '/councils', '{NOW}')"
        )
        with engine.begin() as conn:
            conn.execute(text(key))
            conn.execute(text(token))
        # The unique constraints are what make concurrent duplicates wait and replay, on both engines.
        for duplicate in (key, token):
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text(duplicate))
        with engine.begin() as conn:  # the same token with other form values is another post
            conn.execute(text(token.replace("'f1'", "'f2'")))

        command.downgrade(config, BEFORE)
        tables = set(inspect(engine).get_table_names())
        assert not {"idempotency_keys", "used_form_tokens"} & tables
        with engine.connect() as conn:
            assert conn.execute(text("SELECT email FROM users")).one() == ("a@example.com",)
        command.upgrade(config, REVISION)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM idempotency_keys")).scalar_one() == 0
    finally:
        engine.dispose()
