"""Initiatives: proposing, moving through their statuses, editing, linking, ranking."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.auth import Access, load_record_access
from app.display import CRITERIA_LABELS as LABELS
from app.errors import Conflict, Forbidden, Invalid
from app.initiatives import links
from app.initiatives.economics import initiative_economics
from app.initiatives.priorities import Candidate, Criteria, rank_initiatives
from app.initiatives.schemas import (
    DepartmentRef,
    InitiativeCreate,
    InitiativePublic,
    InitiativeUpdate,
    LinkedMeasure,
    PriorityList,
    PriorityPart,
    PriorityPublic,
)
from app.models import (
    Council,
    Department,
    Initiative,
    InitiativeDepartment,
    InitiativeMeasure,
    InitiativeStatus,
    Journey,
    Measure,
    Membership,
    Role,
    User,
    utcnow,
)
from app.scoring import PRIORITY_DEFAULTS, effective_weights

S = InitiativeStatus
# Where the chair may move an initiative from each status. Done and rejected are final:
# a rejected idea that comes back is a new proposal, with its own date and case.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.proposed: frozenset({S.approved, S.rejected, S.on_hold}),
    S.approved: frozenset({S.in_progress, S.on_hold, S.rejected}),
    S.in_progress: frozenset({S.done, S.on_hold}),
    S.on_hold: frozenset({S.approved, S.in_progress, S.rejected}),
    S.done: frozenset(),
    S.rejected: frozenset(),
}
STATUS_ORDER = [S.proposed, S.approved, S.in_progress, S.on_hold, S.done, S.rejected]
# How a list reads at a review: the work under way first, then what waits, then what is closed.
LIST_ORDER = [S.in_progress, S.approved, S.on_hold, S.proposed, S.done, S.rejected]
# Fields that may be cleared with null; the rest always hold a value.
NULLABLE_FIELDS = frozenset(
    {"owner_id", "journey_id", "start_on", "target_on", "rag"}
    | {"customer_impact", "effort", "strategic_fit", "confidence"}
)


def next_statuses(status: str) -> list[str]:
    """Where an initiative may go from `status`, in the life-cycle's order."""
    return [s.value for s in STATUS_ORDER if s in TRANSITIONS.get(status, ())]


@dataclass(frozen=True)
class InitiativeAccess:
    initiative: Initiative
    access: Access

    @property
    def is_owner(self) -> bool:
        return self.initiative.owner_id == self.access.membership.id

    @property
    def is_proposer(self) -> bool:
        return self.initiative.proposed_by_id == self.access.membership.id


def load_initiative_access(*, session: Session, user: User, initiative_id: int) -> InitiativeAccess:
    """The initiative and the caller's seat on its council; 404 for anyone not on that council."""
    initiative, access = load_record_access(
        session=session, user=user, model=Initiative, record_id=initiative_id, label="Initiative"
    )
    return InitiativeAccess(initiative=initiative, access=access)


# Reading


def list_initiatives(*, session: Session, council: Council, status: str | None = None) -> list[InitiativePublic]:
    """The council's initiatives: under way, approved, on hold, proposed, done, rejected; newest first in each."""
    query = select(Initiative).where(Initiative.council_id == council.id)
    if status is not None:
        query = query.where(Initiative.status == status)
    rows = list(session.exec(query.order_by(col(Initiative.created_at).desc(), col(Initiative.id).desc())))
    rows.sort(key=lambda i: LIST_ORDER.index(i.status))
    return _publics(session, council, rows)


def get_initiative_public(*, session: Session, council: Council, initiative: Initiative) -> InitiativePublic:
    """One initiative with names, economics and its linked measures' movement."""
    return _publics(session, council, [initiative])[0]


def _seat_names(session: Session, council: Council) -> dict[int, str]:
    rows = session.exec(
        select(Membership.id, User.name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.council_id == council.id)
    )
    return dict(rows.all())


def _publics(session: Session, council: Council, initiatives: list[Initiative]) -> list[InitiativePublic]:
    """Public shapes for many initiatives in a fixed number of queries."""
    ids = [i.id for i in initiatives]
    if not ids:
        return []
    names = _seat_names(session, council)
    departments: dict[int, list[DepartmentRef]] = {i: [] for i in ids}
    for link, department in session.exec(
        select(InitiativeDepartment, Department)
        .join(Department, Department.id == InitiativeDepartment.department_id)
        .where(col(InitiativeDepartment.initiative_id).in_(ids))
        .order_by(col(Department.name))
    ):
        departments[link.initiative_id].append(DepartmentRef(id=department.id, name=department.name))
    measure_links = list(
        session.exec(
            select(InitiativeMeasure, Measure)
            .join(Measure, Measure.id == InitiativeMeasure.measure_id)
            .where(col(InitiativeMeasure.initiative_id).in_(ids))
            .order_by(col(Measure.name))
        )
    )
    current = links.latest_readings(session=session, measure_ids=sorted({m.id for _, m in measure_links}))
    measures: dict[int, list[LinkedMeasure]] = {i: [] for i in ids}
    for link, measure in measure_links:
        measures[link.initiative_id].append(
            links.linked_measure(link=link, measure=measure, current=current.get(measure.id))
        )
    result = []
    for initiative in initiatives:
        economics = initiative_economics(
            failure_volume_per_year=initiative.failure_volume_per_year,
            unit_cost=initiative.unit_cost,
            implementation_cost=initiative.implementation_cost,
        )
        result.append(
            InitiativePublic(
                **initiative.model_dump(),
                next_statuses=next_statuses(initiative.status),
                proposed_by_name=names.get(initiative.proposed_by_id),
                owner_name=names.get(initiative.owner_id),
                yearly_saving=economics.yearly_saving,
                net_first_year_saving=economics.net_first_year,
                payback_months=economics.payback_months,
                departments=departments[initiative.id],
                measures=measures[initiative.id],
            )
        )
    return result


# Writing


def _check_owner(session: Session, council: Council, owner_id: int | None) -> None:
    if owner_id is None:
        return
    seat = session.get(Membership, owner_id)
    if seat is None or seat.council_id != council.id:
        raise Invalid(f"Member {owner_id} is not a member of this council.", field="owner_id")
    if seat.role == Role.observer:
        raise Invalid("An observer cannot own an initiative; choose a member with a voice.", field="owner_id")


def _check_journey(session: Session, council: Council, journey_id: int | None) -> None:
    if journey_id is None:
        return
    journey = session.get(Journey, journey_id)
    if journey is None or journey.council_id != council.id:
        raise Invalid(f"Journey {journey_id} is not a journey of this council.", field="journey_id")


def _check_dates(start_on: date | None, target_on: date | None) -> None:
    if start_on is not None and target_on is not None and target_on < start_on:
        raise Invalid(
            f"The target date {target_on.isoformat()} is before the start date {start_on.isoformat()}.",
            field="target_on",
        )


def create_initiative(*, session: Session, access: Access, initiative_in: InitiativeCreate) -> Initiative:
    """Propose an initiative (anyone on the council but an observer); it starts as proposed."""
    if access.is_(Role.observer):
        raise Forbidden("Observers cannot propose initiatives; ask a member of the council.")
    council = access.council
    _check_owner(session, council, initiative_in.owner_id)
    _check_journey(session, council, initiative_in.journey_id)
    _check_dates(initiative_in.start_on, initiative_in.target_on)
    initiative = Initiative.model_validate(
        initiative_in.model_dump(exclude={"department_ids", "measures"}),
        update={"council_id": council.id, "status": S.proposed, "proposed_by_id": access.membership.id},
    )
    session.add(initiative)
    session.flush()
    links.set_departments(
        session=session, council=council, initiative=initiative, department_ids=initiative_in.department_ids
    )
    links.set_measures(session=session, council=council, initiative=initiative, links_in=initiative_in.measures)
    session.flush()
    return initiative


def _check_may_edit(found: InitiativeAccess, fields: set[str]) -> None:
    access, initiative = found.access, found.initiative
    if "status" in fields:
        access.require(Role.chair, doing="move an initiative to another status")
    rest = fields - {"status"}
    if not rest or access.is_(Role.chair):
        return
    if access.is_(Role.observer):
        raise Forbidden("Observers can read initiatives; ask the owner or the chair to change them.")
    if "owner_id" in rest:
        raise Forbidden("Only the chair can choose an initiative's owner.")
    if found.is_owner or (found.is_proposer and initiative.status == S.proposed):
        return
    raise Forbidden("Only the initiative's owner or the chair can edit it (and its proposer while it is proposed).")


def check_may_edit(*, found: InitiativeAccess) -> bool:
    """Whether the caller may edit anything but the status."""
    try:
        _check_may_edit(found, {"title"})
    except Forbidden:
        return False
    return True


def update_initiative(*, session: Session, found: InitiativeAccess, initiative_in: InitiativeUpdate) -> Initiative:
    """Apply an edit: the chair moves status, the owner and chair edit the rest."""
    initiative, council = found.initiative, found.access.council
    requested = initiative_in.model_dump(exclude_unset=True)
    requested.pop("measures", None)
    if initiative_in.measures is not None:
        requested["measures"] = initiative_in.measures
    _check_may_edit(found, set(requested))
    for field, value in requested.items():
        if value is None and field not in NULLABLE_FIELDS:
            raise Invalid(f"{field} cannot be empty.", field=field)
    status = requested.get("status")
    if status is not None and status != initiative.status and status not in TRANSITIONS[initiative.status]:
        allowed = ", ".join(next_statuses(initiative.status)) or "nowhere: it is final"
        raise Conflict(
            f"An initiative cannot move from {initiative.status} to {status}; from {initiative.status} it can go to "
            f"{allowed}."
        )
    if "owner_id" in requested:
        _check_owner(session, council, requested["owner_id"])
    if "journey_id" in requested:
        _check_journey(session, council, requested["journey_id"])
    _check_dates(requested.get("start_on", initiative.start_on), requested.get("target_on", initiative.target_on))
    if status == S.done and initiative.status != S.done:
        requested.setdefault("percent_complete", 100)
    department_ids = requested.pop("department_ids", None)
    measures_in = requested.pop("measures", None)
    changes = {field: value for field, value in requested.items() if getattr(initiative, field) != value}
    for field, value in changes.items():
        setattr(initiative, field, value)
    relinked = False
    if department_ids is not None:
        relinked |= links.set_departments(
            session=session, council=council, initiative=initiative, department_ids=department_ids
        )
    if measures_in is not None:
        relinked |= links.set_measures(session=session, council=council, initiative=initiative, links_in=measures_in)
    if changes or relinked:
        # Also bumps the version when only the links moved.
        initiative.updated_at = utcnow()
        session.add(initiative)
    session.flush()
    return initiative


def delete_initiative(*, session: Session, found: InitiativeAccess) -> None:
    """Remove an initiative (chair), or withdraw one's own proposal while it is still proposed."""
    withdrawing = found.is_proposer and found.initiative.status == S.proposed
    if not (found.access.is_(Role.chair) or withdrawing):
        raise Forbidden("Only the chair can delete an initiative (its proposer can withdraw it while proposed).")
    session.delete(found.initiative)
    session.flush()


# Prioritisation


def list_priorities(*, session: Session, council: Council) -> PriorityList:
    """The proposed initiatives ranked by the council's weighted criteria, highest score first."""
    weights = effective_weights(council.priority_weights, PRIORITY_DEFAULTS)
    proposals = {p.id: p for p in list_initiatives(session=session, council=council, status=S.proposed)}
    candidates = [
        Candidate(
            id=p.id,
            created_at=p.created_at,
            criteria=Criteria(
                customer_impact=p.customer_impact,
                yearly_saving=p.yearly_saving,
                effort=p.effort,
                strategic_fit=p.strategic_fit,
                confidence=p.confidence,
            ),
        )
        for p in proposals.values()
    ]
    ranked = []
    for r in rank_initiatives(candidates, weights):
        p = proposals[r.candidate.id]
        ranked.append(
            PriorityPublic(
                rank=r.rank,
                initiative_id=p.id,
                title=p.title,
                status=p.status,
                owner_name=p.owner_name,
                proposed_by_name=p.proposed_by_name,
                score=round(r.score.total, 2),
                yearly_saving=p.yearly_saving,
                payback_months=p.payback_months,
                breakdown=[
                    PriorityPart(
                        criterion=part.criterion,
                        label=LABELS[part.criterion],
                        raw=part.raw,
                        normalised=round(part.normalised, 3),
                        weight=part.weight,
                        points=round(part.points, 2),
                        note=part.note,
                    )
                    for part in r.score.breakdown
                ],
            )
        )
    return PriorityList(data=ranked, count=len(ranked), weights=weights)
