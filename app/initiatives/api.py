"""JSON routes: initiatives and their prioritisation."""

from fastapi import APIRouter, Response

from app.auth import CouncilAccess
from app.common import IfMatch, ListOf, check_if_match, etag, list_of
from app.db import SessionDep
from app.initiatives import service
from app.initiatives.deps import InitiativeDep
from app.initiatives.schemas import InitiativeCreate, InitiativePublic, InitiativeUpdate, PriorityList
from app.models import InitiativeStatus
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["initiatives"], route_class=CreateRoute)


def _public(session, found: service.InitiativeAccess, response: Response) -> InitiativePublic:
    response.headers["ETag"] = etag(found.initiative.version)
    return service.get_initiative_public(session=session, council=found.access.council, initiative=found.initiative)


@router.get("/councils/{council_id}/initiatives", response_model=ListOf[InitiativePublic])
def list_initiatives(session: SessionDep, access: CouncilAccess, status: InitiativeStatus | None = None) -> dict:
    """The council's initiatives by stage of their life cycle, with economics and linked measures."""
    return list_of(service.list_initiatives(session=session, council=access.council, status=status))


@router.post("/councils/{council_id}/initiatives", response_model=InitiativePublic, status_code=201)
def create_initiative(session: SessionDep, access: CouncilAccess, initiative_in: InitiativeCreate, response: Response):
    """Propose an initiative (anyone on the council but an observer); it starts as proposed."""
    initiative = service.create_initiative(session=session, access=access, initiative_in=initiative_in)
    return _public(session, service.InitiativeAccess(initiative=initiative, access=access), response)


@router.get("/initiatives/{initiative_id}", response_model=InitiativePublic)
def get_initiative(session: SessionDep, found: InitiativeDep, response: Response):
    """One initiative; its ETag guards later updates."""
    return _public(session, found, response)


@router.patch(
    "/initiatives/{initiative_id}",
    response_model=InitiativePublic,
    responses={
        409: {"description": "A status move the life cycle does not allow"},
        412: {"description": "Stale If-Match: someone changed the initiative since you loaded it"},
    },
)
def update_initiative(
    session: SessionDep,
    found: InitiativeDep,
    initiative_in: InitiativeUpdate,
    response: Response,
    if_match: IfMatch,
):
    """Edit an initiative: the chair moves its status; the owner and the chair edit the rest (the proposer too while it
    is proposed). `department_ids` and `measures` replace the links they name."""
    check_if_match(if_match, found.initiative.version)
    service.update_initiative(session=session, found=found, initiative_in=initiative_in)
    return _public(session, found, response)


@router.delete("/initiatives/{initiative_id}", status_code=204)
def delete_initiative(session: SessionDep, found: InitiativeDep) -> None:
    """Delete an initiative (chair); its proposer may withdraw it while it is still proposed."""
    service.delete_initiative(session=session, found=found)


@router.get("/councils/{council_id}/priorities", response_model=PriorityList)
def list_priorities(session: SessionDep, access: CouncilAccess) -> PriorityList:
    """The proposed initiatives ranked by the council's weighted criteria, each with its breakdown."""
    return service.list_priorities(session=session, council=access.council)
