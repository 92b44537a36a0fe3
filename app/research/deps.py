"""The research or root cause a route is about, with the caller's seat: one loader each for the API and the pages."""

from typing import Annotated

from fastapi import Depends

from app.auth import CurrentUser
from app.common import IdPath
from app.db import SessionDep
from app.research import service
from app.research.service import RecordAccess


def get_research_access(research_id: IdPath, user: CurrentUser, session: SessionDep) -> RecordAccess:
    return service.load_research_access(session=session, user=user, research_id=research_id)


def get_root_cause_access(root_cause_id: IdPath, user: CurrentUser, session: SessionDep) -> RecordAccess:
    return service.load_root_cause_access(session=session, user=user, root_cause_id=root_cause_id)


ResearchDep = Annotated[RecordAccess, Depends(get_research_access)]
RootCauseDep = Annotated[RecordAccess, Depends(get_root_cause_access)]
