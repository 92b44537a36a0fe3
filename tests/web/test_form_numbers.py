"""The one reader of numbers typed in page forms and query strings: never an exception, always a verdict."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.common import MAX_ID
from app.web.forms import query_id, whole_or_text


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("-1", -1),
        ("", None),
        ("   ", None),
        (None, None),
        ("²", "²"),  # str.isdigit() says yes; int() says no
        ("١٢", "١٢"),  # Arabic-Indic digits: not what a form's number box sends
        ("1e999", "1e999"),
        ("1_000", "1_000"),
        ("abc", "abc"),
        ("9" * 5000, "9" * 5000),  # int() refuses more than 4,300 digits
    ],
)
def test_a_whole_number_or_the_text_for_the_schema_to_name(typed, read):
    assert whole_or_text(typed) == read


def test_blank_can_mean_something_else():
    assert whole_or_text("", blank=0) == 0
    assert whole_or_text(" ", blank="") == ""


@pytest.mark.parametrize("typed", ["²", "0", "-1", str(MAX_ID + 1), "99999999999999999999", "abc", "", "1.5"])
def test_a_query_id_that_is_not_one_means_any(typed):
    assert query_id(typed) is None


def test_a_query_id():
    assert query_id("42") == 42
    assert query_id(str(MAX_ID)) == MAX_ID


@given(st.text(max_size=60))
def test_no_text_makes_the_readers_raise(text):
    read = whole_or_text(text)
    assert read is None or isinstance(read, int) or read == text.strip()
    number = query_id(text)
    assert number is None or 1 <= number <= MAX_ID
