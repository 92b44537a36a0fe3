"""Building blocks for Word exports: safe text, fast tables, page fields, headers and footers.

Tables are built as row XML appended to the table element: python-docx's
`table.add_row().cells` and `cell.text` walk the whole table on every call, which turns
a few hundred rows into seconds. Text always goes in through lxml, so quotes,
ampersands and angle brackets are escaped for us; characters XML 1.0 forbids (most
C0 controls) are dropped first, because lxml refuses them outright.
"""

import io
import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import cache

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from app.display import STATUSES
from app.docx.columns import CELL_MARGIN, Piece, column_widths, need_of

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HEADER_FILL, LABEL_FILL = "DCE6F2", "F2F2F2"
MUTED = "595959"


def hex_color(css: str) -> str:
    """ "#b42318" → "B42318", as Word writes colours."""
    return css.lstrip("#").upper()


# The status colours every renderer uses (app.display.STATUSES): red for what is late or
# off track, amber for what needs watching, green for what is done or on track.
RED, AMBER, GREEN = (hex_color(STATUSES[key].ink) for key in ("red", "amber", "green"))
# Tables up to this many rows are kept on one page (with their heading) when they fit.
KEEP_TOGETHER_ROWS = 10
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def clean(text: object) -> str:
    """Text Word can store: XML-forbidden characters dropped, line endings as "\\n"."""
    return _FORBIDDEN.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Run:
    """A piece of text with its own formatting."""

    text: str
    bold: bool = False
    italic: bool = False
    color: str | None = None  # hex, e.g. "B42318"
    size: float | None = None  # points


Cell = str | Run | Sequence[str | Run] | None


@dataclass(frozen=True)
class Column:
    """A table column: its header and alignment; its width comes from its content (columns.py)."""

    title: str
    align: str = "left"  # "left", "right" or "center"


def _as_runs(cell: Cell) -> list[Run]:
    if cell is None or cell == "":
        return []
    if isinstance(cell, str):
        return [Run(cell)]
    if isinstance(cell, Run):
        return [cell]
    return [Run(part) if isinstance(part, str) else part for part in cell]


@cache
def _clark(tag: str) -> str:
    """qn("w:tag") → "{namespace}tag", once per tag: tables call it tens of thousands of times."""
    return qn(tag)


def _sub(parent, tag: str, **attrs: str):
    element = etree.SubElement(parent, _clark(tag))
    for key, value in attrs.items():
        element.set(_clark(f"w:{key}"), value)
    return element


def _append_run(paragraph, run: Run) -> None:
    """A `w:r` for `run` at the end of `paragraph` (an lxml `w:p`); "\\n" breaks the line."""
    r = _sub(paragraph, "w:r")
    if run.bold or run.italic or run.color or run.size:
        rpr = _sub(r, "w:rPr")  # children in schema order: b, i, color, sz
        if run.bold:
            _sub(rpr, "w:b")
        if run.italic:
            _sub(rpr, "w:i")
        if run.color:
            _sub(rpr, "w:color", val=run.color)
        if run.size:
            _sub(rpr, "w:sz", val=str(round(run.size * 2)))
    for i, line in enumerate(clean(run.text).split("\n")):
        if i:
            _sub(r, "w:br")
        for j, piece in enumerate(line.split("\t")):
            if j:
                _sub(r, "w:tab")
            if piece:
                t = _sub(r, "w:t")
                t.text = piece
                t.set(_XML_SPACE, "preserve")


def text_width(doc: Document) -> int:
    """The width between the margins of the document's last section, in twentieths of a point.

    Read once per document (the sections come from the template and do not change while a
    document is built): finding the last section searches the whole body, once per table."""
    found = doc.__dict__.get("_cxc_text_width")
    if found is None:
        section = doc.sections[-1]
        found = doc.__dict__["_cxc_text_width"] = int(
            (section.page_width - section.left_margin - section.right_margin) / 635
        )
    return found


def _lines(runs: Sequence[Run], *, size: float, bold: bool = False) -> list[list[Piece]]:
    """A cell's runs as the lines Word shows ("\\n" breaks the line), in pieces to measure."""
    lines: list[list[Piece]] = [[]]
    for run in runs:
        for i, text in enumerate(clean(run.text).replace("\t", " ").split("\n")):
            if i:
                lines.append([])
            if text:
                lines[-1].append(Piece(text, run.size or size, bold or run.bold))
    return lines


def _style_size(doc: Document, name: str) -> float:
    """The font size (points) of a paragraph style, following its base styles and the defaults (once per document)."""
    sizes = doc.__dict__.setdefault("_cxc_style_sizes", {})
    if name not in sizes:
        sizes[name] = _read_style_size(doc, name)
    return sizes[name]


def _read_style_size(doc: Document, name: str) -> float:
    style = doc.styles[name]
    while style is not None:
        if style.font.size is not None:
            return style.font.size.pt
        style = style.base_style
    size = doc.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
    return int(size.get(qn("w:val"))) / 2 if size is not None else 10


def table_widths(
    doc: Document, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *, header: bool
) -> list[int]:
    """Each column's width in twips for this document's page: see columns.py."""
    return _widths(doc, columns, [[_as_runs(cell) for cell in cells] for cells in rows], header=header)


def _widths(
    doc: Document, columns: Sequence[Column], rows: Sequence[Sequence[list[Run]]], *, header: bool
) -> list[int]:
    size = _style_size(doc, "Table Text")
    heads = [_lines(_as_runs(c.title), size=size, bold=True) if header else [] for c in columns]
    body: list[list[list[Piece]]] = [list(h) for h in heads]
    for cells in rows:
        for index, runs in enumerate(cells):
            body[index].extend(_lines(runs, size=size))
    return column_widths([need_of(b) for b in body], [need_of(h) for h in heads], total=text_width(doc))


def _set_cell_margins(tbl) -> None:
    """Word's default cell margins, set on the table so a template's own cannot undo the widths."""
    tbl_pr = tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        _sub(margins, f"w:{side}", w=str(CELL_MARGIN), type="dxa")
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


class _Rows:
    """A table's rows, each cell copied from an empty one made once per kind of cell.

    Big tables have thousands of cells; copying a made cell (lxml copies in C) costs a
    fraction of making its half-dozen elements one by one, and gives the same XML."""

    def __init__(self, *, widths, columns, style_id, label: bool) -> None:
        self.widths, self.columns, self.style_id, self.label = widths, columns, style_id, label
        self._made: dict[tuple, object] = {}

    def _empty(self, index: int, *, header: bool, keep_next: bool):
        key = (index, header, keep_next)
        if key not in self._made:
            tr = self._made[key] = OxmlElement("w:tr")
            if index < 0:  # the row itself
                trpr = _sub(tr, "w:trPr")
                _sub(trpr, "w:cantSplit")  # a row never breaks across pages
                if header:
                    _sub(trpr, "w:tblHeader")  # Word repeats this row at the top of every page
            else:
                column = self.columns[index]
                tc = _sub(tr, "w:tc")
                tcpr = _sub(tc, "w:tcPr")
                _sub(tcpr, "w:tcW", w=str(self.widths[index]), type="dxa")
                fill = HEADER_FILL if header else (LABEL_FILL if self.label and index == 0 else None)
                if fill:
                    _sub(tcpr, "w:shd", val="clear", color="auto", fill=fill)
                p = _sub(tc, "w:p")
                ppr = _sub(p, "w:pPr")
                _sub(ppr, "w:pStyle", val=self.style_id)
                if header or keep_next:
                    _sub(ppr, "w:keepNext")
                if column.align != "left":
                    _sub(ppr, "w:jc", val=column.align)
        return self._made[key]

    def row(self, cells: Sequence[list[Run]], *, header: bool = False, keep_next: bool = False):
        tr = deepcopy(self._empty(-1, header=header, keep_next=False))
        for index, runs in enumerate(cells):
            tc = deepcopy(self._empty(index, header=header, keep_next=keep_next)[0])
            p = tc[-1]
            if header:
                runs = [Run(r.text, bold=True, italic=r.italic, color=r.color, size=r.size) for r in runs]
            for run in runs:
                _append_run(p, run)
            tr.append(tc)
        return tr


def style_id(doc: Document, name: str) -> str:
    """The id of the style called `name` in `doc` (KeyError if the template lacks it), looked up once.

    Assigning `paragraph.style` in python-docx scans every style in the document to find
    the default one first: a few hundred paragraphs and tables made that most of an
    export's time. The id is written into the paragraph or table directly instead.
    """
    ids = doc.__dict__.setdefault("_cxc_style_ids", {})
    if name not in ids:
        ids[name] = doc.styles[name].style_id
    return ids[name]


def add_table(
    doc: Document,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Cell]],
    *,
    header: bool = True,
    label_column: bool = False,
) -> Table:
    """A "Table Grid" table across the text width: a repeating header row, then `rows`.

    Column widths from the content and the page (columns.py), written as the grid and
    each cell's width in a fixed layout, which Word and LibreOffice both honour; rows
    that never split across a page, and a short table kept on one page with what precedes it.
    """
    rows = [[_as_runs(cell) for cell in cells] for cells in rows]
    for cells in rows:
        if len(cells) != len(columns):
            raise ValueError(f"a row of {len(cells)} cells in a table of {len(columns)} columns")
    table = doc.add_table(rows=0, cols=len(columns))
    table._tbl.tblStyle_val = style_id(doc, "Table Grid")
    table.autofit = False  # fixed layout: Word and LibreOffice honour the widths
    widths = _widths(doc, columns, rows, header=header)
    tbl = table._tbl
    _set_cell_margins(tbl)
    tbl_width = tbl.tblPr.find(qn("w:tblW"))
    tbl_width.set(qn("w:w"), str(sum(widths)))
    tbl_width.set(qn("w:type"), "dxa")
    for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    made = _Rows(widths=widths, columns=columns, style_id=style_id(doc, "Table Text"), label=label_column)
    if header:
        tbl.append(made.row([_as_runs(c.title) for c in columns], header=True))
    keep = len(rows) <= KEEP_TOGETHER_ROWS
    last = len(rows) - 1
    for i, cells in enumerate(rows):
        tbl.append(made.row(cells, keep_next=keep and i < last))
    return table


def add_paragraph(doc: Document, content: Cell, style: str | None = None, *, keep_next: bool = False) -> Paragraph:
    """A paragraph of text or runs, cleaned, in a style the template defines."""
    paragraph = doc.add_paragraph()
    if style:
        paragraph._p.style = style_id(doc, style)
    for run in _as_runs(content):
        _append_run(paragraph._p, run)
    if keep_next:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def set_properties(doc: Document, *, title: str, subject: str, author: str, revision: int) -> None:
    """The document's properties (File › Info in Word; what a screen reader and a search index read first)."""
    props = doc.core_properties
    props.title = clean(title)[:255]
    props.subject = clean(subject)[:255]
    props.author = props.last_modified_by = clean(author)[:255]
    props.comments = "Made by CX Council."
    props.revision = max(revision, 1)


def add_picture(doc: Document, png: bytes, *, width, alt: str) -> Paragraph:
    """A centred picture in a paragraph of its own that keeps its lines together, described by `alt`
    (its alternative text: what a screen reader says, and what Word shows under Alt Text)."""
    shape = doc.add_picture(io.BytesIO(png), width=width)
    properties = shape._inline.docPr
    text = clean(alt)
    properties.set("descr", text)
    properties.set("title", text[:255])
    paragraph = doc.paragraphs[-1]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_together = True
    return paragraph


def _field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES…): begin, instruction, a placeholder result, end."""
    p = paragraph._p
    for kind in ("begin", "instr", "separate", "result", "end"):
        r = _sub(p, "w:r")
        if kind == "instr":
            instr = _sub(r, "w:instrText")
            instr.text = f" {instruction} "
            instr.set(_XML_SPACE, "preserve")
        elif kind == "result":
            _sub(r, "w:t").text = placeholder
        else:
            _sub(r, "w:fldChar", fldCharType=kind)


def _has_page_field(part_element) -> bool:
    instructions = " ".join(e.text or "" for e in part_element.iter(qn("w:instrText")))
    simple = " ".join(e.get(qn("w:instr"), "") for e in part_element.iter(qn("w:fldSimple")))
    return "PAGE" in f"{instructions} {simple}".upper().split()


def set_running_heads(doc: Document, *, header_text: str) -> None:
    """`header_text` in the header (after any logo the template has) and "Page X of Y" in the footer."""
    for section in doc.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraphs = header.paragraphs
        empty = len(paragraphs) == 1 and not paragraphs[0].text and not paragraphs[0]._p.xpath(".//w:drawing")
        paragraph = paragraphs[0] if empty else header.add_paragraph()
        paragraph.style = doc.styles["Header"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _append_run(paragraph._p, Run(header_text))

        footer = section.footer
        footer.is_linked_to_previous = False
        if _has_page_field(footer._element):
            continue  # the council's template numbers its pages already
        paragraphs = footer.paragraphs
        empty = len(paragraphs) == 1 and not paragraphs[0].text
        paragraph = paragraphs[0] if empty else footer.add_paragraph()
        paragraph.style = doc.styles["Footer"]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Page ")
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        _field(paragraph, "NUMPAGES", "1")
