"""Where a meeting stands, by the clock: scheduled → in progress (from its start) → held.

The stored status says only what people decided (scheduled, held, cancelled); the state a
person sees follows the clock too, so a meeting whose time has come is no longer listed
as upcoming, and one that has ended is held even before its minutes mark it so.
"""

from datetime import datetime, timedelta
from enum import StrEnum

from app.models import Meeting, MeetingStatus, utcnow


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
