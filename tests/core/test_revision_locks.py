"""PostgreSQL: writes in two councils never wait on each other's revision; two in one council take turns."""

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app import revision
from app.models import Action
from app.revision import stamps
from tests.factories import make_action, make_council, make_user

# Row locks are PostgreSQL's (SQLite has one writer at a time anyway).
pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])


def retitle(engine, action_id: int, title: str, *, lock_timeout: str) -> Session:
    """A session that has changed the action and replaced its council's stamp, not yet committed."""
    session = Session(engine)
    try:
        session.connection().exec_driver_sql(f"SET LOCAL lock_timeout = '{lock_timeout}'")
        action = session.get(Action, action_id)
        action.title = title
        session.add(action)
        session.flush()
        revision._replace_stamps(session)  # what the commit runs first: the stamp is written, its row locked
    except BaseException:
        session.close()
        raise
    return session


def test_two_councils_commit_side_by_side_and_one_council_takes_turns(engine, session):
    a = make_council(session, name="A", chair=make_user(session))
    b = make_council(session, name="B", chair=make_user(session))
    in_a, in_b, also_in_a = (
        make_action(session, council=a),
        make_action(session, council=b),
        make_action(session, council=a),
    )
    session.commit()
    ids = in_a.id, in_b.id, also_in_a.id
    with Session(engine) as s:
        before_a, before_b = stamps(s, a.id)[0], stamps(s, b.id)[0]

    holding = retitle(engine, ids[0], "Held open in A", lock_timeout="5s")
    try:
        # Council B: nothing of A's is in its way.
        other = retitle(engine, ids[1], "Written in B meanwhile", lock_timeout="1s")
        other.commit()
        other.close()
        # Council A again: its revision row is held until the first transaction ends.
        with pytest.raises(OperationalError, match="lock timeout"):
            retitle(engine, ids[2], "Waits for A", lock_timeout="300ms")
        holding.commit()
    finally:
        holding.close()

    with Session(engine) as s:
        assert stamps(s, a.id)[0] != before_a and stamps(s, b.id)[0] != before_b
        assert {s.get(Action, i).title for i in ids[:2]} == {"Held open in A", "Written in B meanwhile"}
    # Once the first has committed, the second writer in A gets through.
    turn = retitle(engine, ids[2], "A's turn", lock_timeout="5s")
    turn.commit()
    turn.close()
