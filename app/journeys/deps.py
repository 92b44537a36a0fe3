"""The journey a route is about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends

from app.auth import CurrentUser
from app.common import IdPath
from app.db import SessionDep
from app.journeys import service
from app.journeys.service import JourneyAccess


def get_journey_access(journey_id: IdPath, user: CurrentUser, session: SessionDep) -> JourneyAccess:
    return service.load_journey_access(session=session, user=user, journey_id=journey_id)


JourneyDep = Annotated[JourneyAccess, Depends(get_journey_access)]
