"""The minutes record: created by the first write, locked by every write, closed once approved, audited.

Every write takes the minutes row's lock first (PostgreSQL: SELECT … FOR UPDATE; SQLite
writers queue anyway), so an edit and the approval cannot interleave, and decisions
are numbered one writer at a time.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from app.auth import Access
from app.display import long_date
from app.errors import Conflict
from app.meetings.responses import seed_attendance
from app.models import Meeting, MeetingStatus, Minutes, MinutesEvent, MinutesStatus, Role, User, utcnow
from app.models.meetings import has_started
from app.revision import in_council

RECORDERS = (Role.chair, Role.secretary)
# Notes saved as they are typed: one person's saves of one text within this window are
# one audit entry (first text before, latest after, how many saves), not hundreds.
TYPING_WINDOW = timedelta(minutes=10)


def check_can_minute(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.cancelled:
        raise Conflict("This meeting was cancelled: there is nothing to minute. Reinstate it to record it.")


def not_started_note(meeting: Meeting, timezone: str, now: datetime | None = None) -> str | None:
    """Why the minutes cannot be circulated or approved yet (the meeting has not started), or None."""
    if has_started(meeting, now):
        return None
    start = meeting.scheduled_at.astimezone(ZoneInfo(timezone))
    return (
        f"Meeting {meeting.number} starts on {long_date(start)} at {start:%H:%M}; "
        "minutes can be circulated and approved once it has started."
    )


def refuse_before_start(meeting: Meeting, timezone: str, now: datetime | None = None) -> None:
    """Minutes say what happened: not before the meeting has begun (a draft may be prepared)."""
    if note := not_started_note(meeting, timezone, now):
        raise Conflict(note)


def _locking(meeting: Meeting):
    return (
        select(Minutes)
        .where(Minutes.meeting_id == meeting.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def locked_minutes(session: Session, meeting: Meeting) -> Minutes | None:
    """The meeting's minutes, locked until the transaction ends and read afresh; None before the first write."""
    return session.exec(_locking(meeting)).first()


def lock_minutes(session: Session, meeting: Meeting, *, started_by: int | None = None) -> tuple[Minutes, bool]:
    """The meeting's minutes, locked until the transaction ends; created (True) on the first write,
    taken by `started_by` (whoever starts them, until the secretary says otherwise)."""
    minutes = locked_minutes(session, meeting)
    if minutes is not None:
        return minutes, False
    now = utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # Two first writes at once: one inserts, the other finds the row and waits for its lock.
    session.exec(
        dialect.insert(Minutes)
        .values(
            meeting_id=meeting.id,
            status=MinutesStatus.draft.value,
            agenda_version=0,
            previous_minutes_note="",
            next_meeting_note="",
            approved_early_reason="",
            taken_by_id=started_by,
            taken_by_name="",
            version=1,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["meeting_id"]),
        execution_options=in_council(meeting.council_id),
    )
    minutes = session.exec(_locking(meeting)).one()
    # The record starts from what members answered; the secretary corrects it.
    seed_attendance(session=session, meeting=meeting)
    return minutes, True


def refuse_if_approved(minutes: Minutes, meeting: Meeting) -> None:
    if minutes.status == MinutesStatus.approved:
        when = minutes.approved_at.date().isoformat() if minutes.approved_at else "an earlier date"
        raise Conflict(
            f"These minutes were approved on {when} and can no longer change. Record a correction as an "
            f"amendment (POST /api/meetings/{meeting.id}/minutes/amendments) with the reason for it."
        )


def open_for_edit(session: Session, access: Access, meeting: Meeting, *, doing: str) -> tuple[Minutes, bool]:
    """Who may, whether the meeting can be minuted, and the locked record (not approved)."""
    access.require(*RECORDERS, doing=doing)
    check_can_minute(meeting)
    minutes, created = lock_minutes(session, meeting, started_by=access.user.id)
    refuse_if_approved(minutes, meeting)
    return minutes, created


def touch(session: Session, minutes: Minutes) -> None:
    """Mark a change: the version (and so the ETag) moves with every change to the minutes."""
    minutes.updated_at = utcnow()
    session.add(minutes)
    session.flush()


def record(session: Session, access: Access, meeting: Meeting, kind: str, detail: dict) -> None:
    session.add(MinutesEvent(meeting_id=meeting.id, user_id=access.user.id, kind=kind, detail=detail))


def record_change(
    session: Session, access: Access, meeting: Meeting, minutes: Minutes, kind: str, detail: dict
) -> None:
    """Audit a change as `kind` and move the minutes' version (record, then touch)."""
    record(session, access, meeting, kind, detail)
    touch(session, minutes)


def record_text(
    session: Session, access: Access, meeting: Meeting, kind: str, *, key: dict, before: str, after: str
) -> None:
    """Audit a text change, folding a burst of saves of the same text by the same person into one entry."""
    last = session.exec(
        select(MinutesEvent).where(MinutesEvent.meeting_id == meeting.id).order_by(col(MinutesEvent.id).desc()).limit(1)
    ).first()
    now = utcnow()
    if (
        last is not None
        and last.kind == kind
        and last.user_id == access.user.id
        and all(last.detail.get(k) == v for k, v in key.items())
        and now - last.at <= TYPING_WINDOW
    ):
        last.detail = {**last.detail, "after": after, "saves": int(last.detail.get("saves", 1)) + 1}
        last.at = now
        session.add(last)
        return
    session.add(
        MinutesEvent(
            meeting_id=meeting.id,
            user_id=access.user.id,
            at=now,
            kind=kind,
            detail={**key, "before": before, "after": after, "saves": 1},
        )
    )


def name_of(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else None
