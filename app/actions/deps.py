"""The action a route is about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends

from app.actions import service
from app.auth import ActionAccess, CurrentUser, get_action_access
from app.common import IdPath
from app.db import SessionDep

ActionDep = Annotated[ActionAccess, Depends(get_action_access)]


def get_action_shown(action_id: IdPath, user: CurrentUser, session: SessionDep) -> ActionAccess:
    """As get_action_access, with what the action's public shape shows read in the same query."""
    return service.load_action_shown(session=session, user=user, action_id=action_id)


# For the routes that answer the action itself (GET and PATCH): one query fewer each.
ActionShownDep = Annotated[ActionAccess, Depends(get_action_shown)]
