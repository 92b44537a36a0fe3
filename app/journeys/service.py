"""Journeys: the customer's steps, who serves each, and who may change them."""

from collections import defaultdict
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.archived import INCLUDE_ARCHIVED
from app.auth import Access, load_record_access
from app.councils.service import list_departments
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.journeys.matrix import JourneyMatrix, MatrixDepartment, MatrixStep, journey_matrix
from app.journeys.schemas import (
    JourneyCreate,
    JourneyPublic,
    JourneyUpdate,
    StepCreate,
    StepDepartmentIn,
    StepDepartmentPublic,
    StepPublic,
    StepUpdate,
)
from app.models import (
    Council,
    Department,
    Journey,
    JourneyStep,
    Measure,
    Membership,
    Role,
    StepDepartment,
    User,
    utcnow,
)

# Fields a PATCH may set to null; the others always hold a value.
NULLABLE_FIELDS = frozenset({"owner_id"})


@dataclass(frozen=True)
class JourneyAccess:
    journey: Journey
    access: Access

    @property
    def is_owner(self) -> bool:
        return self.journey.owner_id is not None and self.journey.owner_id == self.access.membership.id

    @property
    def may_edit(self) -> bool:
        """The chair and the journey's owner shape the journey and its steps."""
        return self.access.is_(Role.chair) or self.is_owner


def load_journey_access(*, session: Session, user: User, journey_id: int) -> JourneyAccess:
    """A journey in a council the user sits on; any other journey does not exist for them."""
    journey, access = load_record_access(
        session=session, user=user, model=Journey, record_id=journey_id, label="Journey"
    )
    return JourneyAccess(journey=journey, access=access)


def check_may_edit(*, found: JourneyAccess) -> None:
    """Refuse (403) anyone but the chair and the journey's owner."""
    if not found.may_edit:
        raise Forbidden("Only the council's chair or the journey's owner can change this journey.")


# Reading


def _owner_names(session: Session, owner_ids: set[int]) -> dict[int, str]:
    if not owner_ids:
        return {}
    rows = session.exec(
        select(Membership.id, User.name)
        .join(User, User.id == Membership.user_id)
        .where(col(Membership.id).in_(owner_ids))
    )
    return dict(rows.all())


def _load_steps(session: Session, journey_ids: list[int]) -> dict[int, list[tuple[JourneyStep, dict[int, str]]]]:
    """Each journey's steps in order, with {department id: responsibility} for each; two queries."""
    if not journey_ids:
        return {}
    steps = session.exec(
        select(JourneyStep)
        .where(col(JourneyStep.journey_id).in_(journey_ids))
        .order_by(col(JourneyStep.journey_id), col(JourneyStep.position), col(JourneyStep.id))
    ).all()
    roles: dict[int, dict[int, str]] = defaultdict(dict)
    if steps:
        links = session.exec(select(StepDepartment).where(col(StepDepartment.step_id).in_([s.id for s in steps]))).all()
        for link in links:
            roles[link.step_id][link.department_id] = link.responsibility
    result: dict[int, list[tuple[JourneyStep, dict[int, str]]]] = defaultdict(list)
    for step in steps:
        result[step.journey_id].append((step, roles[step.id]))
    return result


def _matrix(steps: list[tuple[JourneyStep, dict[int, str]]], departments: list[Department]) -> JourneyMatrix:
    return journey_matrix(
        [MatrixStep(s.id, s.position, s.name, s.channel, roles) for s, roles in steps],
        [MatrixDepartment(d.id, d.name, d.is_external) for d in departments],
    )


def _publics(session: Session, council: Council, journeys: list[Journey]) -> list[JourneyPublic]:
    departments = list_departments(session=session, council=council)
    steps = _load_steps(session, [j.id for j in journeys])
    owners = _owner_names(session, {j.owner_id for j in journeys if j.owner_id is not None})
    result = []
    for journey in journeys:
        matrix = _matrix(steps.get(journey.id, []), departments)
        result.append(
            JourneyPublic(
                **journey.model_dump(),
                owner_name=owners.get(journey.owner_id),
                step_count=len(matrix.rows),
                gap_count=len(matrix.gaps),
                overlap_count=len(matrix.overlaps),
                handoff_count=len(matrix.handoffs),
            )
        )
    return result


def list_journeys(*, session: Session, council: Council) -> list[JourneyPublic]:
    """The council's journeys by name, each with its owner and its count of gaps and overlaps."""
    journeys = list(
        session.exec(
            select(Journey).where(Journey.council_id == council.id).order_by(func.lower(Journey.name), col(Journey.id))
        )
    )
    return _publics(session, council, journeys)


def get_journey_public(*, session: Session, council: Council, journey: Journey) -> JourneyPublic:
    """One journey with its owner's name and its counts."""
    return _publics(session, council, [journey])[0]


def build_matrix(*, session: Session, council: Council, journey: Journey) -> JourneyMatrix:
    """The journey's steps × the council's departments, with gaps, overlaps and handoffs."""
    steps = _load_steps(session, [journey.id]).get(journey.id, [])
    return _matrix(steps, list_departments(session=session, council=council))


def list_steps(*, session: Session, journey: Journey) -> list[StepPublic]:
    """The journey's steps in order, each with the departments that serve it."""
    return _step_publics(session, [step for step, _ in _load_steps(session, [journey.id]).get(journey.id, [])])


def _step_publics(session: Session, steps: list[JourneyStep]) -> list[StepPublic]:
    if not steps:
        return []
    rows = session.exec(
        select(StepDepartment, Department.name)
        .join(Department, Department.id == StepDepartment.department_id)
        .where(col(StepDepartment.step_id).in_([s.id for s in steps]))
        .order_by(col(StepDepartment.responsibility).desc(), func.lower(Department.name))
    ).all()
    served: dict[int, list[StepDepartmentPublic]] = defaultdict(list)
    for link, name in rows:
        served[link.step_id].append(
            StepDepartmentPublic(
                department_id=link.department_id, department_name=name, responsibility=link.responsibility
            )
        )
    return [StepPublic(**step.model_dump(), departments=served[step.id]) for step in steps]


def get_step_public(*, session: Session, step: JourneyStep) -> StepPublic:
    return _step_publics(session, [step])[0]


def get_step(*, session: Session, journey: Journey, step_id: int) -> JourneyStep:
    """A step of this journey, or 404 (also for another journey's step)."""
    step = session.get(JourneyStep, step_id)
    if step is None or step.journey_id != journey.id:
        raise NotFound("Step not found.")
    return step


# Journeys


def _check_owner(session: Session, council: Council, owner_id: int | None) -> None:
    if owner_id is None:
        return
    seat = session.get(Membership, owner_id)
    if seat is None or seat.council_id != council.id:
        raise Invalid(f"Member {owner_id} is not a member of this council.", field="owner_id")


def _check_name(session: Session, council: Council, name: str, exclude_id: int | None = None) -> None:
    query = select(Journey.id).where(Journey.council_id == council.id, func.lower(Journey.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Journey.id != exclude_id)
    if session.exec(query).first() is not None:
        raise Conflict(f"This council already has a journey called {name!r}.")


def create_journey(*, session: Session, access: Access, journey_in: JourneyCreate) -> Journey:
    """Name a key journey and its owner (chair)."""
    access.require(Role.chair, doing="add journeys")
    _check_owner(session, access.council, journey_in.owner_id)
    _check_name(session, access.council, journey_in.name)
    journey = Journey.model_validate(journey_in, update={"council_id": access.council.id})
    session.add(journey)
    session.flush()
    return journey


def update_journey(*, session: Session, found: JourneyAccess, journey_in: JourneyUpdate) -> Journey:
    """Rename or describe a journey (chair or owner); name a new owner (chair)."""
    check_may_edit(found=found)
    journey, council = found.journey, found.access.council
    changes = journey_in.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None and field not in NULLABLE_FIELDS:
            raise Invalid(f"{field} cannot be empty.", field=field)
    if "owner_id" in changes and changes["owner_id"] != journey.owner_id:
        # Ownership carries authority over the journey, so the council's chair confers it.
        found.access.require(Role.chair, doing="name a journey's owner")
        _check_owner(session, council, changes["owner_id"])
    if "name" in changes:
        _check_name(session, council, changes["name"], exclude_id=journey.id)
    for field, value in changes.items():
        setattr(journey, field, value)
    journey.updated_at = utcnow()
    session.add(journey)
    session.flush()
    return journey


def delete_journey(*, session: Session, found: JourneyAccess) -> None:
    """Remove a journey and its steps (chair); refused while measures still track it."""
    found.access.require(Role.chair, doing="delete journeys")
    journey = found.journey
    # Archived measures count too: the cascade would take them and their readings.
    tracking = select(func.count()).select_from(Measure).where(Measure.journey_id == journey.id)
    measures = session.exec(tracking.execution_options(**INCLUDE_ARCHIVED)).one()
    if measures:
        # Deleting would silently take the measures and their readings with it.
        raise Conflict(
            f"{journey.name} still has {measures} measure(s); delete them or move them off the journey first."
        )
    session.delete(journey)
    session.flush()


# Steps


def _lock_steps(session: Session, journey: Journey) -> list[JourneyStep]:
    """The journey's steps in order, with the journey locked so positions change one writer at a time."""
    # PostgreSQL: the row lock queues concurrent step writes; SQLite writers already queue.
    session.refresh(journey, with_for_update=True)
    return list(
        session.exec(
            select(JourneyStep)
            .where(JourneyStep.journey_id == journey.id)
            .order_by(col(JourneyStep.position), col(JourneyStep.id))
        )
    )


def _renumber(steps: list[JourneyStep]) -> None:
    """Positions 1..n in list order, so they never have holes or ties."""
    for index, step in enumerate(steps, start=1):
        step.position = index


def _check_departments(session: Session, council: Council, items: list[StepDepartmentIn]) -> None:
    ids = {item.department_id for item in items}
    if not ids:
        return
    ours = set(
        session.exec(
            select(Department.id).where(col(Department.id).in_(ids), Department.council_id == council.id)
        ).all()
    )
    missing = sorted(ids - ours)
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise Invalid(f"Department(s) {listed} are not departments of this council.", field="departments")


def _set_departments(session: Session, step: JourneyStep, items: list[StepDepartmentIn]) -> None:
    """Make the step's departments exactly `items`, changing only what differs."""
    wanted = {item.department_id: item.responsibility.value for item in items}
    current = session.exec(select(StepDepartment).where(StepDepartment.step_id == step.id)).all()
    for link in current:
        if link.department_id not in wanted:
            session.delete(link)
        elif link.responsibility != wanted[link.department_id]:
            link.responsibility = wanted[link.department_id]
            session.add(link)
    have = {link.department_id for link in current}
    for department_id, responsibility in wanted.items():
        if department_id not in have:
            session.add(StepDepartment(step_id=step.id, department_id=department_id, responsibility=responsibility))


def _touch(session: Session, journey: Journey) -> None:
    journey.updated_at = utcnow()
    session.add(journey)


def create_step(*, session: Session, found: JourneyAccess, step_in: StepCreate) -> JourneyStep:
    """Add a step at a position (default: the end); later steps move down one."""
    check_may_edit(found=found)
    journey = found.journey
    _check_departments(session, found.access.council, step_in.departments)
    steps = _lock_steps(session, journey)
    position = step_in.position or len(steps) + 1
    if position > len(steps) + 1:
        raise Invalid(f"position must be between 1 and {len(steps) + 1} (the end).", field="position")
    step = JourneyStep.model_validate(
        step_in.model_dump(exclude={"departments"}), update={"journey_id": journey.id, "position": position}
    )
    steps.insert(position - 1, step)
    _renumber(steps)
    session.add_all(steps)
    session.flush()
    _set_departments(session, step, step_in.departments)
    _touch(session, journey)
    session.flush()
    return step


def update_step(*, session: Session, found: JourneyAccess, step: JourneyStep, step_in: StepUpdate) -> JourneyStep:
    """Change a step; a new position moves it there and closes up the others; departments are replaced."""
    check_may_edit(found=found)
    changes = step_in.model_dump(exclude_unset=True, exclude={"departments"})
    for field, value in changes.items():
        if value is None:
            raise Invalid(f"{field} cannot be empty.", field=field)
    if step_in.departments is not None:
        _check_departments(session, found.access.council, step_in.departments)
    if "position" in changes:
        steps = _lock_steps(session, found.journey)
        if changes["position"] > len(steps):
            raise Invalid(f"position must be between 1 and {len(steps)}.", field="position")
        steps = [s for s in steps if s.id != step.id]
        steps.insert(changes.pop("position") - 1, step)
        _renumber(steps)
        session.add_all(steps)
    for field, value in changes.items():
        setattr(step, field, value)
    session.add(step)
    if step_in.departments is not None:
        _set_departments(session, step, step_in.departments)
    _touch(session, found.journey)
    session.flush()
    return step


def delete_step(*, session: Session, found: JourneyAccess, step: JourneyStep) -> None:
    """Remove a step; the steps after it move up one."""
    check_may_edit(found=found)
    steps = [s for s in _lock_steps(session, found.journey) if s.id != step.id]
    session.delete(step)
    session.flush()
    _renumber(steps)
    session.add_all(steps)
    _touch(session, found.journey)
    session.flush()
