"""How an action's history reads on a page: field labels, agenda items, names for ids."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.actions.schemas import ActionHistoryEntry
from app.councils.schemas import MemberPublic
from app.display import ACTION_STATUSES, label, local_time, short_date
from app.models import Department, Meeting

# The standard agenda (DOMAIN.md), by item number.
AGENDA_ITEMS = {
    1: "Actions from the last meeting",
    2: "Overall customer-satisfaction measures",
    3: "Department reports",
    4: "Cross-fertilising best practice",
    5: "Current initiatives",
    6: "Review of the customer measures",
    7: "Prioritising future initiatives",
    8: "Customer research",
    9: "Any other business",
}

FIELD_LABELS = {
    "archived": "Archive",
    "title": "Title",
    "description": "Description",
    "owner_id": "Owner",
    "department_id": "Department",
    "due_on": "Due date",
    # An owner's move waiting for the chair (app/actions/due_requests.py), and the chair's decision.
    "due_on_requested": "Due date change asked for",
    "due_on_approved": "Due date change approved",
    "due_on_refused": "Due date change refused",
    "status": "Status",
    "percent_complete": "Percent complete",
    "raised_at_meeting_id": "Raised at meeting",
    "raised_at_item": "Agenda item",
}


DATE_FIELDS = frozenset({"due_on", "due_on_requested", "due_on_approved", "due_on_refused"})


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, label(field))


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryRow:
    who: str
    at: str
    at_iso: str
    kind: str
    changes: list[ChangeRow]
    note: str
    without_if_match: bool


def history_rows(
    entries: list[ActionHistoryEntry],
    *,
    timezone: str,
    members: list[MemberPublic],
    departments: list[Department],
    meetings: list[Meeting],
) -> list[HistoryRow]:
    """The history as people read it: names for ids, dates spelled out, oldest first."""
    names = {
        "owner_id": {m.id: m.name for m in members},
        "department_id": {d.id: d.name for d in departments},
        "raised_at_meeting_id": {m.id: f"Meeting {m.number}" for m in meetings},
    }

    def show(field: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if field in names:
            return names[field].get(value, f"#{value} (removed)")
        if field == "status":
            return ACTION_STATUSES.get(value, str(value))
        if field in DATE_FIELDS:
            try:
                return short_date(date.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        if field == "percent_complete":
            return f"{value}%"
        if field == "archived":  # archived (the time) or restored (None, shown as —)
            return "Archived " + local_time(datetime.fromisoformat(value), timezone)
        if field == "raised_at_item":
            return f"{value}. {AGENDA_ITEMS.get(value, '')}".rstrip(". ")
        return str(value)

    return [
        HistoryRow(
            who=entry.user_name or "A removed account",
            at=local_time(entry.at, timezone),
            at_iso=entry.at.isoformat(),
            kind=entry.kind,
            changes=[
                ChangeRow(field_label(c.field), show(c.field, c.old), show(c.field, c.new)) for c in entry.changes
            ],
            note=entry.note,
            without_if_match=entry.without_if_match,
        )
        for entry in entries
    ]
