"""The action a route is about, with the caller's seat: one loader for the API and the pages."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from app.actions import service
from app.auth import ActionAccess, CurrentUser, WriteClaims, action_of_row, get_action_access, signed_in_with
from app.common import IdPath
from app.db import SessionDep, request_session

ActionDep = Annotated[ActionAccess, Depends(get_action_access)]


def get_action_shown(action_id: IdPath, user: CurrentUser, session: SessionDep) -> ActionAccess:
    """As get_action_access, with what the action's public shape shows read in the same query."""
    return service.load_action_shown(session=session, user=user, action_id=action_id)


# For the routes that answer the action itself (GET and PATCH): one query fewer each.
ActionShownDep = Annotated[ActionAccess, Depends(get_action_shown)]


@dataclass(frozen=True)
class ActionWrite:
    """The request's session (its transaction open) and the action it writes, as ActionShownDep finds it."""

    session: Session
    found: ActionAccess


def _open_for_write(request: Request, claims: dict, action_id: int) -> ActionWrite:
    """The session, then the sign-in, the action, the seat and what the action's public shape shows, in one
    statement (refused as CurrentUser then ActionShownDep refuse: 401, then 404 the same way)."""
    session = request_session(request)
    try:
        user, row = signed_in_with(request, session, claims, query=service.WRITE_QUERY, params={"record_id": action_id})
        return ActionWrite(session=session, found=action_of_row(user, row))
    except BaseException:
        _end(session)
        raise


def _end(session: Session) -> None:
    with session:
        session.rollback()


async def get_action_for_write(request: Request, claims: WriteClaims, action_id: IdPath) -> AsyncIterator[ActionWrite]:
    """The PATCH of an action, the commonest write, in two trips to a worker thread instead of five.

    SessionDep, the loader and a sync route each take a thread of their own (opening the session,
    loading, the route, checking its answer, committing): on a busy server each trip cost about as
    much CPU as the SQL it ran. Here the session is opened and the action read in one trip; the route
    writes and commits in a second (ActionWrite.session: one transaction, as SessionDep keeps it).
    An error anywhere rolls back; after the route's commit, closing hands back an idle connection
    without a word to the database, so it stays here.
    """
    write = await run_in_threadpool(_open_for_write, request, claims, action_id)
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
