"""Pages: the meeting forms on the council page (schedule a meeting, my calendar link) and on the
meeting's agenda page (move, rename, relocate, cancel, reinstate: the same rules as PATCH /api/meetings/{id})."""

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request

from app.db import SessionDep
from app.errors import PreconditionFailed
from app.meetings import calendar_links
from app.meetings.schemas import MeetingCreate, MeetingUpdate
from app.meetings.service import create_meeting, update_meeting
from app.models import MeetingStatus, Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageMeeting
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


def local_start(typed: str, timezone: str) -> datetime | str:
    """A date and time typed in the council's zone (a datetime-local field); as typed if it is not one,
    so the schema refuses it by name."""
    try:
        local = datetime.fromisoformat(typed.strip())
    except ValueError:
        return typed
    return local.replace(tzinfo=ZoneInfo(timezone)) if local.tzinfo is None else local


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
        meeting_in = MeetingCreate.model_validate(
            {
                "scheduled_at": local_start(scheduled_at, access.council.timezone),
                "duration_minutes": whole_or_text(duration_minutes, blank=duration_minutes),
                "location": location,
            }
        )
        return create_meeting(session=session, council=access.council, meeting_in=meeting_in)

    attempt(request, session, apply, success="Meeting {result.number} scheduled.")
    return redirect(back)


def _change(request: Request, session: SessionDep, found: PageMeeting, version: str, changes: dict, success: str):
    """One change to a meeting from its page (chair or secretary), against the version the page showed."""
    meeting = found.meeting

    def apply():
        found.access.require(Role.chair, Role.secretary, doing="change meetings")
        seen = whole_or_text(version)
        if isinstance(seen, int) and seen != meeting.version:
            raise PreconditionFailed(
                f"Meeting {meeting.number} was changed by someone else after you opened this page, so your "
                "change was not saved. The page now shows it as it stands: make your change again."
            )
        return update_meeting(session=session, meeting=meeting, meeting_in=MeetingUpdate.model_validate(changes))

    attempt(request, session, apply, keep=(404,), success=success)
    return redirect(f"/meetings/{meeting.id}/agenda#meeting-h")


@router.post("/meetings/{meeting_id}/change", dependencies=[CsrfChecked])
def change_meeting_form(
    request: Request,
    session: SessionDep,
    found: PageMeeting,
    scheduled_at: Annotated[str, Form()] = "",
    duration_minutes: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    location: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
):
    """Move, rename or relocate a meeting (chair or secretary); the time is in the council's zone."""
    changes = {
        "scheduled_at": local_start(scheduled_at, found.access.council.timezone),
        "duration_minutes": whole_or_text(duration_minutes, blank=duration_minutes),
        "title": title.strip(),
        "location": location.strip(),
    }
    return _change(request, session, found, version, changes, "Meeting saved; calendars update when they next refresh.")


@router.post("/meetings/{meeting_id}/cancel", dependencies=[CsrfChecked])
def cancel_meeting_form(
    request: Request,
    session: SessionDep,
    found: PageMeeting,
    reason: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
):
    """Cancel a meeting with an optional reason (chair or secretary); it stays in the council's history."""
    changes = {"status": MeetingStatus.cancelled, "cancel_reason": reason.strip()}
    return _change(
        request,
        session,
        found,
        version,
        changes,
        f"Meeting {found.meeting.number} cancelled. It stays in the history; calendars show it as cancelled.",
    )


@router.post("/meetings/{meeting_id}/reinstate", dependencies=[CsrfChecked])
def reinstate_meeting_form(
    request: Request, session: SessionDep, found: PageMeeting, version: Annotated[str, Form()] = ""
):
    """Undo a cancellation (chair or secretary): the meeting is scheduled again."""
    changes = {"status": MeetingStatus.scheduled, "cancel_reason": ""}
    return _change(request, session, found, version, changes, f"Meeting {found.meeting.number} is on again.")
