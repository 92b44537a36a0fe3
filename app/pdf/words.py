"""Small pieces the PDF templates share: the document's metadata and look, chart alt text,
file sizes and the secretary's notes split into paragraphs and lists (as the Word minutes do)."""

import re

from app import display
from app.agendas import model as m
from app.agendas.voice_model import VoiceTheme
from app.display import NEGATIVE_THEME_TRENDS, format_value, period_label, signed_points
from app.pdf.render import data_uri
from app.pdf.theme import Theme

# Every character XML 1.0 forbids: typed text may carry them; the PDF's structure may not.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def context_for(theme: Theme, *, header: m.Header, title: str, subject: str) -> dict:
    """What every PDF template needs: the look, the logo and the document's properties."""
    return {
        "theme": theme,
        "logo": data_uri(theme.logo, theme.logo_type) if theme.logo else None,
        "doc_title": title,
        "doc_author": header.council_name,
        "doc_subject": subject,
        "h": header,
        "blocks": note_blocks,
        "theme_trend": theme_trend,
    }


def theme_trend(theme: VoiceTheme) -> str:
    """ "▲ rising, worse (+4.2 pts)": the same words as the page."""
    word = NEGATIVE_THEME_TRENDS.get(theme.direction, theme.direction)
    return word if theme.change is None else f"{word} ({signed_points(theme.change)})"


def chart_alt(row: m.MeasureRow) -> str:
    """What a trend chart shows, for a reader who cannot see it (the page's alt text)."""
    if row.latest is None:
        return f"Trend of {row.name}: no readings yet"
    text = f"Trend of {row.name} over {len(row.trend)} readings: latest {format_value(row.latest.value, row.unit)}"
    text += f" in {period_label(row.latest.period)}"
    if row.target is not None:
        text += f", target {format_value(row.target, row.unit)}"
    return text


def note_blocks(text: str | None) -> list[display.NoteBlock]:
    """The secretary's notes as paragraphs and lists, split as the page and Word split them
    (app.display.note_blocks), without the characters XML forbids."""
    return display.note_blocks(_FORBIDDEN.sub("", text or ""))
