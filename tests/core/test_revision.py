"""The data revision: every committed write replaces the stamp, reads and rollbacks do not."""

from datetime import date

from sqlalchemy import insert, update
from sqlmodel import Session, select

from app.models import Action, LoginFailure, Measure, Reading, utcnow
from app.revision import current_stamp
from tests.factories import make_action, make_council, make_user


def stamp(engine) -> str:
    with Session(engine) as s:
        value = current_stamp(s)
    assert value is not None and len(value) == 32
    return value


def test_a_committed_insert_update_or_delete_replaces_the_stamp(engine, session):
    before = stamp(engine)
    council = make_council(session, chair=make_user(session))
    session.commit()
    after_insert = stamp(engine)
    assert after_insert != before

    council.name = "Renamed council"
    session.add(council)
    session.commit()
    after_update = stamp(engine)
    assert after_update != after_insert

    action = make_action(session, council=council)
    session.commit()
    after_action = stamp(engine)
    session.delete(action)
    session.commit()
    assert stamp(engine) not in {before, after_insert, after_update, after_action}


def test_a_bulk_update_replaces_the_stamp(engine, session):
    council = make_council(session, chair=make_user(session))
    make_action(session, council=council)
    session.commit()
    before = stamp(engine)
    session.exec(update(Action).where(Action.council_id == council.id).values(percent_complete=50))
    session.commit()
    assert stamp(engine) != before


def test_reads_rollbacks_and_sign_in_failures_keep_the_stamp(engine, session):
    make_council(session, chair=make_user(session))
    session.commit()
    before = stamp(engine)

    list(session.exec(select(Action)))
    session.commit()  # a read-only transaction
    assert stamp(engine) == before

    make_council(session, name="Never saved")
    session.flush()
    session.rollback()
    session.commit()
    assert stamp(engine) == before

    session.add(LoginFailure(key="email:someone@example.org", failed_at=utcnow()))
    session.commit()
    assert stamp(engine) == before


def test_a_savepoint_rolled_back_keeps_the_outer_change(engine, session):
    before = stamp(engine)
    make_council(session, name="Kept")
    session.flush()
    try:
        with session.begin_nested():
            make_council(session, name="Undone")
            raise RuntimeError("undo the savepoint")
    except RuntimeError:
        pass
    session.commit()
    assert stamp(engine) != before


def test_a_bulk_insert_replaces_the_stamp(engine, session):
    """As the CSV import of readings writes them."""
    council = make_council(session, chair=make_user(session))
    measure = Measure(council_id=council.id, name="NPS", scope="overall")
    session.add(measure)
    session.commit()
    before = stamp(engine)
    session.exec(insert(Reading), params=[{"measure_id": measure.id, "period": date(2026, 1, 1), "value": 31.0}])
    session.commit()
    assert stamp(engine) != before
