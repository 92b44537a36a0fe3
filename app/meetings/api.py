"""JSON routes: meetings."""

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from app.agendas import service as agenda_service
from app.agendas.model import Agenda, LiveAgenda
from app.auth import CouncilAccess
from app.common import IdPath, IfMatch, ListOf, check_if_match, etag, list_of
from app.councils import template_service as exports_service
from app.db import SessionDep
from app.meetings import calendar, calendar_links, service
from app.meetings.calendar_links import CalendarLink
from app.meetings.deps import MeetingDep
from app.meetings.ics import MEDIA_TYPE as ICS_MEDIA_TYPE
from app.meetings.schemas import AobCreate, AobPublic, ApologiesIn, MeetingCreate, MeetingPublic, MeetingUpdate
from app.models import Role, utcnow
from app.web.downloads import DOCX_RESPONSE, content_disposition, download_headers

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


@router.get(
    "/meetings/{meeting_id}/agenda",
    response_model=Agenda | LiveAgenda,
    responses={304: {"description": "Not modified: the agenda still has the ETag sent in If-None-Match"}},
)
def get_agenda(
    request: Request,
    session: SessionDep,
    found: MeetingDep,
    live: bool = False,
    if_none_match: Annotated[str | None, Header()] = None,
):
    """The nine-section agenda: the live draft, or once published the snapshot that was circulated
    (`live=true` shows today's data with `changed_sections` since publishing). It carries an ETag;
    send it back in If-None-Match to get 304 while nothing in it has changed."""
    found_json = agenda_service.agenda_json(
        session=session,
        access=found.access,
        meeting=found.meeting,
        live=live,
        cache=request.app.state.agenda_cache,
    )
    # Caches may keep it but must ask again each time: it changes with the council's data.
    headers = {"ETag": found_json.etag, "Cache-Control": "private, no-cache"}
    if if_none_match and (if_none_match.strip() == "*" or found_json.etag in _etags(if_none_match)):
        return Response(status_code=304, headers=headers)
    # Already JSON, in the shape of the response model: sent as it is, not validated again.
    return Response(found_json.body, media_type="application/json", headers=headers)


def _etags(header: str) -> set[str]:
    """The entity tags listed in an If-None-Match header, weak ones compared by their value."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


@router.get("/meetings/{meeting_id}/agenda.docx", response_class=Response, responses={200: DOCX_RESPONSE})
def get_agenda_docx(session: SessionDep, found: MeetingDep) -> Response:
    """The agenda pack in Word: cover, running order, the nine sections with tables and trend charts
    (observers once it is published, as for the agenda)."""
    pack = exports_service.agenda_docx(session=session, access=found.access, meeting=found.meeting)
    return Response(pack.content, media_type=pack.media_type, headers=download_headers(pack.disposition))


@router.post("/meetings/{meeting_id}/agenda/publish", response_model=Agenda, responses={409: {"description": "Held"}})
def publish_agenda(session: SessionDep, found: MeetingDep):
    """Freeze and circulate the agenda (chair); republishing is allowed until the meeting is held."""
    return agenda_service.publish_agenda(session=session, access=found.access, meeting=found.meeting)


@router.get("/meetings/{meeting_id}/aob", response_model=ListOf[AobPublic])
def list_aob(session: SessionDep, found: MeetingDep) -> dict:
    """Items members asked to raise under any other business."""
    return list_of(service.list_aob(session=session, meeting=found.meeting))


@router.post("/meetings/{meeting_id}/aob", response_model=AobPublic, status_code=201)
def create_aob(session: SessionDep, found: MeetingDep, aob_in: AobCreate):
    """Ask to raise an item under any other business (members, not observers)."""
    return service.add_aob(session=session, access=found.access, meeting=found.meeting, aob_in=aob_in)


@router.delete("/meetings/{meeting_id}/aob/{item_id}", status_code=204)
def delete_aob(session: SessionDep, found: MeetingDep, item_id: IdPath) -> None:
    """Withdraw an AOB item (its submitter, the chair or the secretary)."""
    service.delete_aob(session=session, access=found.access, meeting=found.meeting, item_id=item_id)


@router.put("/meetings/{meeting_id}/apologies", status_code=204)
def send_apologies(session: SessionDep, found: MeetingDep, apologies_in: ApologiesIn) -> None:
    """Send my apologies for this meeting, with an optional note."""
    service.send_apologies(session=session, access=found.access, meeting=found.meeting, apologies_in=apologies_in)


@router.delete("/meetings/{meeting_id}/apologies", status_code=204)
def withdraw_apologies(session: SessionDep, found: MeetingDep) -> None:
    """Withdraw my apologies: I can attend after all."""
    service.withdraw_apologies(session=session, access=found.access, meeting=found.meeting)


ICS_RESPONSE = {200: {"content": {"text/calendar": {}}, "description": "An iCalendar file"}}


def _ics(content: bytes, council_name: str, suffix: str) -> Response:
    return Response(
        content, media_type=ICS_MEDIA_TYPE, headers=download_headers(content_disposition(council_name, suffix))
    )


@router.get("/meetings/{meeting_id}/invite.ics", response_class=Response, responses=ICS_RESPONSE)
def get_meeting_invite(request: Request, session: SessionDep, found: MeetingDep) -> Response:
    """The meeting as a calendar invite (any seat); the running order follows the agenda read rule."""
    meeting, council = found.meeting, found.access.council
    content = calendar.meeting_invite(
        session=session,
        access=found.access,
        meeting=meeting,
        base_url=request.app.state.settings.BASE_URL,
        now=utcnow(),
    )
    local_day = service.meeting_public(meeting, council).local_start.date()
    return _ics(content, council.name, f"-{local_day.isoformat()}.ics")


@router.get("/councils/{council_id}/calendar.ics", response_class=Response, responses=ICS_RESPONSE)
def get_council_calendar(request: Request, session: SessionDep, access: CouncilAccess) -> Response:
    """Every meeting of the council as a calendar feed to subscribe to (any seat); cancelled ones marked."""
    content = calendar.council_calendar(
        session=session, access=access, base_url=request.app.state.settings.BASE_URL, now=utcnow()
    )
    return _ics(content, access.council.name, "-meetings.ics")


@router.get("/councils/{council_id}/calendar-link", response_model=CalendarLink)
def get_calendar_link(request: Request, access: CouncilAccess) -> CalendarLink:
    """My subscription URL for the council's meetings (any seat); null until I make one."""
    return calendar_links.get_link(access=access, base_url=request.app.state.settings.BASE_URL)


@router.post("/councils/{council_id}/calendar-link", response_model=CalendarLink)
def issue_calendar_link(request: Request, session: SessionDep, access: CouncilAccess) -> CalendarLink:
    """A new subscription URL for calendar apps, which cannot sign in: it serves calendar.ics
    as I would see it. Asking again replaces it; the old URL stops working."""
    return calendar_links.issue_link(session=session, access=access, base_url=request.app.state.settings.BASE_URL)


@router.delete("/councils/{council_id}/calendar-link", status_code=204)
def stop_calendar_link(session: SessionDep, access: CouncilAccess) -> None:
    """Stop my subscription URL: calendars using it get 404 from now on."""
    calendar_links.stop_link(session=session, access=access)
