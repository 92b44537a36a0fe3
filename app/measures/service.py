"""Customer measures: who may change what, and creating, editing and deleting them.

Their figures (listing with latest reading, change and trend) are in `app.measures.figures`,
their readings in `app.measures.readings`.
"""

from dataclasses import dataclass

from sqlmodel import Session, func, select

from app.archive import archive_record, restore_record
from app.archived import INCLUDE_ARCHIVED
from app.auth import Access, load_record_access
from app.councils.service import check_department
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.measures.schemas import MeasureCreate, MeasureUpdate
from app.models import (
    Council,
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


# Creating and changing measures


def _check_name(session: Session, council: Council, name: str, exclude_id: int | None = None) -> None:
    same_name = func.lower(Measure.name) == name.lower()
    query = select(Measure.id, Measure.archived_at).where(Measure.council_id == council.id, same_name)
    if exclude_id is not None:
        query = query.where(Measure.id != exclude_id)
    # Archived measures keep their names (the name is unique in the table): say so.
    found = session.exec(query.execution_options(**INCLUDE_ARCHIVED)).first()
    if found is not None:
        archived = " (archived: the chair can restore it)" if found[1] is not None else ""
        raise Conflict(f"This council already has a measure called {name!r}{archived}.")


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
    """Delete a measure (chair): one with readings is archived with them (app/archive.py); one with none is removed."""
    access.require(Role.chair, doing="delete measures")
    readings = session.exec(select(func.count()).select_from(Reading).where(Reading.measure_id == measure.id)).one()
    if not readings:
        session.delete(measure)
        session.flush()
        return
    archive_record(
        session=session, record=measure, user=access.user, detail={"name": measure.name, "readings": readings}
    )


def restore_measure(*, session: Session, user: User, measure: Measure) -> Measure:
    """Bring an archived measure back, readings and all (chair or site admin)."""
    return restore_record(session=session, record=measure, user=user, detail={"name": measure.name})
