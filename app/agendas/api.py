"""JSON routes: a meeting's agenda, its Word pack and publishing it; the calendar files
that carry its running order."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Header, Request, Response

from app.agendas import calendar, carry, export, publish
from app.agendas import service as agenda_service
from app.agendas.cache import PackOut
from app.agendas.ics import MEDIA_TYPE as ICS_MEDIA_TYPE
from app.agendas.model import Agenda, LiveAgenda
from app.auth import CouncilAccess, MeetingDep
from app.common import IdPath, matches_any
from app.db import SessionDep
from app.meetings import responses
from app.meetings.service import meeting_public
from app.models import utcnow
from app.web.downloads import DOCX_RESPONSE, PDF_RESPONSE, content_disposition, download_headers
from app.web.idempotency import CreateRoute

# Tagged with meetings, as these routes always were: client code generated from
# /openapi.json groups operations by tag.
router = APIRouter(prefix="/api", tags=["meetings"], route_class=CreateRoute)


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
    if matches_any(if_none_match, found_json.etag):
        return Response(status_code=304, headers=headers)
    # Already JSON, in the shape of the response model: sent as it is, not validated again.
    return Response(found_json.body, media_type="application/json", headers=headers)


PACK_RESPONSES = {304: {"description": "Not modified: the pack still has the ETag sent in If-None-Match"}}


@router.get(
    "/meetings/{meeting_id}/agenda.docx", response_class=Response, responses={200: DOCX_RESPONSE, **PACK_RESPONSES}
)
def get_agenda_docx(
    request: Request, session: SessionDep, found: MeetingDep, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """The agenda pack in Word: cover, running order, the nine sections with tables and trend charts
    (observers once it is published, as for the agenda). It carries an ETag, as the agenda does."""
    cache = request.app.state.agenda_cache
    pack = export.agenda_docx(session=session, access=found.access, meeting=found.meeting, cache=cache, download=True)
    return _pack_response(pack, if_none_match)


@router.get(
    "/meetings/{meeting_id}/agenda.pdf", response_class=Response, responses={200: PDF_RESPONSE, **PACK_RESPONSES}
)
def get_agenda_pdf(
    request: Request, session: SessionDep, found: MeetingDep, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """The agenda pack as a tagged PDF: bookmarks per item, page numbers, the council's colours and logo, and the
    PDF papers appended with a bookmark each (the others listed); read like the agenda. It carries an ETag."""
    cache = request.app.state.agenda_cache
    pack = export.agenda_pdf(session=session, access=found.access, meeting=found.meeting, cache=cache)
    return _pack_response(pack, if_none_match)


def _pack_response(pack: PackOut, if_none_match: str | None) -> Response:
    # Like the agenda: browsers keep it and ask again each time (download_headers: no-cache).
    headers = {**download_headers(pack.disposition), "ETag": pack.etag}
    if matches_any(if_none_match, pack.etag):
        return Response(status_code=304, headers=headers)
    return Response(pack.content, media_type=pack.media_type, headers=headers)


@router.post("/meetings/{meeting_id}/agenda/publish", response_model=Agenda, responses={409: {"description": "Held"}})
def publish_agenda(request: Request, session: SessionDep, found: MeetingDep, after: BackgroundTasks):
    """Freeze and circulate the agenda (chair): every seat is mailed the running order, what changed,
    the Word pack and the meeting request. Republishing is allowed until the meeting is held."""
    after.add_task(request.app.state.jobs.after_commit)
    return publish.publish_agenda(
        session=session,
        access=found.access,
        meeting=found.meeting,
        cache=request.app.state.agenda_cache,
    )


@router.post(
    "/meetings/{meeting_id}/aob/{item_id}/carry",
    response_model=carry.AobCarried,
    status_code=201,
    responses={409: {"description": "Already carried, or no next meeting to carry it to"}},
)
def carry_aob(session: SessionDep, found: MeetingDep, item_id: IdPath):
    """Carry an unfinished AOB item to the council's next meeting (chair), once: a new AOB item there,
    linked to this one ("carried from Meeting N")."""
    return carry.carry_aob(session=session, access=found.access, meeting=found.meeting, item_id=item_id)


# The calendar files carry the agenda's running order, so they are served from here; their
# own router keeps their place in /openapi.json (after the meetings' AOB and apologies).
calendar_router = APIRouter(prefix="/api", tags=["meetings"], route_class=CreateRoute)
ICS_RESPONSE = {200: {"content": {"text/calendar": {}}, "description": "An iCalendar file"}}


def _ics(content: bytes, council_name: str, suffix: str) -> Response:
    return Response(
        content, media_type=ICS_MEDIA_TYPE, headers=download_headers(content_disposition(council_name, suffix))
    )


@calendar_router.get("/meetings/{meeting_id}/invite.ics", response_class=Response, responses=ICS_RESPONSE)
def get_meeting_invite(request: Request, session: SessionDep, found: MeetingDep) -> Response:
    """The meeting as a calendar invite (any seat); the running order follows the agenda read rule."""
    meeting, council = found.meeting, found.access.council
    content = calendar.meeting_invite(
        session=session,
        access=found.access,
        cache=request.app.state.agenda_cache,
        meeting=meeting,
        settings=request.app.state.settings,
        now=utcnow(),
        answers=responses.partstats(session, meeting),
    )
    local_day = meeting_public(meeting, council).local_start.date()
    return _ics(content, council.name, f"-{local_day.isoformat()}.ics")


@calendar_router.get("/councils/{council_id}/calendar.ics", response_class=Response, responses=ICS_RESPONSE)
def get_council_calendar(request: Request, session: SessionDep, access: CouncilAccess) -> Response:
    """Every meeting of the council as a calendar feed to subscribe to (any seat); cancelled ones marked."""
    content = calendar.council_calendar(
        session=session,
        access=access,
        settings=request.app.state.settings,
        now=utcnow(),
        cache=request.app.state.agenda_cache,
    )
    return _ics(content, access.council.name, "-meetings.ics")
