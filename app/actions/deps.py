"""The action a route is about, with the caller's seat: one loader for the API and the pages."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.actions import service
from app.actions.schemas import ActionPublic, ActionUpdate
from app.auth import ActionAccess, CurrentUser, WriteClaims, action_of_row, get_action_access, signed_in_with
from app.common import IdPath, check_if_match
from app.db import SessionDep, request_session
from app.errors import IF_MATCH_HEADER

ActionDep = Annotated[ActionAccess, Depends(get_action_access)]


def get_action_shown(action_id: IdPath, user: CurrentUser, session: SessionDep) -> ActionAccess:
    """As get_action_access, with what the action's public shape shows read in the same query."""
    return service.load_action_shown(session=session, user=user, action_id=action_id)


# For the routes that answer the action itself (GET and PATCH): one query fewer each.
ActionShownDep = Annotated[ActionAccess, Depends(get_action_shown)]


@dataclass(frozen=True)
class ActionWrite:
    """The request's session (its transaction open) and the action it writes, as ActionShownDep finds it;
    `shown`: the answer, when the update was already written and committed in the same trip (see below)."""

    session: Session
    found: ActionAccess
    shown: ActionPublic | None = None


def write_update(write: ActionWrite, action_in: ActionUpdate, if_match: str) -> ActionPublic:
    """The PATCH's own work: check If-Match, update, build the answer, commit."""
    session, found = write.session, write.found
    check_if_match(if_match, found.action.version)
    service.update_action(
        session=session,
        access=found.access,
        action=found.action,
        action_in=action_in,
        with_if_match=if_match.strip() != "*",
    )
    shown = service.shown_public(session=session, found=found, written=frozenset(action_in.model_fields_set))
    session.commit()
    return shown


def _open_for_write(
    request: Request, claims: dict, action_id: int, update: tuple[ActionUpdate, str] | None
) -> ActionWrite:
    """The session, then the sign-in, the action, the seat and what the action's public shape shows, in one
    statement (refused as CurrentUser then ActionShownDep refuse: 401, then 404 the same way); then, when
    `update` is what the route will be handed, the update itself (write_update), in the same trip."""
    session = request_session(request)
    try:
        user, row = signed_in_with(request, session, claims, query=service.WRITE_QUERY, params={"record_id": action_id})
        write = ActionWrite(session=session, found=action_of_row(user, row))
        if update is None:
            return write
        return replace(write, shown=write_update(write, *update))
    except BaseException:
        _end(session)
        raise


async def _update_asked(request: Request) -> tuple[ActionUpdate, str] | None:
    """The body and If-Match the route will be handed, when FastAPI will certainly hand them over: a JSON body
    (already read and parsed: FastAPI does that before any dependency) that is a valid ActionUpdate, and the
    header. None for anything else (no header, another content type, an empty or invalid body), which then
    goes the usual way: FastAPI's 422 or 428 after the 401 and 404 of the read, as before."""
    if_match = request.headers.get(IF_MATCH_HEADER)
    if if_match is None or request.headers.get("content-type") != "application/json" or not await request.body():
        return None
    try:
        return ActionUpdate.model_validate(await request.json()), if_match
    except ValueError:  # pydantic's ValidationError (and a JSON error, which FastAPI answers before this)
        return None


def _end(session: Session) -> None:
    with session:
        session.rollback()


async def get_action_for_write(request: Request, claims: WriteClaims, action_id: IdPath) -> AsyncIterator[ActionWrite]:
    """The PATCH of an action, the commonest write, in one trip to a worker thread instead of five.

    SessionDep, the loader and a sync route each take a thread of their own (opening the session,
    loading, the route, checking its answer, committing): on a busy server each trip cost about as
    much CPU as the SQL it ran. Here the session is opened, the action read and, when the body and
    If-Match are ones FastAPI will hand the route (_update_asked), the update written and committed in
    one trip (ActionWrite.shown); the route then only answers. Who may write is still judged before
    the body: the read comes first in that trip, and a body FastAPI would refuse is not written here,
    so its 422 (or the 428) still comes after a 401 or 404. Otherwise the route writes and commits in
    a second trip (ActionWrite.session: one transaction, as SessionDep keeps it). An error anywhere
    rolls back; after the commit, closing hands back an idle connection without a word to the
    database, so it stays here.
    """
    update = await _update_asked(request)
    write = await run_in_threadpool(_open_for_write, request, claims, action_id, update)
    try:
        yield write
    except BaseException:
        await run_in_threadpool(_end, write.session)
        raise
    if write.session.in_transaction():
        # The route did not commit (it always does): roll back, as SessionDep would on its error path.
        await run_in_threadpool(_end, write.session)
    else:
        write.session.close()


ActionWriteDep = Annotated[ActionWrite, Depends(get_action_for_write, scope="function")]
