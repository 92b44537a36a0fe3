"""JSON routes: members' answers to a meeting's invitation, and the quorum forecast on them.

PUT replaces a seat's answer whole and takes no If-Match: an answer is the seat's latest
word (as a reply to a calendar invitation is), and nothing another person typed is lost
by replacing it; `answered_at` and `answered_by` say whose word is in force.
"""

from fastapi import APIRouter

from app.auth import MeetingDep
from app.common import IdPath
from app.db import SessionDep
from app.meetings import responses
from app.meetings.responses_schemas import ResponseIn, ResponsePublic, ResponsesPublic
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["meetings"], route_class=CreateRoute)


def _one(session, found, membership_id: int) -> ResponsePublic:
    return next(
        r for r in responses.list_responses(session=session, meeting=found.meeting) if r.membership_id == membership_id
    )


@router.get("/meetings/{meeting_id}/responses", response_model=ResponsesPublic)
def list_responses(session: SessionDep, found: MeetingDep) -> ResponsesPublic:
    """Every seat's answer to the invitation (null: not answered yet) and the quorum forecast on them (any seat)."""
    return ResponsesPublic(
        items=responses.list_responses(session=session, meeting=found.meeting),
        forecast=responses.meeting_forecast(session=session, council=found.access.council, meeting=found.meeting),
    )


@router.put("/meetings/{meeting_id}/responses/me", response_model=ResponsePublic)
def answer_mine(session: SessionDep, found: MeetingDep, response_in: ResponseIn) -> ResponsePublic:
    """Answer the invitation for my seat: attending, apologies (a reason required) or a delegate.
    409 once the meeting has started, or when it is cancelled."""
    seat = found.access.membership.id
    responses.save_answer(
        session=session, access=found.access, meeting=found.meeting, membership_id=seat, response_in=response_in
    )
    return _one(session, found, seat)


@router.delete("/meetings/{meeting_id}/responses/me", status_code=204)
def withdraw_mine(session: SessionDep, found: MeetingDep) -> None:
    """Take my answer back (I have not answered); 409 once the meeting has started."""
    responses.withdraw_answer(
        session=session, access=found.access, meeting=found.meeting, membership_id=found.access.membership.id
    )


@router.put("/meetings/{meeting_id}/responses/{membership_id}", response_model=ResponsePublic)
def answer_for_seat(
    session: SessionDep, found: MeetingDep, membership_id: IdPath, response_in: ResponseIn
) -> ResponsePublic:
    """Record a seat's answer for them (chair or secretary: "she rang to say…"); a seat may answer for itself."""
    responses.save_answer(
        session=session,
        access=found.access,
        meeting=found.meeting,
        membership_id=membership_id,
        response_in=response_in,
    )
    return _one(session, found, membership_id)


@router.delete("/meetings/{meeting_id}/responses/{membership_id}", status_code=204)
def withdraw_for_seat(session: SessionDep, found: MeetingDep, membership_id: IdPath) -> None:
    """Clear a seat's answer (chair or secretary, or the seat itself)."""
    responses.withdraw_answer(session=session, access=found.access, meeting=found.meeting, membership_id=membership_id)
