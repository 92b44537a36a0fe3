"""Readings as CSV: reading a file people made in a spreadsheet, and writing one back.

Pure: bytes and plain values in, checked rows and problems out. Every problem in the
file is collected (not just the first), each with the line it is on, so a person can
fix the file in one pass.
"""

import csv
import difflib
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import BinaryIO

from app.common import parse_decimal, parse_whole
from app.display import plain_number
from app.measures.schemas import MAX_ABS_VALUE, MAX_SAMPLE, ImportProblem

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
# Past this many, the rest are counted, not listed: nobody fixes 40,000 rows one by one.
MAX_PROBLEMS = 200
MAX_DAYS_AHEAD = 366
NOTE_MAX = 2000
CHUNK = 64 * 1024

REQUIRED = ("measure", "period", "value")
OPTIONAL = ("sample_size", "note")
# Written by the export for people reading the file; ignored on the way back in.
INFORMATIONAL = ("unit", "target")
EXPORT_COLUMNS = ("measure", "period", "value", "sample_size", "unit", "target", "note")
SAVE_AS = "Save it from your spreadsheet as “CSV UTF-8 (comma delimited)” and import it again."
# A cell starting with one of these would run as a formula in Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileTooLarge(Exception):
    """The upload is over MAX_BYTES; reading stopped at the limit."""


@dataclass(frozen=True)
class MeasureRef:
    id: int
    name: str
    # False when this person may not record readings for the measure.
    writable: bool = True


@dataclass(frozen=True)
class Row:
    line: int
    measure_id: int
    period: date
    value: float
    sample_size: int | None
    note: str


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    # Problems found beyond MAX_PROBLEMS, counted only.
    more_problems: int = 0

    def add(self, row: int | None, column: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(ImportProblem(row=row, column=column, message=message))
        else:
            self.more_problems += 1

    def report(self) -> list[ImportProblem]:
        """Every problem listed, plus one line counting any left off."""
        if not self.more_problems:
            return list(self.problems)
        return [
            *self.problems,
            ImportProblem(row=None, column=None, message=f"… and {self.more_problems} more problems not listed."),
        ]


def read_limited(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """The stream's bytes, read in chunks; FileTooLarge as soon as it passes `limit`."""
    chunks, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(
                f"The file is over {limit // (1024 * 1024)} MB. Import at most {MAX_ROWS:,} rows at a time: "
                "split the file and import each part."
            )
        chunks.append(chunk)
    return b"".join(chunks)


def decode_text(data: bytes, parsed: Parsed, *, required: Sequence[str], rows: str) -> str | None:
    """The file's text (UTF-8, with or without a BOM), or None with the reason added to `parsed`.

    `required` names the header the person needs, `rows` what the file holds ("readings").
    Shared by every CSV import, so each says the same about a workbook, UTF-16 or Windows-1252.
    """
    if not data.strip():
        parsed.add(None, None, f"The file is empty. It needs a header row ({', '.join(required)}) and {rows}.")
        return None
    if data.startswith(b"PK\x03\x04"):
        parsed.add(None, None, f"This is an Excel workbook (.xlsx), not a CSV file. {SAVE_AS}")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        parsed.add(None, None, f"This file is saved as UTF-16 (“Unicode text”), not UTF-8. {SAVE_AS}")
        return None
    if b"\x00" in data[:CHUNK]:
        parsed.add(None, None, f"This is not a text file (it contains binary data). {SAVE_AS}")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 1].hex()
        parsed.add(
            line,
            _column_at(data, exc.start),
            f"Row {line} has a character that is not UTF-8 (byte 0x{bad}); the file was probably saved in "
            f"another encoding, such as Windows-1252. {SAVE_AS}",
        )
        return None
    if "\x00" in text:
        parsed.add(None, None, f"This is not a text file (it contains binary data). {SAVE_AS}")
        return None
    return text


def _column_at(data: bytes, offset: int) -> str | None:
    """The header of the column that byte `offset` falls in (read leniently), for the problem's report."""
    start = data.rfind(b"\n", 0, offset) + 1
    prefix = data[start:offset].decode("utf-8", "replace")
    index = len(next(csv.reader([prefix]), [""])) - 1
    header = next(csv.reader([data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")]), [])
    return header[index].strip() or None if 0 <= index < len(header) else None


def _normalise_header(cell: str) -> str:
    return cell.strip().lower().replace(" ", "_").replace("-", "_")


def _unescape(cell: str) -> str:
    """Undo the export's guard against formulas ("'=Name" back to "=Name")."""
    if cell.startswith("'") and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _sniff_delimiter(first_line: str) -> str:
    """Commas, or the semicolons (or tabs) some spreadsheets write instead."""
    for delimiter in (",", ";", "\t"):
        names = {_normalise_header(c) for c in first_line.split(delimiter)}
        if set(REQUIRED) <= names:
            return delimiter
    return ","


def _header(cells: list[str], parsed: Parsed) -> dict[str, int] | None:
    """Column name → index, or None with the problems added."""
    known = REQUIRED + OPTIONAL + INFORMATIONAL
    names = [_normalise_header(cell) for cell in cells]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        found = ", ".join(cell.strip() for cell in cells if cell.strip()) or "nothing"
        parsed.add(
            1,
            missing[0],
            f"The first row must name the columns {', '.join(REQUIRED)} (and optionally sample_size and note), "
            f"in any order; it has {found}. Missing: {', '.join(missing)}.",
        )
        return None
    columns: dict[str, int] = {}
    for index, (cell, name) in enumerate(zip(cells, names, strict=True)):
        if not name:
            continue
        if name not in known:
            parsed.add(1, cell.strip(), f"Unknown column {cell.strip()!r}; the columns are {', '.join(known)}.")
        elif name in columns:
            parsed.add(1, name, f"The column {name!r} appears twice.")
        else:
            columns[name] = index
    return None if parsed.problems else columns


def parse_period(text: str, *, today: date) -> date:
    """YYYY-MM-DD, or YYYY-MM for a month's first day; ValueError with a message otherwise."""
    text = text.strip()
    try:
        period = date.fromisoformat(text + "-01" if len(text) == 7 else text)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date; write it as YYYY-MM-DD (e.g. 2026-03-01) or YYYY-MM. "
            "If a spreadsheet changed it, format the column as text."
        ) from None
    if period > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValueError(f"{period.isoformat()} is more than a year ahead; check the date.")
    if period.year < 1900:
        raise ValueError(f"{period.isoformat()} is before 1900; check the date.")
    return period


def parse_value(text: str) -> float:
    """A reading: ASCII digits, an optional sign and one decimal point, as the import's help says.

    Not float(), which also takes "١٢", "1_000", "1e3", "NaN" and "inf"; no thousands separators,
    since "1,234" in a comma-separated file is two cells and "1.234" means 1,234 in much of Europe.
    """
    text = text.strip()
    value = parse_decimal(text)
    if value is None:
        raise ValueError(f"{text!r} is not a number; use the digits 0-9 and a decimal point, e.g. 42.5.")
    if abs(value) > MAX_ABS_VALUE:
        raise ValueError(f"{text!r} is out of range (at most 1e15 either way).")
    return value


def parse_sample_size(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    size = parse_whole(text)
    if size is None or size < 0:
        raise ValueError(f"{text!r} is not a whole number of 0 or more.")
    if size > MAX_SAMPLE:
        raise ValueError(f"{text!r} is too large.")
    return size


def _check_note(text: str) -> str:
    text = _unescape(text.strip())
    if len(text) > NOTE_MAX:
        raise ValueError(f"The note is {len(text)} characters long; at most {NOTE_MAX}.")
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise ValueError("The note contains control characters.")
    return text


def parse_readings_csv(
    data: bytes,
    *,
    measures: dict[str, MeasureRef],
    today: date,
    on_progress: Callable[[int, int], None] | None = None,
) -> Parsed:
    """Check every row of a readings file against the council's measures (keyed by lower-case name)."""
    parsed = Parsed()
    text = decode_text(data, parsed, required=REQUIRED, rows="readings")
    if text is None:
        return parsed
    total_lines = text.count("\n") + 1
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(first_line), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        parsed.add(1, None, f"The header row cannot be read as CSV ({exc}). {SAVE_AS}")
        return parsed
    columns = _header(header or [], parsed)
    if columns is None:
        return parsed
    names = {ref.name for ref in measures.values()}
    seen: dict[tuple[int, date], int] = {}
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
        if not any(c.strip() for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            parsed.problems.clear()
            parsed.more_problems = 0
            parsed.add(
                None, None, f"The file has more than {MAX_ROWS:,} readings; split it and import each part in turn."
            )
            return parsed
        if on_progress and count % 1000 == 0:
            on_progress(reader.line_num, total_lines)
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            parsed.add(
                line,
                None,
                f"This row has {len(cells)} cells but the header has {len(header)}; "
                "write numbers without thousands separators (1234.5, not 1,234.5) and quote text with commas.",
            )
            continue
        row = _check_row(cells, columns, line, measures, names, today, parsed)
        if row is None:
            continue
        key = (row.measure_id, row.period)
        if key in seen:
            parsed.add(
                line, "period", f"Row {seen[key]} already has a reading of this measure for {row.period.isoformat()}."
            )
            continue
        seen[key] = line
        parsed.rows.append(row)
    if count == 0 and not parsed.problems:
        parsed.add(None, None, "The file has a header row but no readings.")
    if on_progress:
        on_progress(total_lines, total_lines)
    return parsed


def _check_row(
    cells: list[str],
    columns: dict[str, int],
    line: int,
    measures: dict[str, MeasureRef],
    names: set[str],
    today: date,
    parsed: Parsed,
) -> Row | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    problems_before = len(parsed.problems) + parsed.more_problems
    ref = None
    name = _unescape(cell("measure").strip())
    if not name:
        parsed.add(line, "measure", "The measure's name is missing.")
    else:
        ref = measures.get(name.lower())
        if ref is None:
            close = difflib.get_close_matches(name, names, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            parsed.add(line, "measure", f"No measure called {name!r} in this council.{hint}")
        elif not ref.writable:
            parsed.add(line, "measure", f"You cannot record readings for {ref.name!r}.")
    values: dict = {}
    checks = [
        ("period", lambda t: parse_period(t, today=today), True),
        ("value", parse_value, True),
        ("sample_size", parse_sample_size, False),
        ("note", _check_note, False),
    ]
    for column, check, required in checks:
        text = cell(column)
        if required and not text.strip():
            parsed.add(line, column, f"The {column} is missing.")
            continue
        try:
            values[column] = check(text)
        except ValueError as exc:
            parsed.add(line, column, str(exc))
    if len(parsed.problems) + parsed.more_problems > problems_before or ref is None:
        return None
    return Row(line=line, measure_id=ref.id, **values)


# Writing


def _text_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class ExportRow:
    measure: str
    period: date
    value: float
    sample_size: int | None
    unit: str
    target: float | None
    note: str


def readings_csv(rows: Iterable[ExportRow]) -> str:
    """A header row, then one row per reading; imports back unchanged."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                _text_cell(row.measure),
                row.period.isoformat(),
                plain_number(row.value),
                "" if row.sample_size is None else str(row.sample_size),
                _text_cell(row.unit),
                plain_number(row.target),
                _text_cell(row.note),
            ]
        )
    return buffer.getvalue()
