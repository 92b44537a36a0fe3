"""notify → outbox → deliverer → a real SMTP server: the path every notification takes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.db import make_engine
from app.models import Council, NotificationPreference, OutboxMessage, OutboxStatus
from app.notifications.preferences import read_unsubscribe_token
from app.notifications.service import Recipient, notify
from app.outbox.deliver import deliver_all
from tests.factories import make_council, make_user
from tests.helpers import count_statements

pytestmark = pytest.mark.usefixtures("db_backend")


def _queue(session, settings, council, people, **kwargs):
    rows = notify(
        session,
        settings,
        kind=kwargs.pop("kind", "minutes_approved"),
        council=council,
        recipients=[Recipient(p.id, p.name, p.email) for p in people],
        subject="Minutes approved",
        template="notice",
        context={"paragraphs": ["The minutes of meeting 3 were approved.", "Second paragraph."]},
        link="/meetings/3/minutes",
        **kwargs,
    )
    return rows


def test_a_queued_notice_reaches_the_server_with_text_html_and_unsubscribe(session, settings, inbox):
    council = make_council(session)
    alice = make_user(session, name="Alice Example")
    rows = _queue(session, settings, council, [alice, alice])
    session.commit()
    assert len(rows) == 1  # listed twice, mailed once

    settings = settings.model_copy(update={"SMTP_URL": inbox.url})
    run = deliver_all(make_engine(settings.DATABASE_URL), settings)
    assert run.sent == 1
    [message] = inbox.messages
    assert message["To"].addresses[0].addr_spec == alice.email
    assert message["Message-ID"].strip("<>") == rows[0].message_id
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Hello Alice Example," in text and "Second paragraph." in text
    assert "http://testserver/meetings/3/minutes" in text and 'href="http://testserver/meetings/3/minutes"' in html
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe in text
    token = unsubscribe.rsplit("/", 1)[1]
    assert read_unsubscribe_token(settings, token) == (alice.id, council.id, "minutes_approved")
    session.expire_all()
    assert session.get(OutboxMessage, rows[0].id).status == OutboxStatus.sent


def test_preferences_and_required_kinds_decide_who_is_queued(session, settings):
    council = make_council(session)
    alice, bob = make_user(session), make_user(session)
    session.add(NotificationPreference(user_id=bob.id, council_id=council.id, kind="minutes_approved", enabled=False))
    session.commit()
    assert [r.user_id for r in _queue(session, settings, council, [alice, bob])] == [alice.id]

    council.required_notifications = ["minutes_approved"]
    session.add(council)
    rows = _queue(session, settings, council, [alice, bob])
    assert sorted(r.user_id for r in rows) == sorted([alice.id, bob.id])
    assert all(b"List-Unsubscribe" not in r.body for r in rows)


def test_a_rolled_back_transaction_queues_nothing_and_a_dedupe_key_queues_once(session, settings):
    council = make_council(session)
    alice = make_user(session)
    session.commit()
    _queue(session, settings, council, [alice])
    session.rollback()
    assert session.exec(select(OutboxMessage)).all() == []

    council = session.get(Council, council.id)
    once = {"dedupe_key": lambda r: f"test:{r.user_id}"}
    assert len(_queue(session, settings, council, [alice], **once)) == 1
    assert _queue(session, settings, council, [alice], **once) == []
    session.commit()
    assert len(session.exec(select(OutboxMessage)).all()) == 1


def _counted(session, settings, council, people, **kwargs) -> tuple[list[OutboxMessage], int]:
    """The rows queued, and how many SQL statements `notify` ran to queue them (the rows are written at the
    flush after: one INSERT a row on SQLite, whose RETURNING order the ORM does not rely on)."""
    with count_statements(session.get_bind().engine) as statements:
        rows = _queue(session, settings, council, people, **kwargs)
    session.flush()
    return rows, len(statements)


@pytest.mark.parametrize("dedupe", [False, True], ids=["plain", "dedupe-key"])
def test_statements_for_seven_recipients_equal_those_for_two(session, settings, dedupe):
    """Everyone's preferences, and the dedupe keys already queued, are read in one query each."""
    council = make_council(session)
    people = [make_user(session, email=f"person{n}@example.com", name=f"Person {n}") for n in range(7)]
    # Stored choices for the query to find: the first person turned these mails off, the second kept them on.
    for person, enabled in ((people[0], False), (people[1], True)):
        session.add(
            NotificationPreference(user_id=person.id, council_id=council.id, kind="minutes_approved", enabled=enabled)
        )
    session.flush()

    counted: dict[int, int] = {}
    for size in (2, 7):
        once = {"dedupe_key": lambda r, size=size: f"size{size}:{r.user_id}"} if dedupe else {}
        rows, counted[size] = _counted(session, settings, council, people[:size], **once)
        assert sorted(r.recipient for r in rows) == sorted(p.email for p in people[1:size])
    assert counted[2] == counted[7], counted
    assert counted[7] == (2 if dedupe else 1)  # the preferences, and the keys already queued

    if dedupe:  # sent again with the same keys: nobody is mailed twice, and still no query per person
        rows, again = _counted(session, settings, council, people, dedupe_key=lambda r: f"size7:{r.user_id}")
        assert rows == [] and again == counted[7]
