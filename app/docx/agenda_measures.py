"""Agenda pack sections about customer measures: 2 overall results, 3 department reports (and
4 the best practice they offer), 6 the review of measures and journeys."""

from collections.abc import Callable, Sequence

from docx.document import Document
from docx.shared import Emu

from app.agendas import model as m
from app.display import MEASURE_STATUS_LABELS as STATUS_LABELS
from app.display import format_change, format_number, format_value
from app.docx.agenda_voice import delivery_line, department_voice_part, theme_flags_part, voice_overview
from app.docx.word import (
    AMBER,
    GREEN,
    MUTED,
    RED,
    Cell,
    Column,
    Run,
    add_paragraph,
    add_picture,
    add_table,
    text_width,
)
from app.docx.words import day, label, month, small

ChartFn = Callable[[m.MeasureRow], bytes | None]
STATUS_COLORS = {"green": GREEN, "amber": AMBER, "red": RED}
MOVEMENT_COLORS = {"improving": GREEN, "worsening": RED}


MEASURE_COLUMNS = [
    Column("Measure"),
    Column("Latest", "right"),
    Column("Previous", "right"),
    Column("Change", "right"),
    Column("Target", "right"),
    Column("Status"),
]


def _reading(point: m.Point | None, unit: str) -> Cell:
    if point is None:
        return Run("—", color=MUTED)
    return [Run(format_value(point.value, unit)), small(f"\n{month(point.period)}")]


def _status(status: str | None) -> Cell:
    if status is None:
        return Run("No data", color=MUTED)
    return Run(STATUS_LABELS.get(status, label(status)), bold=status == "red", color=STATUS_COLORS.get(status))


def _measure_cells(row: m.MeasureRow, *, show_department: bool) -> list[Cell]:
    name: list[Run] = [Run(row.name, bold=True)]
    about = [x for x in (row.owner_name, row.department if show_department else None) if x]
    if about:
        name.append(small("\n" + " · ".join(about)))
    if row.stale:
        name.append(small("\nNo reading for the latest period", AMBER))
    change = Run(format_change(row.change, row.unit), color=MOVEMENT_COLORS.get(row.movement or ""))
    target = format_value(row.target, row.unit) if row.target is not None else Run("None set", italic=True, color=MUTED)
    return [name, _reading(row.latest, row.unit), _reading(row.previous, row.unit), change, target, _status(row.status)]


def _measures_table(doc: Document, rows: Sequence[m.MeasureRow], *, show_department: bool = True) -> None:
    add_table(doc, MEASURE_COLUMNS, [_measure_cells(r, show_department=show_department) for r in rows])


def overall_section(doc: Document, s: m.OverallMeasuresSection, agenda: m.Agenda, charts: ChartFn) -> None:
    if not s.measures:
        return voice_overview(doc, s.voice)
    _measures_table(doc, s.measures)
    pictures = [(row, charts(row)) for row in s.measures]
    pictures = [(row, png) for row, png in pictures if png]
    if pictures:
        add_paragraph(doc, "Trends", "Heading 2")
        width = Emu(int(text_width(doc) * 635 * 0.86))
        for _row, png in pictures:
            add_picture(doc, png, width=width)
    voice_overview(doc, s.voice)


# -- 3. department reports ------------------------------------------------------------


def _department(doc: Document, e: m.DepartmentEntry) -> None:
    add_paragraph(doc, e.name + (" (external)" if e.is_external else ""), "Heading 2")
    if e.presenters:
        add_paragraph(doc, Run("Presenting: " + ", ".join(e.presenters), color=MUTED), keep_next=True)
    report = e.report
    if report is None:
        add_paragraph(doc, Run("Report not submitted yet.", italic=True, color=AMBER), "Note", keep_next=True)
    else:
        for label, text in (
            ("Summary", report.summary),
            ("Improvements", report.improvements),
            ("Best practice", report.best_practice),
        ):
            if text.strip():
                add_paragraph(doc, [Run(f"{label}: ", bold=True), Run(text.strip())])
        by = f" by {report.author_name}" if report.author_name else ""
        add_paragraph(doc, small(f"Submitted{by}, last updated {day(report.updated_at)}"), keep_next=True)
    if e.measures:
        add_paragraph(doc, "Measures", "Heading 3")
        _measures_table(doc, e.measures, show_department=False)
    department_voice_part(doc, e.voice)
    card = e.scorecard
    if card is not None:
        total = f": {format_number(card.total)} out of 100" if card.total is not None else ""
        add_paragraph(doc, f"Scorecard{total}", "Heading 3")
        if card.components:
            columns = [
                Column("Component"),
                Column("Value", "right"),
                Column("Weight", "right"),
                Column("Points", "right"),
                Column("Based on"),
            ]
            rows = [
                [
                    c.label,
                    format_number(c.value) if c.value is not None else Run("—", color=MUTED),
                    format_number(c.weight),
                    format_number(c.points),
                    c.detail or "—",
                ]
                for c in card.components
            ]
            add_table(doc, columns, rows)
        if card.note:
            add_paragraph(doc, Run(card.note, italic=True), "Note")
        delivery_line(doc, card.delivery)


def department_reports_section(doc: Document, s: m.DepartmentReportsSection, agenda: m.Agenda, charts: ChartFn) -> None:
    for entry in s.departments:
        _department(doc, entry)


def best_practice_section(doc: Document, s: m.BestPracticeSection, agenda: m.Agenda, charts: ChartFn) -> None:
    if s.items:
        add_table(doc, [Column("Department"), Column("What works")], [[i.department, i.text] for i in s.items])


# -- 6. measures review ---------------------------------------------------------------


def _review_lines(key: str, row: m.MeasureRow) -> Cell:
    latest = format_value(row.latest.value, row.unit) if row.latest else "no readings"
    owner = row.owner_name or "no owner"
    if key == "off_target":
        return [
            Run(row.name, bold=True),
            f": {latest} against a target of {format_value(row.target, row.unit)} ({owner})",
        ]
    if key == "worsening":
        before = format_value(row.previous.value, row.unit) if row.previous else "—"
        return [Run(row.name, bold=True), f": {before} → {latest} ({format_change(row.change, row.unit)}), {owner}"]
    if key == "stale":
        last = f"last reading {month(row.latest.period)}" if row.latest else "no readings yet"
        return [Run(row.name, bold=True), f": {last} ({owner})"]
    if key == "missing_target":
        return [Run(row.name, bold=True), f" ({owner})"]
    return [Run(row.name, bold=True), f" ({row.department or 'council-wide'})"]


# Each list's heading, and what an empty list tells the chair.
REVIEW_LISTS = (
    ("off_target", "Off target", "no measure is off target"),
    ("worsening", "Getting worse", "none is getting worse"),
    ("stale", "No reading for the latest period", "every measure has a reading for the latest period"),
    ("missing_target", "No target set", "every measure has a target"),
    ("missing_owner", "No owner", "every measure has an owner"),
)


def measures_review_section(doc: Document, s: m.MeasuresReviewSection, agenda: m.Agenda, charts: ChartFn) -> None:
    quiet = []
    for key, title, clear in REVIEW_LISTS:
        rows = getattr(s, key)
        if not rows:
            quiet.append(clear)
            continue
        add_paragraph(doc, f"{title} ({len(rows)})", "Heading 2")
        for row in rows:
            add_paragraph(doc, _review_lines(key, row), "List Bullet")
    # With every list empty and a note (no measures yet), the note says it all, as on the page.
    if quiet and not (len(quiet) == len(REVIEW_LISTS) and s.notes):
        add_paragraph(doc, Run("Also checked: " + "; ".join(quiet) + ".", color=MUTED))
    if s.journeys:
        add_paragraph(doc, f"Journeys with gaps or overlaps ({len(s.journeys)})", "Heading 2")
        columns = [
            Column("Journey"),
            Column("Owner"),
            Column("Steps nobody owns"),
            Column("Steps several own"),
        ]
        rows = [
            [j.name, j.owner_name or "—", "\n".join(j.gaps) or "—", "\n".join(j.overlaps) or "—"] for j in s.journeys
        ]
        add_table(doc, columns, rows)
    theme_flags_part(doc, s.themes)
