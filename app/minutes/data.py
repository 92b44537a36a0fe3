"""Everything the minutes are built from, loaded by a small fixed number of queries.

One query per kind of record, whatever the size of the council or its action log:
the seats, departments, attendance, notes, decisions, actions, AOB and amendments of
one meeting, and the next meeting's date. The agenda it followed is loaded apart
(`agenda_for`): one query for a published snapshot, the agenda loader's fixed set otherwise.
"""

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.agendas.cache import AgendaCache
from app.agendas.data import ActionFact, Seat, load_carried_from
from app.agendas.model import Agenda
from app.agendas.outline import AgendaOutline, outline_of
from app.agendas.service import draft_stamp, kept_outline, latest_snapshot, live_agenda
from app.archived import INCLUDE_ARCHIVED
from app.auth import Access
from app.meetings.responses import answers_as_attendance
from app.minutes.build import MinutesData, build_minutes
from app.minutes.model import MinutesDoc
from app.models import (
    CLOSED_STATUSES,
    Action,
    AobItem,
    Attendance,
    Decision,
    Department,
    Meeting,
    MeetingStatus,
    Membership,
    Minutes,
    MinutesAmendment,
    MinutesCorrection,
    MinutesItem,
    Theme,
    User,
)

# The statements are built once (a select is immutable; the council and the meeting are bound parameters): building
# them on each call, with their joins and aliases, cost more CPU than running them (0.5–2.5 ms each; the minutes
# page runs a dozen). The archived-row filter (app/archived.py) still applies to each as it runs.
_SEATS = (
    select(Membership.id, Membership.user_id, User.name, Membership.role, Membership.department_id)
    .join(User, col(User.id) == Membership.user_id)
    .where(Membership.council_id == bindparam("council_id"))
    .order_by(col(User.name), col(Membership.id))
)
_DEPARTMENTS = select(Department).where(Department.council_id == bindparam("council_id"))
_ATTENDANCE = select(Attendance).where(Attendance.meeting_id == bindparam("meeting_id"))
_ITEMS = select(MinutesItem).where(MinutesItem.meeting_id == bindparam("meeting_id"))
# The theme a decision reviewed comes in the same query: its name, never a query per decision.
_DECISIONS = (
    select(Decision, User.name, Theme.name)
    .outerjoin(User, col(User.id) == Decision.created_by_id)
    .outerjoin(Theme, (col(Theme.id) == Decision.theme_id) & (col(Theme.council_id) == bindparam("council_id")))
    .where(Decision.meeting_id == bindparam("meeting_id"))
    .order_by(col(Decision.number))
)


def _actions(*, register: bool):
    owner = aliased(User)
    return (
        select(Action, owner.name)
        .join(Membership, col(Membership.id) == Action.owner_id)
        .join(owner, owner.id == Membership.user_id)
        .where(
            Action.council_id == bindparam("council_id"),
            or_(
                col(Action.status).not_in(list(CLOSED_STATUSES)), Action.raised_at_meeting_id == bindparam("meeting_id")
            )
            if register
            else Action.raised_at_meeting_id == bindparam("meeting_id"),
            # An action raised here stays in these minutes when archived: they recorded it.
            or_(col(Action.archived_at).is_(None), Action.raised_at_meeting_id == bindparam("meeting_id")),
        )
        .order_by(col(Action.due_on), col(Action.id))
        .execution_options(**INCLUDE_ARCHIVED)
    )


# With the council's open-action register (the JSON, the Word minutes), and without it (the page).
_ACTIONS = {True: _actions(register=True), False: _actions(register=False)}
_submitter, _carried_on = aliased(User), aliased(AobItem)
# Whether each item was carried on to a later meeting comes in the same query (carry.carried_ids asks it apart).
_AOB = (
    select(AobItem, _submitter.name, exists().where(_carried_on.carried_from_id == AobItem.id))
    .outerjoin(Membership, col(Membership.id) == AobItem.submitted_by_id)
    .outerjoin(_submitter, _submitter.id == Membership.user_id)
    .where(AobItem.meeting_id == bindparam("meeting_id"))
    .order_by(col(AobItem.created_at), col(AobItem.id))
)
_AMENDMENTS = (
    select(MinutesAmendment, User.name)
    .outerjoin(User, col(User.id) == MinutesAmendment.made_by_id)
    .where(MinutesAmendment.meeting_id == bindparam("meeting_id"))
    .order_by(col(MinutesAmendment.made_at), col(MinutesAmendment.id))
)
_proposer, _decider = aliased(User), aliased(User)
_CORRECTIONS = (
    select(MinutesCorrection, _proposer.name, _decider.name)
    .outerjoin(_proposer, _proposer.id == MinutesCorrection.proposed_by_id)
    .outerjoin(_decider, _decider.id == MinutesCorrection.decided_by_id)
    .where(MinutesCorrection.meeting_id == bindparam("meeting_id"))
    .order_by(col(MinutesCorrection.created_at), col(MinutesCorrection.id))
)
_NEXT_MEETING = (
    select(Meeting)
    .where(
        Meeting.council_id == bindparam("council_id"),
        Meeting.scheduled_at > bindparam("after"),
        Meeting.status == MeetingStatus.scheduled,
    )
    .order_by(col(Meeting.scheduled_at))
    .limit(1)
)


def agenda_for(
    *, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None = None
) -> AgendaOutline:
    """What the minutes follow of the agenda the meeting followed: the one last published, else the live agenda.

    With the app's agenda `cache`, that of the one the agenda page keeps for the council's data (read-only)."""
    snapshot = latest_snapshot(session=session, meeting=meeting)
    if cache is not None:
        # The agenda page's key (agenda_service.agenda_entry). A circulated agenda is kept under its snapshot
        # whatever the council's stamp says (agenda_service.kept_entry): no statement for a stamp it does not use.
        stamp = draft_stamp(session, access) if snapshot is None else None
        return kept_outline(
            session=session, access=access, meeting=meeting, snapshot=snapshot, cache=cache, stamp=stamp
        )
    if snapshot is None:
        return outline_of(live_agenda(session=session, access=access, meeting=meeting, snapshot=None))
    return outline_of(Agenda.model_validate(snapshot.content))


def load_seats(*, session: Session, council_id: int) -> list[Seat]:
    """Every seat on the council with its holder's name."""
    return [
        Seat(id=seat_id, user_id=user_id, name=name, role=role, department_id=department_id)
        for seat_id, user_id, name, role, department_id in session.exec(_SEATS, params={"council_id": council_id})
    ]


def load_departments(*, session: Session, council_id: int) -> list[Department]:
    return list(session.exec(_DEPARTMENTS, params={"council_id": council_id}))


def load_attendance(*, session: Session, meeting: Meeting, begun: bool | None = None) -> list[Attendance]:
    """What was recorded; before the minutes begin, the members' answers (nothing saved until the secretary saves).
    `begun`: whether the minutes' record exists, when the caller has just read it (None: read it here)."""
    recorded = list(session.exec(_ATTENDANCE, params={"meeting_id": meeting.id}))
    if begun is None:
        begun = session.get(Minutes, meeting.id) is not None
    if not begun:
        seen = {a.membership_id for a in recorded}
        recorded += [a for a in answers_as_attendance(session=session, meeting=meeting) if a.membership_id not in seen]
    return recorded


def load_minutes_data(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    minutes: Minutes | None,
    outline: AgendaOutline,
    approved_by: str | None = None,
    today: date | None = None,
    register: bool = True,
    minutes_read: bool = False,
) -> MinutesData:
    """Read what the minutes of `meeting` need: one query per kind of record (`minutes_read`: `minutes` is the
    record as just read in this transaction, None when there is none, so it is not looked for again).

    `register=False` leaves out the council's open-action register (every open action, however long the log),
    reading only the actions raised at this meeting: for the minutes page, which lists those under their items
    and not the register (the JSON and the Word minutes do)."""
    council = access.council
    zone = ZoneInfo(council.timezone)
    data = MinutesData(
        council=council,
        meeting=meeting,
        outline=outline,
        # Overdue days are counted as of the meeting's day: the minutes record that day, so they
        # read the same whenever they are opened or exported.
        today=today or meeting.scheduled_at.astimezone(zone).date(),
        minutes=minutes,
        approved_by=approved_by,
    )
    data.seats = load_seats(session=session, council_id=council.id)
    data.departments = load_departments(session=session, council_id=council.id)
    data.attendance = load_attendance(
        session=session, meeting=meeting, begun=minutes is not None if minutes_read else None
    )
    data.items = list(session.exec(_ITEMS, params={"meeting_id": meeting.id}))
    for decision, author, theme_name in session.exec(
        _DECISIONS, params={"meeting_id": meeting.id, "council_id": council.id}
    ):
        data.decisions.append((decision, author))
        if decision.theme_id is not None and theme_name is not None:
            data.theme_names[decision.theme_id] = theme_name
    data.actions = [
        ActionFact(action=action, owner_name=name)
        for action, name in session.exec(
            _ACTIONS[register], params={"council_id": council.id, "meeting_id": meeting.id}
        )
    ]
    for item, submitter, carried_on in session.exec(_AOB, params={"meeting_id": meeting.id}):
        data.aob.append((item, submitter))
        if carried_on:
            data.aob_carried.add(item.id)
    data.aob_carried_from = load_carried_from(session=session, items=[item for item, _ in data.aob])
    data.amendments = load_amendments(session=session, meeting=meeting)
    data.corrections = load_corrections(session=session, meeting=meeting)
    data.next_meeting = session.exec(
        _NEXT_MEETING, params={"council_id": council.id, "after": meeting.scheduled_at}
    ).first()
    return data


def load_amendments(*, session: Session, meeting: Meeting) -> list[tuple[MinutesAmendment, str | None]]:
    """Corrections to the approved minutes, oldest first, with who made them."""
    return list(session.exec(_AMENDMENTS, params={"meeting_id": meeting.id}))


def load_corrections(*, session: Session, meeting: Meeting) -> list[tuple[MinutesCorrection, str | None, str | None]]:
    """The corrections proposed in the round, oldest first, with who proposed and who decided them."""
    return [
        (correction, by, decided)
        for correction, by, decided in session.exec(_CORRECTIONS, params={"meeting_id": meeting.id})
    ]


def taken_by(session: Session, minutes: Minutes | None) -> str | None:
    """Who took the minutes: the name typed, else the person recorded."""
    if minutes is None:
        return None
    if minutes.taken_by_name:
        return minutes.taken_by_name
    person = session.get(User, minutes.taken_by_id) if minutes.taken_by_id else None
    return person.name if person else None


def current_doc(
    *, session: Session, access: Access, meeting: Meeting, minutes: Minutes | None, outline: AgendaOutline | None = None
) -> MinutesDoc:
    """The minutes built from the rows as they are now, following `outline` (else agenda_for's)."""
    data = current_data(session=session, access=access, meeting=meeting, minutes=minutes, outline=outline)
    return build_minutes(data)


def current_data(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    minutes: Minutes | None,
    outline: AgendaOutline | None = None,
    cache: AgendaCache | None = None,
    register: bool = True,
    minutes_read: bool = False,
) -> MinutesData:
    """What current_doc builds the minutes from (`minutes_read`: as load_minutes_data)."""
    outline = outline or agenda_for(session=session, access=access, meeting=meeting, cache=cache)
    approved_by = None
    if minutes is not None and minutes.approved_by_id is not None:
        approver = session.get(User, minutes.approved_by_id)
        approved_by = approver.name if approver else None
    data = load_minutes_data(
        session=session,
        access=access,
        meeting=meeting,
        minutes=minutes,
        outline=outline,
        approved_by=approved_by,
        register=register,
        minutes_read=minutes_read,
    )
    data.taken_by = taken_by(session, minutes)
    return data
