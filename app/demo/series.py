"""The demo council's cadence: monthly on the weekday of its upcoming meeting, which becomes one of its dates."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.meetings.series import WEEKDAYS, keep_ahead
from app.models import Council, Meeting, MeetingSeries


def load_series_demo(*, session: Session, council: Council, upcoming: Meeting, today: date) -> None:
    """The upcoming meeting (with its AOB and apologies) is the cadence's first date; the next ones follow."""
    local = upcoming.scheduled_at.astimezone(ZoneInfo(council.timezone))
    week = (local.day - 1) // 7 + 1
    ordinal = -1 if week == 5 else week  # "the last Tuesday" meets every month; "the fifth" would not
    series = MeetingSeries(
        council_id=council.id,
        rule=f"FREQ=MONTHLY;BYDAY={ordinal}{WEEKDAYS[local.weekday()]}",
        starts_on=local.date(),
        start_time=local.time().replace(tzinfo=None),
        duration_minutes=upcoming.duration_minutes,
        location="Board room, Leeds HQ",
        title=upcoming.title,
    )
    session.add(series)
    session.flush()
    # The upcoming meeting is the cadence's first date: it keeps its number, data and location.
    upcoming.series_id = series.id
    upcoming.occurrence_at = local.astimezone(UTC)
    session.add(upcoming)
    session.flush()
    keep_ahead(session, council, now=datetime.combine(today, time(12), tzinfo=UTC))
