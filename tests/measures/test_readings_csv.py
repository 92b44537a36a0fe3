"""Reading and writing readings CSV, and how values read on a page: plain values, no database."""

import math
from datetime import date

import pytest

from app.display import format_change, format_value, plain_number, sparkline
from app.measures.csvfile import (
    ExportRow,
    MeasureRef,
    parse_period,
    parse_readings_csv,
    parse_sample_size,
    parse_value,
    readings_csv,
)

TODAY = date(2026, 5, 15)
MEASURES = {"nps": MeasureRef(1, "NPS"), "=odd name": MeasureRef(2, "=Odd name")}


def test_periods():
    assert parse_period("2026-03-01", today=TODAY) == date(2026, 3, 1)
    assert parse_period(" 2026-03 ", today=TODAY) == date(2026, 3, 1)
    assert parse_period("2027-05-16", today=TODAY) == date(2027, 5, 16)  # 366 days ahead
    for bad in ["2027-05-17", "01/03/2026", "2026-02-30", "1899-12-01", "March"]:
        with pytest.raises(ValueError):
            parse_period(bad, today=TODAY)


def test_values_and_sample_sizes():
    assert parse_value(" -3.5 ") == -3.5 and parse_value("+2") == 2 and parse_value(".5") == 0.5
    assert parse_value("12.") == 12 and parse_value("1000000000000000") == 1e15
    # float() takes every one of these; a reading is digits, a sign and one decimal point.
    for bad in ["nan", "NaN", "inf", "-Infinity", "1e3", "1,5", "12%", "1e16", "", "١٢", "²", "1_000", "１２", "1.2.3"]:
        with pytest.raises(ValueError):
            parse_value(bad)
    with pytest.raises(ValueError, match="out of range"):
        parse_value("1000000000000001")
    assert parse_sample_size("") is None and parse_sample_size(" 120 ") == 120
    for bad in ["-1", "1.0", "١٢", "²", "1_000", "+5", "99999999999"]:
        with pytest.raises(ValueError):
            parse_sample_size(bad)


@pytest.mark.parametrize("value", [0.0, 42.0, -3.25, 0.1 + 0.2, 1e-7, 123456789.123, 1e15])
def test_numbers_are_written_so_they_read_back_exactly(value):
    assert parse_value(plain_number(value)) == value  # the import's own reader: no "1e-07"
    assert not plain_number(42.0).endswith(".0")


def test_written_file_reads_back_with_formula_guards_undone():
    rows = [
        ExportRow("=Odd name", date(2026, 1, 1), -2.0, None, "%", 5.0, "+44 called back"),
        ExportRow("NPS", date(2026, 1, 1), 31.0, 900, "", None, "line one\nline two, with comma"),
    ]
    text = readings_csv(rows)
    assert text.startswith("measure,period,value,sample_size,unit,target,note\r\n")
    assert "'=Odd name" in text and "'+44 called back" in text
    parsed = parse_readings_csv(text.encode(), measures=MEASURES, today=TODAY)
    assert parsed.problems == []
    assert [(r.measure_id, r.value, r.sample_size, r.note) for r in parsed.rows] == [
        (2, -2.0, None, "+44 called back"),
        (1, 31.0, 900, "line one\nline two, with comma"),
    ]
    # A quoted multi-line note still reports the right line for the next row.
    assert [r.line for r in parsed.rows] == [2, 3]


def test_progress_is_reported():
    calls = []
    data = ("measure,period,value\n" + "NPS,2025-01-01,1\n" * 1).encode()
    parse_readings_csv(data, measures=MEASURES, today=TODAY, on_progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]


def test_display_of_values():
    assert format_value(None) == "—"
    assert format_value(82.0, "%") == "82%"
    assert format_value(3.2, "£") == "£3.20"
    assert format_value(76990, "£") == "£76,990"
    assert format_value(4.25, "stars") == "4.25 stars"
    assert format_value(0.0123) == "0.0123"
    assert format_change(-1.5, "pts") == "\u22121.5 pts"
    assert format_change(2.0) == "+2"
    assert format_change(0.0) == "no change"


def test_sparkline_fits_the_box():
    assert sparkline([1.0]) is None
    line = sparkline([3.0, 1.0, 2.0], width=100, height=20, pad=2)
    xs = [float(p.split(",")[0]) for p in line["points"].split()]
    ys = [float(p.split(",")[1]) for p in line["points"].split()]
    assert xs == [2.0, 50.0, 98.0]
    assert min(ys) == 2.0 and max(ys) == 18.0
    flat = sparkline([5.0, 5.0])
    assert all(math.isfinite(float(v)) for p in flat["points"].split() for v in p.split(","))


@pytest.mark.parametrize(
    ("value", "sample_size", "column"),
    [
        ("١٢", "", "value"),  # Arabic-Indic twelve: float() reads it as 12.0
        ("1_000", "", "value"),  # float() reads 1000.0
        ("²", "", "value"),
        ("NaN", "", "value"),
        ("inf", "", "value"),
        ("1e3", "", "value"),
        ("12", "١٢", "sample_size"),
        ("12", "1_000", "sample_size"),
        ("12", "²", "sample_size"),
    ],
)
def test_a_number_that_is_not_plain_digits_is_refused_by_row_and_column(value, sample_size, column):
    data = f"measure,period,value,sample_size\nNPS,2026-01-01,5,\nNPS,2026-02-01,{value},{sample_size}\n".encode()
    parsed = parse_readings_csv(data, measures=MEASURES, today=TODAY)
    assert [(p.row, p.column) for p in parsed.problems] == [(3, column)]
    assert repr(value if column == "value" else sample_size) in parsed.problems[0].message
