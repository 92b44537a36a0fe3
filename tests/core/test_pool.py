"""The PostgreSQL engine keeps the connections a busy moment opened (app/db.py POOL_SIZE)."""

import pytest
from sqlalchemy import event, text

from app.db import POOL_SIZE, make_engine

pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])


def test_connections_opened_while_busy_are_kept_for_the_next_busy_moment(db_url):
    engine = make_engine(db_url)
    opened = []
    event.listen(engine, "connect", lambda dbapi_connection, _record: opened.append(dbapi_connection))
    try:
        for _ in range(2):
            # As many requests at once as the pool allows, then all of them done.
            held = [engine.connect() for _ in range(POOL_SIZE)]
            for connection in held:
                connection.execute(text("SELECT 1"))
            for connection in held:
                connection.close()
        # The second burst reused the first one's connections: no new server process, no cold catalog.
        assert len(opened) == POOL_SIZE
        assert engine.pool.checkedin() == POOL_SIZE
    finally:
        engine.dispose()


def test_the_ceiling_is_unchanged(db_url):
    """At most 15 at once, as SQLAlchemy's default (5 kept and 10 more) allowed: no server asks for more."""
    engine = make_engine(db_url)
    try:
        assert engine.pool.size() + engine.pool._max_overflow == 15
    finally:
        engine.dispose()
