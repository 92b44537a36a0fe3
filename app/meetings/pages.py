"""Pages: the meeting forms on the council page (schedule a meeting, my calendar link)."""

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request

from app.db import SessionDep
from app.meetings import calendar_links
from app.meetings.schemas import MeetingCreate
from app.meetings.service import create_meeting
from app.models import Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil
from app.web.forms import attempt, whole_or_text
from app.web.render import flash, redirect

router = APIRouter(include_in_schema=False)


@router.post("/councils/{council_id}/calendar-link", dependencies=[CsrfChecked])
def issue_calendar_link_form(request: Request, session: SessionDep, access: PageCouncil):
    """Make (or reset) my calendar subscription link from the council page (any seat)."""
    had_one = access.membership.calendar_token is not None
    calendar_links.issue_link(session=session, access=access, base_url=request.app.state.settings.BASE_URL)
    flash(
        request,
        "New calendar link made; the old one no longer works."
        if had_one
        else "Calendar link made: add it to your calendar.",
    )
    return redirect(f"/councils/{access.council.id}#calendar-h")


@router.post("/councils/{council_id}/calendar-link/stop", dependencies=[CsrfChecked])
def stop_calendar_link_form(request: Request, session: SessionDep, access: PageCouncil):
    """Stop my calendar subscription link (any seat)."""
    calendar_links.stop_link(session=session, access=access)
    flash(request, "Calendar link stopped: calendars using it no longer update.")
    return redirect(f"/councils/{access.council.id}#calendar-h")


@router.post("/councils/{council_id}/meetings", dependencies=[CsrfChecked])
def schedule_meeting_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    scheduled_at: Annotated[str, Form()] = "",
    duration_minutes: Annotated[str, Form()] = "120",
    location: Annotated[str, Form()] = "",
):
    """Schedule a meeting from the council page (chair); the time is in the council's zone."""
    access.require(Role.chair, doing="change the council")
    back = f"/councils/{access.council.id}"

    def apply():
        try:
            local = datetime.fromisoformat(scheduled_at)
        except ValueError:
            local = None
        if local is not None and local.tzinfo is None:
            local = local.replace(tzinfo=ZoneInfo(access.council.timezone))
        meeting_in = MeetingCreate.model_validate(
            {
                "scheduled_at": local or scheduled_at,
                "duration_minutes": whole_or_text(duration_minutes, blank=duration_minutes),
                "location": location,
            }
        )
        return create_meeting(session=session, council=access.council, meeting_in=meeting_in)

    attempt(request, session, apply, success="Meeting {result.number} scheduled.")
    return redirect(back)
