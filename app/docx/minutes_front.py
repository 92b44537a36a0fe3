"""The front of the Word minutes: the meeting, whether these minutes are final (a boxed
status line you cannot miss), who attended and whether the meeting was quorate."""

from datetime import datetime
from zoneinfo import ZoneInfo

from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from app.display import local_date
from app.docx.word import AMBER, GREEN, MUTED, RED, Cell, Column, Run, add_paragraph, add_table
from app.docx.words import label, long_date, plural, say_none, small
from app.minutes import model as mm

# What follows w:pBdr and w:shd inside w:pPr (the schema's order; Word is strict about it).
_AFTER_SHADING = (
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:spacing",
    "w:ind",
    "w:jc",
    "w:outlineLvl",
    "w:rPr",
    "w:sectPr",
)


def _full_date(value: datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return "an unrecorded date"
    return local_date(value, zone)


def _box(paragraph: Paragraph, *, color: str, fill: str) -> None:
    """A coloured border and background around one paragraph: the status line you cannot miss."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single")
        edge.set(qn("w:sz"), "18")
        edge.set(qn("w:space"), "6")
        edge.set(qn("w:color"), color)
        border.append(edge)
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    successor = next((child for tag in _AFTER_SHADING for child in ppr.findall(qn(tag))), None)
    for element in (border, shading):
        if successor is not None:
            successor.addprevious(element)
        else:
            ppr.append(element)


def status_marks(minutes: mm.MinutesDoc, zone: ZoneInfo) -> tuple[str, list[Run], str, str]:
    """The running head's suffix, the status line's runs, and its border and fill colours."""
    if minutes.status == "approved":
        by = f" by {minutes.approved_by}" if minutes.approved_by else ""
        line = [
            Run(f"Approved on {_full_date(minutes.approved_at, zone)}{by}", bold=True, color=GREEN, size=14),
            Run("\nas a true record of the meeting.", color=GREEN),
        ]
        return "", line, GREEN, "E6F4EA"
    if minutes.status == "circulated":
        line = [
            Run("DRAFT · CIRCULATED — NOT YET APPROVED", bold=True, color=RED, size=16),
            Run(
                f"\nCirculated for comment on {_full_date(minutes.circulated_at, zone)}. "
                "They may still be corrected until the chair approves them.",
                color=RED,
            ),
        ]
        return " · DRAFT (circulated, not approved)", line, RED, "FDECEA"
    line = [
        Run("DRAFT — NOT YET APPROVED", bold=True, color=RED, size=16),
        Run("\nThese minutes are still being written: they may change until the chair approves them.", color=RED),
    ]
    return " · DRAFT", line, RED, "FDECEA"


def front_page(doc: Document, minutes: mm.MinutesDoc, status_line: list[Run], color: str, fill: str) -> None:
    h = minutes.meeting
    add_paragraph(doc, h.council_name, "Title")
    subtitle = f"Minutes of meeting {h.number}"
    if h.title and h.title != f"Meeting {h.number}":
        subtitle += f" · {h.title}"
    add_paragraph(doc, subtitle, "Subtitle")
    banner = add_paragraph(doc, status_line)
    _box(banner, color=color, fill=fill)
    banner.paragraph_format.space_after = Pt(14)
    agenda = (
        f"Version {minutes.agenda_version}, as published"
        if minutes.agenda_version
        else Run("Not published before the meeting", italic=True)
    )
    details: list[list[Cell]] = [
        ["Date", long_date(h.date)],
        ["Time", f"{h.start_time}–{h.end_time} ({h.timezone})"],
        ["Location", h.location or Run("Not recorded", italic=True)],
        ["Agenda", agenda],
        ["Minutes taken by", minutes.taken_by or Run("Not recorded", italic=True)],
    ]
    add_table(doc, [Column(""), Column("")], details, header=False, label_column=True)


def _attendance_cell(row: mm.AttendanceRow) -> Cell:
    if row.status is None:
        status: list[Run] = [Run("Not recorded", italic=True, color=AMBER)]
    elif row.status == "delegate":
        status = [Run("Delegate: "), Run(row.delegate_name, bold=True)]
    elif row.status == "present":
        status = [Run("Present", color=GREEN)]
    elif row.status == "absent":
        status = [Run("Absent", bold=True)]
    else:
        status = [Run("Apologies")]
    if row.note:
        status.append(small("\n" + row.note))
    return status


def attendance(doc: Document, minutes: mm.MinutesDoc) -> None:
    add_paragraph(doc, "Attendance", "Heading 1")
    rows = minutes.attendance
    counts = {s: sum(1 for r in rows if r.status == s) for s in ("present", "delegate", "apologies", "absent")}
    summary = [
        f"{counts['present']} present",
        f"{plural(counts['delegate'], 'delegate')}",
        f"{counts['apologies']} with apologies",
        f"{counts['absent']} absent",
    ]
    unrecorded = sum(1 for r in rows if r.status is None)
    if unrecorded:
        summary.append(f"{unrecorded} not recorded")
    add_paragraph(doc, Run(" · ".join(summary) + ".", color=MUTED), keep_next=True)
    if rows:
        table_rows: list[list[Cell]] = []
        for r in rows:
            department: Cell = r.department or "—"
            if r.is_external:
                department = [Run(r.department or "—"), small("\nExternal supplier", AMBER)]
            table_rows.append([Run(r.name, bold=r.role == "chair"), department, label(r.role), _attendance_cell(r)])
        add_table(
            doc,
            [Column("Name"), Column("Department"), Column("Role"), Column("Attendance")],
            table_rows,
        )
    else:
        say_none(doc, "The council has no members.")
    q = minutes.quorum
    statement = add_paragraph(doc, Run(q.statement, bold=True, color=GREEN if q.met else RED))
    statement.paragraph_format.space_before = Pt(8)
