"""The Word template every export starts from: ours by default, or a council's own.

Our default lives in `templates/word/council.docx`. Regenerate it after changing the
styles here with `python -m app.docx.template` (it is built from python-docx's
own default template, so it carries every built-in style Word knows by name).

A council's template keeps its styles, fonts, header logo and page settings; its body
is cleared, and any style the exports need that it lacks is copied in from ours, so a
template saved from any Word document works. Before any of that it goes through
`sanitise_template` (sanitise.py), on every export: macros, outside links, embedded
objects and custom XML never reach a member, whenever the template was stored.
"""

import io
import sys
from copy import deepcopy
from functools import lru_cache
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docx.parts.numbering import NumberingPart
from docx.shared import Cm, Pt, RGBColor

from app.docx.sanitise import MAX_TEMPLATE_BYTES, MAX_UNPACKED_BYTES, Sanitised, TemplateError, sanitise_template
from app.docx.saving import KEPT_KEY, Kept, deflate, part_blob
from app.docx.word import Column, add_paragraph, add_table, set_running_heads

__all__ = ["MAX_TEMPLATE_BYTES", "MAX_UNPACKED_BYTES", "TemplateError", "check_template", "open_template"]

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "word" / "council.docx"

FONT = "Calibri"  # LibreOffice shows Carlito, which has the same metrics
INK, ACCENT, MUTED = "1F3864", "2E74B5", "595959"
# What the exports use, by the names Word shows. Built-in names keep the navigation
# pane, the table of contents and a council's own look working.
# Templates kept opened per process (ours and the councils' last used). A template is usually tens of
# kB; one larger than KEEP_TEMPLATE_BYTES (big pictures in its header) is opened for each export instead.
TEMPLATES_KEPT = 8
KEEP_TEMPLATE_BYTES = 1024 * 1024
REQUIRED_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "List Bullet",
    "Table Grid",
    "Header",
    "Footer",
    "Table Text",
    "Note",
)


def _set_font(style, *, name: str | None = FONT, size: float | None = None, bold=None, italic=None, color=None):
    """Set a style's font, dropping theme fonts (which would otherwise win over the name)."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if name and fonts is not None:
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
    font = style.font
    if name:
        font.name = name
        rpr.find(qn("w:rFonts")).set(qn("w:cs"), name)
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color:
        font.color.rgb = RGBColor.from_string(color)


def _spacing(style, *, before: float | None = None, after: float | None = None, line: float | None = None):
    fmt = style.paragraph_format
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if line is not None:
        fmt.line_spacing = line


def build_default_template() -> bytes:
    """Our default template: A4, 2 cm margins, Calibri 11 pt, blue headings, table and note styles."""
    doc = docx.Document()
    styles = doc.styles
    # Document defaults: the body font for every style that does not name its own.
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)
    defaults.find(qn("w:lang")).set(qn("w:val"), "en-GB")

    _set_font(styles["Normal"], size=11)
    _spacing(styles["Normal"], after=6, line=1.1)
    _set_font(styles["Title"], size=24, bold=True, color=INK)
    _spacing(styles["Title"], after=4)
    title_border = styles["Title"].element.pPr.find(qn("w:pBdr"))
    if title_border is not None:
        styles["Title"].element.pPr.remove(title_border)
    subtitle = styles["Subtitle"]
    numbering = subtitle.element.pPr.find(qn("w:numPr")) if subtitle.element.pPr is not None else None
    if numbering is not None:
        subtitle.element.pPr.remove(numbering)
    _set_font(subtitle, size=15, italic=False, color=ACCENT)
    _spacing(subtitle, after=14)
    for name, size, color, before, after in (
        ("Heading 1", 16, INK, 20, 6),
        ("Heading 2", 12.5, ACCENT, 12, 4),
        ("Heading 3", 11, INK, 10, 2),
    ):
        _set_font(styles[name], size=size, bold=True, color=color)
        _spacing(styles[name], before=before, after=after)
        _set_font(styles[f"{name} Char"], size=size, bold=True, color=color)
    for name in ("Header", "Footer"):
        _set_font(styles[name], size=8.5, color=MUTED)
    _spacing(styles["List Bullet"], after=2)

    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = styles["Normal"]
    table_text.quick_style = True
    _set_font(table_text, name=None, size=9.5)
    _spacing(table_text, before=1, after=1, line=1.0)
    note = styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.quick_style = True
    _set_font(note, name=None, size=10, italic=True, color=MUTED)
    _spacing(note, before=4, after=6)

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(2), Cm(1.8)
    section.header_distance, section.footer_distance = Cm(1), Cm(0.9)

    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's picture of an empty page
            del package.rels[rel_id]
    props = doc.core_properties
    props.author = props.last_modified_by = "CX Council"
    props.title = "CX Council Word template"
    props.comments = "Styles for CX Council agenda packs and minutes."
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@lru_cache(maxsize=1)
def default_template() -> bytes:
    """The committed default template (built in memory if the file is missing)."""
    if DEFAULT_TEMPLATE.exists():
        return DEFAULT_TEMPLATE.read_bytes()
    return build_default_template()


def check_template(content: bytes, *, filename: str = "") -> Sanitised:
    """The template cleaned (see sanitise.py), and what was taken out; TemplateError, saying why, for
    anything that cannot be cleaned or built into."""
    cleaned = sanitise_template(content, filename=filename)
    what = f"“{filename}”" if filename else "That file"
    try:
        _rehearse(_open(cleaned.content))
    except Exception:  # python-docx raises many kinds for a broken package
        raise TemplateError(f"{what} could not be opened as a Word document: upload a .docx saved from Word.") from None
    return cleaned


def _rehearse(doc: Document) -> None:
    """Use every style, a table and the running heads once, so a template that opens but
    cannot be built into is refused at upload, not on every download after."""
    for name in REQUIRED_STYLES:
        if doc.styles[name].type == WD_STYLE_TYPE.PARAGRAPH:
            add_paragraph(doc, name, name)
    add_table(doc, [Column("A"), Column("B")], [["1", "2"]])
    set_running_heads(doc, header_text="Rehearsal")
    doc.save(io.BytesIO())


@lru_cache(maxsize=1)
def _default_parts() -> tuple[dict, bytes]:
    """Our styles by name, and our numbering part, to copy into a council's template."""
    doc = docx.Document(io.BytesIO(default_template()))
    by_name = {s.name: s.element for s in doc.styles}
    return by_name, doc.part.numbering_part.blob


def _copy_list_numbering(doc: Document, style_element) -> None:
    """Give a copied list style its bullet definition in the council's numbering part."""
    num_id_el = style_element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id_el is None:
        return
    theirs = next((r.target_part for r in doc.part.rels.values() if r.reltype == RT.NUMBERING), None)
    _, our_blob = _default_parts()
    if theirs is None:
        part = NumberingPart.load(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, our_blob, doc.part.package)
        doc.part.relate_to(part, RT.NUMBERING)
        return
    ours = NumberingPart.load(PackURI("/word/numbering.xml"), CT.WML_NUMBERING, our_blob, doc.part.package).element
    our_num = next(n for n in ours.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id_el.get(qn("w:val")))
    abstract_id = our_num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in ours.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
    numbering = theirs.element
    new_abstract_id = 1 + max(
        (int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))), default=-1
    )
    new_num_id = 1 + max((int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))), default=0)
    abstract = deepcopy(abstract)
    abstract.set(qn("w:abstractNumId"), str(new_abstract_id))
    num = deepcopy(our_num)
    num.set(qn("w:numId"), str(new_num_id))
    num.find(qn("w:abstractNumId")).set(qn("w:val"), str(new_abstract_id))
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema wants every abstractNum before any num
    else:
        numbering.append(abstract)
    numbering.append(num)
    num_id_el.set(qn("w:val"), str(new_num_id))


def _ensure_styles(doc: Document) -> None:
    """Copy in any style the exports need that a council's template does not define."""
    theirs = {s.name for s in doc.styles}
    ids = {s.style_id for s in doc.styles}
    ours, _ = _default_parts()
    wanted = list(REQUIRED_STYLES)
    for name in wanted:
        if name in theirs or name not in ours:
            continue
        element = deepcopy(ours[name])
        style_id = element.get(qn("w:styleId"))
        if style_id in ids:  # the id is taken by another style (a localised template)
            element.set(qn("w:styleId"), f"CX{style_id}")
        link = element.find(qn("w:link"))
        if link is not None:
            linked = next((n for n, e in ours.items() if e.get(qn("w:styleId")) == link.get(qn("w:val"))), None)
            if linked and linked not in wanted:
                wanted.append(linked)
        if name == "List Bullet":
            _copy_list_numbering(doc, element)
        doc.styles.element.append(element)
        theirs.add(name)
        ids.add(element.get(qn("w:styleId")))


def _clear_body(doc: Document) -> None:
    """Remove the template's content, keeping its last section's page settings."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


@lru_cache(maxsize=1)
def _clean_default() -> bytes:
    return sanitise_template(default_template()).content


def _open(template: bytes | None) -> Document:
    doc = docx.Document(io.BytesIO(template or _clean_default()))
    if template:
        _ensure_styles(doc)
    _clear_body(doc)
    return doc


def _prepare(template: bytes | None) -> tuple[Document, Kept]:
    """The template opened, cleaned and emptied (see open_template), and what every document built from it reuses:
    its styles' XML, and the compressed form of each part, worked out here once.

    Nothing else may be read through the returned document: a python-docx object it caches (the
    body, a section) would hold an element that deepcopy copies apart from the tree it belongs to."""
    doc = _open(sanitise_template(template).content if template else None)
    styles = doc.styles.element
    blobs = {}
    for part in doc.part.package.parts:
        if isinstance(part, XmlPart) and part.element is styles:
            blobs[id(styles)] = (styles, part.blob)
    blobs_only = Kept(blobs=blobs)
    deflated = {blob: deflate(blob) for blob in (part_blob(part, blobs_only) for part in doc.part.package.parts)}
    return doc, Kept(blobs=blobs, deflated=deflated)


_prepared = lru_cache(maxsize=TEMPLATES_KEPT)(_prepare)


def open_template(template: bytes | None) -> Document:
    """A document to build into: the council's template (or ours), cleaned again, emptied, with every style we use.

    Cleaning here, not only at upload, covers templates stored before the sanitiser and any
    rule added since. The cleaned, emptied template is kept per process by its bytes (a
    council that uploads a new template has new bytes, so never gets the old one's styles) and
    copied for each document, except its styles, which the exports only read: the copy shares
    them, and saving writes the XML serialised once (saving.py). Parsing the styles, writing
    them out and compressing them were a fifth of a large minutes' time.
    """
    small = template is None or len(template) <= KEEP_TEMPLATE_BYTES
    if not small:
        doc, kept = _prepare(template)  # this document's own, not kept
    else:
        pristine, kept = _prepared(template)
        styles = pristine.styles.element
        doc = deepcopy(pristine, {id(styles): styles})
    doc.__dict__[KEPT_KEY] = kept
    return doc


def main(argv: list[str]) -> None:
    """Write the default template to templates/word/council.docx (or the path given)."""
    target = Path(argv[0]) if argv else DEFAULT_TEMPLATE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build_default_template())
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
