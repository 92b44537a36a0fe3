"""The demo's mail: the next meeting's agenda published to every seat, and a report reminder.

Loaded after the council (`council demo`), as it needs the site's settings for the links
in the mail. Everything is queued in the outbox, where `council deliver` sends it (to
SMTP_URL) or an operator can read it; nothing is sent while loading.
"""

from datetime import datetime

from sqlmodel import Session, col, func, select

from app.agendas.publish import mail_now, publish_agenda
from app.auth import Access
from app.config import Settings
from app.models import Council, Meeting, MeetingStatus, Membership, OutboxMessage, Role, User, utcnow
from app.reports.reminders import queue_report_reminders

# The demo's next meeting is a fortnight away: reminders a fortnight ahead, so one shows.
REPORT_REMINDER_DAYS = 14


def load_mail_demo(*, session: Session, settings: Settings, council: Council, now: datetime | None = None) -> int:
    """Publish the next meeting's agenda (mailed to every seat) and queue the report reminders; mails queued."""
    now = now or utcnow()
    queued = select(func.count()).where(OutboxMessage.council_id == council.id)
    before = session.exec(queued).one()
    meeting = session.exec(
        select(Meeting)
        .where(Meeting.council_id == council.id, Meeting.status == MeetingStatus.scheduled, Meeting.scheduled_at > now)
        .order_by(col(Meeting.scheduled_at))
    ).first()
    if meeting is None:
        return 0
    chair, user = session.exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.council_id == council.id, Membership.role == Role.chair)
    ).first()
    access = Access(user=user, council=council, membership=chair)
    publish_agenda(session=session, access=access, meeting=meeting)
    mail_now(session=session, settings=settings, meeting=meeting)
    council.report_reminder_days = REPORT_REMINDER_DAYS
    session.add(council)
    session.flush()
    queue_report_reminders(session, settings, now=now)
    return session.exec(queued).one() - before
