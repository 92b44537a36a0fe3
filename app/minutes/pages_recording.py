"""Pages: the secretary's forms for minuting a meeting live, and the notes saved as they are typed.

Each form calls the same recording functions as the JSON API and comes back to the item
it was on (`#item-N`); the notes of an item save as they are typed, through
`POST …/minutes/items/{number}/autosave`: a page route (session cookie and CSRF token,
in the `X-CSRF-Token` header or the form), answering JSON.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from app.auth import get_meeting_access
from app.common import IdPath, etag
from app.councils.sections import STANDING_ITEM_BASE
from app.db import SessionDep
from app.display import short_date
from app.errors import AppError, Conflict, NotFound, PreconditionFailed
from app.minutes import recording, rows
from app.minutes.pages import approved_refusal, back_to, clean_text, minutes_path, refusal, show_minutes
from app.minutes.schemas import (
    NOTES_MAX,
    AttendanceIn,
    AttendanceSet,
    ItemNotesIn,
    MinutesUpdate,
)
from app.models import Minutes, utcnow
from app.web.csrf import CSRF_FIELD, CsrfChecked, csrf_matches
from app.web.deps import PageMeeting, PageUser, signed_in_user
from app.web.forms import attempt, form_errors, whole_or_text
from app.web.render import redirect, render

router = APIRouter(include_in_schema=False)


@router.post("/meetings/{meeting_id}/minutes/attendance", dependencies=[CsrfChecked])
def attendance_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    membership_id: Annotated[list[int] | None, Form()] = None,
    status: Annotated[list[str] | None, Form()] = None,
    delegate_name: Annotated[list[str] | None, Form()] = None,
    note: Annotated[list[str] | None, Form()] = None,
    fill: Annotated[str, Form()] = "",
):
    """Attendance from the table: one row per seat; a seat left on "Not recorded" is left alone, unless the
    "mark everyone not recorded present" button sent `fill=present`, which records them present in the same save."""
    marked = [state for state in status or [] if not state] if fill == "present" else []
    if marked:
        status = [state or "present" for state in status or []]

    def apply():
        columns = [membership_id or [], status or [], delegate_name or [], note or []]
        if len({len(column) for column in columns}) != 1:
            raise AppError("The attendance form arrived incomplete; reload the page and save it again.")
        rows = [
            AttendanceIn(membership_id=seat, status=state, delegate_name=delegate.strip(), note=clean_text(text))
            for seat, state, delegate, text in zip(*columns, strict=True)
            if state
        ]
        return recording.set_attendance(
            session=session, access=found.access, meeting=found.meeting, attendance_in=AttendanceSet(attendance=rows)
        )

    attempt(
        request,
        session,
        apply,
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success=lambda result: (
            (f"{len(marked)} not recorded {'was' if len(marked) == 1 else 'were'} marked present. " if marked else "")
            + f"Attendance saved. {result.quorum.statement}"
        ),
    )
    return redirect(back_to(found.meeting.id, "attendance"))


@router.post("/meetings/{meeting_id}/minutes/items/{number}/notes", dependencies=[CsrfChecked])
def item_notes_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    number: int,
    notes: Annotated[str, Form()] = "",
    item_version: Annotated[str, Form()] = "",
):
    """Save an item's notes without script (the page saves them as they are typed otherwise).

    The form names the version it was built from; if someone saved the item since, nothing
    is saved and a page shows both texts: theirs read-only, this person's still editable.
    """
    number = _item_number(number)
    typed = clean_text(notes)
    try:
        attempt(
            request,
            session,
            lambda: recording.set_item_notes(
                session=session,
                access=found.access,
                meeting=found.meeting,
                number=number,
                notes=ItemNotesIn(notes=typed).notes,
                if_match=_version_tag(item_version),
            ),
            keep=(NotFound.status_code, PreconditionFailed.status_code),
            message=refusal(session, found.meeting),
            success=f"Notes for item {number} saved.",
        )
    except PreconditionFailed as exc:
        session.rollback()
        return notes_conflict_page(request, found, number=number, mine=typed, theirs=exc.current)
    return redirect(back_to(found.meeting.id, f"item-{number}"))


def _version_tag(version: str) -> str:
    """The If-Match a page form's version field stands for: a form without one (a page from before
    versions) matches no stored version, so it is shown the conflict rather than overwriting."""
    seen = whole_or_text(version)
    return etag(seen) if isinstance(seen, int) else '"none"'


def notes_conflict_page(request: Request, found, *, number: int, mine: str, theirs: dict | None):
    """Both texts side by side: what this person typed (kept, editable, saved over theirs on request)
    and what the other person saved (read-only)."""
    return render(
        request,
        "minutes_conflict.html",
        {
            "meeting": found.meeting,
            "council": found.access.council,
            "number": number,
            "mine": mine,
            "theirs": theirs or {"notes": "", "version": 0, "updated_by": None, "updated_at": None},
            "notes_max": NOTES_MAX,
        },
        status_code=409,
    )


def _anchor(item_number: int) -> str:
    return f"item-{item_number}" if _is_item(item_number) else "decisions"


def _is_item(number: int) -> bool:
    """1–9 a standard section, above 100 a standing item (whether this council's: recording checks)."""
    return 1 <= number <= 9 or STANDING_ITEM_BASE < number <= 2**31 - 1


def _item_number(number: int) -> int:
    if not _is_item(number):
        raise NotFound("The agenda has items 1 to 9 and the council's standing items.")
    return number


RowField = Annotated[list[str] | None, Form()]


@router.post("/meetings/{meeting_id}/minutes/decisions", dependencies=[CsrfChecked])
def add_decision_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    item_number: RowField = None,
    text: RowField = None,
    theme_id: RowField = None,
):
    """Record the form's decisions (one row or several, each under its item), all or none; each takes the meeting's
    next number, and may record a theme as reviewed."""
    typed = rows.typed_rows("decisions", {"item_number": item_number, "text": text, "theme_id": theme_id})

    def said(saved) -> str:
        if len(saved) == 1:
            return f"Decision D{saved[0].number} recorded under item {saved[0].item_number}. Add another below."
        listed = ", ".join(f"D{d.number} under item {d.item_number}" for d in saved)
        return f"{len(saved)} decisions recorded: {listed}. Add another below."

    return _record_rows(
        request,
        session,
        user,
        found,
        typed,
        lambda: rows.record_decisions(
            session=session, access=found.access, meeting=found.meeting, decisions=rows.decisions_in(typed)
        ),
        said=said,
        anchor="record-decision",
    )


def _record_rows(request: Request, session, user, found, typed: rows.TypedRows, save, *, said, anchor: str):
    """Run a rows form: saved, back to the form (under the last row's item) with a fresh row; refused, the page
    again with every row as typed and each refused row saying why."""
    request.state.typed = None  # the rows come back on the page itself, however long they are
    ran = False

    def apply():
        nonlocal ran
        ran = True
        try:
            return save()
        except rows.RowsRefused as exc:
            typed.errors, typed.fields = exc.errors, exc.fields
            raise

    ok, saved = attempt(
        request,
        session,
        apply,
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success=said,
    )
    if ok or not ran:  # saved, or this very form was saved before (sent twice)
        last = whole_or_text(typed.rows[-1]["item_number"]) if typed.rows else None
        query = f"?item={last}" if isinstance(last, int) and _is_item(last) else ""
        return redirect(f"{minutes_path(found.meeting.id)}{query}#{anchor}")
    return show_minutes(
        request, session, user, found, typed=typed, status_code=422 if typed.errors else Conflict.status_code
    )


@router.post("/meetings/{meeting_id}/minutes/decisions/{decision_id}/delete", dependencies=[CsrfChecked])
def delete_decision_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    decision_id: IdPath,
    item_number: Annotated[int, Form()] = 0,
):
    """Strike a decision recorded in error; those after it move up."""
    attempt(
        request,
        session,
        lambda: recording.delete_decision(
            session=session, access=found.access, meeting=found.meeting, decision_id=decision_id
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success="Decision struck out; the ones after it were renumbered.",
    )
    return redirect(
        back_to(
            found.meeting.id,
            _anchor(item_number),
        )
    )


@router.post("/meetings/{meeting_id}/minutes/actions", dependencies=[CsrfChecked])
def raise_action_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    item_number: RowField = None,
    title: RowField = None,
    owner_id: RowField = None,
    due_on: RowField = None,
):
    """Raise the form's actions (one row or several, each under its item), all or none: they go on the council's
    log at once, raised at this meeting."""
    typed = rows.typed_rows(
        "actions", {"item_number": item_number, "title": title, "owner_id": owner_id, "due_on": due_on}
    )

    def said(raised) -> str:
        if len(raised) == 1:
            action = raised[0]
            return f"Action raised: “{action.title}”, due {short_date(action.due_on)}. It is on the action log now."
        listed = ", ".join(f"“{a.title}”" for a in raised)
        return f"{len(raised)} actions raised: {listed}. They are on the action log now."

    return _record_rows(
        request,
        session,
        user,
        found,
        typed,
        lambda: rows.raise_actions(
            session=session, access=found.access, meeting=found.meeting, actions=rows.actions_in(typed)
        ),
        said=said,
        anchor="raise-action",
    )


@router.post("/meetings/{meeting_id}/minutes/aob/{item_id}", dependencies=[CsrfChecked])
def aob_outcome_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    item_id: IdPath,
    outcome: Annotated[str, Form()] = "",
):
    """What the meeting made of an item of any other business."""
    attempt(
        request,
        session,
        lambda: recording.set_aob_outcome(
            session=session, access=found.access, meeting=found.meeting, item_id=item_id, outcome=clean_text(outcome)
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success=lambda a: f"Outcome saved for “{a.title}”.",
    )
    return redirect(back_to(found.meeting.id, f"aob-{item_id}"))


PREVIOUS_CHOICES = {"yes": True, "no": False, "": None}


@router.post("/meetings/{meeting_id}/minutes/previous", dependencies=[CsrfChecked])
def previous_minutes_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    approved: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
):
    """Item 1: were the previous meeting's minutes approved as a true record, and anything said about them."""
    attempt(
        request,
        session,
        lambda: recording.update_minutes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            minutes_in=MinutesUpdate(
                previous_minutes_approved=PREVIOUS_CHOICES.get(approved), previous_minutes_note=clean_text(note)
            ),
            if_match=None,
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success="Approval of the previous minutes saved.",
    )
    return redirect(back_to(found.meeting.id, "item-1"))


@router.post("/meetings/{meeting_id}/minutes/next-meeting", dependencies=[CsrfChecked])
def next_meeting_form(
    request: Request, session: SessionDep, user: PageUser, found: PageMeeting, note: Annotated[str, Form()] = ""
):
    """A note on the next meeting (where, what to bring)."""
    attempt(
        request,
        session,
        lambda: recording.update_minutes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            minutes_in=MinutesUpdate(next_meeting_note=clean_text(note).strip()),
            if_match=None,
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success="Next meeting note saved.",
    )
    return redirect(back_to(found.meeting.id, "next-meeting"))


@router.post("/meetings/{meeting_id}/minutes/taken-by", dependencies=[CsrfChecked])
def taken_by_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    taken_by_user_id: Annotated[str, Form()] = "",
    taken_by_name: Annotated[str, Form()] = "",
):
    """Who took the minutes: someone on the council, or a name typed for someone without an account."""
    person = whole_or_text(taken_by_user_id) if taken_by_user_id else None
    attempt(
        request,
        session,
        lambda: recording.update_minutes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            minutes_in=MinutesUpdate(taken_by_user_id=person, taken_by_name=" ".join(taken_by_name.split())),
            if_match=None,
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success="Saved who took the minutes.",
    )
    return redirect(back_to(found.meeting.id, "taken-by"))


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
    version: Annotated[str, Form(max_length=20)] = "",
    csrf_token: Annotated[str | None, Form(alias=CSRF_FIELD)] = None,
    x_csrf_token: Annotated[str | None, Header()] = None,
):
    """Save an item's notes as they are typed: JSON {saved_at, version, minutes_version}; version is the item's (send it
    back with the next save); 412 {detail, current} when someone saved the item since that version (nothing
    saved); 409 once approved, 403 without the right (or a valid CSRF token), 401 when signed out. A page
    route: the session cookie, not a bearer token."""
    # Signed out first: the CSRF token is bound to the sign-in, so once it has ended every token
    # fails, and "sign in again" is what the person needs to hear (nothing is saved either way).
    user = signed_in_user(request, session)
    if user is None:
        return _json_error(401, "You are signed out: sign in again in another tab; your notes are kept here.")
    if not csrf_matches(request, x_csrf_token or csrf_token):
        return _json_error(403, "This page has expired or did not come from this site; reload it to keep saving.")
    if not _is_item(number):
        return _json_error(404, "The agenda has items 1 to 9 and the council's standing items.")
    try:
        found = get_meeting_access(meeting_id=meeting_id, user=user, session=session)
        saved = recording.set_item_notes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            number=number,
            notes=ItemNotesIn(notes=clean_text(notes)).notes,
            if_match=_version_tag(version),
        )
    except ValidationError as exc:
        session.rollback()
        return _json_error(422, form_errors(exc))
    except PreconditionFailed as exc:
        session.rollback()
        return JSONResponse(
            {
                "detail": "Someone else saved these notes while you were writing; yours are not saved yet.",
                "current": exc.current,
            },
            status_code=412,
            headers={"Cache-Control": "no-store"},
        )
    except AppError as exc:
        session.rollback()
        detail = exc.detail
        if isinstance(exc, Conflict):
            detail = approved_refusal(session, found.meeting) or detail
        return _json_error(exc.status_code, detail)
    minutes = session.get(Minutes, meeting_id)
    return JSONResponse(
        {
            "number": number,
            "saved_at": (saved.updated_at or utcnow()).isoformat(),
            "version": saved.version,
            # The page's lifecycle forms (approve) carry the minutes' version, which moves with every save.
            "minutes_version": minutes.version if minutes else 0,
        },
        headers={"Cache-Control": "no-store"},
    )
