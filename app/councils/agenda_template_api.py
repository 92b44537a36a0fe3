"""JSON routes: a council's agenda template (running order, minutes per item) and its standing items."""

from fastapi import APIRouter, Response

from app.auth import CouncilAccess
from app.common import IdPath, IfMatch, ListOf, check_if_match, etag, list_of
from app.councils import agenda_template as service
from app.councils.agenda_template_schemas import (
    AgendaTemplateIn,
    AgendaTemplatePublic,
    StandingItemCreate,
    StandingItemPublic,
    StandingItemUpdate,
)
from app.db import SessionDep
from app.models import Role
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["councils"], route_class=CreateRoute)
STALE = {412: {"description": "Stale If-Match: someone changed it since your copy was read"}}


@router.get("/councils/{council_id}/agenda-template", response_model=AgendaTemplatePublic)
def get_agenda_template(session: SessionDep, access: CouncilAccess, response: Response) -> AgendaTemplatePublic:
    """The running order every new agenda follows: the nine standard sections and the council's standing
    items, with each one's minutes (relative, scaled to the meeting's length; 0: not taken). Its ETag is the
    council's version."""
    response.headers["ETag"] = etag(access.council.version)
    return service.get_template(session=session, council=access.council)


@router.put("/councils/{council_id}/agenda-template", response_model=AgendaTemplatePublic, responses=STALE)
def put_agenda_template(
    session: SessionDep, access: CouncilAccess, template_in: AgendaTemplateIn, response: Response, if_match: IfMatch
) -> AgendaTemplatePublic:
    """Set the running order and minutes (chair). Published agendas keep the order they were published with."""
    access.require(Role.chair, doing=service.DOING)
    check_if_match(if_match, access.council.version)
    found = service.save_template(session=session, access=access, template_in=template_in)
    response.headers["ETag"] = etag(access.council.version)
    return found


@router.get("/councils/{council_id}/standing-items", response_model=ListOf[StandingItemPublic])
def list_standing_items(session: SessionDep, access: CouncilAccess) -> dict:
    """The council's standing items (any seat)."""
    items = service.standing_items(session, access.council)
    return list_of([service.item_public(session, item) for item in items])


@router.post("/councils/{council_id}/standing-items", response_model=StandingItemPublic, status_code=201)
def create_standing_item(
    session: SessionDep, access: CouncilAccess, item_in: StandingItemCreate, response: Response
) -> StandingItemPublic:
    """Add a standing item of the council's own to every agenda from now on (chair); it starts just
    before AOB in the running order."""
    item = service.create_item(session=session, access=access, item_in=item_in)
    response.headers["ETag"] = etag(item.version)
    return service.item_public(session, item)


@router.get("/councils/{council_id}/standing-items/{standing_item_id}", response_model=StandingItemPublic)
def get_standing_item(
    session: SessionDep, access: CouncilAccess, standing_item_id: IdPath, response: Response
) -> StandingItemPublic:
    """One standing item; its ETag is what a change sends back as If-Match."""
    item = service.get_item(session=session, council=access.council, item_id=standing_item_id)
    response.headers["ETag"] = etag(item.version)
    return service.item_public(session, item)


@router.patch(
    "/councils/{council_id}/standing-items/{standing_item_id}", response_model=StandingItemPublic, responses=STALE
)
def update_standing_item(
    session: SessionDep,
    access: CouncilAccess,
    standing_item_id: IdPath,
    item_in: StandingItemUpdate,
    response: Response,
    if_match: IfMatch,
) -> StandingItemPublic:
    """Change a standing item's title, details, owner or minutes (chair)."""
    access.require(Role.chair, doing=service.DOING)
    item = service.get_item(session=session, council=access.council, item_id=standing_item_id)
    check_if_match(if_match, item.version)
    item = service.update_item(session=session, access=access, item=item, item_in=item_in)
    response.headers["ETag"] = etag(item.version)
    return service.item_public(session, item)


@router.delete("/councils/{council_id}/standing-items/{standing_item_id}", status_code=204, responses=STALE)
def delete_standing_item(session: SessionDep, access: CouncilAccess, standing_item_id: IdPath, if_match: IfMatch):
    """Take a standing item off future agendas (chair); archived rather than deleted when minutes recorded
    notes or decisions under it."""
    access.require(Role.chair, doing=service.DOING)
    item = service.get_item(session=session, council=access.council, item_id=standing_item_id)
    check_if_match(if_match, item.version)
    service.remove_item(session=session, access=access, item=item)
