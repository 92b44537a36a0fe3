"""JSON routes: the action log."""

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.concurrency import run_in_threadpool

from app.actions import due_requests, service
from app.actions.deps import ActionDep, ActionShownDep, ActionWriteDep, write_update
from app.actions.export import actions_csv
from app.actions.schemas import (
    ActionCreate,
    ActionHistoryEntry,
    ActionPublic,
    ActionUpdate,
    CommentCreate,
    CommentPublic,
    DueDecision,
    DueRequestPublic,
)
from app.archive import load_for_restore
from app.auth import CouncilAccess, CurrentUser
from app.common import IdPath, IdQuery, IfMatch, ListOf, etag, list_of, today_in
from app.db import SessionDep
from app.models import Action, ActionStatus
from app.web.downloads import content_disposition
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["actions"], route_class=CreateRoute)


def action_filters(
    status: ActionStatus | None = None,
    owner_id: IdQuery = None,
    department_id: IdQuery = None,
    overdue: bool | None = None,
    raised_at_meeting_id: IdQuery = None,
) -> service.ActionFilters:
    return service.ActionFilters(
        status=status,
        owner_id=owner_id,
        department_id=department_id,
        overdue=overdue,
        raised_at_meeting_id=raised_at_meeting_id,
    )


Filters = Annotated[service.ActionFilters, Depends(action_filters)]


@router.get("/me/actions", response_model=ListOf[ActionPublic])
def list_my_actions(
    session: SessionDep, user: CurrentUser, status: ActionStatus | None = None, overdue: bool | None = None
) -> dict:
    """Every action I own, across all my councils, soonest due first."""
    return list_of(service.list_my_actions(session=session, user=user, status=status, overdue=overdue))


@router.get("/councils/{council_id}/actions", response_model=ListOf[ActionPublic])
def list_actions(session: SessionDep, access: CouncilAccess, filters: Filters) -> dict:
    """The council's action log: open actions first (overdue, then soonest due), then done and cancelled ones
    (latest closed first)."""
    return list_of(service.list_actions(session=session, access=access, filters=filters))


@router.get(
    "/councils/{council_id}/actions.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The action log as CSV"}},
)
def export_actions_csv(session: SessionDep, access: CouncilAccess, filters: Filters) -> Response:
    """The council's action log as a CSV file (the same filters as the list)."""
    actions = service.list_actions(session=session, access=access, filters=filters)
    today = today_in(access.council.timezone)  # the council's date, not the server's
    return Response(
        actions_csv(actions),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(access.council.name, f"-actions-{today.isoformat()}.csv")},
    )


@router.post("/councils/{council_id}/actions", response_model=ActionPublic, status_code=201)
def create_action(session: SessionDep, access: CouncilAccess, action_in: ActionCreate, response: Response):
    """Put an action on the log: chair and secretary; members for their own department when the council allows it
    (`members_raise_actions`)."""
    action = service.create_action(session=session, access=access, action_in=action_in)
    response.headers["ETag"] = etag(action.version)
    return service.get_action_public(session=session, action=action)


@router.get("/actions/{action_id}", response_model=ActionPublic)
def get_action(session: SessionDep, found: ActionShownDep, response: Response):
    """One action; its ETag guards later updates."""
    response.headers["ETag"] = etag(found.action.version)
    return service.shown_public(session=session, found=found)


@router.patch(
    "/actions/{action_id}",
    response_model=ActionPublic,
    responses={412: {"description": "Stale If-Match: someone changed the action since you loaded it"}},
)
async def update_action(write: ActionWriteDep, action_in: ActionUpdate, response: Response, if_match: IfMatch):
    """Update an action: its owner changes status, due date (with a note), progress and notes; chair and secretary
    anything. Where the council has the chair approve due-date moves (`due_moves_need_approval`), an owner's new
    `due_on` does not apply: the answer is still 200, with `due_on` unchanged and the request in
    `pending_due_change` (a second request while one is pending replaces it).
    If-Match (the ETag from GET) is required: a newer change answers 412 rather than being overwritten;
    `If-Match: *` overwrites whatever is there, and the history marks that write."""
    # async: get_action_for_write has usually written and committed already, in its one trip to a worker
    # thread (write.shown); otherwise the work takes one more. The answer is checked against ActionPublic
    # here rather than in yet another trip.
    shown = write.shown
    if shown is None:
        shown = await run_in_threadpool(write_update, write, action_in, if_match)
    response.headers["ETag"] = etag(write.found.action.version)
    return shown


@router.delete("/actions/{action_id}", status_code=204)
def delete_action(session: SessionDep, found: ActionDep) -> None:
    """Delete an action (chair): one with history, or raised at a meeting with minutes, is archived instead
    (hidden from the log, kept with its history, restorable); a just-created one is removed."""
    service.delete_action(session=session, access=found.access, action=found.action)


@router.post("/actions/{action_id}/restore", response_model=ActionPublic)
def restore_action(session: SessionDep, user: CurrentUser, action_id: IdPath, response: Response):
    """Bring an archived action back onto the log (the council's chair or a site admin)."""
    action = load_for_restore(session=session, user=user, model=Action, record_id=action_id, label="Action")
    action = service.restore_action(session=session, user=user, action=action)
    response.headers["ETag"] = etag(action.version)
    return service.get_action_public(session=session, action=action)


@router.get("/actions/{action_id}/history", response_model=ListOf[ActionHistoryEntry])
def list_action_history(session: SessionDep, found: ActionDep) -> dict:
    """Every change to the action: who, when, what moved, and the note, oldest first."""
    return list_of(service.list_history(session=session, action=found.action))


@router.get("/actions/{action_id}/comments", response_model=ListOf[CommentPublic])
def list_action_comments(session: SessionDep, found: ActionDep) -> dict:
    """The action's comment thread, oldest first (each comment is also in its history)."""
    return list_of(service.list_comments(session=session, action=found.action))


@router.post("/actions/{action_id}/comments", response_model=CommentPublic, status_code=201)
def create_action_comment(session: SessionDep, found: ActionDep, comment_in: CommentCreate) -> CommentPublic:
    """Comment on an action (members of the council; observers read). Comments are kept as written: no edits."""
    return service.add_comment(session=session, access=found.access, action=found.action, comment_in=comment_in)


@router.post("/actions/{action_id}/due-requests/{request_id}/approve", response_model=DueRequestPublic)
def approve_due_request(
    session: SessionDep, found: ActionDep, request_id: IdPath, response: Response, decision: DueDecision | None = None
):
    """Approve an owner's pending due-date change (chair): the due date moves, the history and the owner are told.
    409 when it was already decided or replaced by a newer request."""
    return _decide(session, found, request_id, response, decision, approve=True)


@router.post("/actions/{action_id}/due-requests/{request_id}/refuse", response_model=DueRequestPublic)
def refuse_due_request(
    session: SessionDep, found: ActionDep, request_id: IdPath, response: Response, decision: DueDecision | None = None
):
    """Refuse an owner's pending due-date change (chair), optionally saying why in `note`: the due date stays;
    the history and the owner are told. 409 when it was already decided or replaced."""
    return _decide(session, found, request_id, response, decision, approve=False)


def _decide(session, found, request_id: int, response: Response, decision: DueDecision | None, *, approve: bool):
    request = due_requests.get_request(session=session, action=found.action, request_id=request_id)
    request = due_requests.decide_due_request(
        session=session,
        access=found.access,
        action=found.action,
        request=request,
        approve=approve,
        note=decision.note if decision else "",
    )
    response.headers["ETag"] = etag(found.action.version)
    return request
