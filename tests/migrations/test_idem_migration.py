"""f9cf5dd0cbc4 adds the idempotency tables beside existing data, enforces one row per key, and undoes cleanly."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.migrations.helpers import NOW, USER, execute, roundtrip

BEFORE, REVISION = "af1ffcbe5ba0", "f9cf5dd0cbc4"
KEY = (
    "INSERT INTO idempotency_keys (user_id, key, method, path, body_hash, status_code, response_body, "
    f"created_at) VALUES (1, 'k1', 'POST', '/api/councils', 'h', 201, '{{}}', '{NOW}')"
)
TOKEN = (
    "INSERT INTO used_form_tokens (token, form_hash, user_id, path, created_at) "
    f"VALUES ('t1', 'f1', 1, '/councils', '{NOW}')"
)


def _upgraded(engine) -> None:
    execute(engine, KEY, TOKEN)
    # The unique constraints are what make concurrent duplicates wait and replay, on both engines.
    for duplicate in (KEY, TOKEN):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(duplicate))
    execute(engine, TOKEN.replace("'f1'", "'f2'"))  # the same token with other form values is another post


def _downgraded(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert not {"idempotency_keys", "used_form_tokens"} & tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT email FROM users")).one() == ("a@example.com",)


def _again(engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM idempotency_keys")).scalar_one() == 0


def test_idempotency_migration_keeps_data_and_enforces_one_row_per_key(empty_db_url):
    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=REVISION,
        seed=lambda engine: execute(engine, USER),
        upgraded=_upgraded,
        downgraded=_downgraded,
        again=_again,
    )
