"""Pages: the secretary's one screen for minuting a meeting live, and the minutes as members read them.

The page renders the typed `MinutesDoc` from `minutes_service.load_minutes` and calls the
same recording functions as the JSON API, so the rules (who may, approved minutes never
change, audit) live in one place. Every form posts and comes back to the item it was
on (`#item-N`); the notes of an item save as they are typed, through
`POST …/minutes/items/{number}/autosave`: a page route (session cookie and CSRF token,
in the `X-CSRF-Token` header or the form), answering JSON.
"""

from datetime import date, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlmodel import Session

from app.agendas.display import HELPERS
from app.auth import SESSION_USER_KEY, MeetingAccess, get_meeting_access
from app.common import IdPath, etag, today_in
from app.config import Settings
from app.db import SessionDep
from app.errors import AppError, Conflict, NotFound, PreconditionFailed
from app.minutes import recording
from app.minutes import service as minutes_service
from app.minutes.lock import RECORDERS
from app.minutes.schemas import (
    NOTES_MAX,
    AmendmentCreate,
    AttendanceIn,
    AttendanceSet,
    DecisionCreate,
    ItemNotesIn,
    MeetingActionCreate,
    MinutesUpdate,
)
from app.models import Council, Meeting, MeetingStatus, Minutes, MinutesStatus, Role, User, utcnow
from app.web.csrf import CSRF_FIELD, CsrfChecked, csrf_matches
from app.web.deps import PageUser
from app.web.forms import attempt, form_errors
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)

ATTENDANCE_CHOICES = {"present": "Present", "apologies": "Apologies", "absent": "Absent", "delegate": "Delegate"}
# What a new action is due by unless the secretary picks a date.
DEFAULT_DUE_DAYS = 14
APPROVED_REFUSAL = (
    "These minutes were approved on {when} and can no longer change. Record a correction as an amendment below."
)


def minutes_path(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/minutes"


def _found(session: Session, user: User, meeting_id: int) -> MeetingAccess:
    """The meeting and my seat; a meeting of a council I do not sit on does not exist for me."""
    return get_meeting_access(meeting_id=meeting_id, user=user, session=session)


def _local(value, zone: ZoneInfo, fmt: str = "%-d %B %Y") -> str:
    return value.astimezone(zone).strftime(fmt) if value else ""


def _clean_text(value: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; stored as "\\n", as maxlength counts them."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


@router.get("/meetings/{meeting_id}/minutes")
def minutes_page(request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath):
    """Record the meeting (chair, secretary) or read its minutes (members; observers once approved)."""
    found = _found(session, user, meeting_id)
    access, meeting = found.access, found.meeting
    doc = minutes_service.load_minutes(session=session, access=access, meeting=meeting)
    zone = ZoneInfo(access.council.timezone)
    recorder = access.is_(*RECORDERS)
    cancelled = meeting.status == MeetingStatus.cancelled
    approved = doc.status == MinutesStatus.approved
    settings: Settings = request.app.state.settings
    owners = sorted(doc.attendance, key=lambda r: r.name.casefold())
    return render(
        request,
        "minutes.html",
        {
            **HELPERS,
            "user": user,
            "access": access,
            "council": access.council,
            "meeting": meeting,
            "doc": doc,
            "h": doc.meeting,
            "editing": recorder and not approved and not cancelled,
            "recorder": recorder,
            "is_chair": access.is_(Role.chair),
            "approved": approved,
            "cancelled": cancelled,
            "circulated_on": _local(doc.circulated_at, zone),
            "approved_on": _local(doc.approved_at, zone),
            "amended_at": {a.id: _local(a.made_at, zone, "%-d %b %Y, %H:%M") for a in doc.amendments},
            "saved_at": {i.number: i.updated_at.isoformat() if i.updated_at else "" for i in doc.items},
            "owners": owners,
            "default_due": (today_in(access.council.timezone) + timedelta(days=DEFAULT_DUE_DAYS)).isoformat(),
            "today": today_in(access.council.timezone).isoformat(),
            "choices": ATTENDANCE_CHOICES,
            "notes_max": NOTES_MAX,
            "can_email": bool(settings.SMTP_URL),
            "here": minutes_path(meeting.id),
        },
    )


# -- form posts -----------------------------------------------------------------------


def _approved_refusal(session: Session, meeting: Meeting) -> str | None:
    minutes = session.get(Minutes, meeting.id)
    if minutes is not None and minutes.status == MinutesStatus.approved and minutes.approved_at:
        council = session.get(Council, meeting.council_id)
        zone = ZoneInfo(council.timezone if council else "UTC")
        return APPROVED_REFUSAL.format(when=_local(minutes.approved_at, zone))
    return None


def _attempt(request: Request, session: Session, meeting: Meeting, apply, success) -> bool:
    """Run one form's recording call and flash its outcome: a refusal is a message, not an error page."""
    ok, result = attempt(
        request,
        session,
        apply,
        keep=(NotFound.status_code,),
        message=lambda exc: _approved_refusal(session, meeting) if isinstance(exc, Conflict) else None,
    )
    if not ok:
        return False
    text = success(result) if callable(success) else success
    if text:
        flash(request, text)
    return True


def _back(meeting_id: int, anchor: str) -> str:
    return f"{minutes_path(meeting_id)}#{anchor}"


@router.post("/meetings/{meeting_id}/minutes/attendance", dependencies=[CsrfChecked])
def attendance_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    membership_id: Annotated[list[int] | None, Form()] = None,
    status: Annotated[list[str] | None, Form()] = None,
    delegate_name: Annotated[list[str] | None, Form()] = None,
    note: Annotated[list[str] | None, Form()] = None,
):
    """Attendance from the table: one row per seat; a seat left on "Not recorded" is left alone."""
    found = _found(session, user, meeting_id)

    def apply():
        columns = [membership_id or [], status or [], delegate_name or [], note or []]
        if len({len(column) for column in columns}) != 1:
            raise AppError("The attendance form arrived incomplete; reload the page and save it again.")
        rows = [
            AttendanceIn(membership_id=seat, status=state, delegate_name=delegate.strip(), note=_clean_text(text))
            for seat, state, delegate, text in zip(*columns, strict=True)
            if state
        ]
        return recording.set_attendance(
            session=session, access=found.access, meeting=found.meeting, attendance_in=AttendanceSet(attendance=rows)
        )

    _attempt(request, session, found.meeting, apply, lambda result: f"Attendance saved. {result.quorum.statement}")
    return redirect(_back(meeting_id, "attendance"))


@router.post("/meetings/{meeting_id}/minutes/items/{number}/notes", dependencies=[CsrfChecked])
def item_notes_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    number: int,
    notes: Annotated[str, Form()] = "",
):
    """Save an item's notes without script (the page saves them as they are typed otherwise)."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        found.meeting,
        lambda: recording.set_item_notes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            number=_item_number(number),
            notes=ItemNotesIn(notes=_clean_text(notes)).notes,
        ),
        f"Notes for item {number} saved.",
    )
    return redirect(_back(meeting_id, f"item-{number}"))


def _item_number(number: int) -> int:
    if not 1 <= number <= 9:
        raise NotFound("The agenda has items 1 to 9.")
    return number


@router.post("/meetings/{meeting_id}/minutes/decisions", dependencies=[CsrfChecked])
def add_decision_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    item_number: Annotated[int, Form()],
    text: Annotated[str, Form()] = "",
):
    """Record a decision under an item; it takes the meeting's next number."""
    found = _found(session, user, meeting_id)
    if not text.strip():
        flash(request, "Write the decision first, then record it.", "error")
        return redirect(_back(meeting_id, f"item-{item_number}"))
    _attempt(
        request,
        session,
        found.meeting,
        lambda: recording.add_decision(
            session=session,
            access=found.access,
            meeting=found.meeting,
            decision_in=DecisionCreate(item_number=item_number, text=_clean_text(text).strip()),
        ),
        lambda d: f"Decision D{d.number} recorded under item {d.item_number}.",
    )
    return redirect(_back(meeting_id, f"item-{item_number}"))


@router.post("/meetings/{meeting_id}/minutes/decisions/{decision_id}/delete", dependencies=[CsrfChecked])
def delete_decision_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    decision_id: IdPath,
    item_number: Annotated[int, Form()] = 0,
):
    """Strike a decision recorded in error; those after it move up."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        found.meeting,
        lambda: recording.delete_decision(
            session=session, access=found.access, meeting=found.meeting, decision_id=decision_id
        ),
        "Decision struck out; the ones after it were renumbered.",
    )
    return redirect(_back(meeting_id, f"item-{item_number}" if 1 <= item_number <= 9 else "decisions"))


@router.post("/meetings/{meeting_id}/minutes/actions", dependencies=[CsrfChecked])
def raise_action_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    item_number: Annotated[int, Form()],
    title: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
):
    """Raise an action under an item: it goes on the council's log at once, raised at this meeting."""
    found = _found(session, user, meeting_id)
    owner = int(owner_id) if owner_id.isdigit() else None
    try:
        due = date.fromisoformat(due_on) if due_on else None
    except ValueError:
        due = None
    needed = (("a title", title.strip()), ("an owner", owner), ("a due date", due))
    missing = [what for what, value in needed if not value]
    if missing:
        flash(request, f"The action needs {' and '.join(missing)} before it can be raised.", "error")
        return redirect(_back(meeting_id, f"item-{item_number}"))
    _attempt(
        request,
        session,
        found.meeting,
        lambda: recording.raise_action(
            session=session,
            access=found.access,
            meeting=found.meeting,
            action_in=MeetingActionCreate(item_number=item_number, title=title.strip(), owner_id=owner, due_on=due),
        ),
        lambda a: f"Action raised: “{a.title}”, due {a.due_on:%-d %b %Y}. It is on the action log now.",
    )
    return redirect(_back(meeting_id, f"item-{item_number}"))


@router.post("/meetings/{meeting_id}/minutes/aob/{item_id}", dependencies=[CsrfChecked])
def aob_outcome_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    item_id: IdPath,
    outcome: Annotated[str, Form()] = "",
):
    """What the meeting made of an item of any other business."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        found.meeting,
        lambda: recording.set_aob_outcome(
            session=session, access=found.access, meeting=found.meeting, item_id=item_id, outcome=_clean_text(outcome)
        ),
        lambda a: f"Outcome saved for “{a.title}”.",
    )
    return redirect(_back(meeting_id, f"aob-{item_id}"))


PREVIOUS_CHOICES = {"yes": True, "no": False, "": None}


@router.post("/meetings/{meeting_id}/minutes/previous", dependencies=[CsrfChecked])
def previous_minutes_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    approved: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
):
    """Item 1: were the previous meeting's minutes approved as a true record, and anything said about them."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        found.meeting,
        lambda: recording.update_minutes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            minutes_in=MinutesUpdate(
                previous_minutes_approved=PREVIOUS_CHOICES.get(approved), previous_minutes_note=_clean_text(note)
            ),
            if_match=None,
        ),
        "Approval of the previous minutes saved.",
    )
    return redirect(_back(meeting_id, "item-1"))


@router.post("/meetings/{meeting_id}/minutes/next-meeting", dependencies=[CsrfChecked])
def next_meeting_form(
    request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath, note: Annotated[str, Form()] = ""
):
    """A note on the next meeting (where, what to bring)."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        found.meeting,
        lambda: recording.update_minutes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            minutes_in=MinutesUpdate(next_meeting_note=_clean_text(note).strip()),
            if_match=None,
        ),
        "Next meeting note saved.",
    )
    return redirect(_back(meeting_id, "next-meeting"))


@router.post("/meetings/{meeting_id}/minutes/circulate", dependencies=[CsrfChecked])
def circulate_form(
    request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath, email: Annotated[str, Form()] = ""
):
    """Send the draft round for comment (chair or secretary), optionally by mail with the Word minutes."""
    found = _found(session, user, meeting_id)

    def said(result) -> str:
        parts = ["Minutes circulated: members can read them now; the chair approves them next."]
        if email:
            parts.append(f"Emailed to {result.emailed} member{'s' if result.emailed != 1 else ''}.")
        if result.failures:
            parts.append("Not delivered: " + "; ".join(result.failures) + ".")
        parts += result.notes
        return " ".join(parts)

    _attempt(
        request,
        session,
        found.meeting,
        lambda: minutes_service.circulate_minutes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            settings=request.app.state.settings,
            email=bool(email),
            if_match=None,
        ),
        said,
    )
    return redirect(minutes_path(meeting_id))


@router.post("/meetings/{meeting_id}/minutes/approve", dependencies=[CsrfChecked])
def approve_form(
    request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath, version: Annotated[str, Form()] = ""
):
    """The chair approves the minutes as read: a change since the page was opened is shown first."""
    found = _found(session, user, meeting_id)

    def apply():
        try:
            return minutes_service.approve_minutes(
                session=session,
                access=found.access,
                meeting=found.meeting,
                if_match=etag(int(version)) if version.isdigit() else None,
            )
        except PreconditionFailed:
            raise PreconditionFailed(
                "The minutes changed after you opened this page, so they were not approved. "
                "The page now shows the latest version: read it, then approve again."
            ) from None

    _attempt(
        request, session, found.meeting, apply, "Minutes approved. They are final now; corrections are amendments."
    )
    return redirect(minutes_path(meeting_id))


@router.post("/meetings/{meeting_id}/minutes/amendments", dependencies=[CsrfChecked])
def amendment_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    meeting_id: IdPath,
    text: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    item_number: Annotated[str, Form()] = "",
):
    """Correct approved minutes: the correction and why, with who and when."""
    found = _found(session, user, meeting_id)
    _attempt(
        request,
        session,
        found.meeting,
        lambda: minutes_service.add_amendment(
            session=session,
            access=found.access,
            meeting=found.meeting,
            amendment_in=AmendmentCreate(
                text=_clean_text(text).strip(),
                reason=_clean_text(reason).strip(),
                item_number=int(item_number) if item_number.isdigit() else None,
            ),
        ),
        "Amendment recorded. It shows with the minutes and in the Word document.",
    )
    return redirect(_back(meeting_id, "amendments"))


# -- saving as they type --------------------------------------------------------------


def _json_error(status_code: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status_code, headers={"Cache-Control": "no-store"})


@router.post("/meetings/{meeting_id}/minutes/items/{number}/autosave")
def autosave_item_notes(
    request: Request,
    session: SessionDep,
    meeting_id: IdPath,
    number: int,
    notes: Annotated[str, Form(max_length=NOTES_MAX * 2)],
    csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
    x_csrf_token: Annotated[str | None, Header()] = None,
):
    """Save an item's notes as they are typed: JSON {saved_at, version}; 409 once approved, 403 without the
    right (or a valid CSRF token), 401 when signed out. A page route: the session cookie, not a bearer token."""
    if not csrf_matches(request, x_csrf_token or csrf_token):
        return _json_error(403, "This page has expired or did not come from this site; reload it to keep saving.")
    user_id = request.session.get(SESSION_USER_KEY)
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        return _json_error(401, "You are signed out: sign in again in another tab; your notes are kept here.")
    if not 1 <= number <= 9:
        return _json_error(404, "The agenda has items 1 to 9.")
    try:
        found = _found(session, user, meeting_id)
        saved = recording.set_item_notes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            number=number,
            notes=ItemNotesIn(notes=_clean_text(notes)).notes,
        )
    except ValidationError as exc:
        session.rollback()
        return _json_error(422, form_errors(exc))
    except AppError as exc:
        session.rollback()
        detail = exc.detail
        if isinstance(exc, Conflict):
            detail = _approved_refusal(session, found.meeting) or detail
        return _json_error(exc.status_code, detail)
    minutes = session.get(Minutes, meeting_id)
    return JSONResponse(
        {
            "number": number,
            "saved_at": (saved.updated_at or utcnow()).isoformat(),
            "version": minutes.version if minutes else 0,
        },
        headers={"Cache-Control": "no-store"},
    )
