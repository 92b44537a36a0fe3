"""JSON routes: the action log."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.actions import service
from app.actions.schemas import ActionCreate, ActionHistoryEntry, ActionPublic, ActionUpdate
from app.auth import ActionDep, CouncilAccess
from app.common import MAX_ID, ListOf, check_if_match, etag, list_of
from app.councils.api import IfMatch
from app.db import SessionDep
from app.models import ActionStatus

router = APIRouter(prefix="/api", tags=["actions"])
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


@router.get("/councils/{council_id}/actions", response_model=ListOf[ActionPublic])
def list_actions(
    session: SessionDep,
    access: CouncilAccess,
    status: ActionStatus | None = None,
    owner_id: IdQuery = None,
    department_id: IdQuery = None,
    overdue: bool | None = None,
    raised_at_meeting_id: IdQuery = None,
) -> dict:
    """The council's action log, soonest due first."""
    filters = service.ActionFilters(
        status=status,
        owner_id=owner_id,
        department_id=department_id,
        overdue=overdue,
        raised_at_meeting_id=raised_at_meeting_id,
    )
    return list_of(service.list_actions(session=session, access=access, filters=filters))


@router.post("/councils/{council_id}/actions", response_model=ActionPublic, status_code=201)
def create_action(session: SessionDep, access: CouncilAccess, action_in: ActionCreate, response: Response):
    """Put an action on the log (chair or secretary)."""
    action = service.create_action(session=session, access=access, action_in=action_in)
    response.headers["ETag"] = etag(action.version)
    return service.get_action_public(session=session, action=action, council=access.council)


@router.get("/actions/{action_id}", response_model=ActionPublic)
def get_action(session: SessionDep, found: ActionDep, response: Response):
    """One action; its ETag guards later updates."""
    response.headers["ETag"] = etag(found.action.version)
    return service.get_action_public(session=session, action=found.action, council=found.access.council)


@router.patch("/actions/{action_id}", response_model=ActionPublic, responses={412: {"description": "Stale If-Match"}})
def update_action(
    session: SessionDep, found: ActionDep, action_in: ActionUpdate, response: Response, if_match: IfMatch = None
):
    """Update an action: its owner changes status, due date (with a note) and notes; chair and secretary anything."""
    check_if_match(if_match, found.action.version)
    action = service.update_action(session=session, access=found.access, action=found.action, action_in=action_in)
    response.headers["ETag"] = etag(action.version)
    return service.get_action_public(session=session, action=action, council=found.access.council)


@router.delete("/actions/{action_id}", status_code=204)
def delete_action(session: SessionDep, found: ActionDep) -> None:
    """Delete an action raised in error (chair)."""
    service.delete_action(session=session, access=found.access, action=found.action)


@router.get("/actions/{action_id}/history", response_model=ListOf[ActionHistoryEntry])
def list_action_history(session: SessionDep, found: ActionDep) -> dict:
    """Every change to the action: who, when, what moved, and the note, oldest first."""
    return list_of(service.list_history(session=session, action=found.action))
