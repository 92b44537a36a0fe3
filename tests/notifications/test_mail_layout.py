"""The frame of every mail: text and HTML say the same things; the text reads in a terminal-width window."""

from __future__ import annotations

import html as html_lib
import re
from types import SimpleNamespace

from app.notifications.compose import WIDTH, render_mail, wrap_text
from app.notifications.kinds import KINDS
from tests.smtp import one_line

UNSUBSCRIBE = "http://council.example/unsubscribe/WzMsMSwibWludXRlc19hcHByb3ZlZCJd.c2lnbmF0dXJlLXRoYXQtaXMtbG9uZw"


def _context(**changes):
    context = {
        "recipient": SimpleNamespace(name="Priya Shah"),
        "council": SimpleNamespace(name="Northern Utilities Customer Experience Council"),
        "link": "http://council.example/meetings/3/minutes",
        "kind": KINDS["minutes_approved"],
        "preferences_url": "http://council.example/notifications",
        "unsubscribe_url": UNSUBSCRIBE,
        "paragraphs": [
            "The chair approved the minutes of meeting 3, held on Tuesday 8 December 2026 in the board room at "
            "Leeds HQ, after the five working days for corrections had passed without a correction outstanding.",
            "- one decision recorded under item 5 changed its wording after Aisha Rahman's accepted correction",
        ],
    }
    return {**context, **changes}


def _visible(html: str) -> str:
    return one_line(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_text_lines_fit_the_width_and_addresses_stay_whole():
    text, _ = render_mail("notice", _context())
    for line in text.splitlines():
        assert len(line) <= WIDTH or " " not in line.strip(), line
    assert UNSUBSCRIBE in text.splitlines()  # on a line of its own, unbroken
    assert "\n-- \n" in text  # the signature separator mail clients recognise, trailing space kept
    # A list item wraps under its own text.
    item = text.index("- one decision")
    assert text[item:].splitlines()[1].startswith("  ")


def test_text_and_html_carry_the_same_information():
    text, html = render_mail("notice", _context(link_label="Read the approved minutes"))
    shown = _visible(html)
    flat = one_line(text)
    for part in (
        "Hello Priya Shah,",
        "Northern Utilities Customer Experience Council",
        "the five working days for corrections",
        "Read the approved minutes",
        "http://council.example/meetings/3/minutes",
        "You receive this as",
        "Minutes approved",
        "Choose what you receive",
    ):
        assert part in flat and part in shown, part
    assert UNSUBSCRIBE in text and f'href="{UNSUBSCRIBE}"' in html and "Stop these mails" in shown
    assert 'href="http://council.example/notifications"' in html
    assert "<style" not in html and "<table" not in html  # inline styles, one column


def test_a_required_kind_has_no_unsubscribe_and_says_why():
    text, html = render_mail("notice", _context(unsubscribe_url=None, kind=KINDS["agenda_published"]))
    for part in ("Northern Utilities Customer Experience Council sends it to every member.", "Agenda published"):
        assert part in one_line(text) and part in _visible(html)
    assert "unsubscribe" not in text.lower() and "unsubscribe" not in html.lower()
    assert "Stop these" not in text and "Stop these" not in html


def test_wrapping_leaves_short_lines_and_long_words_alone():
    assert wrap_text("-- \nshort") == "-- \nshort"
    long_word = "x" * 120
    assert wrap_text(f"see {long_word} now", width=40) == f"see\n{long_word}\nnow"
    assert wrap_text("  12. " + "word " * 20, width=30).splitlines()[1].startswith(" " * 6)
