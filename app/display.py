"""How numbers, money, dates, names and status words read to a council: one of each.

Pages (as Jinja filters, app/web/filters.py), Word, CSV, mail and charts call these same
functions, so a value reads the same wherever a council meets it. Pure: no session, no
request, no domain import; the words are keyed by the enums' values in app.models,
written out here so the Word renderer can use them without loading the table classes
(tests/core/test_display.py checks they match the enums).
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from zoneinfo import ZoneInfo

NONE = "—"
MINUS = "\u2212"  # a real minus sign: a hyphen reads as a dash next to a currency sign
CURRENCIES = ("£", "$", "€")

# -- numbers and money ------------------------------------------------------------------


def format_number(value: float | None) -> str:
    """42, 42.5, 0.125 or 1,234.57: no trailing zeros, thousands separated."""
    if value is None:
        return NONE
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) < 1:
        return f"{value:.3g}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def money(value: float | None, unit: str = "£") -> str:
    """£300,000; pence only when there are some (£2.50); −£40 below zero."""
    if value is None:
        return NONE
    sign = MINUS if value < 0 else ""
    value = abs(value)
    return f"{sign}{unit}{value:,.0f}" if value == round(value) else f"{sign}{unit}{value:,.2f}"


def format_value(value: float | None, unit: str = "") -> str:
    """A value in its unit where a reader expects it: £3.20, 82%, 4.1 pts."""
    if value is None:
        return NONE
    if unit in CURRENCIES:
        return money(value, unit)
    text = format_number(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_change(change: float | None, unit: str = "") -> str:
    """A change with its sign: +£1,590, +0.3 pts. A change of a percentage is in percentage
    points ("11.8% → 12.1%" is +0.3 pts, never "+0.3%", which would mean 0.3 % of 11.8)."""
    if change is None:
        return NONE
    if change == 0:
        return "no change"
    sign = "+" if change > 0 else MINUS
    if unit == "%":
        return f"{sign}{format_number(abs(change))} pts"
    return sign + format_value(abs(change), unit)


def months(value: float | None) -> str:
    """A payback period: 4.5 months, 1.0 month; never paid back is 'never'."""
    if value is None:
        return "never"
    return f"{value:.1f} month{'' if round(value, 1) == 1 else 's'}"


def plain_number(value: float | None) -> str:
    """The shortest text that reads back as the same number (60000, 2.5; never 6e+04): forms and CSV."""
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    # Positional ("0.0000001", never "1e-07"): the CSV import reads plain decimals only.
    return format(Decimal(repr(float(value))), "f")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def file_size(size: int) -> str:
    """A file's size as a reader says it: 812 bytes, 34 KB, 2.4 MB, 20 MB (1 KB = 1,024 bytes, as Windows shows).

    The papers' lists on pages, in Word and in the PDF, and the limits' messages all use this."""
    if size < 1024:
        return plural(size, "byte")
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


# -- dates ------------------------------------------------------------------------------


def short_date(value: date | datetime | None) -> str:
    """3 Mar 2026."""
    return f"{value.day} {value:%b %Y}" if value else NONE


def full_date(value: date | datetime) -> str:
    """3 March 2026."""
    return f"{value.day} {value:%B %Y}"


def long_date(value: date | datetime) -> str:
    """Tuesday 3 March 2026."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def weekday_date(value: date | datetime) -> str:
    """Tue 3 Mar 2026."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def month_year(value: date | datetime) -> str:
    """Mar 2026."""
    return f"{value:%b %Y}"


def period_label(period: date) -> str:
    """Mar 2026 for a month's reading (dated the 1st), 3 Mar 2026 otherwise."""
    return month_year(period) if period.day == 1 else short_date(period)


def local_time(moment: datetime, timezone: str | ZoneInfo) -> str:
    """A moment as the council reads it: '3 Mar 2026, 14:05'."""
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    local = moment.astimezone(zone)
    return f"{local.day} {local:%b %Y, %H:%M}"


def local_date(moment: datetime, timezone: str | ZoneInfo) -> str:
    """The day of a moment in the council's zone: '3 March 2026'."""
    zone = timezone if isinstance(timezone, ZoneInfo) else ZoneInfo(timezone)
    return full_date(moment.astimezone(zone))


# -- words ------------------------------------------------------------------------------


def label(value: str | None) -> str:
    """An enum value as a word: in_progress -> In progress."""
    return value.replace("_", " ").capitalize() if value else NONE


def enum_labels(enum: type[Enum]) -> dict[str, str]:
    """Every value of an enum with its word, in the enum's order."""
    return {member.value: label(member.value) for member in enum}


def value_labels(values: Sequence[str]) -> dict[str, str]:
    """Each value with its word, in the order given."""
    return {value: label(value) for value in values}


# In the enums' order (app.models ActionStatus, InitiativeStatus).
ACTION_STATUSES = value_labels(("open", "in_progress", "blocked", "done", "cancelled"))
INITIATIVE_STATUSES = value_labels(("proposed", "approved", "in_progress", "done", "rejected", "on_hold"))
# Keyed as app.scoring.PRIORITY_DEFAULTS names the criteria; the API serves these words too.
CRITERIA_LABELS = {
    "customer_impact": "Customer impact",
    "saving": "Yearly saving",
    "effort": "Effort (inverted)",
    "strategic_fit": "Strategic fit",
    "confidence": "Confidence",
}
KIND_LABELS = {
    "nps": "Net Promoter Score",
    "csat": "Customer satisfaction",
    "ces": "Customer effort",
    "fcr": "First-contact resolution",
    "repeat_contact": "Repeat contact",
    "cost_to_serve": "Cost to serve",
    "custom": "Other",
}
CATEGORY_LABELS = {
    "survey_rating": "Survey rating",
    "comment_theme": "Comment theme",
    "operational": "Operational",
}
DIRECTION_LABELS = {"higher_is_better": "Higher is better", "lower_is_better": "Lower is better"}
# -- status: one vocabulary -------------------------------------------------------------
# A measure's status, an initiative's RAG and the agenda's flags are the same three words in
# the same colours on every page, in Word, in the PDF pack and in mail. Ink on its tint and
# on white passes WCAG AA (4.5:1) for small text; the tag always carries the word, never
# colour alone.


@dataclass(frozen=True)
class Status:
    key: str  # green / amber / red: the stored value
    word: str  # what every renderer prints
    ink: str  # text colour (hex)
    tint: str  # background colour (hex)


STATUSES = {
    "green": Status("green", "On track", "#146c2e", "#e6f4ea"),
    "amber": Status("amber", "Watch", "#7a5200", "#fff4d6"),
    "red": Status("red", "Off track", "#b42318", "#fdecea"),
}
MEASURE_STATUS_LABELS = {key: s.word for key, s in STATUSES.items()}
MEASURE_STATUS_HELP = {
    "green": "On target (or, without a target, not getting worse)",
    "amber": "Off target but holding or improving (or, without a target, getting worse)",
    "red": "Off target and getting worse",
}
# An initiative's RAG reads in the status words (its stored values are the same keys), under
# one heading on every page and in the packs: "Health: Watch" (the owner's view of delivery).
RAGS = MEASURE_STATUS_LABELS
RAG_HEADING = "Health"


def status_word(key: str | None) -> str:
    """On track / Watch / Off track for green / amber / red; — when not set."""
    return STATUSES[key].word if key in STATUSES else NONE


# -- movement: arrows say which way the value went, the word says whether that is better --
# One rule on every page, in mail and in the packs: ▲ is "went up", ▼ "went down", → "no
# change"; the word after the comma is the judgement. A falling lower-is-better measure is
# "▼ −0.4 pts, better", never "↑ improving" (an arrow that meant "better" read as "up").
ARROWS = {"up": "▲", "down": "▼", "flat": "→"}


def judgement(change: float | None, direction: str = "higher_is_better") -> str | None:
    """better / worse / flat for a change of a measure with this direction; None without a change."""
    if change is None:
        return None
    if change == 0:
        return "flat"
    return "better" if (change > 0) == (direction != "lower_is_better") else "worse"


def movement_text(change: float | None, unit: str = "", direction: str = "higher_is_better") -> str:
    """'▼ −0.4 pts, better' for a falling lower-is-better percentage: the same on every page.

    The arrow is the value's direction (up or down), the word is the judgement (better or
    worse given the measure's direction), so a reader never has to guess which one an
    arrow means."""
    if change is None:
        return NONE
    if change == 0:
        return f"{ARROWS['flat']} no change"
    up = change > 0
    return f"{ARROWS['up' if up else 'down']} {format_change(change, unit)}, {judgement(change, direction)}"


# The button that moves an initiative to each status.
INITIATIVE_MOVES = {
    "approved": "Approve",
    "in_progress": "Start work",
    "done": "Mark done",
    "on_hold": "Put on hold",
    "rejected": "Reject",
}


# -- notes as typed ----------------------------------------------------------------------
# The secretary's notes (and any free text: report texts, item details) read the same on the
# page and in Word: a blank line parts paragraphs, a line break inside one stays, and a line
# starting "- ", "* " or "• " is a bullet. Both renderers walk these blocks.

_BULLET = re.compile(r"^\s*[-*•]\s+(?=\S)")


@dataclass(frozen=True)
class NoteBlock:
    kind: str  # "paragraph" (its lines, line breaks kept) or "list" (one item a line)
    lines: tuple[str, ...]


def note_blocks(text: str | None) -> list[NoteBlock]:
    """Typed text as paragraphs and bulleted lists: "a\\n\\n- b\\n- c" → [paragraph (a), list (b, c)]."""
    blocks: list[NoteBlock] = []
    kind, lines = "", []

    def flush() -> None:
        if lines:
            blocks.append(NoteBlock(kind, tuple(lines)))
            lines.clear()

    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            flush()
            continue
        bullet = _BULLET.match(line)
        here = "list" if bullet else "paragraph"
        if here != kind:
            flush()
            kind = here
        lines.append((_BULLET.sub("", line, count=1) if bullet else line).rstrip())
    flush()
    return blocks


# -- file names -------------------------------------------------------------------------


def ascii_slug(text: str, *, fallback: str = "council") -> str:
    """ "Ōsaka Café Council" -> "osaka-cafe-council": letters without accents, hyphens between words."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or fallback


def unicode_slug(text: str, *, fallback: str = "council") -> str:
    """ "東京 CX Council" -> "東京-cx-council": the same, keeping letters of every script."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text))
    return "-".join(w.replace("_", "-") for w in words).strip("-").lower() or fallback


# -- charts -----------------------------------------------------------------------------


def sparkline(values: Sequence[float], *, width: int = 96, height: int = 24, pad: float = 2.0) -> dict | None:
    """Points for an inline SVG polyline (and the last point), scaled into width × height."""
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / (len(values) - 1)
    coords = [(pad + i * step, height - pad - (v - low) / span * (height - 2 * pad)) for i, v in enumerate(values)]
    return {
        "width": width,
        "height": height,
        "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        "last": {"x": round(coords[-1][0], 1), "y": round(coords[-1][1], 1)},
    }


# -- feedback shares and trends ---------------------------------------------------------

# Themes follow the measures' rule: the arrow is the trend of mentions, the word the judgement.
# The feedback pages and the agenda list *negative* themes, so more mentions are worse; the
# goal-support rating is better when it rises.
NEGATIVE_THEME_TRENDS = {
    "rising": f"{ARROWS['up']} rising, worse",
    "falling": f"{ARROWS['down']} falling, better",
    "steady": f"{ARROWS['flat']} steady",
    "no data": "no data",
}
RATING_TRENDS = {
    "rising": f"{ARROWS['up']} rising, better",
    "falling": f"{ARROWS['down']} falling, worse",
    "steady": f"{ARROWS['flat']} steady",
    "no data": "no data",
}
# better / worse / flat for each trend, for the colour class beside the words.
NEGATIVE_THEME_JUDGEMENTS = {"rising": "worse", "falling": "better", "steady": "flat", "no data": "none"}
RATING_JUDGEMENTS = {"rising": "better", "falling": "worse", "steady": "flat", "no data": "none"}
POLARITY_LABELS = {-1: "negative", 0: "neutral", 1: "positive"}


def percent(share: float | None) -> str:
    """0.1234 → 12.3%; None → —."""
    return "—" if share is None else f"{share * 100:.1f}%"


def signed_points(change: float | None) -> str:
    """A change of share (0.042) in percentage points, as format_change says a change of a percentage: +4.2 pts."""
    if change is None:
        return NONE
    return format_change(round(change * 100, 1), "%")


def bars(
    values: Sequence[float | None],
    months: Sequence[date],
    *,
    width: int = 180,
    height: int = 40,
    low: float = 0.0,
    high: float | None = None,
) -> dict:
    """Bars for an inline SVG chart, one per month; a month without data has none (and says so)."""
    present = [v for v in values if v is not None]
    top = high if high is not None else max(present, default=0.0)
    span = (top - low) or 1.0
    slot = width / max(1, len(values))
    out = []
    for i, (value, month) in enumerate(zip(values, months, strict=True)):
        label = month.strftime("%b %Y")
        if value is None:
            out.append(
                {
                    "x": round(i * slot, 1),
                    "y": height - 1,
                    "w": round(slot * 0.7, 1),
                    "h": 1,
                    "title": f"{label}: no responses",
                    "empty": True,
                }
            )
            continue
        h = max(1.0, (value - low) / span * (height - 2))
        out.append(
            {
                "x": round(i * slot, 1),
                "y": round(height - h, 1),
                "w": round(slot * 0.7, 1),
                "h": round(h, 1),
                "title": label,
                "value": value,
                "empty": False,
            }
        )
    return {"width": width, "height": height, "bars": out}


# -- the words on templates ---------------------------------------------------------------
# Every Jinja environment that renders for a council (the pages, the PDF pack) registers
# these, so a template reads a value the same way whichever renderer it belongs to.
TEMPLATE_FILTERS = {
    "money": money,
    "number": format_number,
    "measured": format_value,
    "signed": format_change,
    "months": months,
    "plain": plain_number,
    "period": period_label,
    "short_date": short_date,
    "full_date": full_date,
    "long_date": long_date,
    "weekday_date": weekday_date,
    "month_year": month_year,
    "local_time": local_time,
    "local_date": local_date,
    "label": label,
    "percent": percent,
    "signed_points": signed_points,
    "movement_text": movement_text,
    "judgement": judgement,
    "note_blocks": note_blocks,
}
TEMPLATE_GLOBALS = {
    "action_statuses": ACTION_STATUSES,
    "initiative_statuses": INITIATIVE_STATUSES,
    "criteria_labels": CRITERIA_LABELS,
    "measure_kinds": KIND_LABELS,
    "measure_categories": CATEGORY_LABELS,
    "directions": DIRECTION_LABELS,
    "measure_statuses": MEASURE_STATUS_LABELS,
    "measure_status_help": MEASURE_STATUS_HELP,
    "rag_heading": RAG_HEADING,
    "statuses": STATUSES,
    "negative_theme_trends": NEGATIVE_THEME_TRENDS,
    "negative_theme_judgements": NEGATIVE_THEME_JUDGEMENTS,
    "rating_trends": RATING_TRENDS,
    "rating_judgements": RATING_JUDGEMENTS,
    "initiative_moves": INITIATIVE_MOVES,
    "polarities": POLARITY_LABELS,
}
