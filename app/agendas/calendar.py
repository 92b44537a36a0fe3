"""Calendar files for meetings: an invite for one meeting, and the council's subscribed feed.

Who sees what: any seat, observers included, may download an invite or subscribe to the
feed (a meeting's time and place are no secret within the council). The running order
in each event's description follows the agenda read rule: seated members see the draft,
observers only an agenda the chair has published; otherwise the event says the agenda
is still to come.

The organizer is the council's chair (the site's MAIL_FROM when it has none); an invite
lists every seat whose account is active as an attendee, which any seat may already see
on the members list.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.agendas import service as agenda_service
from app.agendas.cache import AgendaCache
from app.agendas.ics import CalendarEntry, Person, Seat, calendar_feed, meeting_request
from app.agendas.model import Agenda
from app.auth import Access
from app.config import Settings
from app.errors import Forbidden
from app.meetings.service import list_meetings
from app.meetings.site_identity import uid_namespace
from app.models import AgendaSnapshot, Council, Meeting, MeetingStatus, Membership, Role, User

# Attendees in the order a reader looks for them: the chair, the secretary, members, observers.
ROLE_ORDER = {Role.chair: 0, Role.secretary: 1, Role.member: 2, Role.observer: 3}


def agenda_path(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/agenda"


def _readable_agenda(*, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None) -> Agenda | None:
    try:
        return agenda_service.get_agenda(session=session, access=access, meeting=meeting, cache=cache)
    except Forbidden:
        return None


def council_seats(*, session: Session, council: Council) -> list[Seat]:
    """Every seat on the council whose account is active, chair first."""
    rows = session.exec(
        _active_seats(select(Membership, User), council).order_by(col(User.name), col(Membership.id))
    ).all()
    seats = [
        Seat(membership_id=m.id, role=m.role, person=Person(name=u.name, email=u.email), user_id=u.id) for m, u in rows
    ]
    return sorted(seats, key=lambda seat: ROLE_ORDER[Role(seat.role)])


def count_seats(*, session: Session, council: Council) -> int:
    """How many seats council_seats lists, counted by the database (a publish records only the number)."""
    return session.exec(_active_seats(select(func.count()).select_from(Membership), council)).one()


def _active_seats(statement, council: Council):
    """`statement` over the council's seats whose account is active (what council_seats lists)."""
    return statement.join(User, User.id == Membership.user_id).where(
        Membership.council_id == council.id, col(User.is_active)
    )


def organizer(*, seats: list[Seat], mail_from: str) -> Person:
    """The chair, or the site's sender when the council has no chair with an address."""
    for seat in seats:
        if seat.role == Role.chair and seat.person.email:
            return seat.person
    name, email = parseaddr(mail_from)
    return Person(name=name or "CX Council", email=email or mail_from)


def meeting_invite(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    settings: Settings,
    now: datetime,
    answers: Mapping[int, str] | None = None,
    cache: AgendaCache | None = None,
) -> bytes:
    """One meeting as a meeting request to every seat, with the running order when the reader may see it.

    `answers` maps membership id -> PARTSTAT (ACCEPTED, DECLINED, DELEGATED, NEEDS-ACTION)
    for the seats that have answered in the app; the others NEEDS-ACTION.
    """
    entry = CalendarEntry(
        meeting=meeting,
        agenda=_readable_agenda(session=session, access=access, meeting=meeting, cache=cache),
        url=settings.BASE_URL.rstrip("/") + agenda_path(meeting.id),
    )
    seats = council_seats(session=session, council=access.council)
    return meeting_request(
        council=access.council,
        entry=entry,
        namespace=uid_namespace(session=session),
        organizer=organizer(seats=seats, mail_from=settings.MAIL_FROM),
        seats=seats,
        stamp=now,
        answers=answers,
    )


def council_calendar(
    *, session: Session, access: Access, settings: Settings, now: datetime, cache: AgendaCache | None = None
) -> bytes:
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
    stamp = agenda_service.draft_stamp(session, access)  # as agenda_service.agenda_entry
    for meeting in meetings:
        agenda = None
        if meeting.id in published or (
            not access.is_(Role.observer)
            and meeting.status == MeetingStatus.scheduled
            and meeting.scheduled_at + timedelta(minutes=meeting.duration_minutes) >= now
        ):
            # The agenda the page and the packs show, from their cache (built here if none has been).
            snapshot = published.get(meeting.id)
            agenda = agenda_service.kept_entry(
                session=session, access=access, meeting=meeting, live=False, snapshot=snapshot, cache=cache, stamp=stamp
            ).agenda
        entries.append(
            CalendarEntry(meeting=meeting, agenda=agenda, url=settings.BASE_URL.rstrip("/") + agenda_path(meeting.id))
        )
    return calendar_feed(
        council=access.council,
        entries=entries,
        namespace=uid_namespace(session=session),
        organizer=organizer(seats=council_seats(session=session, council=access.council), mail_from=settings.MAIL_FROM),
        stamp=now,
        name=f"{access.council.name} meetings",
    )
