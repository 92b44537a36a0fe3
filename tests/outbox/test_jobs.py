"""The periodic jobs: the digest is queued at most once a day per person, however many deliverers run."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app.db import make_engine
from app.jobs import run_periodic
from app.models import NotificationPreference, OutboxMessage, ReminderDigest, utcnow
from app.outbox.deliver import deliver_all
from tests.factories import make_action, make_council, make_membership, make_user
from tests.outbox.test_delivery import deliver_process

pytestmark = pytest.mark.usefixtures("db_backend")


def arrange(session, today: date):
    """Three owners with an overdue action each; the third owns actions in two councils."""
    water, billing = make_council(session, name="Water"), make_council(session, name="Billing")
    people = [make_user(session, email=f"owner{n}@example.com", name=f"Owner {n}") for n in range(3)]
    for person in people:
        seat = make_membership(session, council=water, user=person)
        make_action(session, council=water, owner=seat, title=f"Late job of {person.name}", due_on=today - timedelta(3))
    seat = make_membership(session, council=billing, user=people[2])
    make_action(session, council=billing, owner=seat, title="Billing job", due_on=today - timedelta(1))
    session.commit()
    return water, billing, people


def digests(session) -> Counter:
    session.expire_all()
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "action_digest"))
    return Counter(row.recipient for row in rows)


def test_two_runs_the_same_day_queue_one_digest_each_and_the_next_day_again(session, settings, inbox):
    now = utcnow()
    water, billing, people = arrange(session, now.date())
    # The second owner turned the digest off; the first council's chair may not force it on.
    session.add(NotificationPreference(user_id=people[1].id, council_id=water.id, kind="action_digest", enabled=False))
    session.commit()
    engine = make_engine(settings.DATABASE_URL)
    try:
        assert run_periodic(engine, settings, now=now)["digests"] == 2
        # A later run the same (UTC) day: three hours on, or halfway to midnight when that is sooner.
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        later = now + min(timedelta(hours=3), (midnight - now) / 2)
        assert run_periodic(engine, settings, now=later)["digests"] == 0
        assert digests(session) == {"owner0@example.com": 1, "owner2@example.com": 1}
        mailing = settings.model_copy(update={"SMTP_URL": inbox.url})
        assert deliver_all(engine, mailing).sent == 2
        assert run_periodic(engine, settings, now=now + timedelta(days=1))["digests"] == 2
    finally:
        engine.dispose()
    # One mail for the owner with actions in two councils, covering both.
    [both] = inbox.to("owner2@example.com")
    text = both.get_body(("plain",)).get_content()
    assert "Billing job" in text and "Late job of Owner 2" in text
    assert "Stop these for Water:" in text or "Stop these for Billing:" in text
    assert both["List-Unsubscribe"]
    assert inbox.to("owner1@example.com") == []


def test_two_deliverers_starting_at_once_queue_one_digest_per_person(session, settings, inbox, db_url, tmp_path):
    arrange(session, utcnow().date())
    processes = [deliver_process(db_url, inbox.url, tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert Counter(m["To"].addresses[0].addr_spec for m in inbox.messages) == {
        "owner0@example.com": 1,
        "owner1@example.com": 1,
        "owner2@example.com": 1,
    }
    session.expire_all()
    assert len(session.exec(select(ReminderDigest)).all()) == 3
    assert sum(digests(session).values()) == 3


def test_a_run_that_loses_the_race_to_a_concurrent_one_queues_no_second_digest(session, settings):
    """Run A has queued (not yet committed) when run B starts: B waits, then steps aside for each person.

    On PostgreSQL B reads no record of today, inserts, waits on the unique key and gets an
    IntegrityError once A commits: its savepoint is rolled back for that person only. On
    SQLite B waits for A's write lock and then finds the records.
    """
    import threading
    import time

    from app.actions.reminders import queue_digests
    from app.db import open_session

    now = utcnow()
    arrange(session, now.date())
    first_engine, second_engine = make_engine(settings.DATABASE_URL), make_engine(settings.DATABASE_URL)
    results = {}
    try:
        first = open_session(first_engine, write=True)
        results["first"] = queue_digests(first, settings, now=now)

        def second_run():
            with open_session(second_engine, write=True) as second:
                results["second"] = queue_digests(second, settings, now=now)
                second.commit()

        thread = threading.Thread(target=second_run)
        thread.start()
        time.sleep(0.5)  # let B reach the point where it waits for A
        first.commit()
        first.close()
        thread.join(60)
    finally:
        first_engine.dispose()
        second_engine.dispose()
    assert (results["first"].sent, results["first"].skipped) == (3, 0)
    assert (results["second"].sent, results["second"].skipped) == (0, 3)
    assert sum(digests(session).values()) == 3
