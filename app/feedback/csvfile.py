"""Survey exports as CSV: reading the file a vendor wrote, and masking what customers typed.

Pure: bytes, the council's names and scale in; checked rows and problems out. As with
readings (app/measures/csvfile.py), every problem is collected with its row and column,
so a person fixes the file in one pass, and nothing is written unless there are none.
"""

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from app.common import parse_whole
from app.measures.csvfile import SAVE_AS, FileTooLarge, Parsed, decode_text, read_limited

__all__ = ["FileTooLarge", "read_limited"]

# A year of a large utility's survey fits; bigger exports are split.
MAX_BYTES = 40 * 1024 * 1024
MAX_ROWS = 200_000
MAX_DAYS_AHEAD = 1
REF_MAX = 100
CHANNEL_MAX = 60
TEXT_MAX = {"helped": 2000, "hindered": 2000, "comment": 4000}

REQUIRED = ("response_id", "responded_on", "department", "goal_rating", "helped", "hindered")
OPTIONAL = ("journey", "channel", "comment")
COLUMNS = REQUIRED + OPTIONAL

# An address, then a phone number: nine or more digits, with the spaces, dots, dashes,
# brackets and leading + people write between them. Masked before anything is stored.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s().-]{0,2}\d){8,14}(?![\w])")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


DIGITS = re.compile(r"\d(?:\D{0,3}\d){8}")


def mask(text: str) -> str:
    """`text` with email addresses as "[email]" and phone numbers as "[phone]"."""
    if "@" in text:
        text = EMAIL.sub("[email]", text)
    # Most answers have no nine digits close together: one quick scan rules them out.
    return PHONE.sub("[phone]", text) if DIGITS.search(text) else text


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    ref: str
    responded_on: date
    department_id: int | None
    journey_id: int | None
    channel: str
    goal_rating: int | None
    helped: str
    hindered: str
    comment: str


@dataclass(frozen=True)
class Scale:
    low: int = 1
    high: int = 5


def normalise_header(cell: str) -> str:
    return " ".join(cell.strip().lower().replace("_", " ").replace("-", " ").split())


def header_columns(cells: list[str], column_map: dict[str, str], parsed: Parsed) -> dict[str, int] | None:
    """Our column name → index, reading the vendor's headers through `column_map`; None with problems."""
    aliases = {normalise_header(ours): ours for ours in COLUMNS}
    for ours, theirs in column_map.items():
        if ours in COLUMNS and isinstance(theirs, str) and theirs.strip():
            aliases[normalise_header(theirs)] = ours
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        ours = aliases.get(normalise_header(cell))
        if ours is None:
            continue  # vendors export many more columns than these; the rest are ignored
        if ours in columns:
            parsed.add(1, ours, f"Two columns are read as {ours!r} ({cell.strip()!r} and another); keep one.")
        columns[ours] = index
    missing = [name for name in REQUIRED if name not in columns]
    for name in missing:
        mapped = column_map.get(name)
        named = f" (mapped to the header {mapped!r})" if mapped else ""
        found = ", ".join(c.strip() for c in cells if c.strip()) or "nothing"
        parsed.add(1, name, f"The column {name!r}{named} is missing. The first row has: {found}.")
    return None if parsed.problems else columns


def parse_day(text: str, today: date) -> date:
    """YYYY-MM-DD, optionally with a time after it; ValueError with a message otherwise."""
    text = text.strip()
    head = text[:10]
    try:
        day = date.fromisoformat(head)
        if len(text) > 10 and text[10] not in "T ":
            raise ValueError
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-03-04). "
            "If a spreadsheet changed it, format the column as text."
        ) from None
    if day > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValueError(f"{day.isoformat()} is in the future; check the date.")
    if day.year < 2000:
        raise ValueError(f"{day.isoformat()} is before 2000; check the date.")
    return day


def parse_rating(text: str, scale: Scale) -> int | None:
    text = text.strip()
    if not text:
        return None
    value = parse_whole(text)  # ASCII digits only: not "١٢", "²", "1_000", "4.0" or "+4"
    if value is None:
        raise ValueError(f"{text!r} is not a whole number; ratings are {scale.low} to {scale.high}.")
    if not scale.low <= value <= scale.high:
        raise ValueError(f"{value} is off the council's rating scale of {scale.low} to {scale.high}.")
    return value


def _lookup(kind: str, name: str, known: dict[str, int], names: dict[str, str]) -> int:
    found = known.get(name.lower())
    if found is None:
        close = [names[c] for c in difflib.get_close_matches(name.lower(), list(names), n=1)]
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"No {kind} called {name!r} in this council.{hint}")
    return found


def parse_feedback_csv(
    data: bytes,
    *,
    departments: dict[str, int],
    journeys: dict[str, int],
    scale: Scale,
    column_map: dict[str, str],
    today: date,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[Parsed, list[Row]]:
    """Check every row of a survey export against the council's departments and journeys (name → id)."""
    parsed = Parsed()
    rows: list[Row] = []
    text = decode_text(data, parsed, required=REQUIRED, rows="responses")
    if text is None:
        return parsed, rows
    total = text.count("\n") + 1
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, None) or []
    except csv.Error as exc:
        parsed.add(1, None, f"The header row cannot be read as CSV ({exc}). {SAVE_AS}")
        return parsed, rows
    columns = header_columns(header, column_map, parsed)
    if columns is None:
        return parsed, rows
    # Matched without regard to case; a near miss is answered with the council's own spelling.
    department_names = {name.strip().lower(): name.strip() for name in departments}
    journey_names = {name.strip().lower(): name.strip() for name in journeys}
    departments = {name.strip().lower(): ident for name, ident in departments.items()}
    journeys = {name.strip().lower(): ident for name, ident in journeys.items()}
    seen: dict[str, int] = {}
    # A column the file lacks reads from one blank cell past the header's end; every row is
    # padded to reach it, so the loop below indexes lists instead of calling a helper.
    blank = len(header)
    at = {name: columns.get(name, blank) for name in COLUMNS}
    padding = [""] * (blank + 1)
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            parsed.add(line, None, f"This row cannot be read as CSV ({exc}); check its quotes.")
            break
        if cells is None:
            break
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            parsed.problems.clear()
            parsed.more_problems = 0
            parsed.add(None, None, f"The file has more than {MAX_ROWS:,} responses; split it and import each part.")
            return parsed, []
        if on_progress and count % 5000 == 0:
            on_progress(reader.line_num, total)
        if len(cells) <= blank:
            cells = cells + padding[len(cells) :]
        else:
            cells[blank] = ""  # cells past the header are not read as any column
        before = len(parsed.problems) + parsed.more_problems
        ref = cells[at["response_id"]].strip()
        if not ref:
            parsed.add(line, "response_id", "The response id is missing.")
        elif len(ref) > REF_MAX:
            parsed.add(line, "response_id", f"The response id is {len(ref)} characters long; at most {REF_MAX}.")
        elif ref in seen:
            parsed.add(line, "response_id", f"Response {ref!r} is already in row {seen[ref]} of this file.")
        else:
            seen[ref] = line
        values: dict = {}
        day_text = cells[at["responded_on"]]
        if not day_text.strip():
            parsed.add(line, "responded_on", "The date is missing.")
        else:
            try:
                values["responded_on"] = parse_day(day_text, today)
            except ValueError as exc:
                parsed.add(line, "responded_on", str(exc))
        try:
            values["goal_rating"] = parse_rating(cells[at["goal_rating"]], scale)
        except ValueError as exc:
            parsed.add(line, "goal_rating", str(exc))
        for kind, known, names in (
            ("department", departments, department_names),
            ("journey", journeys, journey_names),
        ):
            name = cells[at[kind]].strip()
            try:
                values[f"{kind}_id"] = _lookup(kind, name, known, names) if name else None
            except ValueError as exc:
                parsed.add(line, kind, str(exc))
        channel = cells[at["channel"]].strip()
        if len(channel) > CHANNEL_MAX:
            parsed.add(line, "channel", f"The channel is {len(channel)} characters long; at most {CHANNEL_MAX}.")
        for name, limit in TEXT_MAX.items():
            value = cells[at[name]].strip()
            if not value.isprintable():  # newlines and tabs are fine; other controls become spaces
                value = CONTROL.sub(" ", value)
            if len(value) > limit:
                parsed.add(line, name, f"The {name} text is {len(value)} characters long; at most {limit}.")
            values[name] = value
        if len(parsed.problems) + parsed.more_problems > before:
            continue
        rows.append(
            Row(
                line=line,
                ref=ref,
                channel=channel,
                helped=mask(values["helped"]),
                hindered=mask(values["hindered"]),
                comment=mask(values["comment"]),
                responded_on=values["responded_on"],
                department_id=values["department_id"],
                journey_id=values["journey_id"],
                goal_rating=values["goal_rating"],
            )
        )
    if count == 0 and not parsed.problems:
        parsed.add(None, None, "The file has a header row but no responses.")
    if on_progress:
        on_progress(total, total)
    return parsed, rows
