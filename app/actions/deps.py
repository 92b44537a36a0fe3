"""The action a route is about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends, Request

from app.actions import service
from app.auth import ActionAccess, CurrentUser, WriteClaims, action_of_row, get_action_access, signed_in_with
from app.common import IdPath
from app.db import SessionDep

ActionDep = Annotated[ActionAccess, Depends(get_action_access)]


def get_action_shown(action_id: IdPath, user: CurrentUser, session: SessionDep) -> ActionAccess:
    """As get_action_access, with what the action's public shape shows read in the same query."""
    return service.load_action_shown(session=session, user=user, action_id=action_id)


# For the routes that answer the action itself (GET and PATCH): one query fewer each.
ActionShownDep = Annotated[ActionAccess, Depends(get_action_shown)]


def get_action_for_write(request: Request, claims: WriteClaims, action_id: IdPath, session: SessionDep) -> ActionAccess:
    """As CurrentUser then ActionShownDep answer (401, then 404 the same way), in one statement: the sign-in,
    the action, the seat, and what the action's public shape shows. The PATCH of an action is the commonest write."""
    user, row = signed_in_with(request, session, claims, query=service.WRITE_QUERY, params={"record_id": action_id})
    return action_of_row(user, row)


ActionWriteDep = Annotated[ActionAccess, Depends(get_action_for_write)]
