"""The action a route is about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends

from app.auth import ActionAccess, get_action_access

ActionDep = Annotated[ActionAccess, Depends(get_action_access)]
