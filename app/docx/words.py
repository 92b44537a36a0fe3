"""Words and numbers as a council reads them in Word: the core helpers under the names Word code uses, and small print.

Every number, date and label comes from app.display, so Word, pages and CSV read the same.
"""

from docx.document import Document

from app.display import (
    ARROWS,
    STATUSES,
    file_size,
    format_change,
    label,
    long_date,
    money,
    movement_text,
    plural,
    status_word,
)
from app.display import month_year as month
from app.display import short_date as day
from app.docx.word import GREEN, MUTED, RED, Run, add_paragraph, hex_color

__all__ = [
    "day",
    "file_size",
    "label",
    "linked_change_run",
    "long_date",
    "money",
    "month",
    "movement_run",
    "plural",
    "say_none",
    "small",
    "status_run",
]


def small(text: str, color: str = MUTED) -> Run:
    return Run(text, color=color, size=8)


def say_none(doc: Document, text: str) -> None:
    add_paragraph(doc, Run(text, italic=True, color=MUTED))


def status_run(key: str | None, *, missing: str = "No data") -> Run:
    """On track / Watch / Off track in its colour (Off track in bold); `missing` when not set."""
    if key not in STATUSES:
        return Run(missing, color=MUTED)
    return Run(status_word(key), bold=key == "red", color=hex_color(STATUSES[key].ink))


def movement_run(change: float | None, unit: str, direction: str) -> Run:
    """ "▼ −0.4 pts, better": the arrow the value's way, the word the judgement, green or red with it."""
    text = movement_text(change, unit, direction)
    return Run(text, color=GREEN if text.endswith("better") else RED if text.endswith("worse") else None)


def linked_change_run(change: float | None, unit: str, movement: str | None) -> Run:
    """An initiative's linked measure: its change and whether that is better (movement: better/worse/flat)."""
    if change is None or not change or movement not in ("better", "worse"):
        return Run(format_change(change, unit))
    arrow = ARROWS["up" if change > 0 else "down"]
    return Run(f"{arrow} {format_change(change, unit)}, {movement}", color=GREEN if movement == "better" else RED)
