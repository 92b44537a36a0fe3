"""A council's cadence: meetings from a recurrence rule, created ahead, one occurrence skipped or moved.

The rule is an RFC 5545 RRULE expanded by python-dateutil from the first date at the local
start time, in the council's own time zone: occurrences are naive local datetimes given
their zone afterwards, so a 10:00 meeting stays at 10:00 local across a clock change (its
UTC hour moves instead). Each meeting the series creates remembers which occurrence it is
(`occurrence_at`, the rule's own start in UTC), so a meeting moved or cancelled by hand is
still that occurrence and is never created twice.

Nothing here runs on a GET: meetings are created when the cadence is saved and by the
`council schedule` command (cron), which keeps every council `ahead` meetings ahead.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrule, rrulestr
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, PlainSerializer, WithJsonSchema
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.archived import INCLUDE_ARCHIVED
from app.common import InputModel, Text
from app.errors import Conflict, Invalid, NotFound
from app.meetings.schemas import Duration, MeetingCreate, MeetingUpdate
from app.meetings.service import create_meeting, update_meeting
from app.models import Council, Meeting, MeetingSeries, MeetingStatus, metadata, utcnow

# How far ahead a rule is expanded: enough for a yearly meeting six times over, and a
# bound on the work an odd rule ("the 31st of February") can ask for.
HORIZON_YEARS = 8
LAST_START = datetime(2200, 12, 31)  # meetings start by the year 2200 (app.meetings.schemas)
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
WEEKDAY_NAMES = dict(zip(WEEKDAYS, calendar.day_name, strict=True))
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}
_ALLOWED_FREQ = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_FREQ_WORDS = {
    DAILY: ("day", "days"),
    WEEKLY: ("week", "weeks"),
    MONTHLY: ("month", "months"),
    YEARLY: ("year", "years"),
}
_MEETING_KEYS = ("duration_minutes", "location", "title")


def parse_rule(text: str) -> str:
    """The rule in its stored form ("FREQ=MONTHLY;BYDAY=2MO"), or ValueError saying what is wrong."""
    rule = " ".join(text.split()).upper().removeprefix("RRULE:").strip().strip(";")
    if not rule:
        raise ValueError("enter a recurrence rule, e.g. FREQ=MONTHLY;BYDAY=2MO")
    parts = dict(part.partition("=")[::2] for part in rule.split(";"))
    if "FREQ" not in parts:
        raise ValueError(f"{rule} has no FREQ (e.g. FREQ=MONTHLY)")
    if parts["FREQ"] not in _ALLOWED_FREQ and parts["FREQ"] in {"HOURLY", "MINUTELY", "SECONDLY"}:
        raise ValueError(f"FREQ={parts['FREQ']} is too often for a council; use DAILY, WEEKLY, MONTHLY or YEARLY")
    interval = parts.get("INTERVAL", "1")
    if not (interval.isdigit() and 1 <= int(interval) <= 520):
        raise ValueError(f"INTERVAL={interval} must be a whole number from 1 to 520")
    for own in ("DTSTART", "UNTIL", "BYHOUR", "BYMINUTE", "BYSECOND"):
        if own in parts:
            where = "the until field" if own == "UNTIL" else "the first date and start time"
            raise ValueError(f"{own} is set by {where}, not in the rule")
    try:
        sample = rrulestr(rule, dtstart=datetime(2027, 1, 1, 10))
        meets = sample.between(datetime(2027, 1, 1), datetime(2027 + HORIZON_YEARS, 1, 1), inc=True)
    except Exception:  # dateutil raises ValueError, IndexError or TypeError for rules it cannot read
        if parts["FREQ"] not in _ALLOWED_FREQ:
            raise ValueError(f"FREQ={parts['FREQ']} is not a recurrence rule") from None
        raise ValueError(f"{rule} is not a recurrence rule (RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=2MO)") from None
    if not meets:
        raise ValueError(f"{rule} gives no dates: no month or year has a day that fits it")
    return rule


def _plausible_day(value: date) -> date:
    # As for a meeting's start: far-off years are typos, and the meetings must fit the calendar.
    if not 2000 <= value.year <= 2200:
        raise ValueError("must be a date between the years 2000 and 2200")
    return value


# JSON Schema's "time" format wants an offset; a cadence's time is local clock time, so it is "HH:MM".
_CLOCK = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "Local time, HH:MM"}


def _clock_text(value):
    if isinstance(value, str) and not re.fullmatch(_CLOCK["pattern"], value.strip()):
        raise ValueError(f"'{value[:20]}' is not a time; use HH:MM, e.g. 10:00")
    return value.strip() if isinstance(value, str) else value


def _local_time(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("give the local time without an offset (the council's time zone applies)")
    return value


Day = Annotated[date, AfterValidator(_plausible_day)]
LocalTime = Annotated[time, BeforeValidator(_clock_text), AfterValidator(_local_time), WithJsonSchema(_CLOCK)]
ClockOut = Annotated[
    time, PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str), WithJsonSchema(_CLOCK)
]
Rule = Annotated[
    str, Field(max_length=500, description="RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=2MO"), AfterValidator(parse_rule)
]


class SeriesIn(InputModel):
    """A council's cadence. Sending `until` ends it (untouched meetings after that date are removed)."""

    rule: Rule
    starts_on: Day = Field(description="The first date the rule counts from (local)")
    start_time: LocalTime
    duration_minutes: Duration = 120
    location: Text(200) = ""
    title: Text(200) = ""
    ahead: Annotated[int, Field(ge=1, le=24, strict=True, description="Meetings kept created ahead, 1 to 24")] = 6
    until: Day | None = Field(default=None, description="No meeting after this local date; null: no end")
    skipped: list[Day] = Field(default=[], max_length=200, description="Local dates of occurrences skipped")


class Occurrence(BaseModel):
    """One date of the cadence: its meeting if created, or skipped."""

    local_start: datetime
    starts_at: datetime
    meeting_id: int | None = None
    meeting_number: int | None = None
    meeting_start: datetime | None = Field(default=None, description="Where its meeting is now (moved or not)")
    status: str = "planned"  # planned, scheduled, moved, cancelled, held, skipped


class KeptMeeting(BaseModel):
    meeting_id: int
    number: int
    local_start: datetime
    why: str


class SeriesPublic(BaseModel):
    id: int
    council_id: int
    rule: str
    starts_on: date
    start_time: ClockOut
    duration_minutes: int
    location: str
    title: str
    ahead: int
    until: date | None
    skipped: list[date]
    timezone: str
    version: int
    description: str = Field(description="The cadence in words")
    gaps: str = Field(description="Months the rule cannot meet, in words (empty when none)")
    next: list[Occurrence]


class SeriesSaved(SeriesPublic):
    """What saving did to the meetings, besides the series itself."""

    created: list[int] = Field(description="Numbers of the meetings created")
    removed: list[int] = Field(description="Numbers of untouched meetings removed because the rule or end changed")
    kept: list[KeptMeeting] = Field(description="Meetings that no longer fit, kept because someone worked on them")


class PreviewIn(InputModel):
    rule: Rule
    starts_on: Day
    start_time: LocalTime
    duration_minutes: Duration = 120
    until: Day | None = None
    skipped: list[Day] = Field(default=[], max_length=200)
    count: Annotated[int, Field(ge=1, le=24, strict=True)] = 6


class Preview(BaseModel):
    description: str
    gaps: str
    dates: list[Occurrence]


# Expanding the rule


def _zone(council: Council) -> ZoneInfo:
    return ZoneInfo(council.timezone)


def _rrule(rule: str, starts_on: date, start_time: time) -> rrule:
    return rrulestr(rule, dtstart=datetime.combine(starts_on, start_time))  # naive local: clock time kept


def local_dates(
    *, rule: str, starts_on: date, start_time: time, until: date | None, since: datetime, count: int
) -> list[datetime]:
    """The next `count` naive local starts from `since` (naive local) on, none after `until`."""
    begins = max(since, datetime.combine(starts_on, time.min))
    horizon = min(begins + timedelta(days=366 * HORIZON_YEARS), LAST_START)
    if until is not None:
        horizon = min(horizon, datetime.combine(until, time.max))
    if horizon < since:
        return []
    # between() stops at the horizon, so a rule that can never meet costs a bounded walk.
    return _rrule(rule, starts_on, start_time).between(since, horizon, inc=True)[:count]


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)


def describe(rule: str, start_time: time, duration_minutes: int, timezone: str) -> str:
    """'Meets on the second Monday of every month, 10:00–12:00 Europe/London'."""
    end = (datetime.combine(date(2000, 1, 1), start_time) + timedelta(minutes=duration_minutes)).time()
    hours = f"{start_time:%H:%M}–{end:%H:%M} {timezone}"
    return f"Meets {_rule_words(rule)}, {hours}"


def _parts(rule: str) -> dict[str, str]:
    return dict(part.partition("=")[::2] for part in rule.split(";"))


def _nth_weekday(parts: dict[str, str]) -> tuple[int, str] | None:
    """(n, "MO") for BYDAY=2MO or BYDAY=MO;BYSETPOS=2; None otherwise."""
    byday = parts.get("BYDAY", "")
    if byday[-2:] not in WEEKDAYS or "," in byday:
        return None
    number = byday[:-2] or parts.get("BYSETPOS", "")
    try:
        n = int(number)
    except ValueError:
        return None
    return (n, byday[-2:]) if n in ORDINALS else None


def _every(parts: dict[str, str], unit: str, units: str) -> str:
    interval = parts.get("INTERVAL", "1")
    return f"every {unit}" if interval == "1" else f"every {interval} {units}"


def _rule_words(rule: str) -> str:
    parts = _parts(rule)
    freq, known = parts.get("FREQ"), set(parts) - {"FREQ", "INTERVAL", "COUNT", "WKST"}
    count = f" ({parts['COUNT']} meetings in all)" if "COUNT" in parts else ""
    if freq == "MONTHLY" and known <= {"BYDAY", "BYSETPOS"} and (nth := _nth_weekday(parts)):
        n, day = nth
        return f"on the {ORDINALS[n]} {WEEKDAY_NAMES[day]} of {_every(parts, 'month', 'months')}{count}"
    if freq == "MONTHLY" and known == {"BYMONTHDAY"} and parts["BYMONTHDAY"].isdigit():
        return f"on day {parts['BYMONTHDAY']} of {_every(parts, 'month', 'months')}{count}"
    if freq == "WEEKLY" and known <= {"BYDAY"} and all(d in WEEKDAYS for d in parts.get("BYDAY", "MO").split(",")):
        days = " and ".join(WEEKDAY_NAMES[d] for d in parts.get("BYDAY", "").split(",") if d)
        return f"{_every(parts, 'week', 'weeks')}{' on ' + days if days else ''}{count}"
    return f"on the dates of the rule {rule}{count}"


def gaps(rule: str, starts_on: date, start_time: time, since: date) -> str:
    """For a monthly rule some months cannot meet ("the fifth Monday"): which, in the next year, in words."""
    parts = _parts(rule)
    if parts.get("FREQ") != "MONTHLY" or parts.get("INTERVAL", "1") != "1":
        return ""
    first = max(starts_on, since).replace(day=1)
    year_on = first.replace(year=first.year + 1)
    met = {
        (d.year, d.month)
        for d in _rrule(rule, starts_on, start_time).between(
            datetime.combine(first, time.min), datetime.combine(year_on, time.min), inc=True
        )
    }
    if not met:
        return ""
    months, cursor = [], first
    while cursor < year_on:
        if (cursor.year, cursor.month) not in met and "COUNT" not in parts:
            months.append(f"{calendar.month_name[cursor.month]} {cursor.year}")
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    if not months:
        return ""
    nth = _nth_weekday(parts)
    reason = f"has no {ORDINALS[nth[0]]} {WEEKDAY_NAMES[nth[1]]}" if nth else "has no date that fits the rule"
    listed = months[0] if len(months) == 1 else ", ".join(months[:-1]) + " and " + months[-1]
    return f"No meeting in {listed}: {'that month' if len(months) == 1 else 'each of those months'} {reason}."


# Reading the stored series


def get_series(session: Session, council: Council) -> MeetingSeries | None:
    return session.exec(select(MeetingSeries).where(MeetingSeries.council_id == council.id)).first()


def require_series(session: Session, council: Council) -> MeetingSeries:
    series = get_series(session, council)
    if series is None:
        raise NotFound("This council has no cadence yet.")
    return series


def _skipped(series: MeetingSeries) -> set[date]:
    return {date.fromisoformat(day) for day in series.skipped or []}


def _series_meetings(session: Session, series: MeetingSeries) -> list[Meeting]:
    return list(
        session.exec(
            select(Meeting)
            .where(Meeting.series_id == series.id)
            .order_by(col(Meeting.occurrence_at))
            .execution_options(**INCLUDE_ARCHIVED)
        )
    )


def _local_today(council: Council, now: datetime) -> datetime:
    """Midnight today in the council's zone, naive: where 'from today' starts."""
    return datetime.combine(now.astimezone(_zone(council)).date(), time.min)


def upcoming(
    session: Session, council: Council, series: MeetingSeries, *, now: datetime, count: int
) -> list[Occurrence]:
    """The next `count` dates of the cadence from today, each with its meeting or marked skipped."""
    zone = _zone(council)
    by_occurrence = {m.occurrence_at: m for m in _series_meetings(session, series)}
    skipped = _skipped(series)
    starts = local_dates(
        rule=series.rule,
        starts_on=series.starts_on,
        start_time=series.start_time,
        until=series.until,
        since=_local_today(council, now),
        count=count + len(skipped),
    )
    shown = []
    for local in starts:
        at = to_utc(local, zone)
        meeting = by_occurrence.get(at)
        if meeting is None and local.date() in skipped:
            shown.append(Occurrence(local_start=local.replace(tzinfo=zone), starts_at=at, status="skipped"))
            continue
        status = "planned"
        if meeting is not None:
            status = meeting.status if meeting.status != MeetingStatus.scheduled else "scheduled"
            if meeting.status == MeetingStatus.scheduled and meeting.scheduled_at != at:
                status = "moved"
        shown.append(
            Occurrence(
                local_start=local.replace(tzinfo=zone),
                starts_at=at,
                meeting_id=meeting.id if meeting else None,
                meeting_number=meeting.number if meeting else None,
                meeting_start=meeting.scheduled_at.astimezone(zone) if meeting else None,
                status=status,
            )
        )
    not_skipped = [o for o in shown if o.status != "skipped"]
    if len(not_skipped) > count:
        last = not_skipped[count - 1].starts_at
        shown = [o for o in shown if o.starts_at <= last]
    return shown


def series_public(session: Session, council: Council, series: MeetingSeries, *, now: datetime | None = None) -> dict:
    now = now or utcnow()
    return {
        **series.model_dump(exclude={"created_at", "updated_at"}),
        "skipped": sorted(_skipped(series)),
        "timezone": council.timezone,
        "description": describe(series.rule, series.start_time, series.duration_minutes, council.timezone),
        "gaps": gaps(series.rule, series.starts_on, series.start_time, now.astimezone(_zone(council)).date()),
        "next": upcoming(session, council, series, now=now, count=series.ahead),
    }


def preview(council: Council, preview_in: PreviewIn, *, now: datetime | None = None) -> Preview:
    """The next dates of a rule, in words and dates, without saving anything."""
    now = now or utcnow()
    zone, skipped = _zone(council), set(preview_in.skipped)
    starts = local_dates(
        rule=preview_in.rule,
        starts_on=preview_in.starts_on,
        start_time=preview_in.start_time,
        until=preview_in.until,
        since=_local_today(council, now),
        count=preview_in.count + len(skipped),
    )
    dates, held = [], 0
    for local in starts:
        if held >= preview_in.count:
            break
        is_skipped = local.date() in skipped
        held += not is_skipped
        dates.append(
            Occurrence(
                local_start=local.replace(tzinfo=zone),
                starts_at=to_utc(local, zone),
                status="skipped" if is_skipped else "planned",
            )
        )
    return Preview(
        description=describe(preview_in.rule, preview_in.start_time, preview_in.duration_minutes, council.timezone),
        gaps=gaps(preview_in.rule, preview_in.starts_on, preview_in.start_time, now.astimezone(zone).date()),
        dates=dates,
    )


# What people have done with a meeting


def _meeting_references() -> list[tuple[str, object]]:
    """Every column of every table that points at a meeting: work someone did for it."""
    return [
        (table.name, fk.parent)
        for table in metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "meetings" and table.name != "meetings"
    ]


_REFERENCE_WORDS = {
    "agenda_snapshots": "its agenda was published",
    "minutes": "it has minutes",
    "minutes_items": "it has minutes",
    "attendance": "members have answered or attendance was recorded",
    "aob_items": "it has any other business",
    "department_reports": "departments have written reports for it",
    "actions": "actions were raised at it",
}


def touched(session: Session, meeting: Meeting, series: MeetingSeries) -> str | None:
    """Why this meeting is no longer the series' own to replace (None: nobody has touched it)."""
    if meeting.archived_at is not None:
        return "it is archived with its minutes"
    if meeting.status == MeetingStatus.cancelled:
        return "it was cancelled (it stays in the history)"
    if meeting.status == MeetingStatus.held:
        return "it was held"
    if meeting.scheduled_at != meeting.occurrence_at:
        return "it was moved by hand"
    if meeting.title != series.title or meeting.location != series.location:
        return "it was renamed or relocated by hand"
    if meeting.duration_minutes != series.duration_minutes:
        return "its length was changed by hand"
    for table, column in _meeting_references():
        used = session.execute(sa_select(func.count()).select_from(column.table).where(column == meeting.id)).scalar()
        if used:
            return _REFERENCE_WORDS.get(table, f"it has {table.replace('_', ' ')}")
    return None


# Creating and replacing meetings


@dataclass
class Outcome:
    created: list[Meeting] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    kept: list[KeptMeeting] = field(default_factory=list)


def keep_ahead(session: Session, council: Council, *, now: datetime | None = None) -> list[Meeting]:
    """Create the missing meetings among the cadence's next `ahead` dates (run twice: nothing more)."""
    series = get_series(session, council)
    if series is None:
        return []
    return _generate(session, council, series, now=now or utcnow())


def _generate(session: Session, council: Council, series: MeetingSeries, *, now: datetime) -> list[Meeting]:
    created = []
    for occurrence in upcoming(session, council, series, now=now, count=series.ahead):
        if occurrence.status != "planned" or occurrence.starts_at <= now:
            continue
        meeting = create_meeting(
            session=session,
            council=council,
            meeting_in=MeetingCreate(
                scheduled_at=occurrence.starts_at,
                duration_minutes=series.duration_minutes,
                location=series.location,
                title=series.title,
            ),
        )
        meeting.series_id = series.id
        meeting.occurrence_at = occurrence.starts_at
        session.add(meeting)
        session.flush()
        created.append(meeting)
    return created


def _kept(meeting: Meeting, council: Council, why: str) -> KeptMeeting:
    return KeptMeeting(
        meeting_id=meeting.id,
        number=meeting.number,
        local_start=meeting.scheduled_at.astimezone(_zone(council)),
        why=why,
    )


def save_series(
    *,
    session: Session,
    council: Council,
    series_in: SeriesIn,
    series: MeetingSeries | None,
    now: datetime | None = None,
) -> tuple[MeetingSeries, Outcome]:
    """Create or change the cadence; replace the future meetings nobody has touched to fit it; create ahead."""
    now = now or utcnow()
    outcome = Outcome()
    zone = _zone(council)
    _check_skipped(series_in)
    # Judge the future meetings against the cadence they were made from, before it changes.
    future = [m for m in _series_meetings(session, series) if m.occurrence_at > now] if series else []
    reasons = {m.id: touched(session, m, series) for m in future}
    if series is None:
        series = MeetingSeries(
            council_id=council.id, rule=series_in.rule, starts_on=series_in.starts_on, start_time=series_in.start_time
        )
    newly_skipped = set(series_in.skipped) - _skipped(series)
    for key, value in series_in.model_dump().items():
        setattr(series, key, value)
    series.skipped = [day.isoformat() for day in sorted(set(series_in.skipped))]
    series.updated_at = now
    session.add(series)
    session.flush()

    wanted = {
        to_utc(local, zone)
        for local in local_dates(
            rule=series.rule,
            starts_on=series.starts_on,
            start_time=series.start_time,
            until=series.until,
            since=_local_today(council, now),
            count=series.ahead + len(series.skipped) + len(future),
        )
    }
    for meeting in future:
        local_day = meeting.occurrence_at.astimezone(zone).date()
        why = reasons[meeting.id]
        if local_day in newly_skipped and meeting.status == MeetingStatus.scheduled:
            _cancel(session, meeting)  # skipping a created occurrence cancels it: it stays in the history
            continue
        fits = meeting.occurrence_at in wanted and local_day not in _skipped(series)
        if why is None and fits:
            for key in _MEETING_KEYS:
                if getattr(meeting, key) != getattr(series, key):
                    setattr(meeting, key, getattr(series, key))
            session.add(meeting)
        elif why is None:
            outcome.removed.append(meeting.number)
            session.delete(meeting)
        elif not fits and meeting.status != MeetingStatus.cancelled:
            outcome.kept.append(_kept(meeting, council, why))
    session.flush()
    outcome.created = _generate(session, council, series, now=now)
    return series, outcome


def _check_skipped(series_in: SeriesIn) -> None:
    if any(day < series_in.starts_on for day in series_in.skipped):
        raise Invalid("skipped: a skipped date comes before the first date.", field="skipped")


def _cancel(session: Session, meeting: Meeting) -> None:
    update_meeting(session=session, meeting=meeting, meeting_in=MeetingUpdate(status=MeetingStatus.cancelled))


def skip_date(
    *, session: Session, council: Council, series: MeetingSeries, day: date, now: datetime | None = None
) -> str:
    """Skip the cadence's meeting on `day` (local): cancel it if created, else remember the date."""
    now = now or utcnow()
    zone = _zone(council)
    starts = local_dates(
        rule=series.rule,
        starts_on=series.starts_on,
        start_time=series.start_time,
        until=series.until,
        since=datetime.combine(day, time.min),
        count=1,
    )
    if not starts or starts[0].date() != day:
        raise Invalid(f"skip: {day:%-d %B %Y} is not a date of this cadence.", field="day")
    at = to_utc(starts[0], zone)
    meeting = session.exec(select(Meeting).where(Meeting.series_id == series.id, Meeting.occurrence_at == at)).first()
    if meeting is not None:
        if meeting.status != MeetingStatus.scheduled:
            raise Conflict(f"Meeting {meeting.number} is {meeting.status}; only a scheduled meeting can be skipped.")
        _cancel(session, meeting)
        _generate(session, council, series, now=now)
        return f"Meeting {meeting.number} on {day:%-d %B %Y} is cancelled; it stays in the history."
    if day.isoformat() not in (series.skipped or []):
        series.skipped = sorted([*(series.skipped or []), day.isoformat()])
        series.updated_at = now
        session.add(series)
        session.flush()
    _generate(session, council, series, now=now)
    return f"No meeting on {day:%-d %B %Y}; the rest of the cadence is unchanged."


def unskip_date(
    *, session: Session, council: Council, series: MeetingSeries, day: date, now: datetime | None = None
) -> str:
    """Meet on a skipped date after all (a cancelled meeting is brought back through the meeting itself)."""
    if day.isoformat() not in (series.skipped or []):
        raise Invalid(f"day: {day:%-d %B %Y} is not skipped.", field="day")
    series.skipped = [d for d in series.skipped if d != day.isoformat()]
    series.updated_at = now or utcnow()
    session.add(series)
    session.flush()
    _generate(session, council, series, now=now or utcnow())
    return f"The meeting on {day:%-d %B %Y} is back in the cadence."


def series_in_of(series: MeetingSeries, **changes) -> SeriesIn:
    """The stored cadence as input, with `changes` applied (for 'end now' and the pages)."""
    values = series.model_dump(include=set(SeriesIn.model_fields))
    values["skipped"] = sorted(_skipped(series))
    return SeriesIn.model_validate({**values, **changes})


def keep_every_council_ahead(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """For `council schedule` (cron): each council with a cadence, and how many meetings were created."""
    done = {}
    for series, council in session.exec(
        select(MeetingSeries, Council).join(Council, col(Council.id) == MeetingSeries.council_id)
    ):
        done[council.name] = len(_generate(session, council, series, now=now or utcnow()))
    return done
