"""Agenda pack section 1, previous minutes and the action log; its open-action table is
the minutes' action log too."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from docx.document import Document

from app.agendas import model as m
from app.docx.agenda_measures import ChartFn
from app.docx.word import AMBER, GREEN, MUTED, RED, Cell, Column, Run, add_paragraph, add_table
from app.docx.words import day, label, long_date, plural, say_none, small

OPEN_ACTION_COLUMNS = [
    Column("Action"),
    Column("Owner"),
    Column("Department"),
    Column("Due"),
    Column("Status"),
]


def due_cell(row: m.ActionRow) -> Cell:
    """The due date, and how many days overdue in red."""
    if not row.overdue:
        return day(row.due_on)
    return [Run(day(row.due_on)), Run(f"\n{plural(row.days_overdue, 'day')} overdue", bold=True, color=RED)]


def overdue_as_at(rows: list[m.ActionRow]) -> str | None:
    """ "Days overdue as at Monday 7 December 2026." for a table with overdue rows: the day they are
    counted to (the meeting's, or the day the agenda was built while the meeting was ahead)."""
    late = next((r for r in rows if r.overdue), None)
    if late is None:
        return None
    return f"Days overdue as at {long_date(late.due_on + timedelta(days=late.days_overdue))}."


def action_status_cell(row: m.ActionRow) -> Cell:
    """The status (blocked in amber) and how far along."""
    status = Run(label(row.status), bold=row.status == "blocked", color=AMBER if row.status == "blocked" else None)
    if not row.percent_complete:
        return status
    return [status, small(f"\n{row.percent_complete}% done")]


def open_action_cells(row: m.ActionRow, title: Cell | None = None) -> list[Cell]:
    """One row of OPEN_ACTION_COLUMNS; `title` replaces the plain title (the minutes add where it was raised)."""
    return [
        row.title if title is None else title,
        row.owner_name,
        row.department or "—",
        due_cell(row),
        action_status_cell(row),
    ]


def _closed(row: m.ActionRow, zone: ZoneInfo) -> list[Cell]:
    closed_on = row.closed_at.astimezone(zone).date() if row.closed_at else None
    if row.status == "cancelled":
        outcome: Cell = Run("Cancelled", color=MUTED)
    elif row.closed_on_time:
        outcome = Run("Done on time", color=GREEN)
    else:
        outcome = Run("Done late", color=AMBER)
    return [row.title, row.owner_name, day(row.due_on), day(closed_on), outcome]


def actions_section(doc: Document, s: m.ActionsSection, agenda: m.Agenda, charts: ChartFn) -> None:
    add_paragraph(doc, s.previous_minutes)
    if s.on_time_rate is not None:
        add_paragraph(
            doc, f"Done on time since the last meeting: {s.closed_on_time} of {s.closed_count} ({s.on_time_rate:g}%)."
        )
    add_paragraph(doc, f"Open actions ({len(s.open_actions)})", "Heading 2")
    if s.open_actions:
        if as_at := overdue_as_at(s.open_actions):
            add_paragraph(doc, Run(as_at, color=MUTED), keep_next=True)
        add_table(doc, OPEN_ACTION_COLUMNS, [open_action_cells(a) for a in s.open_actions])
    else:
        say_none(doc, "No open actions.")
    if s.closed_since_previous:
        add_paragraph(doc, f"Closed since the last meeting ({len(s.closed_since_previous)})", "Heading 2")
        zone = ZoneInfo(agenda.meeting.timezone)
        columns = [
            Column("Action"),
            Column("Owner"),
            Column("Due"),
            Column("Closed"),
            Column("Outcome"),
        ]
        add_table(doc, columns, [_closed(a, zone) for a in s.closed_since_previous])
