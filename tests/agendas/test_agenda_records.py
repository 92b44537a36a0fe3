"""The agenda's loader and the trends' sums, made cheaper, give what the plain ways give.

`records` makes each statement's named tuples from the driver's tuples, converting only the
columns SQLAlchemy converts, with its own converters: the rows must be SQLAlchemy's rows, value
for value and type for type (UTC datetimes, dates), on both engines. `fitted_change` and
`build_theme_trend` add their terms in one pass: the same floats, to the bit, as the sums they
replaced.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from app.agendas import data as agenda_data
from app.agendas.voice import WindowFit, share_of
from app.agendas.voice_data import _voice_statement, driver_tuples
from app.feedback.trends import NO_COUNTS, TrendData, build_theme_trend, fitted_change
from app.models import Council, Meeting, Reading
from app.reports.score_parts import FeedbackFacts, _windows, month_span, rating_from_feedback, windows
from bench.data import SIZES, generate
from tests.demodb import load_demo

TODAY = date(2026, 11, 30)

# Every statement load_agenda_data reads as records, and the values it gives it beyond the council's and meeting's.
STATEMENTS = {
    "departments": (agenda_data._departments, {}),
    "seats": (agenda_data._seats, {}),
    "actions": (agenda_data._actions, {"since": datetime(2025, 1, 1, tzinfo=UTC)}),
    "measures": (agenda_data._measures, {}),
    "reports": (agenda_data._reports, {}),
    "initiatives": (agenda_data._initiatives, {}),
    "journeys": (agenda_data._journeys, {}),
    "research": (agenda_data._research, {"since": date(2020, 1, 1)}),
    "aob": (agenda_data._aob, {}),
    "standing": (agenda_data._standing_items, {}),
    "papers": (agenda_data._papers, {}),
}


def typed(rows) -> list[list]:
    """Each value with its type and, for datetimes, its zone: equal rows of other types must differ."""
    return [[(v, type(v), getattr(v, "tzinfo", None)) for v in row] for row in rows]


def assert_records_are_sqlalchemys(session: Session, council_id: int, meeting_id: int) -> int:
    connection = session.connection()
    read = 0
    for name, (statement, more) in STATEMENTS.items():
        values = {"council_id": council_id, "meeting_id": meeting_id, **more}
        result = connection.execute(statement(), values)
        expected = [agenda_data._record(tuple(result.keys()))(row) for row in result.all()]
        made = agenda_data.records(connection.execute(statement(), values))
        assert made == expected, name
        assert typed(made) == typed(expected), name
        assert all(type(row) is type(expected[0]) for row in made), name
        read += len(made)
    return read


def test_the_demo_councils_records_are_sqlalchemys_rows(engine, session):
    council = load_demo(session=session, today=TODAY)
    meeting = session.exec(
        Meeting.__table__.select().where(Meeting.council_id == council.id).order_by(Meeting.scheduled_at.desc())
    ).first()
    with Session(engine) as fresh:
        assert assert_records_are_sqlalchemys(fresh, council.id, meeting.id) > 0


def test_a_generated_councils_records_are_sqlalchemys_rows(db_url, engine):
    found = generate(db_url, SIZES["tiny"], today=TODAY)
    with Session(engine) as session:
        council = session.get(Council, found.council_id)
        assert assert_records_are_sqlalchemys(session, council.id, found.meeting_id) > 0


def test_a_column_is_converted_once_a_distinct_value_and_mutable_values_row_by_row():
    """`records` converts each distinct value of a column once and lets rows share it, which only an
    immutable value allows: a converter that makes dicts (JSON) is called row by row, None kept."""
    calls = []

    def to_date(text):
        calls.append(text)
        return date.fromisoformat(text)

    column = ("2026-11-01", None, "2026-11-01", "2026-10-01", None)
    made = list(agenda_data._converted(column, to_date))
    assert made == [date(2026, 11, 1), None, date(2026, 11, 1), date(2026, 10, 1), None]
    assert sorted(calls) == ["2026-10-01", "2026-11-01"]

    def to_dict(text):
        return {"text": text}

    dicts = list(agenda_data._converted(("a", "a", None), to_dict))
    assert dicts == [{"text": "a"}, {"text": "a"}, None]
    assert dicts[0] is not dicts[1]
    # A driver's list (unhashable) is converted value by value.
    assert list(agenda_data._converted(([1], None), tuple)) == [(1,), None]


def fitted_change_by_sums(values, weights=None):
    """fitted_change as it was: one `sum` a term."""
    weights = weights or [1.0] * len(values)
    points = [(i, v, w) for i, (v, w) in enumerate(zip(values, weights, strict=True)) if v is not None and w > 0]
    if len(points) < 2:
        return None
    total = sum(w for _, _, w in points)
    mean_x = sum(i * w for i, _, w in points) / total
    mean_y = sum(v * w for _, v, w in points) / total
    spread = sum(w * (i - mean_x) ** 2 for i, _, w in points)
    slope = sum(w * (i - mean_x) * (v - mean_y) for i, v, w in points) / spread
    return round(slope * (points[-1][0] - points[0][0]), 6)


shares = st.one_of(st.none(), st.floats(0, 1), st.floats(1, 5))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(shares, st.one_of(st.integers(0, 10_000), st.floats(0, 1e4))), max_size=14), st.booleans())
def test_fitted_change_is_the_sums_fit_to_the_bit(months, weighted):
    values = [v for v, _ in months]
    weights = [w for _, w in months] if weighted else None
    assert repr(fitted_change(values, weights)) == repr(fitted_change_by_sums(values, weights))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 5_000), max_size=14),
    st.lists(st.lists(st.integers(0, 5_000), min_size=14, max_size=14), max_size=3),
)
def test_a_departments_window_fit_is_fitted_change_to_the_bit(asked, themes):
    """The agenda's department themes: the fit's response-only parts made once, each theme's the same float."""
    fit = WindowFit.of(asked)
    for counts in themes:
        negatives = counts[: len(asked)]
        shares_ = [round(c / n, 6) if n else None for c, n in zip(negatives, asked, strict=True)]
        expected = fitted_change(shares_, asked)
        assert repr(fit.change(negatives) if fit else None) == repr(expected)


def test_a_window_fits_shares_on_a_half_are_rounds():
    """Shares whose sixth place is a tie (3 / 128 = 0.0234375: round gives 0.023438) or within 1e-6 of one
    go to round itself; a fit made of them is fitted_change's to the bit."""
    for asked in ([128, 128, 128], [128, 256, 640, 128], [3, 128, 7, 1280]):
        for counts in ([3, 5, 7, 1], [1, 3, 0, 9], [9, 1, 3, 5], [127, 0, 5, 3]):
            negatives = counts[: len(asked)]
            shares_ = [round(c / n, 6) for c, n in zip(negatives, asked, strict=True)]
            assert repr(WindowFit.of(asked).change(negatives)) == repr(fitted_change(shares_, asked)), (asked, counts)


def test_a_share_is_rounds_share_to_the_bit():
    for asked in range(1, 400):
        for count in range(asked + 1):
            assert repr(share_of(count, asked)) == repr(round(count / asked, 6)), (count, asked)


@settings(max_examples=2000, deadline=None)
@given(st.integers(1, 10**7), st.integers(0, 10**7))
def test_a_large_share_is_rounds_share_to_the_bit(asked, count):
    assert repr(share_of(count, asked)) == repr(round(count / asked, 6))


def test_fitted_change_refuses_weights_of_another_length():
    with pytest.raises(ValueError):
        fitted_change([0.1, 0.2, 0.3], [1, 2])


MONTHS = tuple(date(2026, m, 1) for m in range(1, 13))


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.integers(1, 3), st.sampled_from([None, 7]), st.sampled_from(MONTHS)),
        st.tuples(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50)),
    ),
    st.dictionaries(
        st.tuples(st.sampled_from([None, 7]), st.sampled_from(MONTHS)),
        st.tuples(st.integers(0, 300), st.integers(0, 1500), st.integers(0, 300)),
    ),
    st.booleans(),
)
def test_a_theme_trend_counts_what_the_months_say(theme_counts, response_counts, points):
    data = TrendData(
        months=MONTHS,
        themes={1: "Wait", 2: "Staff", 3: "Price"},
        departments={7: "Shop"},
        theme_counts=theme_counts,
        response_counts=response_counts,
    )
    for theme_id in (1, 2, 3):
        for department_id in (None, 7):
            trend = build_theme_trend(data, theme_id, department_id, points=points)
            counts = [theme_counts.get((theme_id, department_id, m), NO_COUNTS) for m in MONTHS]
            asked = [response_counts.get((department_id, m), NO_COUNTS)[0] for m in MONTHS]
            assert trend.negative == sum(c[0] for c in counts)
            assert trend.share == (round(trend.negative / sum(asked), 6) if sum(asked) else None)
            shares_ = [round(c[0] / n, 6) if n else None for c, n in zip(counts, asked, strict=True)]
            assert repr(trend.change) == repr(fitted_change_by_sums(shares_, asked))
            assert len(trend.points) == (12 if points else 0)


@given(st.dates(date(2001, 1, 1), date(2099, 12, 31)))
def test_the_scorecards_windows_are_the_six_months_before_today(today):
    recent, before = windows(today)
    months = [*before, *recent]
    assert len(months) == 6 and all(m.day == 1 for m in months)
    assert months == sorted(months) and len(set(months)) == 6
    after = months[-1].replace(day=28) + timedelta(days=4)
    assert after.replace(day=1) == today.replace(day=1)
    assert _windows(today) == (tuple(recent), tuple(before))
    assert month_span(tuple(recent)) == f"{recent[0]:%b}–{recent[-1]:%b %Y}"


@given(st.dictionaries(st.sampled_from(MONTHS), st.tuples(st.integers(0, 900), st.integers(0, 200))))
def test_the_rating_part_averages_the_recent_months_ratings(rating_sums):
    today = date(2026, 12, 15)
    recent, _ = windows(today)
    score, line = rating_from_feedback(FeedbackFacts(rating_sums=rating_sums), today=today)
    total = sum(rating_sums.get(m, (0, 0))[0] for m in recent)
    count = sum(rating_sums.get(m, (0, 0))[1] for m in recent)
    if not count:
        assert (score, line) == (None, None)
    else:
        assert score == max(0.0, min(100.0, 100 * (total / count - 1) / 4))
        assert f"{total / count:.2f}" in line


def test_the_voices_driver_tuples_are_its_rows_and_a_converted_column_keeps_sqlalchemys_rows(engine, session):
    council = load_demo(session=session, today=TODAY)
    session.commit()
    with Session(engine) as fresh:
        connection = fresh.connection()
        window = {"first": date(2025, 11, 1), "last": date(2026, 10, 1), "after": date(2026, 11, 1)}
        values = {"council_id": council.id, **window}
        rows = driver_tuples(connection.execute(_voice_statement(), values))
        assert rows
        assert [tuple(r) for r in rows] == [tuple(r) for r in connection.execute(_voice_statement(), values)]
        # A date column SQLAlchemy converts (SQLite gives text): its own rows, typed.
        periods = driver_tuples(connection.execute(select(Reading.period).limit(3)))
        assert periods and all(type(r[0]) is date for r in periods)
