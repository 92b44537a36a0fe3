"""a75e3c0d1b42 (meeting_responses) moves apologies sent ahead into answers and back, on both engines;
apologies in meetings already being minuted stay the secretary's record."""

from types import SimpleNamespace

from sqlalchemy import inspect, text
from sqlmodel import Session

from app.models import Attendance
from tests.factories import make_meeting, make_membership, make_user
from tests.migrations.helpers import NOW, roundtrip

BEFORE, ANSWERS = "b7a1c4e2d9f0", "a75e3c0d1b42"


def test_answers_migration_moves_apologies_and_back(empty_db_url):
    ids: dict[str, int] = {}

    def seed(engine) -> None:
        # The tables as the app writes them (columns unchanged by this migration); the
        # council by hand, since later revisions add columns to its model.
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO councils (name, description, timezone, version, created_at, updated_at, "
                    f"members_raise_actions) VALUES ('C', '', 'Europe/London', 1, '{NOW}', '{NOW}', false)"
                )
            )
            council = SimpleNamespace(id=conn.execute(text("SELECT max(id) FROM councils")).scalar())
        # Flushed on a connection the block commits, not by Session.commit: the revision
        # stamps written at a session's commit are in tables this old schema does not have yet.
        with engine.begin() as conn, Session(bind=conn) as session:
            a = make_membership(session, council=council, user=make_user(session, email="a@example.com"))
            b = make_membership(session, council=council, user=make_user(session, email="b@example.com"))
            first, second = make_meeting(session, council=council), make_meeting(session, council=council)
            # The second meeting is being minuted: its attendance is the secretary's record.
            session.flush()
            session.connection().execute(
                text(
                    "INSERT INTO minutes (meeting_id, status, agenda_version, previous_minutes_note, "
                    "next_meeting_note, version, created_at, updated_at) "
                    f"VALUES ({second.id}, 'draft', 0, '', '', 1, '{NOW}', '{NOW}')"
                )
            )
            session.add(Attendance(meeting_id=first.id, membership_id=a.id, status="apologies", note="On leave"))
            session.add(Attendance(meeting_id=second.id, membership_id=a.id, status="apologies", note="Ill"))
            session.add(Attendance(meeting_id=second.id, membership_id=b.id, status="present"))
            session.flush()
            ids.update(m1=first.id, m2=second.id, s1=a.id, s2=b.id, u1=a.user_id)

    def upgraded(engine) -> None:
        m1, m2, s1, s2, u1 = (ids[k] for k in ("m1", "m2", "s1", "s2", "u1"))
        with engine.connect() as conn:
            answers = conn.execute(
                text("SELECT meeting_id, membership_id, answer, reason, answered_by_id FROM meeting_responses")
            ).all()
            assert [tuple(r) for r in answers] == [(m1, s1, "apologies", "On leave", u1)]
            kept = conn.execute(text("SELECT meeting_id, membership_id, status FROM attendance ORDER BY 1, 2")).all()
            assert [tuple(r) for r in kept] == [(m2, s1, "apologies"), (m2, s2, "present")]
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO meeting_responses (meeting_id, membership_id, answer, reason, delegate_name, "
                    f"answered_at) VALUES ({m1}, {s2}, 'delegate', '', 'Priya', '{NOW}')"
                )
            )
            conn.execute(text(f"INSERT INTO home_visits (user_id, seen_at) VALUES ({u1}, '{NOW}')"))

    def downgraded(engine) -> None:
        tables = inspect(engine).get_table_names()
        assert "meeting_responses" not in tables and "home_visits" not in tables
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT meeting_id, membership_id, status, note FROM attendance ORDER BY 1, 2")
            ).all()
            # The apologies come back; the delegate answer has no place in the old schema.
            assert [tuple(r) for r in rows] == [
                (1, 1, "apologies", "On leave"),
                (2, 1, "apologies", "Ill"),
                (2, 2, "present", ""),
            ]

    def again(engine) -> None:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM meeting_responses")).scalar() == 1

    roundtrip(
        empty_db_url,
        before=BEFORE,
        after=ANSWERS,
        seed=seed,
        upgraded=upgraded,
        downgraded=downgraded,
        again=again,
        again_to="head",
    )
