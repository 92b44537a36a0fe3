"""The sub-navigation between one council's customer-data pages."""

from sqlmodel import Session, col, select

from app.models import Council, Meeting, MeetingStatus, utcnow
from app.models.meetings import is_upcoming


def report_meeting(*, session: Session, council: Council) -> Meeting | None:
    """The meeting departments report to next: the first not yet ended, else the latest."""
    meetings = list(
        session.exec(
            select(Meeting)
            .where(Meeting.council_id == council.id, Meeting.status != MeetingStatus.cancelled)
            .order_by(col(Meeting.scheduled_at), col(Meeting.number))
        )
    )
    # By the clock (app/meetings/state.py): a meeting stays "next" until it has ended.
    now = utcnow()
    upcoming = [m for m in meetings if is_upcoming(m, now)]
    if upcoming:
        return upcoming[0]
    return meetings[-1] if meetings else None


def nav(*, session: Session, council: Council, here: str) -> dict:
    """The links between the customer-data pages of one council."""
    meeting = report_meeting(session=session, council=council)
    links = [
        ("council", "Overview", f"/councils/{council.id}"),
        ("actions", "Action log", f"/councils/{council.id}/actions"),
        ("measures", "Measures", f"/councils/{council.id}/measures"),
        ("feedback", "Feedback", f"/councils/{council.id}/feedback"),
        ("journeys", "Journeys", f"/councils/{council.id}/journeys"),
        ("initiatives", "Initiatives", f"/councils/{council.id}/initiatives"),
        ("priorities", "Priorities", f"/councils/{council.id}/priorities"),
        ("reports", "Department reports", f"/meetings/{meeting.id}/reports" if meeting else None),
        ("scorecard", "Scorecard", f"/councils/{council.id}/scorecard"),
        ("research", "Research", f"/councils/{council.id}/research"),
        ("root_causes", "Root causes", f"/councils/{council.id}/root-causes"),
    ]
    return {"links": [(key, label, url) for key, label, url in links if url], "here": here}
