"""The agenda pack in Word: a cover with the running order, then the nine sections.

Renders an `Agenda` and computes nothing of its own (one Agenda, many renderers).
Pure apart from python-docx: trend charts arrive as PNG bytes from `charts`, and
the styles come from the council's template or ours (see template.py). Each
section opens with a "N. Title" Heading 1, so Word's navigation pane lists the nine
items, and a section with no data says in italics what is missing. Each item lists its
papers, and a last page lists them all (agenda_papers.py).
"""

from zoneinfo import ZoneInfo

from docx.document import Document
from docx.shared import Pt

from app.agendas import model as m
from app.display import CRITERIA_LABELS as CRITERIA
from app.display import format_number, format_value
from app.docx.agenda_actions import actions_section
from app.docx.agenda_measures import (
    ChartFn,
    best_practice_section,
    department_reports_section,
    measures_review_section,
    overall_section,
)
from app.docx.agenda_papers import item_papers, papers_appendix
from app.docx.saving import document_bytes
from app.docx.template import open_template
from app.docx.word import (
    MUTED,
    RED,
    Cell,
    Column,
    Run,
    add_paragraph,
    add_table,
    set_properties,
    set_running_heads,
)
from app.docx.words import day, label, linked_change_run, long_date, money, plural, say_none, small, status_run

# -- cover ----------------------------------------------------------------------------


def _person(p: m.Person) -> list[Cell]:
    department = (p.department or "—") + (" (external)" if p.is_external else "")
    return [p.name, label(p.role), department]


def _cover(doc: Document, agenda: m.Agenda) -> None:
    h = agenda.meeting
    add_paragraph(doc, h.council_name, "Title")
    subtitle = f"Meeting {h.number}"
    if h.title and h.title != subtitle:
        subtitle += f" · {h.title}"
    add_paragraph(doc, f"{subtitle} · Agenda", "Subtitle")
    if agenda.status == "published":
        published = agenda.published_at.astimezone(ZoneInfo(h.timezone)) if agenda.published_at else None
        circulated = f"Published {day(published)} (version {agenda.version})"
    else:
        circulated = Run("Draft: it may change until the chair publishes it", italic=True)
    previous = h.previous_meeting
    details: list[list[Cell]] = [
        ["Date", long_date(h.date)],
        ["Time", f"{h.start_time}–{h.end_time} ({h.timezone})"],
        ["Location", h.location or Run("To be confirmed", italic=True)],
        ["Agenda", circulated],
        ["Previous meeting", f"Meeting {previous.number}, {long_date(previous.date)}" if previous else "None"],
    ]
    add_table(doc, [Column(""), Column("")], details, header=False, label_column=True)

    add_paragraph(doc, "Running order", "Heading 2")
    order: list[list[Cell]] = [
        [str(s.position), s.title, s.starts_at, str(s.minutes_allocated)] for s in agenda.sections
    ]
    order.append(["", Run("Close", italic=True), h.end_time, str(h.duration_minutes)])
    add_table(
        doc,
        [
            Column("No.", "center"),
            Column("Item"),
            Column("Starts", "center"),
            Column("Minutes", "right"),
        ],
        order,
    )
    if agenda.not_taken:
        skipped = "; ".join(t.title for t in agenda.not_taken)
        add_paragraph(doc, [Run("Not taken at this meeting: ", bold=True), Run(f"{skipped}.")])

    add_paragraph(doc, f"Expected attendees ({len(h.expected_attendees)})", "Heading 2")
    people = [Column("Name"), Column("Role"), Column("Department")]
    if h.expected_attendees:
        add_table(doc, people, [_person(p) for p in h.expected_attendees])
    else:
        say_none(doc, "Nobody is expected yet: add the council's members.")
    add_paragraph(doc, f"Apologies ({len(h.apologies)})", "Heading 2")
    if h.apologies:
        rows = [[p.name, _person(p)[2], p.note or "—"] for p in h.apologies]
        add_table(doc, [Column("Name"), Column("Department"), Column("Note")], rows)
    else:
        say_none(doc, "No apologies received.")
    if h.delegates:
        add_paragraph(doc, f"Delegates ({len(h.delegates)})", "Heading 2")
        rows = [[p.delegate_name, p.name, _person(p)[2]] for p in h.delegates]
        add_table(doc, [Column("Attending"), Column("In place of"), Column("Department")], rows)
    if h.forecast:
        add_paragraph(doc, h.forecast.statement).paragraph_format.space_before = Pt(6)  # clear of the table
    doc.add_page_break()


def _section_heading(doc: Document, section) -> None:
    add_paragraph(doc, f"{section.position}. {section.title}", "Heading 1")
    when = f"{section.starts_at} · {plural(section.minutes_allocated, 'minute')}"
    add_paragraph(doc, Run(when, color=MUTED), keep_next=True)
    if section.notes:
        note = [Run("What's missing: ", bold=True, italic=True), Run(" ".join(section.notes), italic=True)]
        add_paragraph(doc, note, "Note", keep_next=True)


# -- 5. initiatives -------------------------------------------------------------------


def _initiatives(doc: Document, s: m.InitiativesSection, agenda: m.Agenda, charts: ChartFn) -> None:
    if not s.initiatives:
        return
    columns = [
        Column("Initiative"),
        Column("Owner"),
        Column("Status"),
        Column("Done", "right"),
        Column("Target date"),
        Column("Yearly saving", "right"),
    ]
    rows = []
    for i in s.initiatives:
        target: Cell = day(i.target_on)
        if i.overdue:
            target = [Run(day(i.target_on)), Run("\nPast target", bold=True, color=RED)]
        status: list[Run] = [Run(label(i.status))]
        if i.rag:
            status += [Run("\n"), status_run(i.rag)]
        rows.append(
            [
                i.title,
                i.owner_name or "—",
                status,
                f"{i.percent_complete}%",
                target,
                money(i.yearly_saving),
            ]
        )
    add_table(doc, columns, rows)
    linked = [(i, n, lm) for i in s.initiatives for n, lm in enumerate(i.measures)]
    if linked:
        add_paragraph(doc, "Measures they should move", "Heading 2")
        columns = [
            Column("Initiative"),
            Column("Measure"),
            Column("Baseline", "right"),
            Column("Now", "right"),
            Column("Change", "right"),
        ]
        rows = [
            [
                i.title if n == 0 else "",  # each initiative named once, on its first measure
                lm.name,
                format_value(lm.baseline, lm.unit),
                format_value(lm.current, lm.unit),
                linked_change_run(lm.change, lm.unit, lm.movement),
            ]
            for i, n, lm in linked
        ]
        add_table(doc, columns, rows)


# -- 7. prioritisation ----------------------------------------------------------------


def _payback(months: float | None) -> str:
    return "Never" if months is None else f"{months:.1f} months"


def _criterion_cell(part: m.PriorityComponent) -> Cell:
    if part.raw is None:
        raw = "not rated"
    elif part.criterion == "saving":
        raw = money(part.raw)
    else:
        raw = f"rated {format_number(part.raw)}"
    return [Run(format_number(part.points)), small(f"\n{raw}")]


def _prioritisation(doc: Document, s: m.PrioritisationSection, agenda: m.Agenda, charts: ChartFn) -> None:
    if not s.proposals:
        return
    columns = [
        Column("Rank", "center"),
        Column("Proposal"),
        Column("Proposed by"),
        Column("Score", "right"),
        Column("Yearly saving", "right"),
        Column("Net, first year", "right"),
        Column("Payback", "right"),
    ]
    rows = [
        [
            str(p.rank),
            Run(p.title, bold=p.rank == 1),
            p.proposed_by or "—",
            Run(format_number(p.score), bold=True),
            money(p.yearly_saving),
            money(p.net_saving),
            _payback(p.payback_months),
        ]
        for p in s.proposals
    ]
    add_table(doc, columns, rows)
    criteria = [part.criterion for part in s.proposals[0].breakdown]
    weights = {part.criterion: part.weight for part in s.proposals[0].breakdown}
    add_paragraph(doc, "How the scores add up", "Heading 2")
    add_paragraph(
        doc,
        Run("Points out of 100 per criterion, weighted as the council set; the rating below.", color=MUTED),
        keep_next=True,
    )
    columns = [Column("Proposal")]
    columns += [Column(f"{CRITERIA.get(c, label(c))} (×{format_number(weights[c])})", "right") for c in criteria]
    columns.append(Column("Total", "right"))
    rows = []
    for p in s.proposals:
        parts = {part.criterion: part for part in p.breakdown}
        cells: list[Cell] = [f"{p.rank}. {p.title}"]
        cells += [_criterion_cell(parts[c]) if c in parts else "—" for c in criteria]
        cells.append(Run(format_number(p.score), bold=True))
        rows.append(cells)
    add_table(doc, columns, rows)


# -- 8. research, 9. AOB --------------------------------------------------------------


def _research(doc: Document, s: m.ResearchSection, agenda: m.Agenda, charts: ChartFn) -> None:
    if not s.items:
        return
    columns = [Column("Date"), Column("Research"), Column("Method"), Column("What we learnt")]
    rows = []
    for r in s.items:
        title: list[Run] = [Run(r.title, bold=True)]
        if r.link:
            title.append(small(f"\n{r.link}"))
        rows.append([day(r.conducted_on), title, label(r.method), r.summary or "—"])
    add_table(doc, columns, rows)


def _aob(doc: Document, s: m.AobSection, agenda: m.Agenda, charts: ChartFn) -> None:
    if not s.items:
        return
    rows = []
    for n, item in enumerate(s.items, start=1):
        title: list[Cell] = [Run(item.title, bold=True)]
        if item.details.strip():
            title.append("\n" + item.details.strip())
        rows.append([str(n), title, item.submitted_by or "—"])
    add_table(doc, [Column("No.", "center"), Column("Item"), Column("Raised by")], rows)


def _standing(doc: Document, s: m.StandingSection, agenda: m.Agenda, charts: ChartFn) -> None:
    owner = s.owner_name + (f" ({s.owner_department})" if s.owner_department else "") if s.owner_name else None
    add_paragraph(doc, [Run("Led by: ", bold=True), Run(owner or "no owner yet", italic=owner is None)])
    if s.details:
        add_paragraph(doc, s.details)


RENDERERS = {
    "actions": actions_section,
    "overall_measures": overall_section,
    "department_reports": department_reports_section,
    "best_practice": best_practice_section,
    "initiatives": _initiatives,
    "measures_review": measures_review_section,
    "prioritisation": _prioritisation,
    "research": _research,
    "aob": _aob,
    "standing": _standing,
}


def charted_measures(agenda: m.Agenda) -> list[m.MeasureRow]:
    """The measures whose trend chart the pack asks `charts` for, in the order it asks (item 2's, with readings):
    what the server draws ahead (app/agendas/warm.py), so that a publish's pack finds its charts drawn."""
    return [
        row
        for section in agenda.sections
        if isinstance(section, m.OverallMeasuresSection)
        for row in section.measures
        if row.trend
    ]


def build_agenda_docx(agenda: m.Agenda, *, template: bytes | None, charts: ChartFn) -> bytes:
    """The agenda pack as .docx bytes, styled by `template` (a council's .docx, or ours when None)."""
    doc = open_template(template)
    h = agenda.meeting
    set_properties(
        doc,
        title=f"{h.council_name}: meeting {h.number} agenda",
        subject=f"Agenda pack for meeting {h.number} on {long_date(h.date)}",
        author=h.council_name,
        revision=agenda.version,
    )
    status = "" if agenda.status == "published" else " · Draft"
    set_running_heads(doc, header_text=f"{h.council_name} · Meeting {h.number} · {day(h.date)}{status}")
    _cover(doc, agenda)
    papers = agenda.paper_listing()
    for section in agenda.sections:
        _section_heading(doc, section)
        RENDERERS[section.key](doc, section, agenda, charts)
        item_papers(doc, [p for p in papers if p.position == section.position])
        last = doc.paragraphs[-1]
        if last.paragraph_format.keep_with_next and last._p is doc.element.body[-2]:
            # A section with nothing but its heading and notes: nothing to keep them with.
            last.paragraph_format.keep_with_next = False
    papers_appendix(doc, papers)
    return document_bytes(doc)
