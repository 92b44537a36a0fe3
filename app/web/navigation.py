"""The sub-navigation between one council's customer-data pages."""

from sqlmodel import Session, col, select

from app.common import today_in
from app.models import Council, Meeting, MeetingStatus


def report_meeting(*, session: Session, council: Council) -> Meeting | None:
    """The meeting departments report to next: the first not yet held, else the latest."""
    meetings = list(
        session.exec(
            select(Meeting)
            .where(Meeting.council_id == council.id, Meeting.status != MeetingStatus.cancelled)
            .order_by(col(Meeting.scheduled_at), col(Meeting.number))
        )
    )
    today = today_in(council.timezone)
    upcoming = [m for m in meetings if m.status == MeetingStatus.scheduled and m.scheduled_at.date() >= today]
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
