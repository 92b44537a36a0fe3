"""Agenda pack sections about customer measures: 2 overall results, 3 department reports (and
4 the best practice they offer), 6 the review of measures and journeys."""

from collections.abc import Callable, Sequence

from docx.document import Document
from docx.shared import Emu

from app.agendas import model as m
from app.display import format_change, format_number, format_value, status_word
from app.docx.agenda_voice import delivery_line, department_voice_part, theme_flags_part, voice_overview
from app.docx.word import (
    AMBER,
    MUTED,
    Cell,
    Column,
    Run,
    add_paragraph,
    add_picture,
    add_table,
    text_width,
)
from app.docx.words import day, month, movement_run, small, status_run

ChartFn = Callable[[m.MeasureRow], bytes | None]


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


def _measure_cells(row: m.MeasureRow, *, show_department: bool) -> list[Cell]:
    name: list[Run] = [Run(row.name, bold=True)]
    about = [x for x in (row.owner_name, row.department if show_department else None) if x]
    if about:
        name.append(small("\n" + " · ".join(about)))
    if row.stale:
        name.append(small("\nNo reading for the latest period", AMBER))
    change = movement_run(row.change, row.unit, row.direction)
    target = format_value(row.target, row.unit) if row.target is not None else Run("None set", italic=True, color=MUTED)
    return [
        name,
        _reading(row.latest, row.unit),
        _reading(row.previous, row.unit),
        change,
        target,
        status_run(row.status),
    ]


def chart_alt(row: m.MeasureRow) -> str:
    """A trend chart's alternative text: what it shows, e.g. "Net Promoter Score by month, Jan 2026 to
    Oct 2026, latest 31, target 30, On track"."""
    parts = [f"{row.name} by month"]
    if row.trend:
        parts.append(f"{month(row.trend[0].period)} to {month(row.trend[-1].period)}")
    if row.latest is not None:
        parts.append(f"latest {format_value(row.latest.value, row.unit)}")
    if row.target is not None:
        parts.append(f"target {format_value(row.target, row.unit)}")
    if row.status:
        parts.append(status_word(row.status))
    return ", ".join(parts)


def drawn(rows: Sequence[m.MeasureRow], charts: ChartFn) -> list[tuple[m.MeasureRow, bytes]]:
    """The measures `charts` draws a trend for (one call each), with their PNGs."""
    return [(row, png) for row, png in ((row, charts(row)) for row in rows) if png]


def add_charts(doc: Document, pictures: Sequence[tuple[m.MeasureRow, bytes]]) -> None:
    """Each trend chart, described for a screen reader (chart_alt)."""
    width = Emu(int(text_width(doc) * 635 * 0.86))
    for row, png in pictures:
        add_picture(doc, png, width=width, alt=chart_alt(row))


def _measures_table(doc: Document, rows: Sequence[m.MeasureRow], *, show_department: bool = True) -> None:
    add_table(doc, MEASURE_COLUMNS, [_measure_cells(r, show_department=show_department) for r in rows])


def overall_section(doc: Document, s: m.OverallMeasuresSection, agenda: m.Agenda, charts: ChartFn) -> None:
    if not s.measures:
        return voice_overview(doc, s.voice)
    _measures_table(doc, s.measures)
    pictures = drawn(s.measures, charts)
    if pictures:
        add_paragraph(doc, "Trends", "Heading 2", keep_next=True)
        add_charts(doc, pictures)
    voice_overview(doc, s.voice)


# -- 3. department reports ------------------------------------------------------------


def _best_practice_item(agenda: m.Agenda) -> tuple[int, set[int]] | None:
    """Item 4's place in the running order and the reports whose best practice it lists, if it is on the agenda."""
    for section in agenda.sections:
        if isinstance(section, m.BestPracticeSection):
            return section.position, {i.report_id for i in section.items}
    return None


def _department(doc: Document, e: m.DepartmentEntry, best_practice_at: tuple[int, set[int]] | None) -> None:
    add_paragraph(doc, e.name + (" (external)" if e.is_external else ""), "Heading 2")
    if e.presenters:
        add_paragraph(doc, Run("Presenting: " + ", ".join(e.presenters), color=MUTED), keep_next=True)
    report = e.report
    if report is None:
        add_paragraph(doc, Run("Report not submitted yet.", italic=True, color=AMBER), "Note", keep_next=True)
    else:
        for label, text in (("Summary", report.summary), ("Improvements", report.improvements)):
            if text.strip():
                add_paragraph(doc, [Run(f"{label}: ", bold=True), Run(text.strip())])
        if report.best_practice.strip():
            # Said once: where item 4 lists it, the report points there.
            if best_practice_at and report.id in best_practice_at[1]:
                where = Run(f"see item {best_practice_at[0]}, where it is shared with the council.", italic=True)
            else:
                where = Run(report.best_practice.strip())
            add_paragraph(doc, [Run("Best practice: ", bold=True), where])
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
    best_practice_at = _best_practice_item(agenda)
    for entry in s.departments:
        _department(doc, entry, best_practice_at)


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
