"""The measure a route is about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends

from app.auth import CurrentUser
from app.common import IdPath
from app.db import SessionDep
from app.measures import service
from app.measures.service import MeasureAccess


def get_measure_access(measure_id: IdPath, user: CurrentUser, session: SessionDep) -> MeasureAccess:
    return service.get_measure_access(session=session, user=user, measure_id=measure_id)


MeasureDep = Annotated[MeasureAccess, Depends(get_measure_access)]
