"""Report-due reminders: before a meeting, each department that has not reported hears so, once.

A periodic job (app/jobs.py, run by `council deliver`). For every meeting still to come
(not cancelled, not archived) whose day is within its council's `report_reminder_days`
(0: the council sends none), each department of the council without a report to that
meeting has its seats mailed (`report_due`): the chair's and secretary's seats only when
they sit for that department, observers never, as they cannot submit one. Each
(meeting, department, person) is mailed once whatever how often the job runs: the
outbox's dedupe key remembers it. A department that reports in time is never mailed.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from app.config import Settings
from app.display import long_date
from app.models import (
    AgendaSnapshot,
    Council,
    Department,
    DepartmentReport,
    Meeting,
    MeetingStatus,
    Membership,
    Role,
    User,
)
from app.notifications.service import Recipient, notify

KIND = "report_due"


def due_meetings(session: Session, *, now: datetime) -> list[tuple[Meeting, Council]]:
    """Meetings still to come whose day falls within their council's reminder window."""
    longest = session.exec(select(func.max(Council.report_reminder_days))).one() or 0
    if longest <= 0:
        return []
    rows = session.exec(
        select(Meeting, Council)
        .join(Council, col(Council.id) == Meeting.council_id)
        .where(
            Meeting.status == MeetingStatus.scheduled,
            col(Meeting.archived_at).is_(None),
            Council.report_reminder_days > 0,
            Meeting.scheduled_at > now,
            # A day's margin: the window is counted in the council's own calendar days below.
            Meeting.scheduled_at <= now + timedelta(days=longest + 1),
        )
        .order_by(col(Meeting.scheduled_at))
    ).all()
    due = []
    for meeting, council in rows:
        zone = ZoneInfo(council.timezone)
        days_left = (meeting.scheduled_at.astimezone(zone).date() - now.astimezone(zone).date()).days
        if days_left <= council.report_reminder_days:
            due.append((meeting, council))
    return due


def _missing_departments(session: Session, meeting: Meeting) -> list[Department]:
    reported = select(DepartmentReport.department_id).where(DepartmentReport.meeting_id == meeting.id)
    return list(
        session.exec(
            select(Department)
            .where(Department.council_id == meeting.council_id, col(Department.id).not_in(reported))
            .order_by(col(Department.name))
        )
    )


def _department_seats(session: Session, department: Department) -> list[Recipient]:
    rows = session.exec(
        select(User)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.department_id == department.id, Membership.role != Role.observer, col(User.is_active))
        .order_by(col(User.name))
    )
    return [Recipient(user.id, user.name, user.email) for user in rows]


def queue_report_reminders(session: Session, settings: Settings, *, now: datetime) -> int:
    """Queue a reminder to the seats of each department yet to report to a meeting in its window; how many queued."""
    queued = 0
    for meeting, council in due_meetings(session, now=now):
        zone = ZoneInfo(council.timezone)
        start = meeting.scheduled_at.astimezone(zone)
        when = f"{long_date(start)} at {start:%H:%M} ({council.timezone})"
        published = (
            session.exec(select(AgendaSnapshot.id).where(AgendaSnapshot.meeting_id == meeting.id).limit(1)).first()
            is not None
        )
        for department in _missing_departments(session, meeting):
            queued += len(
                notify(
                    session,
                    settings,
                    kind=KIND,
                    council=council,
                    recipients=_department_seats(session, department),
                    subject=f"Report due: {department.name} to {council.name} meeting {meeting.number}, "
                    f"{long_date(start)}",
                    template="report_due",
                    context={
                        "meeting": meeting,
                        "department": department,
                        "when": when,
                        "days_left": (start.date() - now.astimezone(zone).date()).days,
                        "published": published,
                    },
                    link=f"/meetings/{meeting.id}/reports#department-{department.id}",
                    dedupe_key=lambda r, m=meeting, d=department: f"report_due:{m.id}:{d.id}:{r.user_id}",
                    now=now,
                )
            )
    return queued
