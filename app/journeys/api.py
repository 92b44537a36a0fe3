"""JSON routes: journeys, their steps and the steps × departments matrix."""

from fastapi import APIRouter

from app.auth import CouncilAccess
from app.common import IdPath, ListOf, list_of
from app.db import SessionDep
from app.journeys import service
from app.journeys.deps import JourneyDep
from app.journeys.matrix import JourneyMatrix
from app.journeys.schemas import JourneyCreate, JourneyPublic, JourneyUpdate, StepCreate, StepPublic, StepUpdate
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["journeys"], route_class=CreateRoute)


@router.get("/councils/{council_id}/journeys", response_model=ListOf[JourneyPublic])
def list_journeys(session: SessionDep, access: CouncilAccess) -> dict:
    """The council's key journeys, by name, with their owner and counts of gaps and overlaps."""
    return list_of(service.list_journeys(session=session, council=access.council))


@router.post("/councils/{council_id}/journeys", response_model=JourneyPublic, status_code=201)
def create_journey(session: SessionDep, access: CouncilAccess, journey_in: JourneyCreate) -> JourneyPublic:
    """Name a key journey and its owner, a member of this council (chair)."""
    journey = service.create_journey(session=session, access=access, journey_in=journey_in)
    return service.get_journey_public(session=session, council=access.council, journey=journey)


@router.get("/journeys/{journey_id}", response_model=JourneyPublic)
def get_journey(session: SessionDep, found: JourneyDep) -> JourneyPublic:
    """One journey."""
    return service.get_journey_public(session=session, council=found.access.council, journey=found.journey)


@router.patch("/journeys/{journey_id}", response_model=JourneyPublic)
def update_journey(session: SessionDep, found: JourneyDep, journey_in: JourneyUpdate) -> JourneyPublic:
    """Rename or describe a journey (chair or the journey's owner); name a new owner (chair)."""
    journey = service.update_journey(session=session, found=found, journey_in=journey_in)
    return service.get_journey_public(session=session, council=found.access.council, journey=journey)


@router.delete("/journeys/{journey_id}", status_code=204)
def delete_journey(session: SessionDep, found: JourneyDep) -> None:
    """Delete a journey and its steps (chair); refused while measures track it."""
    service.delete_journey(session=session, found=found)


@router.get("/journeys/{journey_id}/steps", response_model=ListOf[StepPublic])
def list_steps(session: SessionDep, found: JourneyDep) -> dict:
    """The journey's steps in the customer's order, each with the departments that serve it."""
    return list_of(service.list_steps(session=session, journey=found.journey))


@router.post("/journeys/{journey_id}/steps", response_model=StepPublic, status_code=201)
def create_step(session: SessionDep, found: JourneyDep, step_in: StepCreate) -> StepPublic:
    """Add a step (chair or owner): at `position` the later steps move down one; without it, at the end."""
    step = service.create_step(session=session, found=found, step_in=step_in)
    return service.get_step_public(session=session, step=step)


@router.patch("/journeys/{journey_id}/steps/{step_id}", response_model=StepPublic)
def update_step(session: SessionDep, found: JourneyDep, step_id: IdPath, step_in: StepUpdate) -> StepPublic:
    """Change a step (chair or owner): a new position moves it and closes up the others; departments, when sent,
    replace the step's list."""
    step = service.get_step(session=session, journey=found.journey, step_id=step_id)
    step = service.update_step(session=session, found=found, step=step, step_in=step_in)
    return service.get_step_public(session=session, step=step)


@router.delete("/journeys/{journey_id}/steps/{step_id}", status_code=204)
def delete_step(session: SessionDep, found: JourneyDep, step_id: IdPath) -> None:
    """Remove a step (chair or owner); the later steps move up one."""
    step = service.get_step(session=session, journey=found.journey, step_id=step_id)
    service.delete_step(session=session, found=found, step=step)


@router.get("/journeys/{journey_id}/matrix", response_model=JourneyMatrix)
def get_journey_matrix(session: SessionDep, found: JourneyDep) -> JourneyMatrix:
    """Steps × departments: each cell "owns", "contributes" or null; with the gaps (steps nobody owns), overlaps
    (steps owned by more than one department) and handoffs (where the owning department changes)."""
    return service.build_matrix(session=session, council=found.access.council, journey=found.journey)
