"""The minutes in Word: what happened at a meeting, in the council's own styles.

Renders a `MinutesDoc` and computes nothing of its own (one MinutesDoc, many renderers).
Pure apart from python-docx: trend charts arrive as PNG bytes from `charts`, and the
styles come from the council's template or ours (see template.py). The front page
(status, attendance, quorum) is in minutes_front.py.

The order a council reads them in: the meeting, whether these minutes are final, who
attended and the quorum; then the nine agenda items (Heading 1 "N. Title") each with
its notes, decisions ("D3. …") and the actions raised (items with nothing recorded get no
heading: one line names them all); the next meeting; the decision register; the record of
changes (the correction round: each correction proposed and what was decided, an early
approval's reason); any amendments made after approval; the chair's sign-off; and the open
action log as an appendix, its days overdue counted to the meeting day.

Each thing the secretary typed appears once in its place. The registers repeat what
they index by design: a decision is under its item and in the register, an action
raised at the meeting is under its item and, while open, in the action log.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from docx.document import Document

from app.agendas.model import ActionRow
from app.display import local_time, note_blocks
from app.docx.agenda_actions import OPEN_ACTION_COLUMNS, due_cell, open_action_cells, overdue_as_at
from app.docx.agenda_measures import MEASURE_COLUMNS, ChartFn, _measure_cells, add_charts, drawn
from app.docx.minutes_front import attendance, front_page, status_marks
from app.docx.saving import document_bytes
from app.docx.template import open_template
from app.docx.word import (
    AMBER,
    MUTED,
    RED,
    Cell,
    Column,
    Run,
    add_paragraph,
    add_table,
    clean,
    set_properties,
    set_running_heads,
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
    add_charts(doc, drawn(measures, charts))
    return True


def _actions_raised(doc: Document, rows: list[ActionRow]) -> None:
    add_paragraph(doc, "Actions raised", "Heading 2")
    add_table(
        doc,
        [Column("Action"), Column("Owner"), Column("Department"), Column("Due")],
        [[r.title, r.owner_name, r.department or "—", due_cell(r)] for r in rows],
    )


def _amended(item: mm.MinutesItemRow, minutes: mm.MinutesDoc) -> list[str]:
    return [f"A{n}" for n, a in enumerate(minutes.amendments, start=1) if a.item_number == item.number]


def recorded(item: mm.MinutesItemRow, minutes: mm.MinutesDoc) -> bool:
    """Whether anything was recorded under an item (what _item would print beyond its heading)."""
    return bool(
        item.notes.strip()
        or item.decisions
        or item.actions_raised
        or _amended(item, minutes)
        or (item.key == "actions" and (minutes.meeting.previous_meeting or minutes.previous_minutes_note))
        or (item.key == "overall_measures" and minutes.overall_measures)
        or (item.key == "aob" and minutes.aob)
    )


def nothing_recorded(positions: list[int]) -> str:
    """ "Nothing was recorded under items 3, 5 and 8.": the items with nothing recorded, said once."""
    if len(positions) == 1:
        return f"Nothing was recorded under item {positions[0]}."
    numbers = [str(p) for p in positions]
    return f"Nothing was recorded under items {', '.join(numbers[:-1])} and {numbers[-1]}."


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
    amended = _amended(item, minutes)
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
    add_table(doc, [Column("No.", "center"), Column("Agenda item"), Column("Decision")], rows)


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
            Column("No.", "center"),
            Column("Item", "center"),
            Column("Proposed by"),
            Column("Correction"),
            Column("Decision"),
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
            Column("No.", "center"),
            Column("Item", "center"),
            Column("Amendment"),
            Column("Why"),
            Column("Made by"),
        ],
        rows,
    )


def _chair(minutes: mm.MinutesDoc) -> str | None:
    chair = next((r.name for r in minutes.attendance if r.role == "chair"), None)
    return chair or next((p.name for p in minutes.meeting.expected_attendees if p.role == "chair"), None)


def _sign_off(doc: Document, minutes: mm.MinutesDoc, zone: ZoneInfo) -> None:
    """The chair's sign-off: once approved, when and by whom; before, a line for a signature and a date."""
    add_paragraph(doc, "Sign-off", "Heading 1")
    if minutes.status == "approved":
        when = long_date(minutes.approved_at.astimezone(zone)) if minutes.approved_at else "an unrecorded date"
        by = f" by {minutes.approved_by}" if minutes.approved_by else ""
        add_paragraph(doc, [Run(f"Approved on {when}{by}", bold=True), Run(" as a true record of the meeting.")])
        return
    add_paragraph(doc, "Signed by the chair as a true record of the meeting:", keep_next=True)
    chair = _chair(minutes)
    rows: list[list[Cell]] = [
        ["Signature", "\n"],
        ["Name", f"{chair}, Chair" if chair else ""],
        ["Date", "\n"],
    ]
    add_table(doc, [Column(""), Column("")], rows, header=False, label_column=True)


def _action_log(doc: Document, minutes: mm.MinutesDoc) -> None:
    doc.add_page_break()
    add_paragraph(doc, "Appendix: open action log", "Heading 1")
    rows = minutes.open_actions
    if not rows:
        say_none(doc, "No open actions on the council's log.")
        return
    overdue = sum(1 for r in rows if r.overdue)
    late = f", {overdue} of them overdue" if overdue else ""
    as_at = overdue_as_at(rows)
    said = f"{plural(len(rows), 'open action')} on the council's log{late}." + (f" {as_at}" if as_at else "")
    add_paragraph(doc, Run(said, color=MUTED))
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
    set_properties(
        doc,
        title=f"{h.council_name}: minutes of meeting {h.number}",
        subject=f"{'Minutes' if minutes.status == 'approved' else 'Draft minutes'} of meeting {h.number}"
        f" on {long_date(h.date)}",
        author=h.council_name,
        revision=minutes.version,
    )
    set_running_heads(doc, header_text=f"{h.council_name} · Minutes of meeting {h.number} · {day(h.date)}{suffix}")
    front_page(doc, minutes, status_line, color, fill)
    attendance(doc, minutes)
    empty = []
    for item in minutes.items:
        if recorded(item, minutes):
            _item(doc, item, minutes, charts)
        else:
            empty.append(item.position)
    if empty:
        add_paragraph(doc, nothing_recorded(empty), "Note")
    if minutes.not_taken:
        skipped = "; ".join(t.title for t in minutes.not_taken)
        add_paragraph(doc, [Run("Not taken at this meeting: ", bold=True), Run(f"{skipped}.")])
    _next_meeting(doc, minutes)
    _register(doc, minutes)
    _record_of_changes(doc, minutes, zone)
    _amendments(doc, minutes, zone)
    _sign_off(doc, minutes, zone)
    _action_log(doc, minutes)
    return document_bytes(doc)
