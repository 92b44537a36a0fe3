"""Pages: the small meeting forms on the agenda page (any other business, apologies) and the calendar feed."""

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from app.agendas import calendar
from app.agendas import service as agenda_service
from app.agendas.calendar import agenda_path
from app.agendas.ics import MEDIA_TYPE as ICS_MEDIA_TYPE
from app.db import SessionDep
from app.meetings import calendar_links, service
from app.meetings.schemas import AobCreate, ApologiesIn
from app.models import Role, utcnow
from app.web.csrf import CsrfChecked
from app.web.deps import PageMeeting
from app.web.forms import attempt
from app.web.render import redirect

router = APIRouter(include_in_schema=False)


@router.post("/meetings/{meeting_id}/aob", dependencies=[CsrfChecked])
def add_aob_form(
    request: Request,
    session: SessionDep,
    found: PageMeeting,
    title: Annotated[str, Form()] = "",
    details: Annotated[str, Form()] = "",
):
    """Ask to raise an item under any other business (members, not observers)."""
    published = agenda_service.latest_snapshot(session=session, meeting=found.meeting) is not None
    later = " It joins the circulated agenda when the chair republishes it." if published else ""
    attempt(
        request,
        session,
        lambda: service.add_aob(
            session=session,
            access=found.access,
            meeting=found.meeting,
            aob_in=AobCreate(title=title, details=details),
        ),
        keep=(404,),
        success=lambda item: f"“{item.title}” added to any other business.{later}",
    )
    return redirect(agenda_path(found.meeting.id) + "#aob")


@router.post("/meetings/{meeting_id}/apologies", dependencies=[CsrfChecked])
def send_apologies_form(request: Request, session: SessionDep, found: PageMeeting, note: Annotated[str, Form()] = ""):
    """Send my apologies for this meeting, with an optional note (members, not observers)."""

    def apply():
        found.access.require(Role.chair, Role.secretary, Role.member, doing="send apologies from the agenda page")
        return service.send_apologies(
            session=session, access=found.access, meeting=found.meeting, apologies_in=ApologiesIn(note=note)
        )

    attempt(request, session, apply, keep=(404,), success="Apologies sent: the chair will know you cannot attend.")
    return redirect(agenda_path(found.meeting.id))


@router.post("/meetings/{meeting_id}/apologies/withdraw", dependencies=[CsrfChecked])
def withdraw_apologies_form(request: Request, session: SessionDep, found: PageMeeting):
    """Withdraw my apologies: I can attend after all."""
    attempt(
        request,
        session,
        lambda: service.withdraw_apologies(session=session, access=found.access, meeting=found.meeting),
        keep=(404,),
        success="Apologies withdrawn: you are expected at the meeting.",
    )
    return redirect(agenda_path(found.meeting.id))


@router.api_route("/feeds/{token}.ics", methods=["GET", "HEAD"])
def subscribed_calendar(request: Request, session: SessionDep, token: str) -> Response:
    """The council's meetings for a calendar app subscribed with a seat's link (no sign-in:
    the secret in the URL is the key). Unknown, reset or stopped links get 404."""
    access = calendar_links.access_for_token(session=session, token=token)
    content = calendar.council_calendar(
        session=session,
        access=access,
        settings=request.app.state.settings,
        now=utcnow(),
        cache=request.app.state.agenda_cache,
    )
    # Calendar apps poll; each fetch must come here, not from a shared cache.
    return Response(content, media_type=ICS_MEDIA_TYPE, headers={"Cache-Control": "private, no-cache"})
