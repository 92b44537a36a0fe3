"""The correction window: `correction_window_days` working days (Monday to Friday in the council's zone),
counted from the day after circulation and closing at the end of the last one."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, FR, MO, TH, TU, WE, rrule

from app.display import long_date

WORKING_DAYS = (MO, TU, WE, TH, FR)


def window_close(circulated_at: datetime, days: int, timezone: str) -> datetime | None:
    """The end of the `days`-th working day after `circulated_at` in `timezone` (None: no window)."""
    if days <= 0:
        return None
    zone = ZoneInfo(timezone)
    first = circulated_at.astimezone(zone).date() + timedelta(days=1)
    days_open = rrule(DAILY, dtstart=datetime.combine(first, time()), byweekday=WORKING_DAYS, count=days)
    last: date = list(days_open)[-1].date()
    return datetime.combine(last + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)


def last_day(close_at: datetime, timezone: str) -> date:
    """The last day corrections are taken, in the council's zone."""
    return close_at.astimezone(ZoneInfo(timezone)).date() - timedelta(days=1)


def last_day_words(close_at: datetime, timezone: str) -> str:
    """The last day, as people read it: 'Friday 11 December 2026'."""
    return long_date(last_day(close_at, timezone))
