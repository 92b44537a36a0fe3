"""How initiatives, priorities, reports and scores read on a page: labels, money, the sub-navigation."""

from sqlmodel import Session, col, select

from app.common import today_in
from app.models import Council, InitiativeStatus, Meeting, MeetingStatus

STATUSES = {s.value: s.value.replace("_", " ").capitalize() for s in InitiativeStatus}
# The button that moves an initiative to each status.
MOVES = {
    "approved": "Approve",
    "in_progress": "Start work",
    "done": "Mark done",
    "on_hold": "Put on hold",
    "rejected": "Reject",
}
RAGS = {"green": "Green", "amber": "Amber", "red": "Red"}


def money(value: float | None) -> str:
    """£300,000; pence only when there are some (£2.50)."""
    if value is None:
        return "—"
    sign = "−" if value < 0 else ""
    value = abs(value)
    return f"{sign}£{value:,.0f}" if value == round(value) else f"{sign}£{value:,.2f}"


def months(value: float | None) -> str:
    if value is None:
        return "never"
    return f"{value:.1f} month{'' if round(value, 1) == 1 else 's'}"


def number(value: float | None) -> str:
    """A reading as people write it: 12, 7.5, 1,250."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}".rstrip("0")


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


def measured(value: float | None, unit: str = "") -> str:
    """A value in its unit: £75,400, 74%, 4.3 stars."""
    if value is None:
        return "—"
    if unit == "£":
        return money(value)
    if unit == "%":
        return f"{number(value)}%"
    return f"{number(value)} {unit}".strip()


def signed(value: float | None, unit: str = "") -> str:
    """A change with its sign: +£1,590, −2%, +0.3."""
    if value is None:
        return "—"
    if value == 0:
        return "no change"
    return ("+" if value > 0 else "−") + measured(abs(value), unit)


def plain(value: float) -> str:
    """A number as a form field holds it: 60000, 2.5 (never 6e+04)."""
    return str(int(value)) if value == int(value) else repr(value)


HELPERS = {
    "money": money,
    "months": months,
    "number": number,
    "measured": measured,
    "signed": signed,
    "plain": plain,
}
