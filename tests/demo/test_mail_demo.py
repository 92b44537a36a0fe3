"""The demo's outbox: the next meeting's agenda mailed to every seat, and the one missing report reminded."""

from email import message_from_bytes, policy

from sqlmodel import select

from app.demo.council import PEOPLE
from app.demo.mail import load_mail_demo
from app.models import AgendaSnapshot, OutboxMessage
from app.models.base import utcnow
from app.notifications.preferences import read_unsubscribe_token
from tests.demodb import load_demo


def test_the_demo_publishes_the_next_agenda_and_reminds_the_missing_report(session, settings):
    now = utcnow()
    council = load_demo(session=session, today=now.date())
    assert load_mail_demo(session=session, settings=settings, council=council, now=now) == len(PEOPLE) + 1
    session.commit()

    [snapshot] = session.exec(select(AgendaSnapshot)).all()
    rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    agenda = [r for r in rows if r.kind == "agenda_published"]
    assert sorted(r.recipient for r in agenda) == sorted(p.email for p in PEOPLE)
    message = message_from_bytes(agenda[0].body, policy=policy.default)
    assert message["Subject"].strip().startswith("Agenda published: Northern Utilities Customer Experience Council")
    names = [part.get_filename() for part in message.iter_attachments()]
    assert "invite.ics" in names and any(name.endswith(".docx") for name in names)
    text = message.get_body(("plain",)).get_content()
    assert "Not yet in: ContactPlus (outsourced contact centre)" in text
    assert f"/meetings/{snapshot.meeting_id}/agenda" in text

    [reminder] = [r for r in rows if r.kind == "report_due"]
    assert reminder.recipient == "supplier@example.com"
    assert reminder.subject.startswith("Report due: ContactPlus (outsourced contact centre)")
    unsubscribe = message_from_bytes(reminder.body, policy=policy.default)["List-Unsubscribe"].strip("<>")
    assert read_unsubscribe_token(settings, unsubscribe.rsplit("/", 1)[1])[2] == "report_due"
