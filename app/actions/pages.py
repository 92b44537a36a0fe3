"""Pages: my actions, one action with its history and comments (the council's log: log_pages.py)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import ValidationError
from sqlalchemy.orm.exc import StaleDataError

from app.actions import due_requests, log_pages, service
from app.actions.display import AGENDA_ITEMS, field_label, history_rows
from app.actions.log_pages import overdue_param, status_param
from app.actions.schemas import NOTE_MAX, ActionPublic, ActionUpdate, CommentCreate, DueDecision
from app.auth import Access, ActionAccess
from app.common import IdPath, check_if_match, etag
from app.councils.service import list_departments, list_members, list_my_councils
from app.db import SessionDep
from app.display import local_time
from app.errors import AppError, Forbidden, NotFound, PreconditionFailed
from app.meetings.service import list_meetings
from app.models import CLOSED_STATUSES, Action, Initiative, Journey, Role, User
from app.web.csrf import CsrfChecked
from app.web.deps import PageAction, PageUser, safe_next
from app.web.forms import TextField, attempt, form_errors, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)
BackField = Annotated[str, Form()]
router.include_router(log_pages.router)

# The fields an update form carries; each also travels as `seen_<field>`, the value the
# page showed, so only what the person changed is written (and kept after a conflict).
FORM_FIELDS = ("status", "percent_complete", "due_on")
CONFLICT = (
    "Someone else updated this action since you opened it, so your update was not saved. "
    "The page now shows their change; what you typed is kept in the form below. Check it and save again."
)


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _may_update(access: Access, action: Action | ActionPublic) -> bool:
    try:
        service.check_may_update(access=access, action=action)
    except Forbidden:
        return False
    return True


def _form_values(action: ActionPublic | Action, note: str = "") -> dict:
    """What an update form shows for `action` when nothing has been typed yet."""
    current = {
        "status": action.status,
        "percent_complete": str(action.percent_complete),
        "due_on": action.due_on.isoformat(),
    }
    return {**current, **{f"seen_{k}": v for k, v in current.items()}, "note": note, "version": action.version}


@router.get("/actions")
def my_actions_page(request: Request, session: SessionDep, user: PageUser, status: str = "", overdue: str = ""):
    """Every action I own, in every council, with a form on each to report progress."""
    status_filter, overdue_filter = status_param(status), overdue_param(overdue)
    actions = service.list_my_actions(session=session, user=user, status=status_filter, overdue=overdue_filter)
    seats = {seat.council.id: seat for seat in list_my_councils(session=session, user=user)}
    groups = []
    for seat in seats.values():
        # Work still to do first (soonest due first, so the overdue lead), then what is closed.
        mine = sorted(
            (a for a in actions if a.council_id == seat.council.id), key=lambda a: a.status in CLOSED_STATUSES
        )
        if mine:
            rows = [(a, _form_values(a), _may_update(seat, a)) for a in mine]
            groups.append({"council": seat.council, "role": seat.role, "rows": rows})
    return render(
        request,
        "my_actions.html",
        {
            "user": user,
            "groups": groups,
            "count": len(actions),
            "overdue_count": sum(a.overdue for a in actions),
            "filters": {"status": status_filter or "", "overdue": overdue},
            "note_max": NOTE_MAX,
            "back": _here(request),
        },
    )


@router.get("/actions/{action_id}")
def action_page(request: Request, session: SessionDep, user: PageUser, found: PageAction):
    """One action: its details, its full history and (for those who may) the update form."""
    return _render_action(request, session, found, form=_form_values(found.action), back=f"/actions/{found.action.id}")


def _render_action(
    request: Request,
    session,
    found: ActionAccess,
    *,
    form: dict,
    back: str,
    error: str | None = None,
    conflict: list[str] | None = None,
    status_code: int = 200,
    comment_text: str = "",
    comment_error: str | None = None,
):
    council = found.access.council
    public = service.get_action_public(session=session, action=found.action)
    history = history_rows(
        service.list_history(session=session, action=found.action),
        timezone=council.timezone,
        members=list_members(session=session, council=council),
        departments=list_departments(session=session, council=council),
        meetings=list_meetings(session=session, council=council),
    )
    # The records the action links to, by name; each id was checked to be of this council when it was set.
    initiative = session.get(Initiative, public.initiative_id) if public.initiative_id else None
    journey = session.get(Journey, public.journey_id) if public.journey_id else None
    return render(
        request,
        "action.html",
        {
            "user": found.access.user,
            "access": found.access,
            "council": council,
            "nav": nav(session=session, council=council, here="actions"),
            "a": public,
            "initiative": initiative if initiative and initiative.council_id == council.id else None,
            "journey": journey if journey and journey.council_id == council.id else None,
            "history": history,
            "can_update": _may_update(found.access, found.action),
            "form": form,
            "back": back,
            "error": error,
            "conflict": conflict,
            "conflict_message": CONFLICT,
            "agenda_item": AGENDA_ITEMS.get(public.raised_at_item or 0),
            "closed_at": local_time(public.closed_at, council.timezone) if public.closed_at else None,
            "note_max": NOTE_MAX,
            "comments": [row for row in history if row.kind == "comment"],
            "can_comment": service.may_comment(access=found.access) and found.action.archived_at is None,
            "comment_text": comment_text,
            "comment_error": comment_error,
            "pending": public.pending_due_change,
            "pending_by": _name(session, public.pending_due_change.requested_by_id)
            if public.pending_due_change
            else "",
            "may_decide": found.access.is_(Role.chair),
        },
        status_code=status_code,
    )


def _is_stale(version: str, action: Action) -> bool:
    """check_if_match for a form: it always names the version it was built from, so none is stale too."""
    seen = whole_or_text(version)
    if not isinstance(seen, int):
        return True
    try:
        check_if_match(etag(seen), action.version)
    except PreconditionFailed:
        return True
    return False


@router.post("/actions/{action_id}/update", dependencies=[CsrfChecked])
def update_action_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageAction,
    version: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
    percent_complete: Annotated[str, Form()] = "",
    due_on: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    seen_status: Annotated[str | None, Form()] = None,
    seen_percent_complete: Annotated[str | None, Form()] = None,
    seen_due_on: Annotated[str | None, Form()] = None,
    back: Annotated[str, Form()] = "",
):
    """Save a progress update from a form; a form built from an older version is shown again, unsaved."""
    service.check_may_update(access=found.access, action=found.action)
    back = back if back and safe_next(back) == back else f"/actions/{found.action.id}"
    # Browsers send a textarea's line breaks as CRLF; counted as one, as its maxlength does.
    note = note.replace("\r\n", "\n")
    typed = {"status": status, "percent_complete": percent_complete.strip(), "due_on": due_on}
    seen = {"status": seen_status, "percent_complete": seen_percent_complete, "due_on": seen_due_on}
    # A field the person left as the page showed it is not theirs to write (nor to keep after a conflict).
    mine = {f for f in FORM_FIELDS if typed[f] and (seen[f] is None or typed[f] != seen[f])}

    def show_again(error: str | None = None, conflict: list[str] | None = None, status_code: int = 422):
        form = _form_values(found.action, note)
        form.update({f: typed[f] for f in mine})
        return _render_action(
            request, session, found, form=form, back=back, error=error, conflict=conflict, status_code=status_code
        )

    action_id = found.action.id

    def show_conflict():
        session.rollback()
        session.expire_all()
        if session.get(Action, action_id) is None:
            raise NotFound("This action was deleted while you were editing it.")
        # The fields both people changed: theirs is now shown, the person's own choice is in the form.
        now = _form_values(found.action)
        overlap = [f for f in FORM_FIELDS if f in mine and seen[f] is not None and seen[f] != now[f]]
        return show_again(conflict=[field_label(f) for f in overlap], status_code=409)

    if _is_stale(version, found.action):
        return show_conflict()
    current = _form_values(found.action)
    data: dict = {f: typed[f] for f in mine if typed[f] != current[f]}
    if "percent_complete" in data:
        data["percent_complete"] = whole_or_text(data["percent_complete"], blank=data["percent_complete"])
    if note.strip():
        data["note"] = note
    if not data:
        flash(request, "Nothing to save: nothing was changed and no note was written.", "error")
        return redirect(back)
    try:
        action_in = ActionUpdate.model_validate(data)
        service.update_action(
            session=session, access=found.access, action=found.action, action_in=action_in, with_if_match=True
        )
    except ValidationError as exc:
        return show_again(error=form_errors(exc))
    except StaleDataError:
        # Another save from the same version landed between our check and our write.
        return show_conflict()
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        session.rollback()
        return show_again(error=exc.detail)
    if "due_on" in data and due_requests.needs_approval(access=found.access):
        flash(request, "Saved. Your new due date waits for the chair's approval; the chair and secretary are told.")
    else:
        flash(request, "Saved.")
    return redirect(back)


@router.post("/actions/{action_id}/comments", dependencies=[CsrfChecked])
def comment_form(request: Request, session: SessionDep, user: PageUser, found: PageAction, text: TextField = ""):
    """Add a comment to the action's thread; a refused one comes back in the box, as typed."""
    here = f"/actions/{found.action.id}"
    text = text.replace("\r\n", "\n")
    if not service.may_comment(access=found.access):
        raise Forbidden("Observers can read the comments; members of the council write them.")
    try:
        comment_in = CommentCreate(text=text)
    except ValidationError as exc:
        error = form_errors(exc).replace("text:", "Comment:", 1)
        return _render_action(
            request,
            session,
            found,
            form=_form_values(found.action),
            back=here,
            comment_text=text,
            comment_error=error,
            status_code=422,
        )
    attempt(
        request,
        session,
        lambda: service.add_comment(session=session, access=found.access, action=found.action, comment_in=comment_in),
        success="Comment added.",
    )
    return redirect(f"{here}#comments")


def _name(session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else "A former member"


@router.post("/actions/{action_id}/due-requests/{request_id}/approve", dependencies=[CsrfChecked])
def approve_due_request_form(
    request: Request, session: SessionDep, user: PageUser, found: PageAction, request_id: IdPath, back: BackField = ""
):
    """Approve an owner's due-date change in one click (chair), from the home page or the action page."""
    return _decide_form(request, session, found, request_id, approve=True, note="", back=back)


@router.post("/actions/{action_id}/due-requests/{request_id}/refuse", dependencies=[CsrfChecked])
def refuse_due_request_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageAction,
    request_id: IdPath,
    note: TextField = "",
    back: BackField = "",
):
    """Refuse an owner's due-date change (chair), with an optional note for the owner."""
    return _decide_form(request, session, found, request_id, approve=False, note=note, back=back)


def _decide_form(
    request: Request, session, found: ActionAccess, request_id: int, *, approve: bool, note: str, back: str
):
    back = back if back and safe_next(back) == back else f"/actions/{found.action.id}"
    note = note.replace("\r\n", "\n").strip()

    def decide():
        decision = DueDecision(note=note)  # a note too long is refused by name, the page keeps it
        asked = due_requests.get_request(session=session, action=found.action, request_id=request_id)
        return due_requests.decide_due_request(
            session=session,
            access=found.access,
            action=found.action,
            request=asked,
            approve=approve,
            note=decision.note,
        )

    def said(decided) -> str:
        due = f"{found.action.due_on.day} {found.action.due_on:%b %Y}"
        if decided.status == "approved":
            return f"Approved: “{found.action.title}” is now due {due}; the owner is told."
        return f"Refused: “{found.action.title}” stays due {due}; the owner is told."

    attempt(request, session, decide, success=said)
    return redirect(back)
