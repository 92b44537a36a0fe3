"""The minutes as PDF: the front with the status you cannot miss and who took them, attendance and
quorum, each item with its notes (bullets as lists), decisions and actions, the registers, the
record of changes, the chair's sign-off and the open action log.

Renders a `MinutesDoc` and computes nothing of its own beyond what to show where: the
content follows the Word minutes (app/docx/minutes.py), item for item.
"""

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from app.agendas.model import MeasureRow
from app.display import local_date, short_date
from app.minutes import model as mm
from app.pdf.render import data_uri, render
from app.pdf.theme import Theme
from app.pdf.words import chart_alt, context_for

ChartFn = Callable[[MeasureRow], bytes | None]


def _recorded(minutes: mm.MinutesDoc) -> set[int]:
    """The items with something to read under them; the others are gathered into one line."""
    out = set()
    for item in minutes.items:
        if (
            (item.key == "actions" and (minutes.meeting.previous_meeting or minutes.previous_minutes_note))
            or (item.key == "overall_measures" and minutes.overall_measures)
            or (item.key == "aob" and minutes.aob)
            or item.notes.strip()
            or item.decisions
            or item.actions_raised
        ):
            out.add(item.number)
    return out


def render_minutes_pdf(minutes: mm.MinutesDoc, *, theme: Theme, charts: ChartFn = lambda row: None) -> bytes:
    """The minutes as PDF bytes: tagged, bookmarked per item and register, "Page N of M"."""
    h = minutes.meeting
    zone = ZoneInfo(h.timezone)
    approved_line = ""
    if minutes.status == "approved":
        when = local_date(minutes.approved_at, zone) if minutes.approved_at else "an unrecorded date"
        approved_line = f"Approved on {when}" + (f" by {minutes.approved_by}" if minutes.approved_by else "")
    suffix = {"approved": "", "circulated": " · DRAFT (circulated, not approved)"}.get(minutes.status, " · DRAFT")
    until = None
    if minutes.corrections_close_at is not None:
        until = minutes.corrections_close_at.astimezone(zone).date() - timedelta(days=1)
    chair = next((r.name for r in minutes.attendance if r.role == "chair"), None)
    pictures = {row.id: png for row in minutes.overall_measures if (png := charts(row))}
    return render(
        "minutes.html",
        **context_for(
            theme,
            header=h,
            title=f"{h.council_name}: minutes of meeting {h.number}",
            subject="Minutes" if minutes.status == "approved" else "Draft minutes",
        ),
        running=f"{h.council_name} · Minutes of meeting {h.number} · {short_date(h.date)}{suffix}",
        minutes=minutes,
        approved_line=approved_line,
        corrections_until=until,
        chair=chair,
        recorded=_recorded(minutes),
        raised_here={a.id: item.position for item in minutes.items for a in item.actions_raised},
        charts={key: data_uri(png, "image/png") for key, png in pictures.items()},
        chart_alt=chart_alt,
    ).pdf
