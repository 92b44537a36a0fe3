"""JSON routes: recording a meeting's minutes, circulating and approving them, amendments and history."""

from fastapi import APIRouter, Request, Response
from sqlmodel import Session

from app.actions import service as actions_service
from app.actions.schemas import ActionPublic
from app.auth import MeetingAccess, MeetingDep
from app.common import IdPath, IfMatch, ListOf, etag, list_of
from app.db import SessionDep
from app.minutes import corrections, export, recording, service
from app.minutes.model import AmendmentRow, AobOutcome, CorrectionRow, DecisionRow, MinutesDoc
from app.minutes.schemas import (
    AmendmentCreate,
    AobOutcomeIn,
    ApproveIn,
    AttendancePublic,
    AttendanceSet,
    CirculateIn,
    CirculateResult,
    CorrectionCreate,
    CorrectionDecision,
    DecisionCreate,
    DecisionUpdate,
    ItemNotesIn,
    ItemNumber,
    MeetingActionCreate,
    MinutesEventPublic,
    MinutesItemPublic,
    MinutesUpdate,
    StaleNotes,
)
from app.web.downloads import DOCX_RESPONSE, PDF_RESPONSE, download_headers
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["minutes"], route_class=CreateRoute)
LOCKED = {409: {"description": "The minutes are approved (record an amendment instead), or the meeting was cancelled"}}
VERSIONED = {**LOCKED, 412: {"description": "Stale If-Match"}}


@router.get("/meetings/{meeting_id}/minutes", response_model=MinutesDoc)
def get_minutes(session: SessionDep, found: MeetingDep, response: Response) -> MinutesDoc:
    """The minutes as they stand: attendance, quorum, notes, decisions and actions per item, AOB, registers
    (any seat; observers once approved)."""
    doc = service.load_minutes(session=session, access=found.access, meeting=found.meeting)
    response.headers["ETag"] = etag(doc.version)
    return doc


@router.get("/meetings/{meeting_id}/minutes.docx", response_class=Response, responses={200: DOCX_RESPONSE})
def get_minutes_docx(session: SessionDep, found: MeetingDep) -> Response:
    """The minutes as a Word document on the council's template: "DRAFT" until the chair approves them
    (any seat; observers once approved)."""
    file = export.minutes_docx(session=session, access=found.access, meeting=found.meeting)
    return Response(file.content, media_type=file.media_type, headers=download_headers(file.disposition))


@router.get("/meetings/{meeting_id}/minutes.pdf", response_class=Response, responses={200: PDF_RESPONSE})
def get_minutes_pdf(session: SessionDep, found: MeetingDep) -> Response:
    """The minutes as a tagged PDF: "DRAFT" until the chair approves them, then "Approved on … by …"
    (any seat; observers once approved)."""
    file = export.minutes_pdf(session=session, access=found.access, meeting=found.meeting)
    return Response(file.content, media_type=file.media_type, headers=download_headers(file.disposition))


@router.put("/meetings/{meeting_id}/attendance", response_model=AttendancePublic, responses=LOCKED)
def set_attendance(session: SessionDep, found: MeetingDep, attendance_in: AttendanceSet) -> AttendancePublic:
    """Record attendance for the seats given (secretary or chair); answers every seat and the quorum."""
    return recording.set_attendance(
        session=session, access=found.access, meeting=found.meeting, attendance_in=attendance_in
    )


@router.get("/meetings/{meeting_id}/minutes/items/{number}", response_model=MinutesItemPublic)
def get_item_notes(session: SessionDep, found: MeetingDep, number: ItemNumber, response: Response) -> MinutesItemPublic:
    """The notes under agenda item 1–9 and their version; the ETag is what a save sends back as If-Match
    (any seat; observers once approved)."""
    item = service.get_item_notes(session=session, access=found.access, meeting=found.meeting, number=number)
    response.headers["ETag"] = etag(item.version)
    return item


STALE_NOTES = {
    **LOCKED,
    412: {
        "model": StaleNotes,
        "description": "Someone saved these notes after your copy was read: nothing was saved; `current` holds "
        "their text and version (send that version as If-Match to save over it)",
    },
}


@router.put("/meetings/{meeting_id}/minutes/items/{number}", response_model=MinutesItemPublic, responses=STALE_NOTES)
def update_item_notes(
    session: SessionDep,
    found: MeetingDep,
    number: ItemNumber,
    notes_in: ItemNotesIn,
    response: Response,
    if_match: IfMatch,
) -> MinutesItemPublic:
    """Save the notes under agenda item 1–9 (secretary or chair); safe to call as the notes are typed. If-Match is
    the item's ETag (`"0"` before its first save)."""
    item = recording.set_item_notes(
        session=session,
        access=found.access,
        meeting=found.meeting,
        number=number,
        notes=notes_in.notes,
        if_match=if_match,
    )
    response.headers["ETag"] = etag(item.version)
    return item


@router.post("/meetings/{meeting_id}/decisions", response_model=DecisionRow, status_code=201, responses=LOCKED)
def create_decision(session: SessionDep, found: MeetingDep, decision_in: DecisionCreate) -> DecisionRow:
    """Record a decision under an agenda item (secretary or chair); decisions are numbered 1, 2, 3 per meeting."""
    return recording.add_decision(session=session, access=found.access, meeting=found.meeting, decision_in=decision_in)


@router.patch("/meetings/{meeting_id}/decisions/{decision_id}", response_model=DecisionRow, responses=LOCKED)
def update_decision(
    session: SessionDep, found: MeetingDep, decision_id: IdPath, decision_in: DecisionUpdate
) -> DecisionRow:
    """Reword a decision or move it to another item (secretary or chair)."""
    return recording.update_decision(
        session=session, access=found.access, meeting=found.meeting, decision_id=decision_id, decision_in=decision_in
    )


@router.delete("/meetings/{meeting_id}/decisions/{decision_id}", status_code=204, responses=LOCKED)
def delete_decision(session: SessionDep, found: MeetingDep, decision_id: IdPath) -> None:
    """Strike a decision recorded in error (secretary or chair); later ones are renumbered."""
    recording.delete_decision(session=session, access=found.access, meeting=found.meeting, decision_id=decision_id)


@router.post("/meetings/{meeting_id}/actions", response_model=ActionPublic, status_code=201, responses=LOCKED)
def create_meeting_action(
    session: SessionDep, found: MeetingDep, action_in: MeetingActionCreate, response: Response
) -> ActionPublic:
    """Raise an action under an agenda item (secretary or chair): it goes on the council's log, raised here."""
    action = recording.raise_action(session=session, access=found.access, meeting=found.meeting, action_in=action_in)
    response.headers["ETag"] = etag(action.version)
    return actions_service.get_action_public(session=session, action=action)


@router.put("/meetings/{meeting_id}/aob/{item_id}/outcome", response_model=AobOutcome, responses=LOCKED)
def update_aob_outcome(session: SessionDep, found: MeetingDep, item_id: IdPath, outcome_in: AobOutcomeIn) -> AobOutcome:
    """Record what the meeting made of an item of any other business (secretary or chair)."""
    return recording.set_aob_outcome(
        session=session, access=found.access, meeting=found.meeting, item_id=item_id, outcome=outcome_in.outcome
    )


@router.put("/meetings/{meeting_id}/minutes", response_model=MinutesDoc, responses=VERSIONED)
def update_minutes(
    session: SessionDep, found: MeetingDep, minutes_in: MinutesUpdate, response: Response, if_match: IfMatch
) -> MinutesDoc:
    """Item 1 (were the previous minutes approved, and a note) and the next meeting note (secretary or chair)."""
    doc = recording.update_minutes(
        session=session, access=found.access, meeting=found.meeting, minutes_in=minutes_in, if_match=if_match
    )
    response.headers["ETag"] = etag(doc.version)
    return doc


@router.post("/meetings/{meeting_id}/minutes/circulate", response_model=CirculateResult, responses=VERSIONED)
def circulate_minutes(
    request: Request,
    session: SessionDep,
    found: MeetingDep,
    response: Response,
    if_match: IfMatch,
    circulate_in: CirculateIn | None = None,
) -> CirculateResult:
    """Circulate the draft for comment (chair or secretary), optionally mailing every voting member the .docx;
    marks the meeting held. Corrected minutes may be circulated again until approved."""
    result = service.circulate_minutes(
        session=session,
        access=found.access,
        meeting=found.meeting,
        settings=request.app.state.settings,
        email=bool(circulate_in and circulate_in.email),
        if_match=if_match,
    )
    response.headers["ETag"] = etag(result.minutes.version)
    return result


@router.post(
    "/meetings/{meeting_id}/minutes/approve",
    response_model=MinutesDoc,
    responses={**VERSIONED, 422: {"description": "The correction window is still open and no `reason` was given"}},
)
def approve_minutes(
    request: Request,
    session: SessionDep,
    found: MeetingDep,
    response: Response,
    if_match: IfMatch,
    approve_in: ApproveIn | None = None,
) -> MinutesDoc:
    """Approve circulated minutes as a true record (chair) once every correction is decided (409 otherwise) and
    the correction window has closed, or before it closes with a `reason`; mails every seat. After this they only
    take amendments."""
    doc = service.approve_minutes(
        session=session,
        access=found.access,
        meeting=found.meeting,
        if_match=if_match,
        settings=request.app.state.settings,
        reason=approve_in.reason if approve_in else "",
    )
    response.headers["ETag"] = etag(doc.version)
    return doc


CLOSED = {409: {"description": "Not circulated, the correction window closed, or the minutes are approved"}}


@router.get("/meetings/{meeting_id}/minutes/corrections", response_model=ListOf[CorrectionRow])
def list_corrections(session: SessionDep, found: MeetingDep) -> dict:
    """The corrections proposed to the circulated minutes and what was decided, oldest first (not observers)."""
    return list_of(corrections.list_corrections(session=session, access=found.access, meeting=found.meeting))


@router.post(
    "/meetings/{meeting_id}/minutes/corrections", response_model=CorrectionRow, status_code=201, responses=CLOSED
)
def propose_correction(
    request: Request, session: SessionDep, found: MeetingDep, correction_in: CorrectionCreate
) -> CorrectionRow:
    """Propose a correction while the window is open (whoever attended, the chair, the secretary): the item's notes
    as they should read, and why. The secretary is mailed."""
    return corrections.propose(
        session=session,
        settings=request.app.state.settings,
        access=found.access,
        meeting=found.meeting,
        correction_in=correction_in,
    )


DECIDE = {
    **LOCKED,
    412: {"description": "Applying: the item's notes changed since that version was read; nothing was saved"},
}


def _decide(
    request: Request,
    session: Session,
    found: MeetingAccess,
    correction_id: int,
    *,
    accept: bool,
    decision_in: CorrectionDecision,
) -> CorrectionRow:
    # Accepting and rejecting differ in their rule (a note is required to reject) and body, not in the call.
    return corrections.decide(
        session=session,
        settings=request.app.state.settings,
        access=found.access,
        meeting=found.meeting,
        correction_id=correction_id,
        accept=accept,
        decision_in=decision_in,
    )


@router.post(
    "/meetings/{meeting_id}/minutes/corrections/{correction_id}/accept", response_model=CorrectionRow, responses=DECIDE
)
def accept_correction(
    request: Request,
    session: SessionDep,
    found: MeetingDep,
    correction_id: IdPath,
    decision_in: CorrectionDecision | None = None,
) -> CorrectionRow:
    """Accept a correction (secretary or chair), with an optional note; `apply` also writes it into the item's
    notes. The proposer is mailed."""
    return _decide(request, session, found, correction_id, accept=True, decision_in=decision_in or CorrectionDecision())


@router.post(
    "/meetings/{meeting_id}/minutes/corrections/{correction_id}/reject", response_model=CorrectionRow, responses=LOCKED
)
def reject_correction(
    request: Request, session: SessionDep, found: MeetingDep, correction_id: IdPath, decision_in: CorrectionDecision
) -> CorrectionRow:
    """Reject a correction (secretary or chair) with a note saying why; the proposer is mailed."""
    return _decide(request, session, found, correction_id, accept=False, decision_in=decision_in)


@router.post(
    "/meetings/{meeting_id}/minutes/corrections/{correction_id}/withdraw",
    response_model=CorrectionRow,
    responses=LOCKED,
)
def withdraw_correction(session: SessionDep, found: MeetingDep, correction_id: IdPath) -> CorrectionRow:
    """Take back a correction you proposed, before it is decided."""
    return corrections.withdraw(
        session=session, access=found.access, meeting=found.meeting, correction_id=correction_id
    )


@router.post(
    "/meetings/{meeting_id}/minutes/amendments",
    response_model=AmendmentRow,
    status_code=201,
    responses={409: {"description": "The minutes are not approved yet: edit them instead"}},
)
def create_amendment(session: SessionDep, found: MeetingDep, amendment_in: AmendmentCreate) -> AmendmentRow:
    """Correct approved minutes with a recorded amendment: the text, why, who and when (chair or secretary)."""
    return service.add_amendment(session=session, access=found.access, meeting=found.meeting, amendment_in=amendment_in)


@router.get("/meetings/{meeting_id}/minutes/history", response_model=ListOf[MinutesEventPublic])
def list_minutes_history(session: SessionDep, found: MeetingDep) -> dict:
    """Every change to the minutes, who made it and when, oldest first (not observers)."""
    return list_of(service.list_history(session=session, access=found.access, meeting=found.meeting))
