"""The minutes in Word: what happened at a meeting, in the council's own styles.

Renders a `MinutesDoc` and computes nothing of its own (one MinutesDoc, many renderers).
Pure apart from python-docx: trend charts arrive as PNG bytes from `charts`, and the
styles come from the council's template or ours (see template.py). The front page
(status, attendance, quorum) is in minutes_front.py.

The order a council reads them in: the meeting, whether these minutes are final, who
attended and the quorum; then the nine agenda items (Heading 1 "N. Title") each with
its notes, decisions ("D3. …") and the actions raised; the next meeting; the decision
register; the record of changes (the correction round: each correction proposed and what was
decided, an early approval's reason); any amendments made after approval; and the open action
log as an appendix.

Each thing the secretary typed appears once in its place. The registers repeat what
they index by design: a decision is under its item and in the register, an action
raised at the meeting is under its item and, while open, in the action log.
"""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from docx.document import Document
from docx.shared import Emu

from app.agendas.model import ActionRow
from app.display import local_time, note_blocks
from app.docx.agenda_actions import OPEN_ACTION_COLUMNS, due_cell, open_action_cells
from app.docx.agenda_measures import MEASURE_COLUMNS, ChartFn, _measure_cells
from app.docx.minutes_front import attendance, front_page, status_marks
from app.docx.template import open_template
from app.docx.word import (
    AMBER,
    MUTED,
    RED,
    Cell,
    Column,
    Run,
    add_paragraph,
    add_picture,
    add_table,
    clean,
    set_running_heads,
    text_width,
)
from app.docx.words import day, long_date, plural, say_none, small
from app.minutes import model as mm

# -- small pieces ---------------------------------------------------------------------


def _at(value: datetime, zone: ZoneInfo) -> str:
    return local_time(value, zone)


def _notes(doc: Document, text: str, *, lead: Run | None = None) -> None:
    """The secretary's notes as typed (app.display.note_blocks, as the page shows them): paragraphs and bullets.

    `lead` ("Outcome: ") starts the first paragraph, or stands alone when the notes open with a bullet.
    """
    first = [lead] if lead else []
    for block in note_blocks(clean(text)):
        if block.kind == "list":
            if first:
                add_paragraph(doc, first.pop(), keep_next=True)
            for item in block.lines:
                add_paragraph(doc, item, "List Bullet")
        else:
            add_paragraph(doc, [*first, Run("\n".join(block.lines))])
            first.clear()


def _decision(doc: Document, decision: mm.DecisionRow) -> None:
    reviewed = decision.theme_name
    add_paragraph(doc, [Run(f"D{decision.number}. ", bold=True), Run(decision.text)], keep_next=bool(reviewed))
    if reviewed:
        # Plain text, not a link: the printed minutes outlive the feedback page's filters.
        add_paragraph(doc, f"Theme reviewed: {reviewed}")


# -- the nine items -------------------------------------------------------------------


def _previous_minutes(doc: Document, minutes: mm.MinutesDoc) -> bool:
    previous = minutes.meeting.previous_meeting
    if previous is None:
        if minutes.previous_minutes_note:
            _notes(doc, minutes.previous_minutes_note)
            return True
        return False
    which = f"The minutes of meeting {previous.number}, held on {long_date(previous.date)},"
    if minutes.previous_minutes_approved is True:
        said: Cell = [Run(f"{which} were "), Run("approved as a true record", bold=True), Run(".")]
    elif minutes.previous_minutes_approved is False:
        said = [Run(f"{which} were "), Run("not approved", bold=True, color=RED), Run(".")]
    else:
        said = Run(f"{which} have no recorded approval.", italic=True, color=AMBER)
    add_paragraph(doc, said)
    if minutes.previous_minutes_note:
        _notes(doc, minutes.previous_minutes_note)
    return True


def _aob(doc: Document, minutes: mm.MinutesDoc, position: int) -> bool:
    if not minutes.aob:
        return False
    add_paragraph(doc, "Items raised", "Heading 2")
    for n, item in enumerate(minutes.aob, start=1):
        title: list[Run] = [Run(f"{position}.{n} "), Run(item.title, bold=True)]
        if item.submitted_by:
            title.append(Run(f" (raised by {item.submitted_by})", color=MUTED))
        if item.carried_from_meeting:
            title.append(Run(f" carried from Meeting {item.carried_from_meeting}", italic=True, color=MUTED))
        add_paragraph(doc, title, keep_next=True)
        if item.details.strip():
            _notes(doc, item.details)
        if item.outcome.strip():
            _notes(doc, item.outcome, lead=Run("Outcome: ", bold=True))
        else:
            add_paragraph(doc, [Run("Outcome: ", bold=True), Run("not recorded.", italic=True, color=AMBER)])
    return True


def _snapshot(doc: Document, minutes: mm.MinutesDoc, charts: ChartFn) -> bool:
    measures = minutes.overall_measures
    if not measures:
        return False
    add_paragraph(doc, "Results presented", "Heading 2")
    add_table(doc, MEASURE_COLUMNS, [_measure_cells(r, show_department=True) for r in measures])
    pictures = [png for png in (charts(row) for row in measures) if png]
    if pictures:
        width = Emu(int(text_width(doc) * 635 * 0.86))
        for png in pictures:
            add_picture(doc, png, width=width)
    return True


def _actions_raised(doc: Document, rows: list[ActionRow]) -> None:
    add_paragraph(doc, "Actions raised", "Heading 2")
    add_table(
        doc,
        [Column("Action", 3.6), Column("Owner", 1.5), Column("Department", 1.5), Column("Due", 1.1)],
        [[r.title, r.owner_name, r.department or "—", due_cell(r)] for r in rows],
    )


def _item(doc: Document, item: mm.MinutesItemRow, minutes: mm.MinutesDoc, charts: ChartFn) -> None:
    add_paragraph(doc, f"{item.position}. {item.title}", "Heading 1")
    said = False
    if item.key == "actions":
        said = _previous_minutes(doc, minutes)
    if item.key == "overall_measures":
        said = _snapshot(doc, minutes, charts) or said
    if item.notes.strip():
        if item.key == "overall_measures" and said:
            add_paragraph(doc, "Discussion", "Heading 2")
        _notes(doc, item.notes)
        said = True
    if item.key == "aob":
        said = _aob(doc, minutes, item.position) or said
    if item.decisions:
        add_paragraph(doc, "Decisions", "Heading 2")
        for decision in item.decisions:
            _decision(doc, decision)
        said = True
    if item.actions_raised:
        _actions_raised(doc, item.actions_raised)
        said = True
    if not said:
        say_none(doc, "Nothing was recorded under this item.")
    amended = [f"A{n}" for n, a in enumerate(minutes.amendments, start=1) if a.item_number == item.number]
    if amended:
        which = ", ".join(amended)
        add_paragraph(doc, f"Amended after approval: see {which} under “Amendments”.", "Note")


# -- the end --------------------------------------------------------------------------


def _next_meeting(doc: Document, minutes: mm.MinutesDoc) -> None:
    add_paragraph(doc, "Date of next meeting", "Heading 1")
    noted = bool(minutes.next_meeting_note.strip())
    if minutes.next_meeting:
        add_paragraph(doc, Run(long_date(minutes.next_meeting), bold=True), keep_next=noted)
    else:
        add_paragraph(doc, Run("Not scheduled yet.", italic=True, color=MUTED), keep_next=noted)
    if noted:
        _notes(doc, minutes.next_meeting_note)


def _register(doc: Document, minutes: mm.MinutesDoc) -> None:
    add_paragraph(doc, "Decision register", "Heading 1")
    if not minutes.decisions:
        say_none(doc, "No decisions were recorded at this meeting.")
        return
    titles = {item.number: f"{item.position}. {item.title}" for item in minutes.items}
    rows = [
        [Run(f"D{d.number}", bold=True), titles.get(d.item_number, str(d.item_number)), d.text]
        for d in minutes.decisions
    ]
    add_table(doc, [Column("No.", 0.55, "center"), Column("Agenda item", 1.9), Column("Decision", 4.6)], rows)


def _record_of_changes(doc: Document, minutes: mm.MinutesDoc, zone: ZoneInfo) -> None:
    """The correction round: each correction proposed, by whom and when, and what was decided; an early approval's
    reason."""
    if minutes.status == "draft" or (not minutes.corrections and minutes.corrections_close_at is None):
        return
    add_paragraph(doc, "Record of changes", "Heading 1")
    lines: list[Run] = []
    if minutes.circulated_at is not None:
        lines.append(Run(f"Circulated for corrections on {_at(minutes.circulated_at, zone)}"))
        if minutes.corrections_close_at is not None:
            last = minutes.corrections_close_at.astimezone(zone).date() - timedelta(days=1)
            lines.append(Run(f"; corrections taken until the end of {long_date(last)}"))
        lines.append(Run(". "))
    if minutes.approved_early_reason:
        lines.append(Run("Approved before the window closed, because: ", bold=True))
        lines.append(Run(minutes.approved_early_reason))
    add_paragraph(doc, lines, keep_next=bool(minutes.corrections))
    if not minutes.corrections:
        say_none(doc, "No corrections were proposed.")
        return
    titles = {item.number: str(item.position) for item in minutes.items}
    rows = []
    for n, c in enumerate(minutes.corrections, start=1):
        if c.status == "proposed":
            decision: Cell = Run("Not decided yet", italic=True, color=AMBER)
        elif c.status == "withdrawn":
            decision = [Run("Withdrawn"), small(f"\n{_at(c.decided_at, zone)}" if c.decided_at else "")]
        else:
            decision = [
                Run(c.status.capitalize(), bold=True, color=RED if c.status == "rejected" else None),
                Run(f" by {c.decided_by or '—'}"),
                small(f"\n{_at(c.decided_at, zone)}" if c.decided_at else ""),
            ]
            if c.applied:
                decision.append(small("\nWritten into the notes."))
            if c.decision_note:
                decision.append(Run(f"\n{c.decision_note}"))
        rows.append(
            [
                Run(f"C{n}", bold=True),
                titles.get(c.item_number, str(c.item_number)),
                [Run(c.proposed_by or "—"), small(f"\n{_at(c.proposed_at, zone)}")],
                [Run(c.text), small(f"\nWhy: {c.reason}")],
                decision,
            ]
        )
    add_table(
        doc,
        [
            Column("No.", 0.5, "center"),
            Column("Item", 0.55, "center"),
            Column("Proposed by", 1.35),
            Column("Correction", 2.9),
            Column("Decision", 2.0),
        ],
        rows,
    )


def _amendments(doc: Document, minutes: mm.MinutesDoc, zone: ZoneInfo) -> None:
    if not minutes.amendments:
        return
    add_paragraph(doc, "Amendments", "Heading 1")
    add_paragraph(doc, Run("Corrections recorded after the chair approved these minutes, oldest first.", color=MUTED))
    rows = [
        [
            Run(f"A{n}", bold=True),
            str(a.item_number) if a.item_number else "—",
            a.text,
            a.reason,
            [Run(a.made_by or "—"), small(f"\n{_at(a.made_at, zone)}")],
        ]
        for n, a in enumerate(minutes.amendments, start=1)
    ]
    add_table(
        doc,
        [
            Column("No.", 0.5, "center"),
            Column("Item", 0.55, "center"),
            Column("Amendment", 2.9),
            Column("Why", 2.0),
            Column("Made by", 1.35),
        ],
        rows,
    )


def _action_log(doc: Document, minutes: mm.MinutesDoc) -> None:
    doc.add_page_break()
    add_paragraph(doc, "Appendix: open action log", "Heading 1")
    rows = minutes.open_actions
    if not rows:
        say_none(doc, "No open actions on the council's log.")
        return
    overdue = sum(1 for r in rows if r.overdue)
    late = f", {overdue} of them overdue" if overdue else ""
    add_paragraph(doc, Run(f"{plural(len(rows), 'open action')} on the council's log{late}.", color=MUTED))
    raised_here = {a.id: item.position for item in minutes.items for a in item.actions_raised}
    table_rows = []
    for r in rows:
        title: Cell = r.title
        if r.id in raised_here:
            title = [Run(r.title), small(f"\nRaised at this meeting, item {raised_here[r.id]}")]
        table_rows.append(open_action_cells(r, title))
    add_table(doc, OPEN_ACTION_COLUMNS, table_rows)


def build_minutes_docx(minutes: mm.MinutesDoc, *, template: bytes | None, charts: ChartFn) -> bytes:
    """The minutes as .docx bytes, styled by `template` (a council's .docx, or ours when None)."""
    doc = open_template(template)
    h = minutes.meeting
    zone = ZoneInfo(h.timezone)
    suffix, status_line, color, fill = status_marks(minutes, zone)
    props = doc.core_properties
    props.title = clean(f"{h.council_name}: minutes of meeting {h.number}")[:255]
    props.subject = "Minutes" if minutes.status == "approved" else "Draft minutes"
    props.author = props.last_modified_by = "CX Council"
    props.revision = max(minutes.version, 1)
    set_running_heads(doc, header_text=f"{h.council_name} · Minutes of meeting {h.number} · {day(h.date)}{suffix}")
    front_page(doc, minutes, status_line, color, fill)
    attendance(doc, minutes)
    for item in minutes.items:
        _item(doc, item, minutes, charts)
    if minutes.not_taken:
        skipped = "; ".join(t.title for t in minutes.not_taken)
        add_paragraph(doc, [Run("Not taken at this meeting: ", bold=True), Run(f"{skipped}.")])
    _next_meeting(doc, minutes)
    _register(doc, minutes)
    _record_of_changes(doc, minutes, zone)
    _amendments(doc, minutes, zone)
    _action_log(doc, minutes)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
