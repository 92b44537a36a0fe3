"""Pages: a meeting's agenda as people read it before the meeting, with its small forms.

The page renders the typed `Agenda` from `agenda_service.get_agenda` and computes no
content of its own; the only extra read is the reader's own apologies, which must show
their current state even on an agenda frozen before they were sent.
"""

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request, Response
from sqlmodel import Session, select

from app.agendas import service as agenda_service
from app.agendas.model import SECTION_TITLES, LiveAgenda
from app.auth import MeetingAccess, get_meeting_access
from app.common import IdPath
from app.db import SessionDep
from app.errors import Forbidden
from app.initiatives.display import money
from app.measures.display import STATUS_LABELS, format_change, format_number, format_value
from app.meetings import calendar, calendar_links, service
from app.meetings.calendar import agenda_path
from app.meetings.ics import MEDIA_TYPE as ICS_MEDIA_TYPE
from app.meetings.schemas import AobCreate, ApologiesIn
from app.models import Attendance, MeetingStatus, Role, User, utcnow
from app.web.csrf import CsrfChecked
from app.web.deps import PageUser
from app.web.forms import attempt
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)

ACTION_STATUSES = {"open": "Open", "in_progress": "In progress", "blocked": "Blocked", "done": "Done"}
INITIATIVE_STATUSES = {"approved": "Approved", "in_progress": "In progress", "proposed": "Proposed"}
# Keyed as app.initiatives.priorities names its criteria.
CRITERIA = {
    "customer_impact": "Customer impact",
    "saving": "Yearly saving",
    "effort": "Effort (less is better)",
    "strategic_fit": "Strategic fit",
    "confidence": "Confidence",
}
MOVEMENTS = {
    "improving": "↑ improving",
    "worsening": "↓ worsening",
    "flat": "→ flat",
    "better": "better",
    "worse": "worse",
}


def period_label(period: date) -> str:
    """Mar 2026 for a monthly reading (dated the 1st), 3 Mar 2026 otherwise."""
    return period.strftime("%b %Y") if period.day == 1 else period.strftime("%-d %b %Y")


HELPERS = {
    "fmt": format_value,
    "fmt_change": format_change,
    "fmt_number": format_number,
    "money": money,
    "period_label": period_label,
    "status_labels": STATUS_LABELS,
    "action_statuses": ACTION_STATUSES,
    "initiative_statuses": INITIATIVE_STATUSES,
    "criteria": CRITERIA,
    "movements": MOVEMENTS,
    "section_titles": SECTION_TITLES,
}


def _found(session: Session, user: User, meeting_id: int) -> MeetingAccess:
    """The meeting and my seat; a meeting of a council I do not sit on does not exist for me."""
    return get_meeting_access(meeting_id=meeting_id, user=user, session=session)


def _my_apologies(session: Session, found: MeetingAccess) -> Attendance | None:
    return session.exec(
        select(Attendance).where(
            Attendance.meeting_id == found.meeting.id,
            Attendance.membership_id == found.access.membership.id,
            Attendance.status == "apologies",
        )
    ).first()


@router.get("/meetings/{meeting_id}/agenda")
def agenda_page(request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath, live: str = ""):
    """The nine-section agenda: the draft, or once published what was circulated (`?live=1` compares).

    `live` is read as a page reads its query string: anything but a clear yes is the circulated
    agenda, never an error page."""
    found = _found(session, user, meeting_id)
    access, meeting = found.access, found.meeting
    observer = access.is_(Role.observer)
    live = live.strip().lower() in ("1", "true", "yes", "on") and not observer
    try:
        agenda = agenda_service.get_agenda(session=session, access=access, meeting=meeting, live=live)
    except Forbidden:
        agenda = None  # an observer, before the chair has published
    if agenda is not None and agenda.status == "draft":
        live = False  # a draft is already today's data
    # AOB raised after publication is not on the circulated agenda yet; the person who
    # just raised it should still see it arrived.
    pending_aob = []
    if agenda is not None and agenda.status == "published" and not live:
        circulated = {item.id for section in agenda.sections if section.key == "aob" for item in section.items}
        pending_aob = [i for i in service.list_aob(session=session, meeting=meeting) if i.id not in circulated]
    published_on = None
    if agenda is not None and agenda.published_at is not None:
        published_on = agenda.published_at.astimezone(ZoneInfo(access.council.timezone)).strftime("%-d %B %Y")
    return render(
        request,
        "agenda.html",
        {
            **HELPERS,
            "user": user,
            "access": access,
            "council": access.council,
            "meeting": meeting,
            "local": service.meeting_public(meeting, access.council),
            "agenda": agenda,
            "live": live,
            "published_on": published_on,
            "pending_aob": pending_aob,
            "changed": set(agenda.changed_sections) if isinstance(agenda, LiveAgenda) else set(),
            "is_chair": access.is_(Role.chair),
            "seated": not observer,
            "open": meeting.status == MeetingStatus.scheduled,
            "my_apologies": _my_apologies(session, found),
            "here": agenda_path(meeting.id),
        },
    )


def _attempt(request: Request, session: Session, apply, success: str) -> None:
    """Run one form's service call: flash its outcome; a refusal is flashed, not an error page."""
    ok, result = attempt(request, session, apply, keep=(404,))
    if ok:
        flash(request, success.format(result=result))


@router.post("/meetings/{meeting_id}/agenda/publish", dependencies=[CsrfChecked])
def publish_agenda_form(request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath):
    """Freeze and circulate the agenda (chair)."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        lambda: agenda_service.publish_agenda(session=session, access=found.access, meeting=found.meeting),
        "Agenda published as version {result.version}: this is the version members now see.",
    )
    return redirect(agenda_path(meeting_id))


@router.post("/meetings/{meeting_id}/aob", dependencies=[CsrfChecked])
def add_aob_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    title: Annotated[str, Form()] = "",
    details: Annotated[str, Form()] = "",
):
    """Ask to raise an item under any other business (members, not observers)."""
    found = _found(session, user, meeting_id)
    published = agenda_service.latest_snapshot(session=session, meeting=found.meeting) is not None
    later = " It joins the circulated agenda when the chair republishes it." if published else ""
    _attempt(
        request,
        session,
        lambda: service.add_aob(
            session=session,
            access=found.access,
            meeting=found.meeting,
            aob_in=AobCreate(title=title, details=details),
        ),
        "“{result.title}” added to any other business." + later,
    )
    return redirect(agenda_path(meeting_id) + "#aob")


@router.post("/meetings/{meeting_id}/apologies", dependencies=[CsrfChecked])
def send_apologies_form(
    request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath, note: Annotated[str, Form()] = ""
):
    """Send my apologies for this meeting, with an optional note (members, not observers)."""
    found = _found(session, user, meeting_id)

    def apply():
        found.access.require(Role.chair, Role.secretary, Role.member, doing="send apologies from the agenda page")
        return service.send_apologies(
            session=session, access=found.access, meeting=found.meeting, apologies_in=ApologiesIn(note=note)
        )

    _attempt(request, session, apply, "Apologies sent: the chair will know you cannot attend.")
    return redirect(agenda_path(meeting_id))


@router.post("/meetings/{meeting_id}/apologies/withdraw", dependencies=[CsrfChecked])
def withdraw_apologies_form(request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath):
    """Withdraw my apologies: I can attend after all."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        lambda: service.withdraw_apologies(session=session, access=found.access, meeting=found.meeting),
        "Apologies withdrawn: you are expected at the meeting.",
    )
    return redirect(agenda_path(meeting_id))


@router.api_route("/feeds/{token}.ics", methods=["GET", "HEAD"])
def subscribed_calendar(request: Request, session: SessionDep, token: str) -> Response:
    """The council's meetings for a calendar app subscribed with a seat's link (no sign-in:
    the secret in the URL is the key). Unknown, reset or stopped links get 404."""
    access = calendar_links.access_for_token(session=session, token=token)
    content = calendar.council_calendar(
        session=session, access=access, base_url=request.app.state.settings.BASE_URL, now=utcnow()
    )
    # Calendar apps poll; each fetch must come here, not from a shared cache.
    return Response(content, media_type=ICS_MEDIA_TYPE, headers={"Cache-Control": "private, no-cache"})
