"""The initiative a route is about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends

from app.auth import CurrentUser
from app.common import IdPath
from app.db import SessionDep
from app.initiatives import service
from app.initiatives.service import InitiativeAccess


def get_initiative_access(initiative_id: IdPath, user: CurrentUser, session: SessionDep) -> InitiativeAccess:
    return service.load_initiative_access(session=session, user=user, initiative_id=initiative_id)


InitiativeDep = Annotated[InitiativeAccess, Depends(get_initiative_access)]
