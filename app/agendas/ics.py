"""Meetings as iCalendar: one invite people can answer, or a council's feed people subscribe to.

Pure: rows and agendas in, bytes out. An invite is a meeting request (RFC 5546
METHOD:REQUEST) from the chair to every seat, or METHOD:CANCEL once the meeting is
cancelled; a subscribed feed is METHOD:PUBLISH with cancelled meetings marked so.

Each meeting keeps one UID for life, minted from this database's random namespace
(never from the site's address) unless it keeps the UID calendars held before that
(meetings.ical_uid); its SEQUENCE is the meeting's version, so a moved or cancelled
meeting replaces the entry a calendar already holds instead of adding a second one.
Times carry the council's TZID with a VTIMEZONE covering every meeting in the file, so a
meeting stays at 10:00 local time across a daylight-saving change.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress

from app import __version__
from app.agendas.ics_timezone import add_timezone
from app.agendas.model import Agenda
from app.display import local_date
from app.models import Council, Meeting, MeetingStatus, Role

PRODID = f"-//CX Council//CX Council {__version__}//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"
# How often a subscribed calendar should fetch the feed again (RFC 7986; X-PUBLISHED-TTL for Outlook).
REFRESH = timedelta(hours=6)
# The right-hand side of every UID minted from the namespace: fixed, so no address shows in it.
UID_SUFFIX = "cx-council"


class PartStat(StrEnum):
    """A seat's answer to the invitation, as calendars read it (RFC 5545 PARTSTAT)."""

    accepted = "ACCEPTED"
    declined = "DECLINED"
    delegated = "DELEGATED"
    needs_action = "NEEDS-ACTION"


# ROLE per seat. Observers are OPT-PARTICIPANT: welcome in the room and able to answer,
# but not expected and never counted for the quorum. NON-PARTICIPANT ("copied for
# information only") would tell their calendars they are not coming at all, and calendar
# apps show it inconsistently (Outlook has no such attendee type).
ATTENDEE_ROLE = {
    Role.chair: "CHAIR",
    Role.secretary: "REQ-PARTICIPANT",
    Role.member: "REQ-PARTICIPANT",
    Role.observer: "OPT-PARTICIPANT",
}


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class Seat:
    """One seat on the council, invited to the meeting."""

    membership_id: int
    role: str
    person: Person
    # The seat's account, so mail about the meeting reaches the same people the invite lists.
    user_id: int | None = None


@dataclass(frozen=True)
class CalendarEntry:
    """One meeting for a calendar, with the agenda its reader may see (None: not yet)."""

    meeting: Meeting
    agenda: Agenda | None
    url: str


def meeting_uid(meeting: Meeting, namespace: UUID) -> str:
    """The UID calendars hold for this meeting: the one it kept from before, else minted from the namespace."""
    return meeting.ical_uid or f"{uuid5(namespace, f'meeting-{meeting.id}')}@{UID_SUFFIX}"


def meeting_summary(council: Council, meeting: Meeting) -> str:
    """ "<Council> — <title> (Meeting N)", or "<Council> — Meeting N" for an untitled meeting."""
    title = meeting.title.strip()
    if title and title != f"Meeting {meeting.number}":
        return f"{council.name} — {title} (Meeting {meeting.number})"
    return f"{council.name} — Meeting {meeting.number}"


def _description(entry: CalendarEntry, council: Council) -> str:
    meeting, agenda = entry.meeting, entry.agenda
    lines = []
    if meeting.status == MeetingStatus.cancelled:
        reason = (meeting.cancel_reason or "").strip()
        lines.append(f"This meeting has been cancelled: {reason}" if reason else "This meeting has been cancelled.")
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


def _address(person: Person, **parameters: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    for key, value in parameters.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def meeting_event(
    *,
    council: Council,
    entry: CalendarEntry,
    namespace: UUID,
    organizer: Person,
    stamp: datetime,
    seats: Sequence[Seat] = (),
    answers: Mapping[int, str] | None = None,
) -> Event:
    """One VEVENT: start and end in the council's zone, a stable UID, the chair as organizer.

    `seats` become ATTENDEEs (an invite; a published feed has none). `answers` maps a
    seat's membership id to its PARTSTAT (ACCEPTED, DECLINED, DELEGATED, NEEDS-ACTION);
    a seat without one NEEDS-ACTION.
    """
    meeting = entry.meeting
    zone = ZoneInfo(council.timezone)
    start = meeting.scheduled_at.astimezone(zone)
    answers = answers or {}
    event = Event()
    event.add("uid", meeting_uid(meeting, namespace))
    event.add("sequence", meeting.version)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting_summary(council, meeting))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", _description(entry, council))
    event.add("url", entry.url)
    event.add("organizer", _address(organizer))
    for seat in seats:
        partstat = PartStat(answers.get(seat.membership_id, PartStat.needs_action))
        event.add(
            "attendee",
            _address(
                seat.person, cutype="INDIVIDUAL", role=ATTENDEE_ROLE[Role(seat.role)], partstat=partstat, rsvp="TRUE"
            ),
        )
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _calendar(council: Council, method: str, events: Sequence[Event], meetings: Sequence[Meeting]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    add_timezone(calendar, council.timezone, [m.scheduled_at for m in meetings])
    return calendar


def meeting_request(
    *,
    council: Council,
    entry: CalendarEntry,
    namespace: UUID,
    organizer: Person,
    seats: Sequence[Seat],
    stamp: datetime,
    answers: Mapping[int, str] | None = None,
) -> bytes:
    """The invite: METHOD:REQUEST to every seat, or METHOD:CANCEL once the meeting is cancelled (RFC 5546)."""
    event = meeting_event(
        council=council,
        entry=entry,
        namespace=namespace,
        organizer=organizer,
        stamp=stamp,
        seats=seats,
        answers=answers,
    )
    method = "CANCEL" if entry.meeting.status == MeetingStatus.cancelled else "REQUEST"
    return _calendar(council, method, [event], [entry.meeting]).to_ical()


def calendar_feed(
    *,
    council: Council,
    entries: Sequence[CalendarEntry],
    namespace: UUID,
    organizer: Person,
    stamp: datetime,
    name: str | None = None,
) -> bytes:
    """A METHOD:PUBLISH VCALENDAR, one VEVENT per entry and the council's VTIMEZONE; `name` marks a subscribed feed."""
    events = [
        meeting_event(council=council, entry=entry, namespace=namespace, organizer=organizer, stamp=stamp)
        for entry in entries
    ]
    calendar = _calendar(council, "PUBLISH", events, [e.meeting for e in entries])
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", council.timezone)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT6H")
    return calendar.to_ical()
