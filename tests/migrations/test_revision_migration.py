"""5d2f8a91c6e4: a revision row per existing council, with its own random stamp; the councils kept both ways."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import NOW, execute, roundtrip

BEFORE, REVISION = "8e4b2c6d1f37", "5d2f8a91c6e4"


def council(n: int) -> str:
    return (
        "INSERT INTO councils (id, name, description, timezone, version, created_at, updated_at) "
        f"VALUES ({n}, 'C{n}', '', 'Europe/London', 1, '{NOW}', '{NOW}')"
    )


def revisions(engine) -> dict[int, str]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT council_id, stamp FROM council_revisions")).all())


def councils(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT id, name FROM councils ORDER BY id"))]


def test_each_council_gets_its_own_stamp_and_downgrading_keeps_the_councils(empty_db_url):
    seen: dict[str, dict[int, str]] = {}

    def upgraded(engine):
        stamps = revisions(engine)
        assert set(stamps) == {1, 2}
        assert all(len(s) == 32 and int(s, 16) >= 0 for s in stamps.values())
        assert stamps[1] != stamps[2]
        seen["first"] = stamps
        with engine.connect() as conn:
            changed = conn.execute(text("SELECT changed_at FROM council_revisions")).scalars().all()
        assert all(changed)
        # The site-wide revision is still there.
        with engine.connect() as conn:
            assert len(conn.execute(text("SELECT stamp FROM data_revision WHERE id = 1")).scalar_one()) == 32

    def downgraded(engine):
        assert "council_revisions" not in inspect(engine).get_table_names()
        assert councils(engine) == [(1, "C1"), (2, "C2")]

    def again(engine):
        stamps = revisions(engine)
        assert set(stamps) == {1, 2}
        assert not set(stamps.values()) & set(seen["first"].values())  # fresh stamps: no old cache is reused
        execute(engine, "DELETE FROM councils WHERE id = 2")  # a purge takes the council's revision with it
        assert set(revisions(engine)) == {1}

    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=REVISION,
        seed=lambda engine: execute(engine, council(1), council(2)),
        upgraded=upgraded,
        downgraded=downgraded,
        again=again,
    )
