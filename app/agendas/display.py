"""Words and formatters the agenda and minutes pages share (moved as is from the meetings pages)."""

from datetime import date

from app.agendas.model import SECTION_TITLES
from app.initiatives.display import money
from app.measures.display import STATUS_LABELS, format_change, format_number, format_value

ACTION_STATUSES = {"open": "Open", "in_progress": "In progress", "blocked": "Blocked", "done": "Done"}
INITIATIVE_STATUSES = {"approved": "Approved", "in_progress": "In progress", "proposed": "Proposed"}
# Keyed as app.initiatives.priorities names its criteria.
CRITERIA = {
    "customer_impact": "Customer impact",
    "saving": "Yearly saving",
    "effort": "Effort (less is better)",
    "strategic_fit": "Strategic fit",
    "confidence": "Confidence",
}
MOVEMENTS = {
    "improving": "↑ improving",
    "worsening": "↓ worsening",
    "flat": "→ flat",
    "better": "better",
    "worse": "worse",
}


def period_label(period: date) -> str:
    """Mar 2026 for a monthly reading (dated the 1st), 3 Mar 2026 otherwise."""
    return period.strftime("%b %Y") if period.day == 1 else period.strftime("%-d %b %Y")


HELPERS = {
    "fmt": format_value,
    "fmt_change": format_change,
    "fmt_number": format_number,
    "money": money,
    "period_label": period_label,
    "status_labels": STATUS_LABELS,
    "action_statuses": ACTION_STATUSES,
    "initiative_statuses": INITIATIVE_STATUSES,
    "criteria": CRITERIA,
    "movements": MOVEMENTS,
    "section_titles": SECTION_TITLES,
}
