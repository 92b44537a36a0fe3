"""The council's tabs: the same row of links on every page of one council."""

from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.models import Council, Meeting, MeetingStatus, utcnow
from app.models.meetings import has_started, is_upcoming

# The tabs need only what says where a meeting stands by the clock (app/models/meetings.py meeting_state reads
# these attributes) and its id: rows, not whole meetings (a five-year council has sixty of them, on every page).
# Built once: a select is immutable, and the council is a bound parameter.
_MEETINGS = (
    select(Meeting.id, Meeting.status, Meeting.scheduled_at, Meeting.duration_minutes)
    .where(Meeting.council_id == bindparam("council_id"), Meeting.status != MeetingStatus.cancelled)
    .order_by(col(Meeting.scheduled_at), col(Meeting.number))
)


def _meetings(session: Session, council: Council) -> list[Any]:
    """The council's meetings not cancelled, in order: rows with id, status, scheduled_at and duration_minutes."""
    return list(session.exec(_MEETINGS, params={"council_id": council.id}))


def _next_and_last(meetings: list[Any]) -> tuple[Any | None, Any | None]:
    """The meeting departments report to next (the first not yet ended, else the latest) and
    the latest one that has begun (whose minutes are the ones people look for)."""
    # By the clock (app/meetings/state.py): a meeting stays "next" until it has ended.
    now = utcnow()
    upcoming = [m for m in meetings if is_upcoming(m, now)]
    begun = [m for m in meetings if m.status == MeetingStatus.held or has_started(m, now)]
    following = upcoming[0] if upcoming else (meetings[-1] if meetings else None)
    return following, (begun[-1] if begun else None)


def nav(*, session: Session, council: Council, here: str, meeting: Meeting | None = None) -> dict:
    """The council's tabs, on every page of the council; `here` is the tab marked as the current page.

    Agenda is the next meeting's, Minutes the latest begun meeting's (a page of another meeting
    marks the same tab). On a meeting's agenda or minutes (`meeting`), both tabs are that meeting's,
    so the marked tab is the page itself. Pages reached from the overview (settings, cadence,
    mail, archive) mark Overview."""
    following, last = _next_and_last(_meetings(session, council))
    agenda_of, minutes_of = (meeting, meeting) if meeting else (following, last)
    links = [
        ("council", "Overview", f"/councils/{council.id}"),
        ("agenda", "Agenda", f"/meetings/{agenda_of.id}/agenda" if agenda_of else None),
        ("minutes", "Minutes", f"/meetings/{minutes_of.id}/minutes" if minutes_of else None),
        ("actions", "Action log", f"/councils/{council.id}/actions"),
        ("measures", "Measures", f"/councils/{council.id}/measures"),
        ("feedback", "Feedback", f"/councils/{council.id}/feedback"),
        ("journeys", "Journeys", f"/councils/{council.id}/journeys"),
        ("initiatives", "Initiatives", f"/councils/{council.id}/initiatives"),
        ("priorities", "Priorities", f"/councils/{council.id}/priorities"),
        ("reports", "Department reports", f"/meetings/{following.id}/reports" if following else None),
        ("scorecard", "Scorecard", f"/councils/{council.id}/scorecard"),
        ("research", "Research", f"/councils/{council.id}/research"),
        ("root_causes", "Root causes", f"/councils/{council.id}/root-causes"),
    ]
    return {"links": [(key, label, url) for key, label, url in links if url], "here": here}
