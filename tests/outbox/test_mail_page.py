"""Given-up mail is shown to the chair and secretary, and "Send again" gets it delivered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.models import AuditEntry, OutboxMessage, utcnow
from app.outbox.deliver import deliver_all
from tests.factories import make_council, make_membership, make_user
from tests.helpers import auth
from tests.outbox.test_delivery import RefusingInbox, queue_mails
from tests.smtp import AnyPortController
from tests.web.test_pages import csrf_from, sign_in

pytestmark = pytest.mark.usefixtures("db_backend")


@pytest.fixture
def refusing(settings):
    box = RefusingInbox()
    controller = AnyPortController(box, hostname="127.0.0.1", port=0)
    controller.start()
    box.url = f"smtp://127.0.0.1:{controller.port}"
    yield box
    controller.stop()


@pytest.fixture
def refusing_app(settings, refusing):
    from fastapi.testclient import TestClient

    from app.main import create_app

    application = create_app(settings.model_copy(update={"SMTP_URL": refusing.url, "OUTBOX_MAX_ATTEMPTS": 3}))
    with TestClient(application) as client:
        yield application, client
    application.state.engine.dispose()


def test_mail_given_up_after_the_limit_is_shown_and_sent_again(refusing_app, refusing, session, settings):
    app, client = refusing_app
    chair = make_user(session, email="chair@example.com", name="Helen Carter")
    council = make_council(session, name="Water council", chair=chair)
    secretary = make_membership(session, council=council, role="secretary").user_id
    member = make_membership(session, council=council, role="member")
    session.commit()
    [message_id] = queue_mails(session, app.state.settings, 1, council_id=council.id)

    # Three refusals (451), hours apart as the backoff lets them: then it is given up.
    when = utcnow()
    for _ in range(3):
        deliver_all(app.state.engine, app.state.settings, now=when)
        when += timedelta(hours=7)
    [row] = session.exec(select(OutboxMessage)).all()
    session.refresh(row)
    assert (row.status, row.attempts) == ("failed", 3)
    assert deliver_all(app.state.engine, app.state.settings, now=when).claimed == 0  # given up: left alone

    # The council page says so, and the Mail page shows what and why.
    sign_in(client, email="chair@example.com")
    overview = client.get(f"/councils/{council.id}")
    assert "1 mail of this council could not be delivered and was given up" in overview.text
    page = client.get(f"/councils/{council.id}/outbox")
    assert page.status_code == 200
    assert "person0@example.com" in page.text and "Message 0" in page.text
    assert "451 4.3.0 Mail server busy, try again later" in page.text
    assert "Invitation or account" in page.text

    # Members and observers do not see the council's mail.
    assert (
        client.get(
            f"/api/councils/{council.id}/outbox", headers=auth(app, session.get(type(chair), member.user_id))
        ).status_code
        == 403
    )
    listed = client.get(f"/api/councils/{council.id}/outbox", headers=auth(app, session.get(type(chair), secretary)))
    assert listed.status_code == 200
    [shown] = listed.json()["data"]
    assert (shown["status"], shown["attempts"], shown["next_attempt_at"]) == ("failed", 3, None)

    # Send again: queued, attempts reset, due now, and who asked is recorded.
    sent_again = client.post(f"/councils/{council.id}/outbox/{row.id}/retry", data={"csrf_token": csrf_from(page.text)})
    assert "The message to person0@example.com is queued again" in sent_again.text
    session.expire_all()
    row = session.get(OutboxMessage, row.id)
    assert (row.status, row.attempts) == ("queued", 0)
    [entry] = session.exec(select(AuditEntry).where(AuditEntry.subject == f"outbox:{row.id}")).all()
    assert (entry.actor, entry.action) == ("chair@example.com", "resend")
    assert "sent again by chair@example.com" in client.get(f"/councils/{council.id}/outbox").text
    # Only a given-up message can be sent again.
    again = client.post(f"/api/outbox/{row.id}/retry", headers=auth(app, chair))
    assert again.status_code == 409 and "still queued" in again.json()["detail"]

    refusing.refusing = False
    assert deliver_all(app.state.engine, app.state.settings).sent == 1
    assert [str(m["Message-ID"]).strip("<>") for m in refusing.messages] == [message_id]
    assert "could not be delivered" not in client.get(f"/councils/{council.id}").text
    page = client.get(f"/councils/{council.id}/outbox")
    assert "Nothing was given up." in page.text and "Message 0" in page.text


def test_a_message_of_another_council_is_not_found(client, session, settings):
    chair = make_user(session, email="chair@example.com")
    mine = make_council(session, chair=chair)
    other = make_council(session)
    session.commit()
    queue_mails(session, settings, 1, council_id=other.id)
    [row] = session.exec(select(OutboxMessage)).all()
    assert client.post(f"/api/outbox/{row.id}/retry", headers=auth(client.app, chair)).status_code == 404
    sign_in(client, email="chair@example.com")
    token = csrf_from(client.get(f"/councils/{mine.id}/outbox").text)
    refused = client.post(f"/councils/{mine.id}/outbox/{row.id}/retry", data={"csrf_token": token})
    assert refused.status_code == 404
