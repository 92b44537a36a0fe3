"""The PostgreSQL engine's cursors describe a result's columns only when asked (app/db.py DescribedWhenAsked),
and then as psycopg itself does."""

import psycopg
import pytest
from sqlalchemy import text

from app.db import DescribedWhenAsked, make_engine

pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])


def _own_description(cursor):
    return psycopg.Cursor.description.fget(cursor)


def test_the_description_is_psycopgs_own(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()
            assert isinstance(cursor, DescribedWhenAsked)
            cursor.execute("SELECT 1 AS one, 'x'::varchar(5) AS letter, now() AS at, NULL::numeric(6, 2) AS amount")
            described, own = cursor.description, _own_description(cursor)
            assert len(described) == 4
            assert [tuple(column) for column in described] == [tuple(column) for column in own]
            assert [column.name for column in described] == ["one", "letter", "at", "amount"]
            assert described[1].type_code == own[1].type_code
            assert described
            # Kept for its own result: a later statement does not change what it describes.
            cursor.execute("SELECT 2 AS two")
            assert [column.name for column in described] == ["one", "letter", "at", "amount"]
            assert [column.name for column in cursor.description] == ["two"]
    finally:
        engine.dispose()


def test_a_statement_without_rows_has_no_description_and_an_empty_select_an_empty_one(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()
            cursor.execute("CREATE TEMPORARY TABLE scratch (n integer)")
            assert cursor.description is None
            cursor.execute("SELECT")
            assert cursor.description is not None
            assert not cursor.description
            assert list(cursor.description) == [] == _own_description(cursor)
            assert cursor.description == []
    finally:
        engine.dispose()


def test_sqlalchemy_reads_rows_and_names_through_it(db_url):
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            for _ in range(3):  # the first run learns the names from the description, the later ones keep them
                statement = text("SELECT 1 AS one, 'two' AS two")
                result = connection.execute(statement)
                assert list(result.keys()) == ["one", "two"]
                assert result.mappings().one() == {"one": 1, "two": "two"}
    finally:
        engine.dispose()
