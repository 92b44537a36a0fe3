"""Customer measures: who may change what, creating and editing them, their readings and figures."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from app.auth import Access, load_record_access
from app.common import today_in
from app.councils.service import check_department
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.measures.schemas import (
    MeasureCreate,
    MeasurePublic,
    MeasureUpdate,
    PointPublic,
    ReadingCreate,
    ReadingUpdate,
)
from app.measures.stats import TREND_PERIODS, Point, measure_stats
from app.models import (
    Council,
    Department,
    Direction,
    Journey,
    Measure,
    MeasureCategory,
    MeasureKind,
    MeasureScope,
    Membership,
    Reading,
    Role,
    User,
    utcnow,
)

# What a measure's owner may change; the chair may change anything.
OWNER_FIELDS = frozenset({"target", "description"})
NULLABLE_FIELDS = frozenset({"target", "owner_id", "department_id", "journey_id"})
SURVEY_KINDS = frozenset({MeasureKind.nps, MeasureKind.csat, MeasureKind.ces})
LOWER_IS_BETTER_KINDS = frozenset({MeasureKind.repeat_contact, MeasureKind.cost_to_serve})
# A period this far ahead is a typing slip, not a forecast.
MAX_DAYS_AHEAD = 366
EARLIEST_PERIOD = date(1900, 1, 1)


def default_category(kind: str) -> str:
    """Survey scores are what customers rate us; the other kinds we count ourselves."""
    return MeasureCategory.survey_rating if kind in SURVEY_KINDS else MeasureCategory.operational


def default_direction(kind: str) -> str:
    return Direction.lower_is_better if kind in LOWER_IS_BETTER_KINDS else Direction.higher_is_better


# Who may do what


@dataclass(frozen=True)
class MeasureAccess:
    """A measure and the seat of the person asking about it."""

    measure: Measure
    access: Access
    # The journey's owner, for a journey measure: they own its measures too.
    journey_owner_id: int | None = None

    @property
    def is_owner(self) -> bool:
        return self.measure.owner_id is not None and self.measure.owner_id == self.access.membership.id

    @property
    def may_write_readings(self) -> bool:
        return may_write_readings(self.access, self.measure, self.journey_owner_id)

    @property
    def may_edit(self) -> bool:
        """May change at least something (the chair anything, the owner target and description)."""
        return self.access.is_(Role.chair) or (self.is_owner and not self.access.is_(Role.observer))


def may_write_readings(access: Access, measure: Measure, journey_owner_id: int | None = None) -> bool:
    """Chair and secretary; the measure's owner; members of its department; the owner of its journey."""
    if access.is_(Role.chair, Role.secretary):
        return True
    if access.is_(Role.observer):
        return False
    seat = access.membership
    if measure.owner_id == seat.id:
        return True
    if measure.scope == MeasureScope.department and seat.department_id == measure.department_id:
        return True
    return measure.scope == MeasureScope.journey and journey_owner_id == seat.id


def check_may_write_readings(found: MeasureAccess) -> None:
    if not found.may_write_readings:
        raise Forbidden(
            "Only the chair, the secretary, the measure's owner and members of its department can record its readings."
        )


def get_measure_access(*, session: Session, user: User, measure_id: int) -> MeasureAccess:
    """A measure of a council this person sits on, or 404."""
    measure, access = load_record_access(
        session=session, user=user, model=Measure, record_id=measure_id, label="Measure"
    )
    journey_owner_id = None
    if measure.journey_id is not None:
        journey_owner_id = session.exec(select(Journey.owner_id).where(Journey.id == measure.journey_id)).first()
    return MeasureAccess(measure=measure, access=access, journey_owner_id=journey_owner_id)


def get_council_measure(*, session: Session, council: Council, measure_id: int) -> Measure:
    """A measure of this council, or 404 (also for another council's measure)."""
    measure = session.get(Measure, measure_id)
    if measure is None or measure.council_id != council.id:
        raise NotFound("Measure not found.")
    return measure


def writable_measure_ids(*, session: Session, access: Access) -> set[int] | None:
    """The council's measures this seat may record readings for; None means all of them."""
    if access.is_(Role.chair, Role.secretary):
        return None
    if access.is_(Role.observer):
        return set()
    rows = session.exec(
        select(Measure, Journey.owner_id)
        .outerjoin(Journey, Journey.id == Measure.journey_id)
        .where(Measure.council_id == access.council.id)
    )
    return {m.id for m, journey_owner in rows if may_write_readings(access, m, journey_owner)}


# Figures


@dataclass(frozen=True)
class MeasureFilters:
    scope: str | None = None
    department_id: int | None = None
    journey_id: int | None = None
    status: str | None = None


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def stale_before(today: date) -> date:
    """A measure whose latest reading is older than this has missed last month's reading."""
    return _month_start(_month_start(today) - timedelta(days=1))


def _public_query():
    owner_user = aliased(User)
    return (
        select(Measure, owner_user.name, Department.name, Journey.name)
        .outerjoin(Membership, Membership.id == Measure.owner_id)
        .outerjoin(owner_user, owner_user.id == Membership.user_id)
        .outerjoin(Department, Department.id == Measure.department_id)
        .outerjoin(Journey, Journey.id == Measure.journey_id)
    )


def _recent_points(session: Session, measure_filter) -> dict[int, list[Point]]:
    """The last TREND_PERIODS readings of each measure matching `measure_filter`, in one query."""
    rank = func.row_number().over(partition_by=Reading.measure_id, order_by=col(Reading.period).desc()).label("rank")
    recent = (
        select(Reading.measure_id, Reading.period, Reading.value, rank)
        .join(Measure, Measure.id == Reading.measure_id)
        .where(measure_filter)
        .subquery()
    )
    points: dict[int, list[Point]] = defaultdict(list)
    for measure_id, period, value in session.exec(
        select(recent.c.measure_id, recent.c.period, recent.c.value).where(recent.c.rank <= TREND_PERIODS)
    ):
        points[measure_id].append(Point(period, value))
    return points


def _reading_counts(session: Session, measure_filter) -> dict[int, int]:
    rows = session.exec(
        select(Reading.measure_id, func.count())
        .join(Measure, Measure.id == Reading.measure_id)
        .where(measure_filter)
        .group_by(Reading.measure_id)
    )
    return dict(rows.all())


def _point(p: Point | None) -> PointPublic | None:
    return None if p is None else PointPublic(period=p.period, value=p.value)


def _publics(session: Session, measure_filter, today: date) -> list[MeasurePublic]:
    """Measures with their names resolved and their figures derived: three queries, whatever the count."""
    points = _recent_points(session, measure_filter)
    counts = _reading_counts(session, measure_filter)
    cutoff = stale_before(today)
    result = []
    # The agenda's order: the overall measures, then each department's, then each journey's.
    scope_order = case({"overall": 0, "department": 1}, value=Measure.scope, else_=2)
    query = (
        _public_query()
        .where(measure_filter)
        .order_by(scope_order, Department.name, Journey.name, func.lower(Measure.name), col(Measure.id))
    )
    for measure, owner_name, department_name, journey_name in session.exec(query):
        stats = measure_stats(direction=measure.direction, target=measure.target, readings=points[measure.id])
        result.append(
            MeasurePublic(
                **measure.model_dump(),
                owner_name=owner_name,
                department_name=department_name,
                journey_name=journey_name,
                latest=_point(stats.latest),
                previous=_point(stats.previous),
                # 11.8 - 11.5 is 0.3000000000000007 in floating point; nobody means the tail.
                change=None if stats.change is None else round(stats.change, 9),
                on_target=stats.on_target,
                movement=stats.movement,
                status=stats.status,
                trend=[_point(p) for p in stats.trend],
                slope=None if stats.slope is None else round(stats.slope, 9),
                reading_count=counts.get(measure.id, 0),
                stale=stats.latest is None or stats.latest.period < cutoff,
            )
        )
    return result


def list_measures(*, session: Session, council: Council, filters: MeasureFilters | None = None) -> list[MeasurePublic]:
    """The council's measures (overall, then by department, then by journey; each by name) with their figures."""
    filters = filters or MeasureFilters()
    condition = Measure.council_id == council.id
    for field in ("scope", "department_id", "journey_id"):
        value = getattr(filters, field)
        if value is not None:
            condition = condition & (getattr(Measure, field) == value)
    measures = _publics(session, condition, today_in(council.timezone))
    if filters.status is not None:
        measures = [m for m in measures if m.status == filters.status]
    return measures


def get_measure_public(*, session: Session, measure: Measure, council: Council) -> MeasurePublic:
    """One measure with its figures."""
    return _publics(session, Measure.id == measure.id, today_in(council.timezone))[0]


# Creating and changing measures


def _check_name(session: Session, council: Council, name: str, exclude_id: int | None = None) -> None:
    query = select(Measure.id).where(Measure.council_id == council.id, func.lower(Measure.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Measure.id != exclude_id)
    if session.exec(query).first() is not None:
        raise Conflict(f"This council already has a measure called {name!r}.")


def _check_owner(session: Session, council: Council, owner_id: int | None) -> None:
    if owner_id is None:
        return
    seat = session.get(Membership, owner_id)
    if seat is None or seat.council_id != council.id:
        raise Invalid(f"Member {owner_id} is not a member of this council.", field="owner_id")


def _check_journey(session: Session, council: Council, journey_id: int | None) -> None:
    if journey_id is None:
        return
    journey = session.get(Journey, journey_id)
    if journey is None or journey.council_id != council.id:
        raise Invalid(f"Journey {journey_id} is not a journey of this council.", field="journey_id")


def resolve_scope(*, current: tuple[str, int | None, int | None], changes: dict) -> tuple[str, int | None, int | None]:
    """The (scope, department_id, journey_id) after `changes`, or Invalid naming what does not fit.

    Without a scope the ids sent decide it; changing the scope clears an id that no longer fits.
    """
    scope, department_id, journey_id = current
    sent_department, sent_journey = changes.get("department_id"), changes.get("journey_id")
    if changes.get("scope") is not None:
        scope = changes["scope"]
    elif sent_department is not None and sent_journey is not None:
        raise Invalid("A measure is for one department or one journey, not both.", field="journey_id")
    elif sent_department is not None:
        scope = MeasureScope.department
    elif sent_journey is not None:
        scope = MeasureScope.journey
    if scope == MeasureScope.department:
        if sent_journey is not None:
            raise Invalid("A department measure has no journey; leave journey_id out.", field="journey_id")
        department_id = changes.get("department_id", department_id)
        if department_id is None:
            raise Invalid("A department measure needs department_id.", field="department_id")
        return scope, department_id, None
    if scope == MeasureScope.journey:
        if sent_department is not None:
            raise Invalid("A journey measure has no department; leave department_id out.", field="department_id")
        journey_id = changes.get("journey_id", journey_id)
        if journey_id is None:
            raise Invalid("A journey measure needs journey_id.", field="journey_id")
        return scope, None, journey_id
    if sent_department is not None:
        raise Invalid("An overall measure has no department; use scope department.", field="department_id")
    if sent_journey is not None:
        raise Invalid("An overall measure has no journey; use scope journey.", field="journey_id")
    return MeasureScope.overall, None, None


def _apply_scope(session: Session, council: Council, measure: Measure, changes: dict) -> None:
    scope, department_id, journey_id = resolve_scope(
        current=(measure.scope, measure.department_id, measure.journey_id), changes=changes
    )
    if department_id != measure.department_id:
        check_department(session=session, council=council, department_id=department_id, field="department_id")
    if journey_id != measure.journey_id:
        _check_journey(session, council, journey_id)
    measure.scope, measure.department_id, measure.journey_id = scope, department_id, journey_id


def create_measure(*, session: Session, access: Access, measure_in: MeasureCreate) -> Measure:
    """Add a measure to the council (chair)."""
    access.require(Role.chair, doing="add measures")
    council = access.council
    _check_name(session, council, measure_in.name)
    _check_owner(session, council, measure_in.owner_id)
    measure = Measure.model_validate(
        measure_in.model_dump(exclude={"scope", "department_id", "journey_id"}),
        update={
            "council_id": council.id,
            "category": measure_in.category or default_category(measure_in.kind),
            "direction": measure_in.direction or default_direction(measure_in.kind),
        },
    )
    _apply_scope(session, council, measure, measure_in.model_dump(exclude_unset=True))
    session.add(measure)
    session.flush()
    return measure


def _check_may_update(found: MeasureAccess, requested: dict) -> None:
    if found.access.is_(Role.chair):
        return
    if not found.may_edit:
        raise Forbidden(
            "Only the council's chair, or the measure's owner for its target and description, can change a measure."
        )
    refused = sorted(set(requested) - OWNER_FIELDS)
    if refused:
        raise Forbidden(
            f"As the measure's owner you can change its target and description; ask the chair to change "
            f"{', '.join(refused)}."
        )


def update_measure(*, session: Session, found: MeasureAccess, measure_in: MeasureUpdate) -> Measure:
    """Change a measure: the chair anything, its owner the target and description."""
    requested = measure_in.model_dump(exclude_unset=True)
    _check_may_update(found, requested)
    measure, council = found.measure, found.access.council
    for field, value in requested.items():
        if value is None and field not in NULLABLE_FIELDS:
            raise Invalid(f"{field} cannot be empty.", field=field)
    if "name" in requested:
        _check_name(session, council, requested["name"], exclude_id=measure.id)
    if "owner_id" in requested:
        _check_owner(session, council, requested["owner_id"])
    if {"scope", "department_id", "journey_id"} & set(requested):
        _apply_scope(session, council, measure, requested)
    # A category or direction left at its kind's default follows a change of kind.
    kind = requested.get("kind")
    if kind is not None and kind != measure.kind:
        if "category" not in requested and measure.category == default_category(measure.kind):
            requested["category"] = default_category(kind)
        if "direction" not in requested and measure.direction == default_direction(measure.kind):
            requested["direction"] = default_direction(kind)
    for field, value in requested.items():
        if field not in ("scope", "department_id", "journey_id"):
            setattr(measure, field, value)
    if session.is_modified(measure):
        measure.updated_at = utcnow()
        session.add(measure)
        session.flush()
    return measure


def delete_measure(*, session: Session, access: Access, measure: Measure) -> None:
    """Remove a measure and all its readings (chair)."""
    access.require(Role.chair, doing="delete measures")
    session.delete(measure)
    session.flush()


# Readings


def list_readings(*, session: Session, measure: Measure) -> list[Reading]:
    """A measure's readings, oldest first."""
    return list(session.exec(select(Reading).where(Reading.measure_id == measure.id).order_by(col(Reading.period))))


def check_period(period: date, *, today: date, field: str = "period") -> None:
    """A period is a real date and not beyond a year ahead."""
    if period > today + timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid(f"{period.isoformat()} is more than a year ahead; check the date.", field=field)
    if period < EARLIEST_PERIOD:
        raise Invalid(f"{period.isoformat()} is before 1900; check the date.", field=field)


def get_reading(*, session: Session, measure: Measure, period: date) -> Reading:
    """The measure's reading for `period`, or 404."""
    reading = session.exec(select(Reading).where(Reading.measure_id == measure.id, Reading.period == period)).first()
    if reading is None:
        raise NotFound(f"No reading for {period.isoformat()}.")
    return reading


def record_reading(*, session: Session, found: MeasureAccess, reading_in: ReadingCreate) -> tuple[Reading, bool]:
    """Store a reading; one already there for that period is replaced. True when it is new."""
    check_may_write_readings(found)
    check_period(reading_in.period, today=today_in(found.access.council.timezone))
    measure = found.measure
    reading = session.exec(
        select(Reading).where(Reading.measure_id == measure.id, Reading.period == reading_in.period)
    ).first()
    created = reading is None
    if reading is None:
        reading = Reading.model_validate(reading_in, update={"measure_id": measure.id})
    else:
        reading.value, reading.sample_size, reading.note = reading_in.value, reading_in.sample_size, reading_in.note
        reading.updated_at = utcnow()
    session.add(reading)
    session.flush()
    return reading, created


def update_reading(*, session: Session, found: MeasureAccess, period: date, reading_in: ReadingUpdate) -> Reading:
    """Correct a reading's value, sample size, note or period."""
    check_may_write_readings(found)
    reading = get_reading(session=session, measure=found.measure, period=period)
    changes = reading_in.model_dump(exclude_unset=True)
    for field in ("period", "value"):
        if field in changes and changes[field] is None:
            raise Invalid(f"{field} cannot be empty.", field=field)
    if changes.get("note", "") is None:
        changes["note"] = ""
    new_period = changes.get("period")
    if new_period is not None and new_period != reading.period:
        check_period(new_period, today=today_in(found.access.council.timezone))
        clash = session.exec(
            select(Reading.id).where(Reading.measure_id == found.measure.id, Reading.period == new_period)
        ).first()
        if clash is not None:
            raise Conflict(f"There is already a reading for {new_period.isoformat()}; change or delete that one.")
    for field, value in changes.items():
        setattr(reading, field, value)
    reading.updated_at = utcnow()
    session.add(reading)
    session.flush()
    return reading


def delete_reading(*, session: Session, found: MeasureAccess, period: date) -> None:
    """Remove the reading for one period."""
    check_may_write_readings(found)
    session.delete(get_reading(session=session, measure=found.measure, period=period))
    session.flush()
