"""Pages: my councils and one council's overview."""

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request

from app.actions.service import ActionFilters, list_actions
from app.auth import Access
from app.councils import service
from app.councils.schemas import CouncilCreate, CouncilUpdate, DepartmentCreate, MemberCreate
from app.db import SessionDep
from app.meetings import calendar_links
from app.meetings.schemas import MeetingCreate
from app.meetings.service import create_meeting, list_meetings, meeting_public
from app.models import CLOSED_STATUSES, Role, utcnow
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import attempt, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/councils")
def councils_page(request: Request, session: SessionDep, user: PageUser):
    """The councils I sit on, and a form to start one."""
    seats = service.list_my_councils(session=session, user=user)
    return render(request, "councils.html", {"user": user, "seats": seats})


@router.post("/councils", dependencies=[CsrfChecked])
def create_council_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
):
    """Start a council from the form."""
    ok, access = attempt(
        request,
        session,
        lambda: service.create_council(
            session=session, council_in=CouncilCreate(name=name, description=description), creator=user
        ),
        success=lambda access: f"Council “{access.council.name}” created; you are its chair.",
    )
    return redirect(f"/councils/{access.council.id}" if ok else "/councils")


@router.get("/councils/{council_id}")
def council_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """A council at a glance: members, departments, meetings and open actions."""
    council = access.council
    meetings = [meeting_public(m, council) for m in list_meetings(session=session, council=council)]
    now = utcnow()
    actions = [
        a
        for a in list_actions(session=session, access=access, filters=ActionFilters())
        if a.status not in CLOSED_STATUSES
    ]
    return render(
        request,
        "council.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "is_chair": access.is_(Role.chair),
            "members": service.list_members(session=session, council=council),
            "departments": service.list_departments(session=session, council=council),
            "upcoming": [m for m in meetings if m.ends_at >= now and m.status != "cancelled"],
            "past": list(reversed([m for m in meetings if m.ends_at < now or m.status == "cancelled"])),
            "actions": actions,
            "roles": [r.value for r in Role],
            "nav": nav(session=session, council=council, here="council"),
            "calendar_link": calendar_links.get_link(access=access, base_url=request.app.state.settings.BASE_URL).url,
        },
    )


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


def _chair_only(access: Access) -> str:
    """The chair's small forms on the council page: refused for anyone else, and back to the council after."""
    access.require(Role.chair, doing="change the council")
    return f"/councils/{access.council.id}"


@router.post("/councils/{council_id}/departments", dependencies=[CsrfChecked])
def add_department_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    name: Annotated[str, Form()] = "",
    is_external: Annotated[bool, Form()] = False,
):
    """Add a department or supplier from the council page (chair)."""
    back = _chair_only(access)
    attempt(
        request,
        session,
        lambda: service.create_department(
            session=session, council=access.council, department_in=DepartmentCreate(name=name, is_external=is_external)
        ),
        success="Department “{result.name}” added.",
    )
    return redirect(back)


@router.post("/councils/{council_id}/members", dependencies=[CsrfChecked])
def add_member_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "member",
    department_id: Annotated[str, Form()] = "",
):
    """Seat someone on the council from the council page (chair)."""
    back = _chair_only(access)

    def apply():
        member_in = MemberCreate.model_validate(
            {"email": email, "name": name or None, "role": role, "department_id": whole_or_text(department_id)}
        )
        member, temporary_password = service.add_member(session=session, council=access.council, member_in=member_in)
        if temporary_password:
            flash(
                request,
                f"New account for {member.email}: temporary password {temporary_password} (share it privately).",
            )
        return member

    attempt(request, session, apply, success=lambda member: f"{member.name} added as {member.role}.")
    return redirect(back)


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
    back = _chair_only(access)

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


@router.post("/councils/{council_id}/settings", dependencies=[CsrfChecked])
def meeting_settings_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    quorum_members: Annotated[str, Form()] = "",
    quorum_departments: Annotated[str, Form()] = "",
):
    """Set the quorum from the council page (chair); an empty box means the default."""
    back = _chair_only(access)
    attempt(
        request,
        session,
        lambda: service.update_council(
            session=session,
            council=access.council,
            council_in=CouncilUpdate.model_validate(
                {
                    "quorum_members": whole_or_text(quorum_members),
                    "quorum_departments": whole_or_text(quorum_departments),
                }
            ),
        ),
        success="Quorum saved.",
    )
    return redirect(back)
