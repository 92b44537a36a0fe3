"""d4e8b2a6c913: the partial index of short "hindered" answers comes and goes; every response stays."""

from sqlalchemy import inspect, text

from tests.migrations.helpers import COUNCIL, NOW, execute, roundtrip

BEFORE, REVISION = "c5d2a9e7f410", "d4e8b2a6c913"
RESPONSES = [
    "INSERT INTO feedback_responses (id, council_id, response_ref, responded_on, channel, helped, hindered, "
    f"comment, created_at, updated_at) VALUES ({n}, 1, 'R{n}', '2026-0{n}-01', 'phone', '', '{hindered}', '', "
    f"'{NOW}', '{NOW}')"
    for n, hindered in ((1, "A second visit was needed"), (2, ""), (3, "long " * 50))
]


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, response_ref, responded_on, hindered FROM feedback_responses ORDER BY id"))
        return [(i, ref, str(day)[:10], len(hindered)) for i, ref, day, hindered in rows]


def _has_index(engine) -> bool:
    return "ix_feedback_responses_short_hindered" in {
        i["name"] for i in inspect(engine).get_indexes("feedback_responses")
    }


def test_the_index_comes_and_goes_and_every_response_stays(empty_db_url):
    kept = [(1, "R1", "2026-01-01", 25), (2, "R2", "2026-02-01", 0), (3, "R3", "2026-03-01", 250)]

    def seed(engine) -> None:
        execute(engine, COUNCIL, *RESPONSES)

    def upgraded(engine) -> None:
        assert _has_index(engine)
        assert _rows(engine) == kept
        # The index answers the agenda's question: the short answers, newest first.
        with engine.connect() as conn:
            short = conn.execute(
                text(
                    "SELECT id FROM feedback_responses WHERE council_id = 1 "
                    "AND length(hindered) BETWEEN 10 AND 160 ORDER BY responded_on DESC, id DESC"
                )
            ).scalars()
            assert list(short) == [1]

    def downgraded(engine) -> None:
        assert not _has_index(engine)
        assert _rows(engine) == kept

    roundtrip(
        empty_db_url, before=BEFORE, after=REVISION, seed=seed, upgraded=upgraded, downgraded=downgraded, again=upgraded
    )
