"""The council's look for the PDF pack, read from its Word template: heading colours, the header
logo and the paper size. Anything the template does not give (or gives too pale to read) is ours."""

import io
import zipfile
from dataclasses import dataclass

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Emu, Inches

# The default Word template's colours (app/docx/template.py INK and ACCENT).
INK, ACCENT = "#1f3864", "#2e74b5"
# Headings are large text: WCAG AA asks 3:1 against the white page.
MIN_CONTRAST = 3.0
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif"}
LETTER = (Inches(8.5), Inches(11))


@dataclass(frozen=True)
class Theme:
    ink: str = INK  # titles and section headings
    accent: str = ACCENT  # sub-headings and rules
    logo: bytes | None = None  # the template header's first picture
    logo_type: str = ""
    page_size: str = "A4"  # "A4" or "letter": what the council prints on


DEFAULT_THEME = Theme()


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def readable_on_white(hex_colour: str) -> bool:
    """At least MIN_CONTRAST against white."""
    return 1.05 / (_luminance(hex_colour) + 0.05) >= MIN_CONTRAST


def _style_colour(document, name: str) -> str | None:
    """The style's own colour, or the one it inherits; None for theme colours and black."""
    try:
        style = document.styles[name]
    except KeyError:
        return None
    while style is not None:
        rgb = style.font.color.rgb if style.font.color is not None and style.font.color.type is not None else None
        if rgb is not None:
            colour = f"#{rgb}".lower()
            return colour if colour != "#000000" and readable_on_white(colour) else None
        style = style.base_style
    return None


def _logo(section) -> tuple[bytes | None, str]:
    part = section.header.part
    for rel in part.rels.values():
        if rel.reltype == RT.IMAGE and not rel.is_external:
            target = rel.target_part
            if target.content_type in LOGO_TYPES:
                return target.blob, target.content_type
    return None, ""


def _page_size(section) -> str:
    width, height = section.page_width, section.page_height
    if width is None or height is None:
        return "A4"
    near = Emu(Inches(0.1))
    if abs(width - LETTER[0]) < near and abs(height - LETTER[1]) < near:
        return "letter"
    return "A4"


def theme_from_template(template: bytes | None) -> Theme:
    """The council's colours, logo and paper size from its (sanitised) Word template; ours where it gives none."""
    if template is None:
        return DEFAULT_THEME
    try:
        document = docx.Document(io.BytesIO(template))
    except (ValueError, KeyError, zipfile.BadZipFile):
        return DEFAULT_THEME
    section = document.sections[0]
    logo, logo_type = _logo(section)
    return Theme(
        ink=_style_colour(document, "Heading 1") or _style_colour(document, "Title") or INK,
        accent=_style_colour(document, "Heading 2") or ACCENT,
        logo=logo,
        logo_type=logo_type,
        page_size=_page_size(section),
    )
