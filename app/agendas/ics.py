"""Meetings as iCalendar: one invite, or a council's feed people subscribe to.

Pure: rows and agendas in, bytes out. Each meeting keeps one UID for life and its
SEQUENCE is the meeting's version, so a moved or cancelled meeting replaces the entry a
calendar already holds instead of adding a second one. Times carry the council's TZID
with a VTIMEZONE covering the meetings, so a meeting stays at 10:00 local time across
a daylight-saving change.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from app import __version__
from app.agendas.model import Agenda
from app.display import local_date
from app.models import Council, Meeting, MeetingStatus

PRODID = f"-//CX Council//CX Council {__version__}//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
# How often a subscribed calendar should fetch the feed again (RFC 7986; X-PUBLISHED-TTL for Outlook).
REFRESH = timedelta(hours=6)


@dataclass(frozen=True)
class CalendarEntry:
    """One meeting for a calendar, with the agenda its reader may see (None: not yet)."""

    meeting: Meeting
    agenda: Agenda | None
    url: str


def uid_domain(base_url: str) -> str:
    """The host the UIDs are minted under: stable for as long as the site keeps its name."""
    return urlsplit(base_url).hostname or "cx-council.invalid"


def meeting_uid(meeting_id: int, domain: str) -> str:
    return f"meeting-{meeting_id}@{domain}"


def _description(entry: CalendarEntry, council: Council) -> str:
    meeting, agenda = entry.meeting, entry.agenda
    lines = []
    if meeting.title and meeting.title != f"Meeting {meeting.number}":
        lines.append(meeting.title)
    if meeting.status == MeetingStatus.cancelled:
        lines.append("This meeting has been cancelled.")
    if agenda is None and meeting.status == MeetingStatus.held:
        lines.append("This meeting has been held; no agenda was published for it.")
    elif agenda is None:
        lines.append("The agenda is circulated once the chair publishes it.")
    else:
        if agenda.status == "published" and agenda.published_at:
            published = local_date(agenda.published_at, council.timezone)
            lines.append(f"Agenda (published version {agenda.version}, {published}):")
        else:
            lines.append("Draft agenda (it may change until the chair publishes it):")
        for section in agenda.sections:
            lines.append(f"{section.position}. {section.starts_at} {section.title} ({section.minutes_allocated} min)")
        if agenda.not_taken:
            lines.append("Not taken at this meeting: " + "; ".join(t.title for t in agenda.not_taken) + ".")
        lines.append(f"Times are {council.timezone}.")
    lines.append(f"Agenda and papers: {entry.url}")
    return "\n".join(lines)


def meeting_event(*, council: Council, entry: CalendarEntry, domain: str, stamp: datetime) -> Event:
    """One VEVENT for a meeting: start and end in the council's zone, a stable UID."""
    meeting = entry.meeting
    zone = ZoneInfo(council.timezone)
    start = meeting.scheduled_at.astimezone(zone)
    event = Event()
    event.add("uid", meeting_uid(meeting.id, domain))
    event.add("sequence", meeting.version)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", f"{council.name} — Meeting {meeting.number}")
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", _description(entry, council))
    event.add("url", entry.url)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def calendar_feed(
    *,
    council: Council,
    entries: Sequence[CalendarEntry],
    base_url: str,
    stamp: datetime,
    name: str | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per entry and the council's VTIMEZONE; `name` marks a subscribed feed."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", council.timezone)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
    domain = uid_domain(base_url)
    for entry in entries:
        calendar.add_component(meeting_event(council=council, entry=entry, domain=domain, stamp=stamp))
    if entries:
        # A VTIMEZONE whose transitions cover every meeting (a year either side).
        days = [e.meeting.scheduled_at.astimezone(ZoneInfo(council.timezone)).date() for e in entries]
        calendar.add_missing_timezones(
            first_date=date(min(days).year - 1, 1, 1), last_date=date(max(days).year + 2, 1, 1)
        )
    return calendar.to_ical()
