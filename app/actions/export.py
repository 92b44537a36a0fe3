"""The action log as CSV, safe to open in a spreadsheet."""

import csv
import io

from app.actions.schemas import ActionPublic

COLUMNS = [
    ("id", "ID"),
    ("title", "Action"),
    ("owner_name", "Owner"),
    ("department_name", "Department"),
    ("due_on", "Due"),
    ("status", "Status"),
    ("percent_complete", "% complete"),
    ("overdue", "Overdue"),
    ("days_overdue", "Days overdue"),
    ("raised_at_meeting_number", "Raised at meeting"),
    ("raised_at_item", "Agenda item"),
    ("closed_at", "Closed"),
    ("description", "Description"),
]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    # A cell starting with = + - @ would run as a formula in Excel or LibreOffice.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def actions_csv(actions: list[ActionPublic]) -> str:
    """A header row, then one row per action."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in COLUMNS])
    for action in actions:
        writer.writerow([_cell(getattr(action, field)) for field, _ in COLUMNS])
    return buffer.getvalue()
