"""Calendar files for meetings: an invite for one meeting, and the council's subscribed feed.

Who sees what: any seat, observers included, may download an invite or subscribe to the
feed (a meeting's time and place are no secret within the council). The running order
in each event's description follows the agenda read rule: seated members see the draft,
observers only an agenda the chair has published; otherwise the event says the agenda
is still to come.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.agendas import service as agenda_service
from app.agendas.ics import CalendarEntry, calendar_feed
from app.agendas.model import Agenda
from app.auth import Access
from app.errors import Forbidden
from app.meetings.service import list_meetings
from app.models import AgendaSnapshot, Meeting, MeetingStatus, Role


def agenda_path(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/agenda"


def _readable_agenda(*, session: Session, access: Access, meeting: Meeting) -> Agenda | None:
    try:
        return agenda_service.get_agenda(session=session, access=access, meeting=meeting)
    except Forbidden:
        return None


def meeting_invite(*, session: Session, access: Access, meeting: Meeting, base_url: str, now: datetime) -> bytes:
    """One meeting as a calendar file, with the agenda's running order when the reader may see it."""
    entry = CalendarEntry(
        meeting=meeting,
        agenda=_readable_agenda(session=session, access=access, meeting=meeting),
        url=base_url.rstrip("/") + agenda_path(meeting.id),
    )
    return calendar_feed(council=access.council, entries=[entry], base_url=base_url, stamp=now)


def council_calendar(*, session: Session, access: Access, base_url: str, now: datetime) -> bytes:
    """Every meeting of the council, cancelled ones marked so, for a calendar to subscribe to.

    Each event carries the published agenda when there is one (one query for all of
    them); a seated reader also gets the live draft of meetings still to come. Past
    meetings never published carry no running order rather than one built today.
    """
    meetings = list_meetings(session=session, council=access.council)
    published: dict[int, AgendaSnapshot] = {}
    if meetings:
        for snapshot in session.exec(
            select(AgendaSnapshot)
            .where(col(AgendaSnapshot.meeting_id).in_([m.id for m in meetings]))
            .order_by(col(AgendaSnapshot.version))
        ):
            published[snapshot.meeting_id] = snapshot  # the newest version wins
    entries = []
    for meeting in meetings:
        agenda = None
        if meeting.id in published:
            agenda = Agenda.model_validate(published[meeting.id].content)
        elif (
            not access.is_(Role.observer)
            and meeting.status == MeetingStatus.scheduled
            and meeting.scheduled_at + timedelta(minutes=meeting.duration_minutes) >= now
        ):
            agenda = agenda_service.live_agenda(session=session, access=access, meeting=meeting, snapshot=None)
        entries.append(
            CalendarEntry(meeting=meeting, agenda=agenda, url=base_url.rstrip("/") + agenda_path(meeting.id))
        )
    return calendar_feed(
        council=access.council,
        entries=entries,
        base_url=base_url,
        stamp=now,
        name=f"{access.council.name} meetings",
    )
