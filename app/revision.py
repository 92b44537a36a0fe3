"""Every committed write replaces the stamp of the council it wrote in, in the same transaction.

Each council has a revision (council_revisions) and the site has one (data_revision, for
what belongs to no council: accounts, the site's identity). Session events, so every writer
is covered (requests, CLI commands, the demo, jobs, tests): a flush notes the rows it
inserted, changed or deleted, an ORM bulk statement notes its table; before the commit each
noted row is traced to its council (its `council_id`, or its parent's: PARENTS) and the
stamps of those councils alone are replaced, plus the site's when site data changed. So a
reader that sees a council's stamp S sees exactly the data committed with S, and writes in
two councils never touch the same row (nor wait on each other on PostgreSQL).

A change that cannot be traced (a bulk statement that does not say its council, a row gone
before it was traced) replaces the site's stamp, which every cache key holds: never stale.
A bulk statement says its council with `execution_options=in_council(id)`; an INSERT whose
rows carry their council (or parent) id needs nothing.

The minutes' record as it is typed (MINUTES_RECORD: a secretary autosaves every few
seconds) replaces the council's `minutes_stamp` instead of its stamp: stamp_for covers both,
and a document that reads none of those tables (the agenda: tests/core/test_revision.py
checks its statements) asks stamp_for(…, minutes=False) and stays cached while they change.

A cache entry that reads none of the tables a transaction writes stays true across its commit: carry_over asks the
commit to say so (then(new stamp)) when it is sure of it, and the entry is kept under the new stamp too (the draft
agenda, across a publish that writes only its snapshot: app/agendas/service.py). Sure means: the transaction's only
tracked writes were rows of the tables named, in that council alone, and the stamp it replaces is the very one the
entry was kept under (a conditional UPDATE: no other commit replaced it in between).

Only bookkeeping (UNTRACKED: sign-in failures and sessions, idempotency keys, spent form
tokens, home page visits, the mail queue, the job queue, the audit log, paper bytes) is left out: it
changes no document.
"""

import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import chain

from sqlalchemy import bindparam, event, inspect, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import identity_key
from sqlmodel import SQLModel, col

from app.models import (
    Action,
    ActionEvent,
    AgendaSnapshot,
    AobItem,
    Attendance,
    AuditEntry,
    Council,
    CouncilRevision,
    DataRevision,
    Decision,
    DepartmentReport,
    FeedbackResponse,
    HomeVisit,
    IdempotencyKey,
    Initiative,
    InitiativeDepartment,
    InitiativeMeasure,
    Job,
    Journey,
    JourneyStep,
    LoginFailure,
    Measure,
    Meeting,
    MeetingResponse,
    Minutes,
    MinutesAmendment,
    MinutesCorrection,
    MinutesEvent,
    MinutesItem,
    OutboxAttachment,
    OutboxMessage,
    OutboxMessageAttachment,
    PaperBlob,
    Reading,
    ReminderDigest,
    Research,
    ResearchInitiative,
    ResearchMeasure,
    RootCause,
    RootCauseAction,
    RootCauseInitiative,
    RootCauseMeasure,
    SiteIdentity,
    StepDepartment,
    ThemeMention,
    TZDateTime,
    UsedFormToken,
    User,
    UserSession,
    utcnow,
)

# Rows without a council_id of their own: the attribute naming their parent, and the parent.
_MEETING = ("meeting_id", Meeting)
PARENTS: dict[type, tuple[str, type]] = {
    ActionEvent: ("action_id", Action),
    AgendaSnapshot: _MEETING,
    AobItem: _MEETING,
    Attendance: _MEETING,
    Decision: _MEETING,
    DepartmentReport: _MEETING,
    MeetingResponse: _MEETING,
    Minutes: _MEETING,
    MinutesAmendment: _MEETING,
    MinutesCorrection: _MEETING,
    MinutesEvent: _MEETING,
    MinutesItem: _MEETING,
    InitiativeDepartment: ("initiative_id", Initiative),
    InitiativeMeasure: ("initiative_id", Initiative),
    JourneyStep: ("journey_id", Journey),
    StepDepartment: ("step_id", JourneyStep),
    Reading: ("measure_id", Measure),
    ResearchInitiative: ("research_id", Research),
    ResearchMeasure: ("research_id", Research),
    RootCauseAction: ("root_cause_id", RootCause),
    RootCauseInitiative: ("root_cause_id", RootCause),
    RootCauseMeasure: ("root_cause_id", RootCause),
    ThemeMention: ("response_id", FeedbackResponse),
}
# The minutes' record: traced to its council like the rest, but a change replaces the council's minutes_stamp.
MINUTES_RECORD = (Minutes, MinutesItem, MinutesEvent, MinutesAmendment, MinutesCorrection, Decision)
# Data of no council: a change replaces the site's stamp (every document shows people's names).
SITE_WIDE = (User, SiteIdentity)
# Bookkeeping no document is derived from. The mail queue, the audit log and paper bytes are
# written beside the change they follow (a queued mail, an archive, a paper), which is traced.
UNTRACKED = (
    LoginFailure,
    DataRevision,
    CouncilRevision,
    UserSession,
    IdempotencyKey,
    UsedFormToken,
    HomeVisit,
    OutboxMessage,
    OutboxAttachment,
    OutboxMessageAttachment,
    ReminderDigest,
    AuditEntry,
    PaperBlob,
    Job,
)

CHANGES = "cxc_changes"
CARRIES = "cxc_carries"  # carry_over's requests, until the commit
CARRIED = "cxc_carried"  # those the commit granted, with their new stamps, until it has committed
COUNCIL_OPTION = "cxc_council"
log = logging.getLogger("council.revision")
_MISSING = object()


def new_stamp() -> str:
    return secrets.token_hex(16)


def in_council(council_id: int) -> dict[str, int]:
    """Execution options for a bulk statement writing in council `council_id` only."""
    return {COUNCIL_OPTION: council_id}


def stamps(session: Session, council_id: int) -> tuple[str | None, str | None]:
    """(the council's stamp, the site's) as this transaction sees them, in one statement."""
    council, _, site = _stamps(session, council_id)
    return council, site


# Built once (every cached page reads it): three scalar subqueries built on each call cost more than the round trip.
_MINE = CouncilRevision.council_id == bindparam("council_id")
_STAMPS = select(
    select(CouncilRevision.stamp).where(_MINE).scalar_subquery(),
    select(CouncilRevision.minutes_stamp).where(_MINE).scalar_subquery(),
    select(DataRevision.stamp).where(DataRevision.id == 1).scalar_subquery(),
)


def _stamps(session: Session, council_id: int) -> tuple[str | None, str | None, str | None]:
    """(the council's stamp, its minutes_stamp, the site's), in one statement."""
    row = session.connection().execute(_STAMPS, {"council_id": council_id}).one()
    return row[0], row[1], row[2]


def stamp_for(session: Session, council_id: int, *, minutes: bool = True) -> str | None:
    """What a document about council `council_id` is cached under (None: do not cache).

    It changes with every committed write to the council's data, and to the site-wide
    data its documents show (people's names). Caches call this, never the tables. None
    inside a transaction that has written: its data is not the data any stamp names until
    it commits (publishing builds the pack it mails so), so nothing may be kept under one.
    `minutes=False` leaves out the minutes' record (MINUTES_RECORD), for a document that reads none of it.
    """
    if session.info.get(CHANGES) is not None:
        return None
    council, record, site = _stamps(session, council_id)
    if council is None or site is None:
        return None
    return f"{council}.{record or ''}.{site}" if minutes else f"{council}.{site}"


@dataclass(frozen=True)
class Carry:
    """carry_over's request: see there."""

    council_id: int
    stamp: str
    writes: frozenset[type]
    then: Callable[[str], None]


def carry_over(
    session: Session, council_id: int, *, stamp: str, writes: frozenset[type], then: Callable[[str], None]
) -> None:
    """After this transaction commits, call `then(new)`, `new` being what stamp_for gives from then on for what it
    gave `stamp` (read in this transaction), when the commit is known to have changed nothing but rows of `writes`:
    its only tracked writes were such rows, all in council `council_id` (not the site's data), and the council's
    stamp it replaced was still the one in `stamp` (no other commit replaced it since it was read). For a cache entry
    kept under `stamp` that reads none of those tables: it is then what `new` shows too. Otherwise (or if the
    transaction rolls back) nothing is called and the entry is simply built again under the new stamp, as before."""
    session.info.setdefault(CARRIES, []).append(Carry(council_id, stamp, writes, then))


def touch(session: Session, council_id: int | None) -> None:
    """At commit, replace council `council_id`'s stamp (None: the site's): for raw SQL the events cannot see."""
    changes = _changes(session)
    changes.models.add(None)  # written by raw SQL: no carry_over can be sure of it
    if council_id is None:
        changes.site = True
    else:
        changes.councils.add(council_id)


# -- noting what a transaction wrote ---------------------------------------------------


@dataclass
class _Changes:
    councils: set[int] = field(default_factory=set)
    site: bool = False
    # Rows written, by model and identity: the value of their link to a council or parent.
    seen: dict[type, dict[tuple, object]] = field(default_factory=lambda: defaultdict(dict))
    # Rows whose link is still to be read (their parents', or their own when not loaded).
    wanted: dict[type, set[tuple]] = field(default_factory=lambda: defaultdict(set))
    # The minutes' record's writes, traced the same way to the councils whose minutes_stamp they replace.
    record: "_Changes | None" = None
    # Every tracked model the transaction wrote (None: a write of unknown table), for carry_over.
    models: set[type | None] = field(default_factory=set)

    def of(self, model: type | None) -> "_Changes":
        """Where a write to `model` is noted: here, or for the minutes' record in `record`."""
        if model is None or not issubclass(model, MINUTES_RECORD):
            return self
        if self.record is None:
            self.record = _Changes()
        return self.record

    def note(self, model: type, ident: tuple | None, value: object) -> None:
        """Row `ident` of `model` links to `value` (_MISSING: not known yet, ask at commit)."""
        attribute, parent = link(model)
        if value is _MISSING:
            if ident is None:
                self.site = True
            else:
                self.wanted[model].add(ident)
            return
        if ident is not None:
            self.seen[model][ident] = value
        if value is None:
            self.site = True
        elif parent is None:
            self.councils.add(value)
        else:
            self.wanted[parent].add((value,))


def _changes(session: Session) -> _Changes:
    changes = session.info.get(CHANGES)
    if changes is None:
        changes = session.info[CHANGES] = _Changes()
    return changes


@cache
def link(model: type) -> tuple[str, type | None]:
    """The attribute tying a row of `model` to its council (parent None) or to its parent's row."""
    if model is Council:
        return "id", None
    if model in PARENTS:
        return PARENTS[model]
    if "council_id" in model.__table__.c:
        return "council_id", None
    raise KeyError(f"{model.__name__}: no council_id and not in app.revision.PARENTS, SITE_WIDE or UNTRACKED")


@cache
def _models() -> dict[str, type]:
    return {m.local_table.name: m.class_ for m in SQLModel._sa_registry.mappers}


def _classify(changes: _Changes, model: type | None) -> bool:
    """Note what needs no tracing; True when rows of `model` are traced to their council."""
    if model is None or issubclass(model, SITE_WIDE):
        changes.site = True
        return False
    try:
        link(model)
    except KeyError:
        changes.site = True
        return False
    return True


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    # During after_flush, new/dirty/deleted still list what this flush wrote, and each
    # object's committed_state still holds the values its changed attributes had.
    rows = [o for o in chain(session.new, session.dirty, session.deleted) if not isinstance(o, UNTRACKED)]
    if not rows:
        return
    noted = _changes(session)
    deleted = set(map(id, session.deleted))
    for obj in rows:
        model = type(obj)
        noted.models.add(model)
        changes = noted.of(model)
        if not _classify(changes, model):
            continue
        state = inspect(obj)
        ident = state.key[1] if state.key else state.mapper.primary_key_from_instance(obj)
        attribute = link(model)[0]
        value = state.dict.get(attribute, _MISSING)
        if value is _MISSING and id(obj) in deleted:
            changes.site = True  # gone, and its link never loaded: nothing left to ask
            continue
        changes.note(model, tuple(ident), value)
        if isinstance(before := state.committed_state.get(attribute), int):
            changes.note(model, None, before)  # moved: the old owner changed too


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    model = _models().get(getattr(state.statement.table, "name", None))
    if model is not None and issubclass(model, UNTRACKED):
        return
    noted = _changes(state.session)
    noted.models.add(model)
    changes = noted.of(model)
    if not _classify(changes, model):
        return
    council = state.execution_options.get(COUNCIL_OPTION)
    if council is not None:
        changes.councils.add(council)
    elif state.is_insert and state.parameters:
        # Rows that carry their link: traced like flushed rows (an id given keeps it for children).
        attribute = link(model)[0]
        keys = [c.key for c in inspect(model).primary_key]
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters]
        for row in rows:
            ident = tuple(row.get(k) for k in keys)
            changes.note(model, None if None in ident else ident, row.get(attribute, _MISSING))
    else:
        changes.site = True  # the statement did not say its council


# -- tracing and stamping at commit ----------------------------------------------------


def _links(session: Session, model: type, idents: Iterable[tuple], seen: Mapping[tuple, object]) -> dict:
    """Each row's link value: from this transaction's writes, the identity map, or one query."""
    attribute = link(model)[0]
    found, ask = {}, []
    for ident in idents:
        if ident in seen:
            found[ident] = seen[ident]
        elif (obj := session.identity_map.get(identity_key(model, ident))) is not None and attribute in (
            values := inspect(obj).dict
        ):
            found[ident] = values[attribute]
        else:
            ask.append(ident)
    if ask:
        keys = inspect(model).primary_key
        where = keys[0].in_([i[0] for i in ask]) if len(keys) == 1 else tuple_(*keys).in_(ask)
        # Core on the connection: no ORM events (archived rows count too).
        for *ident, value in session.connection().execute(select(*keys, getattr(model, attribute)).where(where)):
            found[tuple(ident)] = value
    return found


def _trace(session: Session, changes: _Changes) -> None:
    """Turn every wanted row into its council; a row not found replaces the site's stamp."""
    while changes.wanted:
        model, idents = changes.wanted.popitem()
        found = _links(session, model, idents, changes.seen.get(model, {}))
        for ident in idents:
            changes.note(model, None, found.get(ident))


@cache
def _replace_council_stamps(dialect_name: str, column: str = "stamp"):
    """The upsert that replaces `column` ("stamp", or "minutes_stamp" for the minutes' record alone) of the
    revision rows of `councils`, making the rows that are missing; built once per dialect and column."""
    # Only councils that exist: one made in a savepoint rolled back, or purged, has no row.
    # In one order (council id), so two transactions bumping several councils cannot deadlock.
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stamp = bindparam("stamp", type_=CouncilRevision.__table__.c.stamp.type)
    # A row made for the minutes alone needs a council stamp too: the same new one.
    names = ["council_id", "stamp", *(["minutes_stamp"] if column == "minutes_stamp" else []), "changed_at"]
    values = [stamp] * (len(names) - 2)
    rows = (
        select(Council.id, *values, bindparam("changed_at", type_=TZDateTime()))
        .where(col(Council.id).in_(bindparam("councils", expanding=True)))
        .order_by(col(Council.id))
    )
    return _upsert(dialect, names, rows, column)


def _upsert(dialect, names: list[str], rows, column: str):
    insert = dialect.insert(CouncilRevision).from_select(names, rows)
    excluded = insert.excluded
    return insert.on_conflict_do_update(
        index_elements=["council_id"], set_={column: getattr(excluded, column), "changed_at": excluded.changed_at}
    )


def replace_stamp_from(rows):
    """PostgreSQL: the upsert that replaces the stamp of the council each of `rows` names (a select of council
    id, new_stamp(), changed_at), as the commit does for touch(), for a write that does it in its own statement
    (a data-modifying WITH: app/actions/service.py) rather than in one more at commit."""
    return _upsert(postgresql, ["council_id", "stamp", "changed_at"], rows, "stamp")


# carry_over's replacement of one council's stamp: only if it is still the one read (0 rows: another commit's since).
_CARRY_STAMP = (
    update(CouncilRevision)
    .where(
        CouncilRevision.council_id == bindparam("council"),
        CouncilRevision.stamp == bindparam("old"),
    )
    .values(stamp=bindparam("stamp"), changed_at=bindparam("changed_at"))
)


def _carried(session: Session, changes: _Changes, stamp: str, now) -> set[int]:
    """Replace the stamp of the council carry_over's requests are sure of by `stamp` (see carry_over), noting the
    requests granted for after the commit; the councils whose stamp this replaced (none, or that one)."""
    carries = session.info.pop(CARRIES, [])
    if not carries or changes.site or len(changes.councils) != 1:
        return set()
    [council] = changes.councils
    sure = [c for c in carries if c.council_id == council and changes.models <= c.writes]
    if not sure:
        return set()
    # The request's stamp begins with the council's (stamp_for), which the commit replaces.
    old = sure[0].stamp.partition(".")[0]
    values = {"council": council, "old": old, "stamp": stamp, "changed_at": now}
    result = session.connection().execute(_CARRY_STAMP, values)
    if result.rowcount != 1:
        return set()  # replaced by another commit since it was read: the entry may be stale, nothing is carried
    session.info[CARRIED] = [(c.then, stamp + c.stamp[len(old) :]) for c in sure if c.stamp.partition(".")[0] == old]
    return {council}


@event.listens_for(Session, "before_commit")
def _replace_stamps(session: Session) -> None:
    session.flush()  # the commit would flush anyway; do it now so its changes are noted
    changes = session.info.pop(CHANGES, None)
    if changes is None:
        session.info.pop(CARRIES, None)
        return
    _trace(session, changes)
    record = changes.record or _Changes()
    _trace(session, record)
    changes.site = changes.site or record.site
    connection = session.connection()
    now, stamp = utcnow(), new_stamp()
    done = _carried(session, changes, stamp, now)
    # A council whose data changed gets a new stamp; one whose minutes' record alone changed, a new minutes_stamp.
    for column, councils in (
        ("stamp", changes.councils - done),
        ("minutes_stamp", record.councils - changes.councils),
    ):
        if councils:
            connection.execute(
                _replace_council_stamps(connection.dialect.name, column),
                {"councils": sorted(councils), "stamp": stamp, "changed_at": now},
            )
    if changes.site:
        connection.execute(update(DataRevision).where(DataRevision.id == 1).values(stamp=stamp, changed_at=now))


@event.listens_for(Session, "after_commit")
def _carry(session: Session) -> None:
    for then, stamp in session.info.pop(CARRIED, []):
        try:
            then(stamp)
        except Exception:  # a cache left cold, never a failed request: the commit has happened
            log.exception("carrying a cache entry to the new stamp failed")


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    # Only when the whole transaction ends (a rollback: a commit has taken the notes
    # already). A savepoint rolled back inside it leaves the outer changes, and the notes.
    if transaction.parent is None:
        session.info.pop(CHANGES, None)
        session.info.pop(CARRIES, None)
        session.info.pop(CARRIED, None)
