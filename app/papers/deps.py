"""The records the papers' routes are about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends, UploadFile

from app.auth import Access, CurrentUser, load_record_access
from app.common import IdPath
from app.db import SessionDep
from app.models import Initiative
from app.papers import service
from app.papers.service import PaperAccess


def get_paper_access(paper_id: IdPath, user: CurrentUser, session: SessionDep) -> PaperAccess:
    return service.load_paper_access(session=session, user=user, paper_id=paper_id)


PaperDep = Annotated[PaperAccess, Depends(get_paper_access)]


def get_initiative_target(
    initiative_id: IdPath, user: CurrentUser, session: SessionDep
) -> tuple[service.Target, Access]:
    """An initiative as a paper's target; not found for anyone without a seat on its council."""
    initiative, access = load_record_access(
        session=session, user=user, model=Initiative, record_id=initiative_id, label="Initiative"
    )
    return service.initiative_target(initiative), access


InitiativeTargetDep = Annotated[tuple[service.Target, Access], Depends(get_initiative_target)]


def read_upload(file: UploadFile, limit_mb: int) -> bytes:
    """The upload, read at most one byte over the council's limit: enough to refuse it by size.

    The body itself was bounded before it was parsed (app/web/limits.py, at the ceiling).
    """
    return file.file.read(limit_mb * service.MB + 1)
