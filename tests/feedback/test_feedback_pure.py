"""Pure pieces of feedback: masking, CSV checks, theme matching, polarity, trend arithmetic. No database."""

from datetime import date

import pytest

from app.feedback.csvfile import Scale, mask, parse_feedback_csv
from app.feedback.discovery import suggest_themes
from app.feedback.themes import Matcher, ThemeSpec, comment_polarity
from app.feedback.trends import TrendData, build_rating_trend, build_theme_trends, fitted_change, window

TODAY = date(2026, 5, 1)


def parse(text: str | bytes, **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    options = {
        "departments": {"Field": 1, "Billing": 2},
        "journeys": {},
        "scale": Scale(1, 5),
        "column_map": {},
        "today": TODAY,
    }
    return parse_feedback_csv(data, **{**options, **kwargs})


HEADER = "response_id,responded_on,department,goal_rating,helped,hindered\n"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Mail me at jo.smith+bills@example.co.uk please", "Mail me at [email] please"),
        ("Call 07700 900123 or +44 (0)113 496 0000", "Call [phone] or [phone]"),
        ("Ring 0113-496-0000.", "Ring [phone]."),
        ("Bill was £123.45 for 3 months, ref 12345", "Bill was £123.45 for 3 months, ref 12345"),
    ],
)
def test_masks_email_addresses_and_phone_numbers_but_not_amounts(text, masked):
    assert mask(text) == masked


def test_a_bom_and_a_vendor_header_through_the_column_map():
    text = "\ufeffID,Date,Team,Q3 Score,What helped,What hindered\nR1,2026-03-04,Field,4,Quick,Late\n"
    column_map = {
        "response_id": "ID",
        "responded_on": "Date",
        "department": "Team",
        "goal_rating": "Q3 Score",
        "helped": "What helped",
        "hindered": "What hindered",
    }
    parsed, rows = parse(text, column_map=column_map)
    assert not parsed.problems
    assert [(r.ref, r.department_id, r.goal_rating, r.hindered) for r in rows] == [("R1", 1, 4, "Late")]


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        ("response_id,responded_on,department,goal_rating,helped\nR1,2026-03-04,Field,4,x\n", 1, "hindered"),
        (HEADER + "R1,2026-02-30,Field,4,x,y\n", 2, "responded_on"),
        (HEADER + "R1,04/03/2026,Field,4,x,y\n", 2, "responded_on"),
        (HEADER + "R1,2026-03-04,Field,6,x,y\n", 2, "goal_rating"),
        (HEADER + "R1,2026-03-04,Field,four,x,y\n", 2, "goal_rating"),
        (HEADER + "R1,2026-03-04,Field,4,x,y\nR1,2026-03-05,Field,4,x,y\n", 3, "response_id"),
        (HEADER + "R1,2026-03-04,Feild,4,x,y\n", 2, "department"),
        (HEADER + "R1,2027-03-04,Field,4,x,y\n", 2, "responded_on"),
    ],
    ids=["missing column", "no such day", "day first", "off scale", "not a number", "duplicate", "typo", "future"],
)
def test_each_problem_is_named_by_row_and_column(text, row, column):
    parsed, _rows = parse(text)
    assert (row, column) in [(p.row, p.column) for p in parsed.problems], parsed.problems


def test_a_file_in_another_encoding_names_the_row_and_column():
    data = (HEADER + "R1,2026-03-04,Field,4,x,y\nR2,2026-03-04,Field,4,caf\xe9 was shut,y\n").encode("cp1252")
    parsed, rows = parse(data)
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "helped")]
    assert "not UTF-8" in parsed.problems[0].message and not rows


def test_the_scale_is_the_councils():
    parsed, rows = parse(HEADER + "R1,2026-03-04,Field,0,x,y\nR2,2026-03-04,Field,10,x,y\n", scale=Scale(0, 10))
    assert not parsed.problems and [r.goal_rating for r in rows] == [0, 10]


def test_matching_allows_misspellings_endings_and_any_word_order():
    matcher = Matcher(
        [
            ThemeSpec(1, ("engineer came back without parts", "second visit")),
            ThemeSpec(2, ("estimated bill",)),
        ]
    )
    texts = [
        "The enginer came back without the right parts",
        "A visit for the second time",
        "estimated bills again",
        "My bill was estimated",
        "The engineer came back with the parts",  # "with" is not "without"
        "Billing was fine",
        "",
    ]
    assert matcher.match(texts).toarray().tolist() == [[1, 0], [1, 0], [0, 1], [0, 1], [0, 0], [0, 0], [0, 0]]


def test_comment_polarity_is_the_sign_of_the_score_with_a_neutral_band():
    assert [comment_polarity(s) for s in (-0.6, -0.04, 0.0, 0.049, 0.3, None)] == [-1, 0, 0, 0, 1, 0]


def test_fitted_change_and_directions_by_hand():
    # Shares 0.5, 0.5, 0.25, 0: slope -0.175 a month, -0.525 over the three months between.
    assert fitted_change([0.5, 0.5, 0.25, 0.0]) == pytest.approx(-0.525)
    assert fitted_change([None, 0.2, None]) is None
    months = window(date(2026, 4, 15), 4)
    assert months == (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1))
    data = TrendData(
        months=months,
        themes={1: "Repeat visit", 2: "Steady"},
        departments={},
        theme_counts={(1, None, m): (n, 0, 0) for m, n in zip(months, (2, 2, 1, 0), strict=True)}
        | {(2, None, m): (1, 0, 0) for m in months},
        response_counts={(None, m): (4, 12, 4) for m in months},
    )
    repeat, steady = build_theme_trends(data)
    assert (repeat.name, repeat.negative, repeat.direction) == ("Repeat visit", 5, "falling")
    assert [p.share for p in repeat.points] == [0.5, 0.5, 0.25, 0.0]
    assert (steady.direction, steady.change) == ("steady", 0.0)
    rating = build_rating_trend(data)
    assert (rating.average, rating.direction) == (3.0, "steady")


def test_suggestions_are_deterministic_with_examples():
    texts = ["Had to explain my problem again to every person"] * 10 + [
        "Passed between departments, explained my problem again"
    ] * 10
    texts += ["The smart meter display stopped working"] * 12
    first, second = suggest_themes(texts), suggest_themes(texts)
    assert first == second and first
    assert all(len(s.examples) <= 3 and s.terms and s.phrases for s in first)
    assert any("meter" in " ".join(s.terms) for s in first)


@pytest.mark.parametrize("rating", ["١٢", "٣", "²", "1_000", "NaN", "inf", "4.0", "+4", "--4", "４", "9" * 5000])
def test_a_rating_is_plain_digits_or_refused_by_row_and_column(rating):
    # Each of these passes str.isdigit(), int() or float(); none is a rating a survey tool writes.
    parsed, rows = parse(HEADER + "R1,2026-03-04,Field,4,x,y\n" + f"R2,2026-03-04,Field,{rating},x,y\n")
    assert [(p.row, p.column) for p in parsed.problems] == [(3, "goal_rating")]
    assert "not a whole number" in parsed.problems[0].message
    assert [r.goal_rating for r in rows] == [4]
