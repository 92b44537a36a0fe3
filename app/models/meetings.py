"""Council meetings."""

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class MeetingStatus(StrEnum):
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"


class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("council_id", "number", name="uq_meetings_council_number"),
        CheckConstraint("status IN ('scheduled', 'held', 'cancelled')", name="status"),
        CheckConstraint("duration_minutes BETWEEN 5 AND 720", name="duration_minutes"),
        Index("ix_meetings_council_scheduled_at", "council_id", "scheduled_at"),
        UniqueConstraint("series_id", "occurrence_at", name="uq_meetings_series_occurrence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE")
    # 1, 2, 3 … within the council, in the order meetings were scheduled.
    number: int
    title: str = Field(default="", max_length=200)
    scheduled_at: datetime = Field(sa_type=TZDateTime)
    duration_minutes: int = Field(default=120)
    location: str = Field(default="", max_length=200)
    status: str = Field(default=MeetingStatus.scheduled, max_length=20)
    # Why and when it was cancelled (shown in the council's history); cleared when reinstated.
    cancel_reason: str = Field(default="", max_length=500)
    cancelled_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    version: int = Field(default=1)
    # The UID calendars already hold for this meeting when it predates site_identity
    # (meeting-<id>@<host>, kept by the migration); None: derived from the site's
    # namespace (app/agendas/ics.py meeting_uid), so creating a meeting writes nothing here.
    ical_uid: str | None = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # Archived instead of deleted (app/archive.py): hidden everywhere but the record.
    archived_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    archived_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # A meeting of the council's cadence (app/meetings/series.py): which occurrence of the rule
    # it is (the rule's own start, UTC), kept when the meeting is moved or cancelled so that
    # occurrence is never created twice.
    series_id: int | None = Field(default=None, foreign_key="meeting_series.id", ondelete="SET NULL", index=True)
    occurrence_at: datetime | None = Field(default=None, sa_type=TZDateTime)

    # Optimistic locking: every UPDATE says "WHERE version = <the version I read>" and
    # bumps it, so of two concurrent writers from the same version exactly one wins.
    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


# Where a meeting stands by the clock. The rules live here, beside the table, so that every
# layer can ask (the navigation in app.web sits below the domains); app.meetings.state is
# where the domains import them from.


class MeetingState(StrEnum):
    scheduled = "scheduled"
    in_progress = "in progress"
    held = "held"
    cancelled = "cancelled"


def meeting_ends_at(meeting: Meeting) -> datetime:
    return meeting.scheduled_at + timedelta(minutes=meeting.duration_minutes)


def meeting_state(meeting: Meeting, now: datetime | None = None) -> MeetingState:
    """The state a person sees at `now` (default: this moment)."""
    if meeting.status == MeetingStatus.cancelled:
        return MeetingState.cancelled
    if meeting.status == MeetingStatus.held:
        return MeetingState.held
    now = now or utcnow()
    if now < meeting.scheduled_at:
        return MeetingState.scheduled
    if now < meeting_ends_at(meeting):
        return MeetingState.in_progress
    return MeetingState.held


def has_started(meeting: Meeting, now: datetime | None = None) -> bool:
    """True from the meeting's start on (minutes may be circulated and approved from then)."""
    return (now or utcnow()) >= meeting.scheduled_at


def is_upcoming(meeting: Meeting, now: datetime | None = None) -> bool:
    """Still to come or under way now: what a 'next meetings' list shows."""
    return meeting_state(meeting, now) in (MeetingState.scheduled, MeetingState.in_progress)
