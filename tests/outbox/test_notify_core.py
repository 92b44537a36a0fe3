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
