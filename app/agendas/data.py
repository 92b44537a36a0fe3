"""Everything an agenda is built from, loaded by a small fixed number of queries.

No query runs per department, action, measure or journey: each table is read once,
filtered to what an agenda can show (open work, recent readings, this meeting's
reports), so the cost follows the council's open work, not its history.
"""

from collections import namedtuple
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, partial
from operator import attrgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.agendas.voice import loop_facts
from app.agendas.voice_data import Voice, load_voice
from app.measures.stats import points_by_measure
from app.models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    AobItem,
    Council,
    Department,
    DepartmentReport,
    Initiative,
    InitiativeMeasure,
    InitiativeStatus,
    Journey,
    JourneyStep,
    Measure,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Membership,
    Paper,
    PaperTarget,
    Reading,
    Research,
    RootCause,
    RootCauseMeasure,
    StandingItem,
    StepDepartment,
    User,
)
from app.reports.facts import LoopFacts
from app.reports.scorecard import ActionCounts
from app.reports.service import count_department_actions

# Readings older than this cannot change what an agenda shows (12-period trends).
READING_WINDOW_DAYS = 400
OPEN_STATUSES = [s for s in ActionStatus if s not in CLOSED_STATUSES]
# Without a previous meeting, "recent" research means this many days back.
RESEARCH_FALLBACK_DAYS = 90


@dataclass(frozen=True)
class Seat:
    id: int
    user_id: int
    name: str
    role: str
    department_id: int | None


class StepLink(NamedTuple):
    """A department serving a journey step, and how (StepDepartment's columns)."""

    step_id: int
    department_id: int
    responsibility: str


# Columns no part of the agenda reads: long texts and bookkeeping (archived_at: each read keeps
# only the records in use, whose archived_at is empty).
UNREAD = ("description", "version", "created_at", "updated_at", "archived_at")


def columns(model, *, unread: tuple[str, ...] = UNREAD) -> list:
    """The columns of `model`'s table the agenda reads, for a select of plain rows.

    A row answers `row.name` like the ORM object would, but costs a fraction of one to
    build: the agenda reads thousands of records and changes none of them.
    """
    return [c for c in model.__table__.columns if c.name not in unread]


class JourneyRow(NamedTuple):
    """The journey's columns the agenda reads."""

    id: int
    name: str
    owner_id: int | None


class InitiativeLink(NamedTuple):
    """An initiative's link to a measure (InitiativeMeasure's columns)."""

    initiative_id: int
    measure_id: int
    baseline_value: float | None = None
    baseline_on: date | None = None


class ActionFact(NamedTuple):
    """An action and its owner's name. Like the records above, the small records the load makes by
    the hundred (StepLink, JourneyRow, InitiativeLink) are named tuples: read as a frozen dataclass is
    (by name, never changed), made several times cheaper (`tuple_of`)."""

    action: Action
    owner_name: str


@dataclass
class AgendaData:
    """What build_agenda reads. The larger lists hold plain rows with the named model's
    columns (see `columns`), which read like the model; tests may pass model objects."""

    council: Council
    meeting: Meeting
    today: date
    previous: Meeting | None = None
    departments: list[Department] = field(default_factory=list)
    seats: list[Seat] = field(default_factory=list)
    # Members' answers to the invitation (app/meetings/responses.py): who is coming.
    responses: list[MeetingResponse] = field(default_factory=list)
    actions: list[ActionFact] = field(default_factory=list)
    department_action_counts: dict[int, ActionCounts] = field(default_factory=dict)
    measures: list[Measure] = field(default_factory=list)
    # measure id -> its readings as stats Points (period, value), oldest first
    readings: dict[int, list] = field(default_factory=dict)
    reports: list[tuple[DepartmentReport, str | None]] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    initiative_measures: list[InitiativeLink | InitiativeMeasure] = field(default_factory=list)
    journeys: list[JourneyRow | Journey] = field(default_factory=list)
    steps: list[JourneyStep] = field(default_factory=list)
    step_departments: list[StepLink] = field(default_factory=list)
    research: list[Research] = field(default_factory=list)
    aob: list[tuple[AobItem, str | None]] = field(default_factory=list)
    # AOB id → the number of the meeting it was carried from (unfinished there).
    aob_carried_from: dict[int, int] = field(default_factory=dict)
    # The council's own standing items (not archived); their order is the council's agenda_order.
    standing: list[StandingItem] = field(default_factory=list)
    # The customer's voice: feedback counts, workshops, example comments (voice_data.py).
    voice: Voice | None = None
    # What the scorecards score from the loop, derived from the rows above (no query).
    loop: LoopFacts | None = None
    # Papers in use: the meeting's (items, reports, AOB) and the council's initiatives' (app/papers).
    papers: list[Paper] = field(default_factory=list)


def load_agenda_data(*, session: Session, council: Council, meeting: Meeting, today: date | None = None) -> AgendaData:
    """Read what the agenda of `meeting` needs: one query per kind of record."""
    zone = ZoneInfo(council.timezone)
    today = today or datetime.now(zone).date()
    data = AgendaData(council=council, meeting=meeting, today=today)
    # The big reads go to the connection as Core statements and come back as plain rows:
    # the ORM's per-statement work (entity loading, the archived filter's criteria) costs
    # more than SQLite's. Without that filter (app/archived.py) each says archived_at itself.
    # All rows at once (one fetchall): iterating a result fetches them one call at a time.
    connection = session.connection()

    # The statements are built once (the functions below) and given this agenda's values.
    values = {"council_id": council.id, "meeting_id": meeting.id}

    def read(statement, **more) -> list:
        return records(connection.execute(statement, {**values, **more}))

    data.previous = connection.execute(_previous_meeting(), {**values, "scheduled_at": meeting.scheduled_at}).first()
    data.departments = read(_departments())
    for row in read(_seats()):
        data.seats.append(
            Seat(id=row.seat_id, user_id=row.user_id, name=row.name, role=row.role, department_id=row.department_id)
        )
        if row.response_id is not None:
            data.responses.append(
                MeetingResponse.model_construct(**{name: getattr(row, f"response_{name}") for name in RESPONSE_COLUMNS})
            )

    # Open actions, and those closed since the previous meeting: not the whole history.
    # Plain rows with the action's columns (attribute access like the ORM object, a
    # fraction of the cost): the agenda only reads them.
    since = data.previous.scheduled_at if data.previous else meeting.scheduled_at - timedelta(days=90)
    rows = read(_actions(), since=since)
    rows.sort(key=attrgetter("due_on", "id"))
    data.actions = [tuple_of(ActionFact, (row, row.owner_name)) for row in rows]
    # The scorecard's delivery line, counted by the database with the scorecard's own query.
    data.department_action_counts = count_department_actions(session=session, council=council, today=today)

    # With the day of the first five-whys workshop that picked it as an action-plan metric.
    data.measures = read(_measures())
    # Straight from the driver's tuples into the stats' Points, grouped by measure, oldest first:
    # thousands of them, so no Row objects on the way (only the period converted, where the
    # driver gives text).
    rows = driver_rows(connection, _readings(), {**values, "window_start": today - timedelta(days=READING_WINDOW_DAYS)})
    data.readings = points_by_measure(rows, to_date=result_converter(connection, Reading.period))

    data.voice = load_voice(session=session, council=council, today=today)
    data.loop = loop_facts(data)

    data.reports = [(row, row.author_name) for row in read(_reports())]
    # One row per live initiative and measure it is linked to (one alone without links), as
    # the steps below: one query for both, so the customer's voice fits the query budget.
    seen_initiatives: set[int] = set()
    for row in read(_initiatives()):
        if row.id not in seen_initiatives:
            seen_initiatives.add(row.id)
            data.initiatives.append(row)
        if row.link_measure_id is not None:
            link = (row.link_initiative_id, row.link_measure_id, row.link_baseline_value, row.link_baseline_on)
            data.initiative_measures.append(tuple_of(InitiativeLink, link))
    # One row per journey, step and department serving it (a journey without steps, or a step
    # no one serves, comes once, alone): journeys by name, their steps in order.
    seen_journeys: set[int] = set()
    seen_steps: set[int] = set()
    for row in read(_journeys()):
        if row.journey_key not in seen_journeys:
            seen_journeys.add(row.journey_key)
            journey = tuple_of(JourneyRow, (row.journey_key, row.journey_name, row.journey_owner_id))
            data.journeys.append(journey)
        if row.id is not None and row.id not in seen_steps:
            seen_steps.add(row.id)
            data.steps.append(row)
        if row.link_department_id is not None:
            link = tuple_of(StepLink, (row.id, row.link_department_id, row.link_responsibility))
            data.step_departments.append(link)

    research_since = (
        data.previous.scheduled_at.astimezone(zone).date()
        if data.previous
        else (today - timedelta(days=RESEARCH_FALLBACK_DAYS))
    )
    data.research = read(_research(), since=research_since)
    for item in read(_aob()):
        data.aob.append((item, item.submitter_name))
        if item.carried_from_meeting is not None:
            data.aob_carried_from[item.id] = item.carried_from_meeting
    data.standing = read(_standing_items())
    # app/papers' agenda_papers, as Core rows through a statement built once.
    data.papers = read(_papers())
    return data


# One of the named tuples above from its values in field order, without the generated __new__'s call.
tuple_of = tuple.__new__


@cache
def _record(keys: tuple[str, ...]):
    """What makes a named tuple of the row's values, for rows with these columns (a class per statement).

    Its attributes read as fast as a tuple's items, where a Row's cost about ten times more: the
    agenda reads several columns of thousands of rows a few times each.
    """
    return partial(tuple.__new__, namedtuple("Record", keys))


def records(result) -> list:
    """`result`'s rows as named tuples (`_record`), made from the driver's tuples with only the
    columns SQLAlchemy would convert converted, by its own converters (dates in SQLite's text,
    the UTC datetime type): no Row objects on the way."""
    metadata = result._metadata
    make = _record(tuple(result.keys()))
    if metadata._tuplefilter is not None:  # columns the driver gives twice: SQLAlchemy's own rows
        return list(map(make, result.all()))
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    converters = [(i, convert) for i, convert in enumerate(metadata._processors) if convert is not None]
    if not converters or not rows:
        return list(map(make, rows))
    # Column by column, each distinct value converted once: a converted column is mostly NULLs
    # (closed_at, plan_since) or a few dates many rows share (due dates, start dates), and a
    # Python loop over every row and converter cost more than the conversions themselves.
    # Every converter gives None for None. Rows share a converted value only where it is
    # immutable (dates, datetimes, booleans); a JSON column's dicts are made row by row.
    columns = list(zip(*rows, strict=True))
    for i, convert in converters:
        columns[i] = _converted(columns[i], convert)
    return list(map(make, zip(*columns, strict=True)))


def _converted(column: tuple, convert) -> Iterable:
    """`column`'s values converted by `convert`, None kept (see `records`)."""
    try:
        distinct = set(column)
    except TypeError:  # a value the driver gives as a list or dict (PostgreSQL's JSON, arrays)
        distinct = None
    if distinct is not None:
        converted = {value: convert(value) for value in distinct if value is not None}
        if not any(isinstance(value, MUTABLE) for value in converted.values()):
            converted[None] = None
            return map(converted.__getitem__, column)
    return [None if value is None else convert(value) for value in column]


MUTABLE = (dict, list, set, bytearray)


def driver_rows(connection, statement, parameters: dict) -> list[tuple]:
    """`statement`'s rows as the database driver's own tuples: sent through Core as any other
    statement, but without its per-row result processing (Row objects, type conversions).

    For the few big reads whose columns the driver already gives typed, or which the caller
    converts itself (see `result_converter`).
    """
    result = connection.execute(statement, parameters)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def result_converter(connection, column):
    """What turns `column`'s value as the driver gives it into the column's Python type on this
    connection's database (None where the driver gives it typed, as PostgreSQL's does)."""
    dialect = connection.dialect
    return column.type.dialect_impl(dialect).result_processor(dialect, None)


# The agenda's statements, each built on first use and kept: building a select costs about
# as much Python as reading its rows, so each agenda only gives them its values (bindparams).
COUNCIL_ID = "council_id"


def _council_id():
    return bindparam(COUNCIL_ID)


@cache
def _previous_meeting():
    return (
        select(*columns(Meeting))
        .where(
            Meeting.council_id == _council_id(),
            Meeting.scheduled_at < bindparam("scheduled_at"),
            Meeting.status != MeetingStatus.cancelled,
            col(Meeting.archived_at).is_(None),
        )
        .order_by(col(Meeting.scheduled_at).desc())
        .limit(1)
    )


@cache
def _departments():
    return select(*columns(Department)).where(Department.council_id == _council_id()).order_by(col(Department.name))


RESPONSE_COLUMNS = [c.name for c in MeetingResponse.__table__.columns]


@cache
def _seats():
    """Each seat with its answer to this meeting's invitation, if any (one row a seat)."""
    return (
        select(
            Membership.id.label("seat_id"),
            Membership.role,
            Membership.department_id,
            User.id.label("user_id"),
            User.name,
            *[c.label(f"response_{c.name}") for c in MeetingResponse.__table__.columns],
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(
            MeetingResponse,
            (MeetingResponse.membership_id == Membership.id) & (MeetingResponse.meeting_id == bindparam("meeting_id")),
        )
        .where(Membership.council_id == _council_id())
        .order_by(col(User.name))
    )


@cache
def _actions():
    """Open actions, and those closed since `since`, with their owner's name.

    Two halves, each read through its own index (council, status) and (council,
    closed_at), sorted by the caller: an ORDER BY or an OR would tempt SQLite to walk the
    council's whole history by due date instead.
    """
    owner_user = aliased(User)

    def actions_where(*conditions):
        return (
            select(*columns(Action), owner_user.name.label("owner_name"))
            .join(Membership, Membership.id == Action.owner_id)
            .join(owner_user, owner_user.id == Membership.user_id)
            .where(Action.council_id == _council_id(), col(Action.archived_at).is_(None), *conditions)
        )

    return union_all(
        actions_where(col(Action.status).in_(OPEN_STATUSES)),
        actions_where(col(Action.status).in_(CLOSED_STATUSES), col(Action.closed_at) >= bindparam("since")),
    )


@cache
def _measures():
    """The council's measures in use, with the day of the first five-whys workshop that picked each as
    an action-plan metric."""
    plan_since = (
        select(func.min(RootCause.created_at))
        .join(RootCauseMeasure, RootCauseMeasure.root_cause_id == RootCause.id)
        .where(RootCauseMeasure.measure_id == Measure.id)
        .scalar_subquery()
    )
    return (
        select(*columns(Measure), plan_since.label("plan_since"))
        .where(Measure.council_id == _council_id(), col(Measure.archived_at).is_(None))
        .order_by(col(Measure.name))
    )


@cache
def _readings():
    return (
        select(Reading.measure_id, Reading.period, Reading.value)
        .join(Measure, Measure.id == Reading.measure_id)
        .where(
            Measure.council_id == _council_id(),
            col(Measure.archived_at).is_(None),
            Reading.period >= bindparam("window_start"),
        )
        .order_by(col(Reading.measure_id), col(Reading.period))
    )


LIVE_INITIATIVES = [InitiativeStatus.approved, InitiativeStatus.in_progress, InitiativeStatus.proposed]


@cache
def _initiatives():
    link_columns = [c.label(f"link_{c.name}") for c in InitiativeMeasure.__table__.columns]
    return (
        # created_at breaks ties in the ranking
        select(*columns(Initiative, unread=("description", "version", "updated_at")), *link_columns)
        .outerjoin(InitiativeMeasure, InitiativeMeasure.initiative_id == Initiative.id)
        .where(Initiative.council_id == _council_id(), col(Initiative.status).in_(LIVE_INITIATIVES))
        # The links in the measures' order: without it PostgreSQL may give an initiative's measures in
        # another order from one build to the next (the same agenda, a different JSON and ETag).
        .order_by(col(Initiative.created_at), col(Initiative.id), col(InitiativeMeasure.measure_id))
    )


@cache
def _journeys():
    return (
        select(
            Journey.id.label("journey_key"),
            Journey.name.label("journey_name"),
            Journey.owner_id.label("journey_owner_id"),
            *columns(JourneyStep),
            StepDepartment.department_id.label("link_department_id"),
            StepDepartment.responsibility.label("link_responsibility"),
        )
        .select_from(Journey)
        .outerjoin(JourneyStep, JourneyStep.journey_id == Journey.id)
        .outerjoin(StepDepartment, StepDepartment.step_id == JourneyStep.id)
        .where(Journey.council_id == _council_id())
        .order_by(col(Journey.name), col(Journey.id), col(JourneyStep.position), col(JourneyStep.id))
    )


@cache
def _reports():
    return (
        select(*columns(DepartmentReport, unread=("version", "created_at")), User.name.label("author_name"))
        .outerjoin(User, User.id == DepartmentReport.author_id)
        .where(DepartmentReport.meeting_id == bindparam("meeting_id"))
    )


@cache
def _research():
    return (
        select(*columns(Research, unread=()))
        .where(Research.council_id == _council_id(), Research.conducted_on >= bindparam("since"))
        .order_by(col(Research.conducted_on).desc(), col(Research.id))
    )


@cache
def _aob():
    """Each item with its submitter's name and, when it was carried, the number of the meeting it came from."""
    submitter = aliased(User)
    origin = aliased(AobItem)
    origin_meeting = aliased(Meeting)
    return (
        select(
            *AobItem.__table__.columns,
            submitter.name.label("submitter_name"),
            origin_meeting.number.label("carried_from_meeting"),
        )
        .outerjoin(Membership, Membership.id == AobItem.submitted_by_id)
        .outerjoin(submitter, submitter.id == Membership.user_id)
        .outerjoin(origin, origin.id == AobItem.carried_from_id)
        .outerjoin(origin_meeting, origin_meeting.id == origin.meeting_id)
        .where(AobItem.meeting_id == bindparam("meeting_id"))
        .order_by(col(AobItem.created_at), col(AobItem.id))
        # The meeting an item came from counts even if it was archived since (a Core statement:
        # app/archived.py's filter is the ORM's, so none is added).
    )


@cache
def _papers():
    """What an agenda lists: the meeting's papers in use and the council's initiatives' (app/papers/service.py
    agenda_papers' query; archived papers left out in the SQL itself, as a Core statement)."""
    return (
        select(*Paper.__table__.columns)
        .where(
            Paper.council_id == _council_id(),
            (Paper.meeting_id == bindparam("meeting_id")) | (Paper.attached_to == PaperTarget.initiative),
            col(Paper.archived_at).is_(None),
        )
        .order_by(col(Paper.uploaded_at), col(Paper.id))
    )


@cache
def _standing_items():
    return (
        select(*StandingItem.__table__.columns)
        .where(StandingItem.council_id == _council_id(), col(StandingItem.archived_at).is_(None))
        .order_by(col(StandingItem.id))
    )


def load_carried_from(*, session: Session, items: list[AobItem]) -> dict[int, int]:
    """AOB id → the number of the meeting each carried item came from (one query, none if nothing was carried)."""
    origins = {item.carried_from_id: item.id for item in items if item.carried_from_id is not None}
    if not origins:
        return {}
    rows = session.exec(
        select(AobItem.id, Meeting.number)
        .join(Meeting, col(Meeting.id) == AobItem.meeting_id)
        .where(col(AobItem.id).in_(list(origins)))
        .execution_options(include_archived=True)
    )
    return {origins[origin_id]: number for origin_id, number in rows}
