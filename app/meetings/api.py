"""JSON routes: meetings, their AOB items, apologies and calendar links (the agenda and the calendar files
that carry its running order are in app.agendas.api)."""

from fastapi import APIRouter, Request, Response

from app.archive import load_for_restore
from app.archived import INCLUDE_ARCHIVED
from app.auth import CouncilAccess, CurrentUser, MeetingDep
from app.common import IdPath, IfMatch, ListOf, check_if_match, etag, list_of
from app.db import SessionDep
from app.meetings import calendar_links, service
from app.meetings.calendar_links import CalendarLink
from app.meetings.schemas import AobCreate, AobPublic, ApologiesIn, MeetingCreate, MeetingPublic, MeetingUpdate
from app.models import Council, Meeting, Role
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["meetings"], route_class=CreateRoute)


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
    session: SessionDep, found: MeetingDep, meeting_in: MeetingUpdate, response: Response, if_match: IfMatch
) -> MeetingPublic:
    """Move, rename, relocate, cancel (with a reason), reinstate or mark a meeting held (chair or secretary);
    409 once its minutes are approved."""
    found.access.require(Role.chair, Role.secretary, doing="change meetings")
    check_if_match(if_match, found.meeting.version)
    meeting = service.update_meeting(session=session, meeting=found.meeting, meeting_in=meeting_in)
    response.headers["ETag"] = etag(meeting.version)
    return service.meeting_public(meeting, found.access.council)


@router.delete("/meetings/{meeting_id}", status_code=204)
def delete_meeting(session: SessionDep, found: MeetingDep) -> None:
    """Delete a meeting (chair): one with minutes is archived (hidden, minutes kept, restorable); a held one
    without minutes is refused (409); any other is removed."""
    found.access.require(Role.chair, doing="delete meetings")
    service.delete_meeting(session=session, user=found.access.user, meeting=found.meeting)


@router.post("/meetings/{meeting_id}/restore", response_model=MeetingPublic)
def restore_meeting(session: SessionDep, user: CurrentUser, meeting_id: IdPath, response: Response) -> MeetingPublic:
    """Bring an archived meeting back with its minutes (the council's chair or a site admin)."""
    meeting = load_for_restore(session=session, user=user, model=Meeting, record_id=meeting_id, label="Meeting")
    meeting = service.restore_meeting(session=session, user=user, meeting=meeting)
    council = session.get(Council, meeting.council_id, execution_options=INCLUDE_ARCHIVED)
    response.headers["ETag"] = etag(meeting.version)
    return service.meeting_public(meeting, council)


# AOB, apologies and calendars: a router of their own, included after the agenda's
# (app.agendas.api), so /openapi.json lists the paths in the order they always had.
after_agenda_router = APIRouter(prefix="/api", tags=["meetings"], route_class=CreateRoute)


@after_agenda_router.get("/meetings/{meeting_id}/aob", response_model=ListOf[AobPublic])
def list_aob(session: SessionDep, found: MeetingDep) -> dict:
    """Items members asked to raise under any other business."""
    return list_of(service.list_aob(session=session, meeting=found.meeting))


@after_agenda_router.post("/meetings/{meeting_id}/aob", response_model=AobPublic, status_code=201)
def create_aob(session: SessionDep, found: MeetingDep, aob_in: AobCreate):
    """Ask to raise an item under any other business (members, not observers)."""
    return service.add_aob(session=session, access=found.access, meeting=found.meeting, aob_in=aob_in)


@after_agenda_router.delete("/meetings/{meeting_id}/aob/{item_id}", status_code=204)
def delete_aob(session: SessionDep, found: MeetingDep, item_id: IdPath) -> None:
    """Withdraw an AOB item (its submitter, the chair or the secretary)."""
    service.delete_aob(session=session, access=found.access, meeting=found.meeting, item_id=item_id)


@after_agenda_router.put("/meetings/{meeting_id}/apologies", status_code=204)
def send_apologies(session: SessionDep, found: MeetingDep, apologies_in: ApologiesIn) -> None:
    """Send my apologies for this meeting, with an optional note."""
    service.send_apologies(session=session, access=found.access, meeting=found.meeting, apologies_in=apologies_in)


@after_agenda_router.delete("/meetings/{meeting_id}/apologies", status_code=204)
def withdraw_apologies(session: SessionDep, found: MeetingDep) -> None:
    """Withdraw my apologies: I can attend after all."""
    service.withdraw_apologies(session=session, access=found.access, meeting=found.meeting)


calendar_link_router = APIRouter(prefix="/api", tags=["meetings"], route_class=CreateRoute)  # after the calendar files


@calendar_link_router.get("/councils/{council_id}/calendar-link", response_model=CalendarLink)
def get_calendar_link(request: Request, access: CouncilAccess) -> CalendarLink:
    """My subscription URL for the council's meetings (any seat); null until I make one."""
    return calendar_links.get_link(access=access, base_url=request.app.state.settings.BASE_URL)


@calendar_link_router.post("/councils/{council_id}/calendar-link", response_model=CalendarLink)
def issue_calendar_link(request: Request, session: SessionDep, access: CouncilAccess) -> CalendarLink:
    """A new subscription URL for calendar apps, which cannot sign in: it serves calendar.ics
    as I would see it. Asking again replaces it; the old URL stops working."""
    return calendar_links.issue_link(session=session, access=access, base_url=request.app.state.settings.BASE_URL)


@calendar_link_router.delete("/councils/{council_id}/calendar-link", status_code=204)
def stop_calendar_link(session: SessionDep, access: CouncilAccess) -> None:
    """Stop my subscription URL: calendars using it get 404 from now on."""
    calendar_links.stop_link(session=session, access=access)
