"""Word XML written as text and parsed once: runs, paragraphs and table rows in bulk.

A large minutes has a few thousand table cells. Making each of their elements through
lxml's API (or copying a made cell) and moving it into the document cost most of an
export's time; writing the same elements as text and parsing a table's rows in one go
costs a fraction, and the parsed tree is the same tree, so the saved XML is the same bytes.
Text is escaped here (&, <, >; quotes, tabs and line ends too in attributes, which a
parser would otherwise normalise); characters XML forbids are dropped by `clean` first.
"""

from docx.oxml.parser import element_class_lookup
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# python-docx's element classes (CT_P, CT_Tbl…), so what is parsed here behaves as what it makes;
# blank text is kept (a run of spaces is text), and a huge cell is not refused.
_PARSER = etree.XMLParser(resolve_entities=False, huge_tree=True, no_network=True)
_PARSER.set_element_class_lookup(element_class_lookup)
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def text(value: str) -> str:
    """`value` escaped as element text."""
    return value.translate(_TEXT)


def attribute(value: str) -> str:
    """`value` escaped for a double-quoted attribute, kept exactly as it is."""
    return value.translate(_ATTRIBUTE)


def run_xml(lines: list[str], *, bold: bool, italic: bool, color: str | None, size: float | None) -> str:
    """A `w:r`: its properties (in schema order: b, i, color, sz), then each line's text, a `w:br`
    between lines and a `w:tab` for each tab. `lines` are clean text."""
    out = ["<w:r>"]
    if bold or italic or color or size:
        out.append("<w:rPr>")
        if bold:
            out.append("<w:b/>")
        if italic:
            out.append("<w:i/>")
        if color:
            out.append(f'<w:color w:val="{attribute(color)}"/>')
        if size:
            out.append(f'<w:sz w:val="{round(size * 2)}"/>')
        out.append("</w:rPr>")
    for i, line in enumerate(lines):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                out.append(f'<w:t xml:space="preserve">{text(piece)}</w:t>')
    out.append("</w:r>")
    return "".join(out)


def parse_children(xml: str) -> list:
    """The elements written in `xml` (w: elements, one after another), parsed in one go."""
    return list(etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>', _PARSER))
