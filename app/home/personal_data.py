"""What a person's home page gathers across their councils: next meetings with their answer, reports
their department owes, their actions falling due, and what changed since their last visit.

It reads the domains below it and computes nothing they own: `is_upcoming` says which meetings
are next, `open_actions_of` which actions are open and due, the answers come from app/meetings/responses.
Observers get the meetings and what was published, not reports or actions to do.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, exists
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from app.actions.due_requests import WaitingRequest, list_waiting_for_chair
from app.actions.log import open_actions_of
from app.actions.schemas import ActionPublic
from app.auth import Access
from app.councils.service import list_my_councils
from app.db import open_session
from app.meetings.responses import answers_open
from app.meetings.state import is_upcoming
from app.models import (
    Action,
    ActionEvent,
    AgendaSnapshot,
    Department,
    DepartmentReport,
    HomeVisit,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Minutes,
    Role,
    User,
    utcnow,
)

log = logging.getLogger(__name__)

# Actions due within this many days are "due soon".
DUE_SOON_DAYS = 14
# The next meetings listed, across councils.
NEXT_MEETINGS = 6
# With no earlier visit, "what changed" looks back this far.
FIRST_VISIT_LOOKBACK = timedelta(days=14)
# What changed: the latest this many, then a link to all of them.
CHANGES_SHOWN = 20
# Views this close together (at most half the visit gap) note no new time: no write transaction.
VISIT_REFRESH = timedelta(minutes=1)


@dataclass
class NextMeeting:
    meeting: Meeting
    seat: Access
    answer: MeetingResponse | None
    answering: bool
    agenda_published: bool


@dataclass
class OwedReport:
    meeting: Meeting
    seat: Access
    department: str


@dataclass
class Change:
    at: datetime
    kind: str  # "action", "agenda", "minutes"
    text: str
    href: str
    council: str
    timezone: str


@dataclass
class Home:
    seats: list[Access]
    meetings: list[NextMeeting] = field(default_factory=list)
    reports: list[OwedReport] = field(default_factory=list)
    overdue: list[ActionPublic] = field(default_factory=list)
    due_soon: list[ActionPublic] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # More changed than `changes` lists (the page links to all of them).
    more_changes: bool = False
    # The chair's: owners' due-date changes waiting for approval, in every council they chair.
    waiting: list[WaitingRequest] = field(default_factory=list)
    since: datetime | None = None
    # True when every seat is an observer's: no reports or actions to do.
    observer_only: bool = False


def note_visit(
    *, engine: Engine, user: User, gap: timedelta, now: datetime | None = None, session: Session | None = None
) -> datetime | None:
    """Record this visit and answer when the one before it was (None: the first).

    Page views within `gap` of each other are one visit, so reloading the page keeps
    showing what changed since the last real visit. A GET's transaction stays a reader,
    so this goes in a short transaction of its own (home_visits is bookkeeping: no data
    revision); losing one to a busy database only repeats the changes next time. With the request's
    `session`, a view within VISIT_REFRESH of the last one is read there and writes nothing."""
    now = now or utcnow()
    if session is not None:
        # A reload within moments of the last view changes nothing worth a write transaction:
        # the visit goes on, and the time it began moves by less than a minute.
        row = session.get(HomeVisit, user.id)
        if row is not None and timedelta(0) <= now - row.seen_at < min(gap / 2, VISIT_REFRESH):
            return row.previous_seen_at
    try:
        with open_session(engine, write=True) as writer:
            row = writer.get(HomeVisit, user.id)
            if row is None:
                writer.add(HomeVisit(user_id=user.id, seen_at=now))
                try:
                    writer.commit()
                except IntegrityError:
                    # Two first views at once (two tabs opened together): on PostgreSQL neither saw the
                    # other's row before it committed, and the other has recorded this same first visit.
                    writer.rollback()
                return None
            if now - row.seen_at >= gap:
                row.previous_seen_at = row.seen_at
            row.seen_at = now
            since = row.previous_seen_at
            writer.add(row)
            writer.commit()
            return since
    except OperationalError:
        log.warning("could not note the home page visit of user %s", user.id, exc_info=True)
        return None


def _next_meetings(session: Session, seats: list[Access], now: datetime) -> list[NextMeeting]:
    by_council = {s.council.id: s for s in seats}
    if not by_council:
        return []
    # Whether each has a published agenda comes with it (one statement, not two).
    candidates = session.exec(
        select(Meeting, exists().where(AgendaSnapshot.meeting_id == Meeting.id))
        .where(
            col(Meeting.council_id).in_(by_council),
            Meeting.status != MeetingStatus.cancelled,
            Meeting.scheduled_at >= now - timedelta(hours=24),
        )
        .order_by(col(Meeting.scheduled_at), col(Meeting.id))
    )
    upcoming, published = [], set()
    for m, has_agenda in candidates:
        if is_upcoming(m, now):
            upcoming.append(m)
            if has_agenda:
                published.add(m.id)
    upcoming = upcoming[:NEXT_MEETINGS]
    ids = [m.id for m in upcoming]
    # My answers to all of them in one read (a seat answers for itself; one seat per council).
    mine = {
        r.meeting_id: r
        for r in session.exec(
            select(MeetingResponse).where(
                col(MeetingResponse.meeting_id).in_(ids),
                col(MeetingResponse.membership_id).in_([s.membership.id for s in seats]),
            )
        )
    }
    rows = []
    for m in upcoming:
        seat = by_council[m.council_id]
        rows.append(
            NextMeeting(
                meeting=m,
                seat=seat,
                answer=mine.get(m.id),
                answering=answers_open(session=session, meeting=m),
                agenda_published=m.id in published,
            )
        )
    return rows


def _owed_reports(session: Session, seats: list[Access], meetings: list[NextMeeting]) -> list[OwedReport]:
    """For each council where my seat has a department: its next meeting, if no report is in for it yet."""
    owed = []
    for seat in seats:
        if seat.is_(Role.observer) or seat.membership.department_id is None:
            continue
        nxt = next((n.meeting for n in meetings if n.meeting.council_id == seat.council.id), None)
        if nxt is None:
            continue
        filed = session.exec(
            select(DepartmentReport.id).where(
                DepartmentReport.meeting_id == nxt.id, DepartmentReport.department_id == seat.membership.department_id
            )
        ).first()
        if filed is None:
            department = session.get(Department, seat.membership.department_id)
            owed.append(OwedReport(meeting=nxt, seat=seat, department=department.name if department else ""))
    return owed


def _changes(
    session: Session, user: User, seats: list[Access], since: datetime, limit: int | None = None
) -> list[Change]:
    """What changed since `since`, latest first; with `limit`, the latest `limit` + 1 at most (so the page
    knows there are more): each kind reads no more than that many, newest first."""
    names = {s.council.id: s.council.name for s in seats}
    zones = {s.council.id: s.council.timezone for s in seats}
    doing = {s.membership.id for s in seats if not s.is_(Role.observer)}
    keep = None if limit is None else limit + 1
    changes: list[Change] = []
    if doing:
        # Newest first; among actions created together, in the order they were raised (the list's order).
        for action_id, title, council_id, created_at in session.exec(
            select(Action.id, Action.title, Action.council_id, Action.created_at)
            .where(col(Action.owner_id).in_(doing), Action.created_at > since)
            .order_by(col(Action.created_at).desc(), col(Action.id))
            .limit(keep)
        ):
            changes.append(
                Change(
                    created_at,
                    "action",
                    f"Action assigned to you: {title}",
                    f"/actions/{action_id}",
                    names[council_id],
                    zones[council_id],
                )
            )
        # Reassigned to me since: the action's history says whose it was and whose it is.
        moves = session.exec(
            select(ActionEvent.changes, ActionEvent.created_at, Action.id, Action.title, Action.council_id)
            .join(Action, col(Action.id) == ActionEvent.action_id)
            .where(col(Action.owner_id).in_(doing), ActionEvent.created_at > since)
            .order_by(col(ActionEvent.id))
        )
        for event_changes, event_at, action_id, title, council_id in moves:
            owner = (event_changes or {}).get("owner_id")
            if owner and owner[1] in doing and owner[0] not in doing:
                changes.append(
                    Change(
                        event_at,
                        "action",
                        f"Action reassigned to you: {title}",
                        f"/actions/{action_id}",
                        names[council_id],
                        zones[council_id],
                    )
                )
    if names:
        # The snapshot's version and time, never its content (most of a megabyte of JSON per publish).
        # The meeting's number, title and council, not the whole meeting (nor the whole minutes below).
        published = session.exec(
            select(
                AgendaSnapshot.version,
                AgendaSnapshot.published_at,
                Meeting.id,
                Meeting.number,
                Meeting.title,
                Meeting.council_id,
            )
            .join(Meeting, col(Meeting.id) == AgendaSnapshot.meeting_id)
            .where(col(Meeting.council_id).in_(names), AgendaSnapshot.published_at > since)
            .order_by(col(AgendaSnapshot.published_at).desc(), col(AgendaSnapshot.id))
            .limit(keep)
        )
        for version, published_at, meeting_id, number, title, council_id in published:
            what = "published" if version == 1 else f"republished (version {version})"
            changes.append(
                Change(
                    published_at,
                    "agenda",
                    f"Agenda {what} for meeting {number}{': ' + title if title else ''}",
                    f"/meetings/{meeting_id}/agenda",
                    names[council_id],
                    zones[council_id],
                )
            )
        circulated = session.exec(
            select(Minutes.circulated_at, Meeting.id, Meeting.number, Meeting.council_id)
            .join(Meeting, col(Meeting.id) == Minutes.meeting_id)
            .where(col(Meeting.council_id).in_(names), col(Minutes.circulated_at).is_not(None))
            .where(col(Minutes.circulated_at) > since)
            .order_by(col(Minutes.circulated_at).desc(), col(Minutes.meeting_id))
            .limit(keep)
        )
        for circulated_at, meeting_id, number, council_id in circulated:
            changes.append(
                Change(
                    circulated_at,
                    "minutes",
                    f"Minutes of meeting {number} circulated",
                    f"/meetings/{meeting_id}/minutes",
                    names[council_id],
                    zones[council_id],
                )
            )
    return sorted(changes, key=lambda c: c.at, reverse=True)[:keep]


def load_home(
    *,
    session: Session,
    user: User,
    since: datetime | None,
    today: date | None = None,
    changes_shown: int | None = CHANGES_SHOWN,
) -> Home:
    """Everything the home page shows for `user`; `since` is the previous visit (None: the first).

    What changed: the latest `changes_shown` (None: all of them), `more_changes` saying whether there are more."""
    now = utcnow()
    seats = list_my_councils(session=session, user=user)
    home = Home(seats=seats, since=since)
    home.observer_only = bool(seats) and all(s.is_(Role.observer) for s in seats)
    home.meetings = _next_meetings(session, seats, now)
    home.reports = _owed_reports(session, seats, home.meetings)
    doing = {s.council.id for s in seats if not s.is_(Role.observer)}
    today = today or now.date()
    # Only my open actions up to the due-soon horizon are read (a day's margin: each council has its
    # own "today", and overdue ones are due before it): the page shows no others.
    mine = open_actions_of(
        session=session, user=user, council_ids=doing, due_by=today + timedelta(days=DUE_SOON_DAYS + 1)
    )
    home.overdue = sorted((a for a in mine if a.overdue), key=lambda a: (a.due_on, a.id))
    home.due_soon = [a for a in mine if not a.overdue and a.due_on <= today + timedelta(days=DUE_SOON_DAYS)]
    changes = _changes(session, user, seats, since or now - FIRST_VISIT_LOOKBACK, limit=changes_shown)
    home.more_changes = changes_shown is not None and len(changes) > changes_shown
    home.changes = changes[:changes_shown]
    if any(s.is_(Role.chair) for s in seats):
        home.waiting = list_waiting_for_chair(session=session, user=user)
    return home
