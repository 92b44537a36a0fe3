"""One of each display helper: numbers, money, dates, words and file names, as every renderer shows them."""

from datetime import UTC, date, datetime
from urllib.parse import unquote

import pytest
from jinja2 import Environment

from app import display
from app.display import (
    ACTION_STATUSES,
    CRITERIA_LABELS,
    INITIATIVE_STATUSES,
    RAGS,
    ascii_slug,
    enum_labels,
    format_change,
    format_number,
    format_value,
    full_date,
    label,
    local_date,
    local_time,
    long_date,
    money,
    month_year,
    months,
    movement_text,
    period_label,
    plain_number,
    plural,
    short_date,
    status_word,
    unicode_slug,
)
from app.models import ActionStatus, InitiativeStatus, Role
from app.scoring import PRIORITY_DEFAULTS
from app.web.downloads import content_disposition
from app.web.filters import FILTERS, GLOBALS, register_filters
from app.web.render import templates
from tests.factories import make_council, make_membership, make_user
from tests.helpers import auth


def test_numbers_read_as_people_write_them():
    assert format_number(None) == "—"
    assert format_number(42.0) == "42"
    assert format_number(1250) == "1,250"
    assert format_number(7.5) == "7.5"
    assert format_number(0.125) == "0.125"
    assert format_number(1234.567) == "1,234.57"
    assert format_number(2.0001) == "2"  # the old pages' number() wrote "2."


def test_money_shows_pence_only_when_there_are_some():
    assert money(None) == "—"
    assert money(300000) == "£300,000"
    assert money(2.5) == "£2.50"
    assert money(-40) == "\u2212£40"
    assert money(3.2, "€") == "€3.20"


def test_values_carry_their_unit_and_changes_their_sign():
    assert format_value(None) == "—"
    assert format_value(82.0, "%") == "82%"
    assert format_value(3.2, "£") == "£3.20"
    assert format_value(-3.2, "£") == "\u2212£3.20"
    assert format_value(76990, "$") == "$76,990"
    assert format_value(4.25, "stars") == "4.25 stars"
    assert format_change(None) == "—"
    assert format_change(0.0, "£") == "no change"
    assert format_change(1590, "£") == "+£1,590"
    assert format_change(-2, "%") == "\u22122 pts"  # a change of a percentage is in points
    assert movement_text(-0.4, "%", "lower_is_better") == "▼ \u22120.4 pts, better"
    assert movement_text(0.4, "%", "lower_is_better") == "▲ +0.4 pts, worse"
    assert status_word("amber") == "Watch" and RAGS["red"] == "Off track"
    assert format_change(-1.5, "pts") == "\u22121.5 pts"


def test_months_and_plain_numbers():
    assert months(None) == "never"
    assert months(1.0) == "1.0 month"
    assert months(4.54) == "4.5 months"
    assert plain_number(None) == ""
    assert plain_number(60000.0) == "60000"
    assert plain_number(2.5) == "2.5"
    assert plain_number(1e16) == "10000000000000000"  # never 1e+16 in a form field
    for value in (0.1 + 0.2, 1e-7, -3.25, 123456789.123):
        assert float(plain_number(value)) == value
    assert plural(1, "action") == "1 action" and plural(3, "action") == "3 actions"


def test_dates():
    day = date(2026, 3, 3)
    assert short_date(day) == "3 Mar 2026"
    assert short_date(None) == "—"
    assert full_date(day) == "3 March 2026"
    assert long_date(day) == "Tuesday 3 March 2026"
    assert month_year(day) == "Mar 2026"
    assert period_label(date(2026, 3, 1)) == "Mar 2026"
    assert period_label(day) == "3 Mar 2026"


def test_moments_read_in_the_councils_zone():
    late_evening = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    assert local_time(late_evening, "Europe/London") == "3 Mar 2026, 23:30"
    assert local_time(late_evening, "Asia/Tokyo") == "4 Mar 2026, 08:30"
    assert local_date(late_evening, "Asia/Tokyo") == "4 March 2026"
    assert local_date(late_evening, "America/New_York") == "3 March 2026"


def test_status_words_come_from_the_enums():
    assert list(ACTION_STATUSES) == [s.value for s in ActionStatus]
    assert ACTION_STATUSES["in_progress"] == "In progress"
    assert ACTION_STATUSES["cancelled"] == "Cancelled"
    assert list(INITIATIVE_STATUSES) == [s.value for s in InitiativeStatus]
    assert INITIATIVE_STATUSES["on_hold"] == "On hold"
    assert enum_labels(Role)["observer"] == "Observer"
    assert label("strategic_fit") == "Strategic fit" and label(None) == "—"


def test_one_set_of_criteria_words_for_every_criterion():
    assert set(CRITERIA_LABELS) == set(PRIORITY_DEFAULTS)


@pytest.mark.parametrize(
    ("name", "ascii_name", "full"),
    [
        ("Northern Utilities CX Council", "northern-utilities-cx-council", "northern-utilities-cx-council"),
        ("Conseil Clientèle", "conseil-clientele", "conseil-clientèle"),
        ("Ōsaka Café", "osaka-cafe", "ōsaka-café"),
        ("東京 CX Council!", "cx-council", "東京-cx-council"),
        ("東京", "council", "東京"),
    ],
)
def test_slugs_keep_accented_names(name, ascii_name, full):
    assert ascii_slug(name) == ascii_name
    assert unicode_slug(name) == full


def test_content_disposition_names_the_council_in_any_script():
    header = content_disposition("Conseil Clientèle", "-actions-2026-03-03.csv")
    assert 'filename="conseil-clientele-actions-2026-03-03.csv"' in header
    assert unquote(header.split("filename*=UTF-8''")[1]) == "conseil-clientèle-actions-2026-03-03.csv"
    assert content_disposition("Utility council", ".csv") == 'attachment; filename="utility-council.csv"'


def test_filters_and_words_are_registered_once_on_the_templates():
    env = templates.env
    for name, helper in FILTERS.items():
        assert env.filters[name] is helper
    for name, words in GLOBALS.items():
        assert env.globals[name] is words
    assert all(getattr(display, fn.__name__) is fn for fn in FILTERS.values())


def test_templates_format_with_filters():
    env = register_filters(Environment(autoescape=True))
    page = env.from_string(
        "{{ v|measured(u) }} {{ c|signed(u) }} {{ s|money }} {{ p|period }} {{ d|short_date }} "
        "{{ action_statuses[st] }} {{ criteria_labels['effort'] }}"
    )
    text = page.render(v=3.2, u="£", c=-1.5, s=180000, p=date(2026, 3, 1), d=date(2026, 3, 3), st="in_progress")
    assert text == "£3.20 \u2212£1.50 £180,000 Mar 2026 3 Mar 2026 In progress Effort (inverted)"


def test_the_actions_csv_keeps_accents_and_uses_the_councils_date(app, client, session, monkeypatch):
    council = make_council(session, name="Conseil Clientèle", timezone="Pacific/Kiritimati")
    chair = make_user(session)
    make_membership(session, council=council, user=chair, role=Role.chair)
    session.commit()
    asked = []

    def council_today(timezone: str) -> date:
        asked.append(timezone)
        return date(2031, 1, 2)

    monkeypatch.setattr("app.actions.api.today_in", council_today)
    response = client.get(f"/api/councils/{council.id}/actions.csv", headers=auth(app, chair))
    assert response.status_code == 200
    assert asked == ["Pacific/Kiritimati"]
    disposition = response.headers["content-disposition"]
    assert 'filename="conseil-clientele-actions-2031-01-02.csv"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "conseil-clientèle-actions-2031-01-02.csv"


def test_notes_read_as_paragraphs_and_bullets_the_same_for_page_and_word():
    typed = "Agreed.\r\nSecond line\n\n- one\n*  two\n\nAfter <b>x</b>\n• three"
    assert [(b.kind, b.lines) for b in display.note_blocks(typed)] == [
        ("paragraph", ("Agreed.", "Second line")),
        ("list", ("one", "two")),
        ("paragraph", ("After <b>x</b>",)),
        ("list", ("three",)),
    ]
    assert words("notes(t)", t=typed) == (
        "<p>Agreed.<br>Second line</p><ul><li>one</li><li>two</li></ul>"
        "<p>After &lt;b&gt;x&lt;/b&gt;</p><ul><li>three</li></ul>"
    )
    assert words("notes(t, lead='Outcome:')", t="- first") == "<p><strong>Outcome:</strong></p><ul><li>first</li></ul>"
    assert (
        words("notes(t, lead='Outcome:')", t="Done\n- a") == "<p><strong>Outcome:</strong> Done</p><ul><li>a</li></ul>"
    )
    assert words("notes(t)", t="-not a bullet") == "<p>-not a bullet</p>" and words("notes(t)", t=None) == ""


def words(call: str, **values) -> str:
    """A macro of templates/_words.html rendered as a page renders it."""
    page = templates.env.from_string(
        '{% from "_words.html" import status_tag, movement, trend, notes %}{{ ' + call + " }}"
    )
    return page.render(**values)


def test_status_changes_and_trends_read_in_one_vocabulary():
    assert words("status_tag('amber')") == '<span class="tag status-amber">Watch</span>'
    assert (
        words("status_tag('red', 'Off <target>')")
        == '<span class="tag status-red" title="Off &lt;target&gt;">Off track</span>'
    )
    assert words("status_tag(None)") == '<span class="muted">—</span>'
    falling = words("movement(-0.4, '%', 'lower_is_better')")
    assert falling == '<span class="movement better">▼ \u22120.4 pts, better</span>'
    assert words("movement(None)") == '<span class="movement none">—</span>'
    assert words("trend('rising')") == '<span class="movement worse">▲ rising, worse</span>'  # a negative theme
    assert words("trend('rising', rating=true)") == '<span class="movement better">▲ rising, better</span>'
    # Shares of feedback say their changes in the unit measures use.
    assert display.signed_points(0.042) == "+4.2 pts" == display.format_change(4.2, "%")
    assert display.signed_points(-0.03) == "\u22123 pts" and display.signed_points(0) == "no change"
