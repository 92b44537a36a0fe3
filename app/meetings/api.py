"""JSON routes: meetings."""

from fastapi import APIRouter, Response

from app.auth import CouncilAccess, MeetingDep
from app.common import ListOf, check_if_match, etag, list_of
from app.councils.api import IfMatch
from app.db import SessionDep
from app.meetings import service
from app.meetings.schemas import MeetingCreate, MeetingPublic, MeetingUpdate
from app.models import Role

router = APIRouter(prefix="/api", tags=["meetings"])


@router.get("/councils/{council_id}/meetings", response_model=ListOf[MeetingPublic])
def list_meetings(session: SessionDep, access: CouncilAccess) -> dict:
    """The council's meetings in date order."""
    meetings = service.list_meetings(session=session, council=access.council)
    return list_of([service.meeting_public(m, access.council) for m in meetings])


@router.post("/councils/{council_id}/meetings", response_model=MeetingPublic, status_code=201)
def create_meeting(session: SessionDep, access: CouncilAccess, meeting_in: MeetingCreate) -> MeetingPublic:
    """Schedule a meeting (chair)."""
    access.require(Role.chair, doing="schedule meetings")
    meeting = service.create_meeting(session=session, council=access.council, meeting_in=meeting_in)
    return service.meeting_public(meeting, access.council)


@router.get("/meetings/{meeting_id}", response_model=MeetingPublic)
def get_meeting(found: MeetingDep, response: Response) -> MeetingPublic:
    """One meeting."""
    response.headers["ETag"] = etag(found.meeting.version)
    return service.meeting_public(found.meeting, found.access.council)


@router.patch(
    "/meetings/{meeting_id}", response_model=MeetingPublic, responses={412: {"description": "Stale If-Match"}}
)
def update_meeting(
    session: SessionDep, found: MeetingDep, meeting_in: MeetingUpdate, response: Response, if_match: IfMatch = None
) -> MeetingPublic:
    """Move, relocate, cancel or mark a meeting held (chair)."""
    found.access.require(Role.chair, doing="change meetings")
    check_if_match(if_match, found.meeting.version)
    meeting = service.update_meeting(session=session, meeting=found.meeting, meeting_in=meeting_in)
    response.headers["ETag"] = etag(meeting.version)
    return service.meeting_public(meeting, found.access.council)


@router.delete("/meetings/{meeting_id}", status_code=204)
def delete_meeting(session: SessionDep, found: MeetingDep) -> None:
    """Delete a meeting that has not been held (chair)."""
    found.access.require(Role.chair, doing="delete meetings")
    service.delete_meeting(session=session, meeting=found.meeting)
