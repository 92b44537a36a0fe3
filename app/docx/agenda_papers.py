"""The agenda pack's papers: under each item the papers it brings, and a list of them all at the end.

The papers themselves travel beside the pack (the PDF pack appends the PDF ones); the
Word pack names each with its kind and size, so a reader knows what to open.
"""

from collections.abc import Sequence

from docx.document import Document

from app.agendas import model as m
from app.docx.word import MUTED, Cell, Column, Run, add_paragraph, add_table
from app.docx.words import file_size, plural, small


def _described(paper: m.PaperRef) -> str:
    return f"{paper.kind}, {file_size(paper.size)}"


def item_papers(doc: Document, listing: Sequence[m.PaperListing]) -> None:
    """Under an item: its papers (and those of its reports, AOB items and initiatives), one bullet each."""
    if not listing:
        return
    add_paragraph(doc, f"Papers ({len(listing)})", "Heading 3", keep_next=True)
    for entry in listing:
        line: list[Run] = [Run(entry.paper.name, bold=True), Run(f" ({_described(entry.paper)})")]
        if entry.source:
            line.append(Run(f", {entry.source}", color=MUTED))
        add_paragraph(doc, line, "List Bullet")


def papers_appendix(doc: Document, listing: Sequence[m.PaperListing]) -> None:
    """The pack's last page: every paper, in running order, with its item, kind and size."""
    if not listing:
        return
    add_paragraph(doc, "Papers", "Heading 1")
    total = sum(entry.paper.size for entry in listing)
    add_paragraph(
        doc,
        Run(
            f"{plural(len(listing), 'paper')} ({file_size(total)}) go with this agenda: "
            "download them from the agenda's page in CX Council.",
            color=MUTED,
        ),
        keep_next=True,
    )
    rows: list[list[Cell]] = []
    for entry in listing:
        item: list[Run] = [Run(f"{entry.position}. {entry.item_title}")]
        if entry.source:
            item.append(small(f"\n{entry.source}"))
        rows.append([item, entry.paper.name, entry.paper.kind, file_size(entry.paper.size)])
    add_table(doc, [Column("Item"), Column("Paper"), Column("Kind"), Column("Size", "right")], rows)
