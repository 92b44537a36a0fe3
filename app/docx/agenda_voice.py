"""Agenda pack: the customer's voice in sections 2, 3 and 6 (models in app/agendas/voice.py).

Section 2: the goal-support rating by month and the top negative themes, each with its
change and two example comments; section 3: a department's own themes and action-plan
metrics; section 6: rising themes and top themes with no five-whys workshop yet.
"""

from docx.document import Document
from docx.shared import Pt

from app.agendas.voice_model import CustomerVoice, DepartmentVoice, ThemeFlags, VoiceTheme
from app.display import format_change, format_value
from app.display import month_year as month
from app.docx.word import AMBER, GREEN, MUTED, RED, Column, Run, add_paragraph, add_table
from app.docx.words import status_run

DIRECTION_COLORS = {"rising": RED, "falling": GREEN}


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _change(t: VoiceTheme) -> Run:
    points = "" if t.change is None else f" ({format_change(round(t.change * 100, 1), '%')})"
    return Run(f"{t.direction}{points}", color=DIRECTION_COLORS.get(t.direction))


def voice_overview(doc: Document, voice: CustomerVoice | None) -> None:
    """Section 2: the rating trend and the top negative themes with example comments."""
    if voice is None:
        return
    add_paragraph(doc, "Goal-support rating", "Heading 2", keep_next=True)
    average = "—" if voice.rating_average is None else f"{voice.rating_average:.2f}"
    change = "" if voice.rating_change is None else f", {voice.rating_change:+.2f} over the window"
    add_paragraph(
        doc,
        [
            Run(f"{average} ", bold=True),
            f"on the {voice.rating_min}–{voice.rating_max} scale over the last {voice.months} months "
            f"({voice.rating_direction}{change}).",
        ],
        keep_next=True,
    )
    columns = [Column(month(p.month), "right") for p in voice.rating]
    add_table(doc, columns, [["—" if p.average is None else f"{p.average:.2f}" for p in voice.rating]])
    add_paragraph(doc, "Top negative themes", "Heading 2", keep_next=True)
    if not voice.themes:
        for note in voice.notes:
            add_paragraph(doc, Run(note, italic=True), "Note")
        return
    rows = []
    for t in voice.themes:
        examples = "\n".join(f"“{e}”" for e in t.examples) or Run("no short comment this quarter", color=MUTED)
        name = [Run(t.name, bold=True)] + ([] if t.has_workshop else [Run("\nno workshop yet", color=AMBER)])
        rows.append([name, str(t.negative), _share(t.share), [_change(t)], examples])
    columns = [
        Column("Theme"),
        Column("Responses", "right"),
        Column("Share", "right"),
        Column("Change"),
        Column("What customers wrote"),
    ]
    add_table(doc, columns, rows)


def department_voice_part(doc: Document, voice: DepartmentVoice | None) -> None:
    """Section 3, one department: its top negative themes and action-plan metrics."""
    if voice is None:
        return
    if voice.themes:
        add_paragraph(doc, "Top negative themes", "Heading 3", keep_next=True)
        for t in voice.themes:
            line = [Run(t.name, bold=True), f": {t.negative} responses, {_share(t.share)}, ", _change(t)]
            add_paragraph(doc, line, "List Bullet")
    if voice.plan_metrics:
        add_paragraph(doc, "Action-plan metrics", "Heading 3", keep_next=True)
        for p in voice.plan_metrics:
            latest = "no readings" if p.latest is None else format_value(p.latest, p.unit)
            target = "" if p.target is None else f" against a target of {format_value(p.target, p.unit)}"
            since = f", picked {month(p.since)}" if p.since else ""
            line = [Run(p.name, bold=True), f": {latest}{target}{since} ", status_run(p.status, missing="")]
            add_paragraph(doc, line, "List Bullet")


def delivery_line(doc: Document, delivery: str | None) -> None:
    """Actions closed on time, beside the score."""
    if delivery:
        add_paragraph(doc, Run(delivery, color=MUTED)).paragraph_format.space_before = Pt(4)  # clear of the table


def theme_flags_part(doc: Document, flags: ThemeFlags | None) -> None:
    """Section 6: rising negative themes, and top ones with no five-whys workshop yet."""
    if flags is None:
        return
    # A rising theme with no workshop is named once, under rising, and says it has none.
    rising = {t.name for t in flags.rising}
    for title, themes in (
        ("Rising negative themes", flags.rising),
        ("Top negative themes with no five-whys workshop", [t for t in flags.no_workshop if t.name not in rising]),
    ):
        if themes:
            add_paragraph(doc, f"{title} ({len(themes)})", "Heading 2", keep_next=True)
            for t in themes:
                line = [Run(t.name, bold=True), f": {t.negative} responses, ", _change(t)]
                if not t.has_workshop and t.name in rising:
                    line.append(Run("; no five-whys workshop yet", color=AMBER))
                add_paragraph(doc, line, "List Bullet")
