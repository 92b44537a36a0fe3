"""Column widths from the content and the page: the one function every Word table is sized by.

Each column is at least as wide as its longest unbreakable word (header included, the
header in bold) plus the cell's padding, so Word and LibreOffice never break a word
inside; the rest of the usable width goes to the columns by how much text they hold,
as a browser lays out an automatic table (CSS 2.1, 17.5.2.2): a column whose longest
line fits gets it, and the space left over is shared by what each column still wants.

Widths are measured with Calibri's metrics (metrics.py) times SLACK: a council's template
may use a wider font, and a machine with neither Calibri nor Carlito prints in its
fallback (DejaVu Sans, about a third wider), so a word that fits at Calibri's width
keeps its room there too.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.docx.metrics import TWIPS_PER_POINT
from app.docx.metrics_table import BOLD, REGULAR, UNITS_PER_EM

# Set on every table (tblCellMar), so a template's own margins cannot undo the sums.
CELL_MARGIN = 108  # twips each side, Word's default
BORDER = 20  # a hairline each side, with room for rounding
PADDING = 2 * CELL_MARGIN + BORDER
SLACK = 1.35
# A line can break after these as well as at spaces (Unicode line breaking, classes BA and HY).
BREAK_AFTER = frozenset("-\u2010\u2013\u2014/")
# A line this short is kept whole ("18 Nov 2026", "In progress", "Off track"): a date or a status
# split over two lines reads worse than a long sentence that wraps.
KEEP_WHOLE = 12


class Piece(NamedTuple):
    """Text on one line of a cell, in one font: what the widths are measured from (a tuple: tables make thousands)."""

    text: str
    size: float  # points
    bold: bool = False


Line = Sequence[Piece]


@dataclass(frozen=True)
class Need:
    """What one column needs: its longest word (the least it can have) and its longest line."""

    least: int
    most: int


def _words_and_width(line: Line) -> tuple[int, int]:
    """The widest unbreakable word of a line and the line's whole width, in twips (rounded up)."""
    # Every table cell's every character passes here: the loop is kept lean (names bound
    # locally, no call per character); the sums are the same, in the same order.
    widest = whole = current = 0.0
    breaks = BREAK_AFTER
    for piece in line:
        width_of = (BOLD if piece.bold else REGULAR).get
        scale = piece.size * TWIPS_PER_POINT / UNITS_PER_EM
        for ch in piece.text:
            width = width_of(ord(ch), UNITS_PER_EM) * scale
            whole += width
            if ch.isspace():
                current = 0.0
                continue
            current += width
            if current > widest:
                widest = current
            if ch in breaks:
                current = 0.0
    return math.ceil(widest), math.ceil(whole)


def need_of(lines: Sequence[Line]) -> Need:
    """A column's need from every line of every cell in it."""
    least = most = 0
    for line in lines:
        widest, whole = _words_and_width(line)
        if len("".join(piece.text for piece in line)) <= KEEP_WHOLE:
            widest = whole
        least, most = max(least, widest), max(most, whole)
    return Need(least=round(least * SLACK) + PADDING, most=round(most * SLACK) + PADDING)


def column_widths(needs: Sequence[Need], headers: Sequence[Need], *, total: int) -> list[int]:
    """Widths in twips adding up to exactly `total`, from each column's need and its header's.

    If even the longest words do not fit, the body's long words (a URL, a long name) give
    way first, in proportion to how far they exceed their header; the headers' words only
    shrink when the headers alone are wider than the page.
    """
    if not needs:
        return []
    least = [n.least for n in needs]
    most = [max(n.most, n.least) for n in needs]
    if sum(least) > total:
        floors = [min(h.least, n) for h, n in zip(headers, least, strict=True)]
        if sum(floors) >= total:
            least = [f * total / sum(floors) for f in floors]
        else:
            excess = sum(least) - sum(floors)
            keep = (total - sum(floors)) / excess
            least = [f + (n - f) * keep for f, n in zip(floors, least, strict=True)]
        most = [max(m, n) for m, n in zip(most, least, strict=True)]
    spare = total - sum(least)
    if sum(most) <= total:
        # Every line fits on one line: the space left over goes by how much each holds.
        widths = [m + (total - sum(most)) * m / sum(most) for m in most]
    else:
        wanted = sum(most) - sum(least)
        widths = [n + (m - n) * spare / wanted for n, m in zip(least, most, strict=True)]
    out = [int(w) for w in widths]
    out[out.index(max(out))] += total - sum(out)
    return out
