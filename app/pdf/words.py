"""Small pieces the PDF templates share: the document's metadata and look, chart alt text,
file sizes and the secretary's notes split into paragraphs and lists (as the Word minutes do)."""

import re
from dataclasses import dataclass, field

from app.agendas import model as m
from app.agendas.voice_model import VoiceTheme
from app.display import ARROWS, format_value, period_label, signed_points
from app.pdf.render import data_uri
from app.pdf.theme import Theme

# Lines of notes that start like a list item are bullets (as in the Word minutes).
BULLET = re.compile(r"^\s*[-*•]\s+(?=\S)")
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


# A negative theme's trend: the arrow is its share's direction, the word the judgement (more complaints is worse).
THEME_TRENDS = {
    "rising": f"{ARROWS['up']} rising, worse",
    "falling": f"{ARROWS['down']} falling, better",
    "steady": f"{ARROWS['flat']} steady",
}


def theme_trend(theme: VoiceTheme) -> str:
    """ "▲ rising, worse (+4.2 pts)": the same words as the page."""
    word = THEME_TRENDS.get(theme.direction, theme.direction)
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


def size_text(size: int) -> str:
    """1 234 567 → "1.2 MB"; 2 048 → "2 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{round(size / 1024)} KB"
    return f"{size} bytes"


@dataclass
class Block:
    kind: str  # "p" or "ul"
    lines: list[str] = field(default_factory=list)


def note_blocks(text: str) -> list[Block]:
    """Notes as typed: blank lines part paragraphs, line breaks stay, "- " lines make a list."""
    out: list[Block] = []
    for raw in _FORBIDDEN.sub("", text or "").replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            if out and out[-1].kind == "p":
                out.append(Block("gap"))
            continue
        kind = "ul" if BULLET.match(line) else "p"
        if kind == "ul":
            line = BULLET.sub("", line, count=1)
        if not out or out[-1].kind != kind:
            out.append(Block(kind))
        out[-1].lines.append(line)
    return [b for b in out if b.kind != "gap"]
