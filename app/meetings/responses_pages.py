"""Pages: answer a meeting's invitation (from the home page or the agenda), and the chair or secretary
recording an answer for a seat."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.db import SessionDep
from app.meetings import responses
from app.meetings.responses_schemas import ResponseIn
from app.models import Answer
from app.web.csrf import CsrfChecked
from app.web.deps import PageMeeting
from app.web.forms import attempt, whole_or_text
from app.web.render import redirect

router = APIRouter(include_in_schema=False)

SAID = {
    Answer.attending: "Thanks: you are expected at meeting {number}.",
    Answer.apologies: "Apologies sent for meeting {number}: the chair will read your reason.",
    Answer.delegate: "Noted: {name} will attend meeting {number} in your place.",
}


def _back(meeting_id: int, back: str) -> str:
    # Only the two pages that carry the form; anything else goes to the agenda.
    return f"/home#meeting-{meeting_id}" if back == "home" else f"/meetings/{meeting_id}/agenda#attendance"


@router.post("/meetings/{meeting_id}/answer", dependencies=[CsrfChecked])
def answer_form(
    request: Request,
    session: SessionDep,
    found: PageMeeting,
    answer: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    delegate_name: Annotated[str, Form()] = "",
    delegate_membership_id: Annotated[str, Form()] = "",
    membership_id: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
):
    """Answer the invitation: attending, apologies with a reason, or a delegate. With `membership_id`,
    the chair or secretary records the answer a seat gave them."""
    meeting = found.meeting

    def apply():
        response_in = ResponseIn.model_validate(
            {
                "answer": answer,
                "reason": reason,
                "delegate_name": delegate_name,
                "delegate_membership_id": whole_or_text(delegate_membership_id),
            }
        )
        seat = whole_or_text(membership_id, blank=found.access.membership.id)
        if not isinstance(seat, int):
            seat = -1  # not a seat: refused below as one not found on this council
        return responses.save_answer(
            session=session, access=found.access, meeting=meeting, membership_id=seat, response_in=response_in
        )

    def said(row) -> str:
        if row.membership_id != found.access.membership.id:
            return f"Answer recorded for meeting {meeting.number}."
        return SAID[Answer(row.answer)].format(number=meeting.number, name=row.delegate_name)

    attempt(request, session, apply, keep=(), success=said)
    return redirect(_back(meeting.id, back))


@router.post("/meetings/{meeting_id}/answer/withdraw", dependencies=[CsrfChecked])
def withdraw_answer_form(request: Request, session: SessionDep, found: PageMeeting, back: Annotated[str, Form()] = ""):
    """Take my answer back: I have not answered."""
    attempt(
        request,
        session,
        lambda: responses.withdraw_answer(
            session=session, access=found.access, meeting=found.meeting, membership_id=found.access.membership.id
        ),
        keep=(),
        success="Answer taken back: you have not answered this invitation.",
    )
    return redirect(_back(found.meeting.id, back))
