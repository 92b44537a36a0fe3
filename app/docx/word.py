"""Building blocks for Word exports: safe text, fast tables, page fields, headers and footers.

Tables are built as row XML appended to the table element: python-docx's
`table.add_row().cells` and `cell.text` walk the whole table on every call, which turns
a few hundred rows into seconds. The rows, and each paragraph, are written as XML text and
parsed in one go (markup.py escapes the text: quotes, ampersands, angle brackets);
characters XML 1.0 forbids (most C0 controls) are dropped first, because lxml refuses them.
"""

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.oxml.table import CT_Tbl
from docx.shared import Emu
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from app.display import STATUSES
from app.docx.columns import CELL_MARGIN, Piece, column_widths, need_of
from app.docx.markup import attribute, parse_children, run_xml
from app.docx.saving import KEPT_KEY

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


def _run(run: Run) -> str:
    """`run` as a `w:r` (markup.py); "\\n" breaks the line."""
    return run_xml(clean(run.text).split("\n"), bold=run.bold, italic=run.italic, color=run.color, size=run.size)


def _append_run(paragraph, run: Run) -> None:
    """A `w:r` for `run` at the end of `paragraph` (an lxml `w:p`)."""
    paragraph.extend(parse_children(_run(run)))


def _insert(doc: Document, element) -> None:
    """`element` at the end of the body, before its section properties, as python-docx adds a paragraph.

    The body's `w:sectPr` is found once per document: python-docx looks for it among every block
    of the body on each paragraph and table it adds."""
    end = doc.__dict__.get("_cxc_body_end", False)
    if end is False:
        end = doc.__dict__["_cxc_body_end"] = doc.element.body.find(_clark("w:sectPr"))
    if end is None:
        doc.element.body.append(element)
    else:
        end.addprevious(element)


def _lookups(doc: Document, kind: str) -> dict:
    """What has been read from `doc`'s template, by `kind`: style ids, style sizes, the text width.

    A document from a kept template (open_template) shares that template's styles and page, so
    these are read once per template per process, not once per document: finding a style by
    name searches every style in the template, a few milliseconds each in ours."""
    kept = doc.__dict__.get(KEPT_KEY)
    store = kept.lookups if kept is not None else doc.__dict__.setdefault("_cxc_lookups", {})
    return store.setdefault(kind, {})


def text_width(doc: Document) -> int:
    """The width between the margins of the document's last section, in twentieths of a point.

    Read once (the sections come from the template and do not change while a document is
    built): finding the last section searches the whole body, once per table."""
    widths = _lookups(doc, "text width")
    if "last" not in widths:
        section = doc.sections[-1]
        widths["last"] = int((section.page_width - section.left_margin - section.right_margin) / 635)
    return widths["last"]


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
    """The font size (points) of a paragraph style, following its base styles and the defaults (once per template)."""
    sizes = _lookups(doc, "style sizes")
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
    """A table's rows as Word XML text (markup.py), each cell's opening made once per kind of cell."""

    def __init__(self, *, widths, columns, style_id, label: bool) -> None:
        self.widths, self.columns, self.style_id, self.label = widths, columns, attribute(style_id), label
        self._made: dict[tuple, str] = {}

    def _opening(self, index: int, *, header: bool, keep_next: bool) -> str:
        """A cell's `w:tc` up to its paragraph's runs: width, fill, style, keep-with-next, alignment."""
        key = (index, header, keep_next)
        if key not in self._made:
            column = self.columns[index]
            fill = HEADER_FILL if header else (LABEL_FILL if self.label and index == 0 else None)
            shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
            keep = "<w:keepNext/>" if header or keep_next else ""
            align = f'<w:jc w:val="{column.align}"/>' if column.align != "left" else ""
            self._made[key] = (
                f'<w:tc><w:tcPr><w:tcW w:w="{self.widths[index]}" w:type="dxa"/>{shading}</w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{self.style_id}"/>{keep}{align}</w:pPr>'
            )
        return self._made[key]

    def row(self, cells: Sequence[list[Run]], *, header: bool = False, keep_next: bool = False) -> str:
        # A row never breaks across pages; Word repeats the header row at the top of every page.
        out = ["<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else _ROW]
        for index, runs in enumerate(cells):
            out.append(self._opening(index, header=header, keep_next=keep_next))
            if header:
                runs = [Run(r.text, bold=True, italic=r.italic, color=r.color, size=r.size) for r in runs]
            out.extend(_run(run) for run in runs)
            out.append("</w:p></w:tc>")
        out.append("</w:tr>")
        return "".join(out)


_ROW = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"


def style_id(doc: Document, name: str) -> str:
    """The id of the style called `name` in `doc` (KeyError if the template lacks it), looked up once.

    Assigning `paragraph.style` in python-docx scans every style in the document to find
    the default one first: a few hundred paragraphs and tables made that most of an
    export's time. The id is written into the paragraph or table directly instead.
    """
    ids = _lookups(doc, "style ids")
    if name not in ids:
        ids[name] = doc.styles[name].style_id
    return ids[name]


def _paragraph_style(doc: Document, name: str) -> str | None:
    """What python-docx writes for `paragraph.style = doc.styles[name]` (None for the default style), looked up once."""
    ids = _lookups(doc, "paragraph styles")
    if name not in ids:
        ids[name] = doc.part.get_style_id(doc.styles[name], WD_STYLE_TYPE.PARAGRAPH)
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
    table = Table(CT_Tbl.new_tbl(0, len(columns), Emu(text_width(doc) * 635)), doc._body)
    _insert(doc, table._tbl)
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
    keep = len(rows) <= KEEP_TOGETHER_ROWS
    last = len(rows) - 1
    xml = [made.row([_as_runs(c.title) for c in columns], header=True)] if header else []
    xml.extend(made.row(cells, keep_next=keep and i < last) for i, cells in enumerate(rows))
    tbl.extend(parse_children("".join(xml)))
    return table


def add_paragraph(doc: Document, content: Cell, style: str | None = None, *, keep_next: bool = False) -> Paragraph:
    """A paragraph of text or runs, cleaned, in a style the template defines."""
    properties = ""
    if style or keep_next:
        named = f'<w:pStyle w:val="{attribute(style_id(doc, style))}"/>' if style else ""
        properties = f"<w:pPr>{named}{'<w:keepNext/>' if keep_next else ''}</w:pPr>"
    (p,) = parse_children(f"<w:p>{properties}{''.join(_run(run) for run in _as_runs(content))}</w:p>")
    _insert(doc, p)
    return Paragraph(p, doc._body)


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
        paragraph._p.style = _paragraph_style(doc, "Header")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _append_run(paragraph._p, Run(header_text))

        footer = section.footer
        footer.is_linked_to_previous = False
        if _has_page_field(footer._element):
            continue  # the council's template numbers its pages already
        paragraphs = footer.paragraphs
        empty = len(paragraphs) == 1 and not paragraphs[0].text
        paragraph = paragraphs[0] if empty else footer.add_paragraph()
        paragraph._p.style = _paragraph_style(doc, "Footer")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("Page ")
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        _field(paragraph, "NUMPAGES", "1")
