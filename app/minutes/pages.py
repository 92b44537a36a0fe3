"""Pages: the minutes of a meeting (the secretary's screen for minuting it live, or the minutes as members
read them) and the forms that move them on: circulate, approve, amend.

The page renders the typed `MinutesDoc` from `minutes_service.load_minutes` and calls the
same functions as the JSON API, so the rules (who may, approved minutes never change,
audit) live in one place. The recording forms and autosave are in `pages_recording`.
"""

from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.agendas.carry import carried_ids
from app.agendas.summary import counted
from app.common import IdPath, etag
from app.config import Settings
from app.db import SessionDep
from app.display import local_date, local_time
from app.errors import Conflict, NotFound, PreconditionFailed
from app.meetings.state import meeting_state
from app.minutes import corrections, window
from app.minutes import data as minutes_data
from app.minutes import service as minutes_service
from app.minutes.lock import RECORDERS, not_started_note
from app.minutes.rows import ACTION_FIELDS, DECISION_FIELDS, TypedRows
from app.minutes.schemas import NOTES_MAX, AmendmentCreate, CorrectionCreate, CorrectionDecision
from app.models import Council, Meeting, MeetingStatus, Minutes, MinutesStatus, Role, Theme
from app.web.csrf import CsrfChecked
from app.web.deps import PageMeeting, PageUser
from app.web.forms import attempt, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)

# How the collapsed attendance counts each answer.
ATTENDANCE_WORDS = (
    ("present", "present", "present"),
    ("delegate", "delegate", "delegates"),
    ("apologies", "apology", "apologies"),
    ("absent", "absent", "absent"),
)
ATTENDANCE_CHOICES = {"present": "Present", "apologies": "Apologies", "absent": "Absent", "delegate": "Delegate"}
# What a new action is due by unless the secretary picks a date.
DEFAULT_DUE_DAYS = 14
# Actions are raised under the standard items (1–9); standing items take decisions only.
MAX_ACTION_ITEM = 9
FORM_FIELDS = {"decisions": DECISION_FIELDS, "actions": ACTION_FIELDS}
# The record forms list the latest decisions and actions recorded, so a save shows what it saved.
LATEST_SHOWN = 3
APPROVED_REFUSAL = (
    "These minutes were approved on {when} and can no longer change. Record a correction as an amendment below."
)


def minutes_path(meeting_id: int) -> str:
    return f"/meetings/{meeting_id}/minutes"


def clean_text(value: str) -> str:
    """Browsers send a textarea's line breaks as CRLF; stored as "\\n", as maxlength counts them."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


@router.get("/meetings/{meeting_id}/minutes")
def minutes_page(request: Request, session: SessionDep, user: PageUser, found: PageMeeting, item: str = ""):
    """Record the meeting (chair, secretary) or read its minutes (members; observers once approved); `item`
    chooses the agenda item the decision and action forms start under ("Record a decision here")."""
    return show_minutes(request, session, user, found, item=item)


def show_minutes(
    request: Request,
    session: Session,
    user,
    found,
    *,
    item: str = "",
    typed: TypedRows | None = None,
    status_code: int = 200,
):
    """The minutes page; `typed` is a refused decision or action form, shown again as it was typed."""
    access, meeting = found.access, found.meeting
    # The page lists the actions raised under each item, not the council's open-action register (the JSON and
    # the Word minutes do): it reads none of it, however long the council's log.
    read = minutes_service.read_minutes(
        session=session, access=access, meeting=meeting, cache=request.app.state.agenda_cache, register=False
    )
    doc, minutes = read.doc, read.minutes
    zone = ZoneInfo(access.council.timezone)
    recorder = access.is_(*RECORDERS)
    cancelled = meeting.status == MeetingStatus.cancelled
    approved = doc.status == MinutesStatus.approved
    settings: Settings = request.app.state.settings
    owners = sorted(doc.attendance, key=lambda r: r.name.casefold())
    editing = recorder and not approved and not cancelled
    meeting_day = meeting.scheduled_at.astimezone(zone).date()
    window_open = corrections.is_open(minutes)
    closes = doc.corrections_close_at
    return render(
        request,
        "minutes.html",
        {
            "user": user,
            "access": access,
            "council": access.council,
            "nav": nav(session=session, council=access.council, here="minutes", meeting=meeting),
            "meeting": meeting,
            "doc": doc,
            "h": doc.meeting,
            "editing": editing,
            # Unfinished AOB the chair may carry to the next meeting (app/agendas/carry.py).
            "can_carry": access.is_(Role.chair) and not cancelled,
            "aob_carried": read.aob_carried
            if read.aob_carried is not None
            else carried_ids(session=session, item_ids=[a.id for a in doc.aob]),
            "recorder": recorder,
            "is_chair": access.is_(Role.chair),
            "approved": approved,
            "cancelled": cancelled,
            "circulated_on": local_date(doc.circulated_at, zone) if doc.circulated_at else "",
            "approved_on": local_date(doc.approved_at, zone) if doc.approved_at else "",
            "amended_at": {a.id: local_time(a.made_at, zone) for a in doc.amendments},
            "saved_at": {i.number: i.updated_at.isoformat() if i.updated_at else "" for i in doc.items},
            "owners": owners,
            "themes": council_themes(session, access.council.id) if editing else [],
            # Counted from the meeting's day, not today: an action raised at a meeting a month
            # ahead is not overdue before the meeting happens.
            "default_due": (meeting_day + timedelta(days=DEFAULT_DUE_DAYS)).isoformat(),
            "earliest_due": meeting_day.isoformat(),
            "not_started": not_started_note(meeting, access.council.timezone),
            "state": meeting_state(meeting),
            "choices": ATTENDANCE_CHOICES,
            "notes_max": NOTES_MAX,
            "can_email": bool(settings.SMTP_URL),
            # The correction round.
            "window_open": window_open,
            "closes_on": window.last_day(closes, zone.key) if closes else None,
            "can_propose": window_open and not cancelled and corrections.attended(session, access, meeting),
            "can_decide": recorder and doc.status == MinutesStatus.circulated and not cancelled,
            "pending": sum(1 for c in doc.corrections if c.status == "proposed"),
            "proposed_at": {c.id: local_time(c.proposed_at, zone) for c in doc.corrections},
            "decided_at": {c.id: local_time(c.decided_at, zone) for c in doc.corrections if c.decided_at},
            "seat_holders": seat_holders(session, access, read) if editing else [],
            "taken_by_id": minutes.taken_by_id if minutes else None,
            "taken_by_name": minutes.taken_by_name if minutes else "",
            "here": minutes_path(meeting.id),
            **record_forms(doc, item=item, default_due=(meeting_day + timedelta(days=DEFAULT_DUE_DAYS)), typed=typed),
        },
        status_code=status_code,
    )


def seat_holders(session: Session, access, read: minutes_service.MinutesRead) -> list:
    """Whom "taken by" may name: the council's seats, as the minutes read them."""
    if read.seats is not None:
        return read.seats
    return minutes_data.load_seats(session=session, council_id=access.council.id)


def fold_summaries(doc) -> dict:
    """The line each part shows while collapsed on a phone: attendance counted, and what each item recorded."""
    marked = [r.status for r in doc.attendance if r.status]
    attendance = [
        counted(marked.count(status), one, many) for status, one, many in ATTENDANCE_WORDS if marked.count(status)
    ]
    left = len(doc.attendance) - len(marked)
    summaries: dict = {"attendance": " · ".join(attendance + ([f"{left} not recorded"] if left else []))}
    for it in doc.items:
        parts = ["notes"] if it.notes.strip() else []
        if it.decisions:
            parts.append(counted(len(it.decisions), "decision"))
        if it.actions_raised:
            parts.append(counted(len(it.actions_raised), "action"))
        summaries[it.number] = " · ".join(parts) or "nothing recorded"
    return summaries


def record_forms(doc, *, item: str, default_due, typed: TypedRows | None) -> dict:
    """The one decision form's and the one action form's rows: as typed when refused, else one blank row
    under the item asked for (or the first), and the latest of each recorded, so a save shows what it saved."""
    numbers = [it.number for it in doc.items]
    chosen = whole_or_text(item)
    start = chosen if chosen in numbers else (numbers[0] if numbers else None)
    action_numbers = [n for n in numbers if n <= MAX_ACTION_ITEM]
    action_start = start if start in action_numbers else (action_numbers[0] if action_numbers else None)
    decision_rows = [{"item_number": str(start or ""), "text": "", "theme_id": ""}]
    action_rows = [
        {"item_number": str(action_start or ""), "title": "", "owner_id": "", "due_on": default_due.isoformat()}
    ]
    if typed is not None and typed.kind == "decisions" and typed.rows:
        decision_rows = typed.rows
    if typed is not None and typed.kind == "actions" and typed.rows:
        action_rows = typed.rows
    decisions = sorted((d for it in doc.items for d in it.decisions), key=lambda d: d.number)
    positions = {it.number: it.position for it in doc.items}
    actions = sorted(
        ((a, positions[it.number]) for it in doc.items for a in it.actions_raised), key=lambda pair: pair[0].id
    )
    return {
        "summaries": fold_summaries(doc),
        "record_item": chosen if chosen in numbers else None,
        "decision_rows": decision_rows,
        "action_rows": action_rows,
        "action_items": [it for it in doc.items if it.number <= MAX_ACTION_ITEM],
        "row_errors": typed.errors if typed is not None else {},
        # Only a field the row shows can be marked; any other refusal marks the row's main field.
        "row_fields": {n: f for n, f in typed.fields.items() if f in FORM_FIELDS[typed.kind]} if typed else {},
        "refused_kind": typed.kind if typed is not None else None,
        "latest_decisions": decisions[-LATEST_SHOWN:],
        "latest_actions": actions[-LATEST_SHOWN:],
    }


# Built once, as the minutes' own statements are (app/minutes/data.py).
_THEMES = (
    select(Theme.id, Theme.name)
    .where(Theme.council_id == bindparam("council_id"))
    .order_by(col(Theme.name), col(Theme.id))
)


def council_themes(session: Session, council_id: int) -> list[tuple[int, str]]:
    """The council's feedback themes by name: what a decision can record as reviewed."""
    return [(theme_id, name) for theme_id, name in session.exec(_THEMES, params={"council_id": council_id})]


def approved_refusal(session: Session, meeting: Meeting) -> str | None:
    minutes = session.get(Minutes, meeting.id)
    if minutes is not None and minutes.status == MinutesStatus.approved and minutes.approved_at:
        council = session.get(Council, meeting.council_id)
        zone = ZoneInfo(council.timezone if council else "UTC")
        return APPROVED_REFUSAL.format(when=local_date(minutes.approved_at, zone))
    return None


def refusal(session: Session, meeting: Meeting):
    """The message for a refused recording: approved minutes say when they were approved."""
    return lambda exc: approved_refusal(session, meeting) if isinstance(exc, Conflict) else None


def back_to(meeting_id: int, anchor: str) -> str:
    return f"{minutes_path(meeting_id)}#{anchor}"


@router.post("/meetings/{meeting_id}/minutes/circulate", dependencies=[CsrfChecked])
def circulate_form(
    request: Request, session: SessionDep, user: PageUser, found: PageMeeting, email: Annotated[str, Form()] = ""
):
    """Send the draft round for comment (chair or secretary), optionally by mail with the Word minutes."""

    def said(result) -> str:
        parts = ["Minutes circulated: members can read them now; the chair approves them next."]
        if email:
            parts.append(
                f"Mail queued for {result.emailed} {'person' if result.emailed == 1 else 'people'} "
                "who attended, with the correction window."
            )
        parts += result.notes
        return " ".join(parts)

    attempt(
        request,
        session,
        lambda: minutes_service.circulate_minutes(
            session=session,
            access=found.access,
            meeting=found.meeting,
            settings=request.app.state.settings,
            email=bool(email),
            if_match=None,
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success=said,
    )
    return redirect(minutes_path(found.meeting.id))


@router.post("/meetings/{meeting_id}/minutes/approve", dependencies=[CsrfChecked])
def approve_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    version: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
):
    """The chair approves the minutes as read (saying why, before the correction window closes): a change since
    the page was opened is shown first."""

    def apply():
        try:
            return minutes_service.approve_minutes(
                session=session,
                access=found.access,
                meeting=found.meeting,
                if_match=etag(seen) if isinstance(seen := whole_or_text(version), int) else None,
                settings=request.app.state.settings,
                reason=clean_text(reason),
            )
        except PreconditionFailed:
            raise PreconditionFailed(
                "The minutes changed after you opened this page, so they were not approved. "
                "The page now shows the latest version: read it, then approve again."
            ) from None

    attempt(
        request,
        session,
        apply,
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success="Minutes approved. They are final now; corrections are amendments. Everyone on the council is mailed.",
    )
    return redirect(minutes_path(found.meeting.id))


@router.post("/meetings/{meeting_id}/minutes/corrections", dependencies=[CsrfChecked])
def propose_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    item_number: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
):
    """An attendee proposes the corrected wording of an item, and why."""
    ok, row = attempt(
        request,
        session,
        lambda: corrections.propose(
            session=session,
            settings=request.app.state.settings,
            access=found.access,
            meeting=found.meeting,
            correction_in=CorrectionCreate(
                item_number=whole_or_text(item_number), text=clean_text(text).strip(), reason=clean_text(reason).strip()
            ),
        ),
        keep=(NotFound.status_code,),
        success="Correction proposed. The secretary accepts or rejects it, and you get a mail saying which.",
    )
    number = whole_or_text(item_number)
    anchor = f"correction-{row.id}" if ok and row else f"item-{number}" if isinstance(number, int) else "corrections"
    return redirect(back_to(found.meeting.id, anchor))


@router.post("/meetings/{meeting_id}/minutes/corrections/{correction_id}/decide", dependencies=[CsrfChecked])
def decide_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    correction_id: IdPath,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    apply: Annotated[str, Form()] = "",
    item_version: Annotated[str, Form()] = "",
):
    """The secretary accepts (optionally writing it into the notes) or rejects a correction, with a note."""
    if decision not in ("accept", "reject"):
        flash(request, "Choose to accept or reject the correction.", "error")
        return redirect(back_to(found.meeting.id, f"correction-{correction_id}"))
    seen = whole_or_text(item_version)

    def run():
        try:
            return corrections.decide(
                session=session,
                settings=request.app.state.settings,
                access=found.access,
                meeting=found.meeting,
                correction_id=correction_id,
                accept=decision == "accept",
                decision_in=CorrectionDecision(
                    note=clean_text(note).strip(),
                    apply=bool(apply) and decision == "accept",
                    item_version=seen if isinstance(seen, int) else None,
                ),
            )
        except PreconditionFailed:
            raise PreconditionFailed(
                "The notes under this item changed after the page was opened, so the correction was not applied "
                "or decided. Read the notes as they are now, then decide again."
            ) from None

    attempt(
        request,
        session,
        run,
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success=lambda row: (
            f"Correction {row.status}{' and written into the notes' if row.applied else ''}. "
            "Whoever proposed it is mailed."
        ),
    )
    return redirect(back_to(found.meeting.id, f"correction-{correction_id}"))


@router.post("/meetings/{meeting_id}/minutes/corrections/{correction_id}/withdraw", dependencies=[CsrfChecked])
def withdraw_form(request: Request, session: SessionDep, user: PageUser, found: PageMeeting, correction_id: IdPath):
    """Take back a correction you proposed, before it is decided."""
    attempt(
        request,
        session,
        lambda: corrections.withdraw(
            session=session, access=found.access, meeting=found.meeting, correction_id=correction_id
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success="Correction withdrawn.",
    )
    return redirect(back_to(found.meeting.id, f"correction-{correction_id}"))


@router.post("/meetings/{meeting_id}/minutes/amendments", dependencies=[CsrfChecked])
def amendment_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    text: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    item_number: Annotated[str, Form()] = "",
):
    """Correct approved minutes: the correction and why, with who and when."""
    attempt(
        request,
        session,
        lambda: minutes_service.add_amendment(
            session=session,
            access=found.access,
            meeting=found.meeting,
            amendment_in=AmendmentCreate(
                text=clean_text(text).strip(),
                reason=clean_text(reason).strip(),
                item_number=whole_or_text(item_number),
            ),
        ),
        keep=(NotFound.status_code,),
        message=refusal(session, found.meeting),
        success="Amendment recorded. It shows with the minutes and in the Word document.",
    )
    return redirect(back_to(found.meeting.id, "amendments"))
