"""The agenda and the minutes with the keyboard alone: Tab, Shift+Tab, Enter, Space and typing, no clicks.

At every stop the focused element must show it (a computed outline or box-shadow), focus must move
on each Tab (never trapped) and a whole round of the page must come back to its start. The first
stop is a "Skip to content" link that moves focus to the page's main content.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.demo.council import DEMO_PASSWORD
from app.models import Action, Decision, Meeting, MinutesItem
from tests.conftest import engine_independent
from tests.demodb import load_demo

pytestmark = pytest.mark.browser

# The focused element as the test reads it: a stable number per element, what it is, and whether a
# sighted keyboard user can see that it has focus.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  if (!e.dataset.kb) { window.__kb = (window.__kb || 0) + 1; e.dataset.kb = String(window.__kb); }
  const s = getComputedStyle(e);  // a date field's calendar button has the focus inside the field
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const box = e.getBoundingClientRect();
  return {
    kb: e.dataset.kb,
    tag: e.tagName.toLowerCase(),
    id: e.id,
    name: e.getAttribute('name') || '',
    type: e.getAttribute('type') || '',
    href: e.getAttribute('href') || '',
    text: (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().slice(0, 60),
    label: e.labels && e.labels.length ? e.labels[0].innerText.trim().slice(0, 60) : '',
    shown: outline || (s.boxShadow && s.boxShadow !== 'none'),
    sized: box.width > 0 && box.height > 0,
    inMain: !!e.closest('main'),
  };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


# A date or time field takes one Tab per part (day, month, year, its calendar button) while it
# keeps the focus.
PARTED = {"date": 4, "time": 3, "datetime-local": 6, "month": 3, "week": 3}


def stalled(now: dict, before: list[dict]) -> bool:
    """Whether focus has stayed on one element longer than the element has parts."""
    same = 0
    for stop in reversed(before):
        if stop["kb"] != now["kb"]:
            break
        same += 1
    return same >= (PARTED.get(now["type"], 1) if now["tag"] == "input" else 1)


def press(page, key: str) -> dict | None:
    """Press `key`; the element that has focus after it, checked to show its focus."""
    page.keyboard.press(key)
    now = focused(page)
    if now is not None:
        assert now["shown"], f"focus is not visible on {now}"
        assert now["sized"], f"focus went to something with no size on screen: {now}"
    return now


def tab_to(page, matches, *, limit: int = 600, key: str = "Tab") -> dict:
    """Tab until the focused element `matches`; fails if focus stalls (a trap) or never gets there."""
    start = focused(page)
    seen: list[dict] = [start] if start else []
    for _ in range(limit):
        now = press(page, key)
        if now is None:
            seen = []
            continue
        assert not stalled(now, seen), f"focus is trapped on {now} (after {seen[-3:]})"
        seen.append(now)
        if matches(now):
            return now
    raise AssertionError(f"{key} never reached it in {limit} presses; the last stops: {seen[-8:]}")


def whole_round(page) -> list[dict]:
    """From a freshly loaded page, Tab through every stop until focus comes back to the first one."""
    first = press(page, "Tab")
    assert first is not None
    stops = [first]
    for _ in range(1500):
        now = press(page, "Tab")
        if now is None or now["kb"] == first["kb"]:
            return stops
        assert not stalled(now, stops), f"focus is trapped on {now}"
        if now["kb"] != stops[-1]["kb"]:
            assert now["kb"] not in {s["kb"] for s in stops}, f"focus went round a loop that leaves out the rest: {now}"
        stops.append(now)
    raise AssertionError(f"Tab never came back to the start: the last stops {stops[-8:]}")


def skip_to_content(page) -> None:
    """The first stop is "Skip to content"; Enter on it puts focus in main, and the next Tab stays there."""
    first = press(page, "Tab")
    assert first is not None and first["text"] == "Skip to content", f"the first tab stop is {first}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    after = press(page, "Tab")
    assert after is not None and after["inMain"], f"after skipping, Tab went to {after}"


def sign_in_with_keys(page, email: str) -> None:
    page.goto("/login")
    assert focused(page)["name"] == "email"  # the sign-in page starts in its first field
    page.keyboard.type(email)
    tab_to(page, lambda f: f["name"] == "password")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    session.commit()
    return council, meeting


@engine_independent  # keys and focus do not depend on the engine
def test_the_chair_works_the_agenda_with_the_keyboard(demo, page):
    council, meeting = demo
    agenda_url = f"/meetings/{meeting.id}/agenda"
    sign_in_with_keys(page, "chair@example.com")
    page.goto(agenda_url)

    # A whole round: every stop shows focus, nothing traps it, and the downloads are on the way.
    stops = whole_round(page)
    assert stops[0]["text"] == "Skip to content"
    downloads = page.evaluate(
        "[...document.querySelectorAll('a[href$=\".docx\"], a[href$=\".pdf\"]')].map(a => a.getAttribute('href'))"
    )
    assert downloads, "the agenda offers no Word or PDF download"
    assert set(downloads) <= {s["href"] for s in stops}, "a download cannot be reached with Tab"

    # Skip to content, then the running order's first item: Enter goes to its section, and the next
    # Tab continues inside that section (or after it), not back at the top.
    page.goto(agenda_url)
    skip_to_content(page)
    link = tab_to(page, lambda f: f["href"].startswith("#") and f["tag"] == "a")
    anchor = link["href"][1:]
    page.keyboard.press("Enter")
    # The browser moves to the fragment after the key event: wait for it rather than read the URL at once.
    page.wait_for_url(f"**#{anchor}", timeout=10_000)
    assert page.url.endswith(f"#{anchor}")
    press(page, "Tab")
    assert page.evaluate(
        """(id) => { const section = document.getElementById(id), active = document.activeElement;
          return section.contains(active) ||
            !!(section.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING); }""",
        anchor,
    ), f"after following the link to #{anchor}, Tab went to {focused(page)}"

    # A <details> opens and closes with Enter and Space.
    tab_to(page, lambda f: f["tag"] == "summary" and f["text"] == "Send a delegate", key="Shift+Tab")
    is_open = "document.activeElement.parentElement.open"
    page.keyboard.press("Enter")
    assert page.evaluate(is_open)
    page.keyboard.press("Enter")
    assert not page.evaluate(is_open)

    # The download is one Enter away.
    page.goto(agenda_url)
    tab_to(page, lambda f: f["href"].endswith("/agenda.docx"))
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert download_info.value.suggested_filename.endswith(".docx")

    # The chair answers the invitation: apologies, with a reason, typed and sent from the keyboard.
    tab_to(page, lambda f: f["tag"] == "summary" and f["text"] == "Send apologies")
    page.keyboard.press("Space")
    assert page.evaluate(is_open)
    tab_to(page, lambda f: f["name"] == "reason")
    page.keyboard.type("At the regulator's hearing that morning.")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(f"#answer-{meeting.id} .your-answer")).to_contain_text("Apologies")
    expect(page.locator(f"#answer-{meeting.id} .your-answer")).to_contain_text("At the regulator's hearing")


@engine_independent  # keys and focus do not depend on the engine
def test_the_secretary_minutes_a_meeting_with_the_keyboard(demo, page, session):
    _, meeting = demo
    # Minuted live: the meeting started an hour ago.
    meeting.scheduled_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    session.add(meeting)
    session.commit()
    minutes_url = f"/meetings/{meeting.id}/minutes"
    sign_in_with_keys(page, "secretary@example.com")
    page.goto(minutes_url)

    stops = whole_round(page)
    assert stops[0]["text"] == "Skip to content"
    assert any(s["tag"] == "textarea" and s["name"] == "notes" for s in stops)

    # Notes: Tab to the first item's notes, type, save with Ctrl+S.
    page.goto(minutes_url)
    skip_to_content(page)
    box = tab_to(page, lambda f: f["tag"] == "textarea" and f["name"] == "notes")
    number = int(box["id"].removeprefix("notes-"))
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Control+S")
    expect(page.locator(f"#save-{number}")).to_have_text(re.compile(r"^Saved"))
    session.expire_all()
    item = session.exec(
        select(MinutesItem).where(MinutesItem.meeting_id == meeting.id, MinutesItem.number == number)
    ).one()
    assert item.notes == "Typed without a mouse."

    # A decision: Tab to the one decision form's first row, type, Enter.
    tab_to(page, lambda f: f["label"] == "What was decided")
    page.keyboard.type("Adopt the storm script for the winter.")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("Decision D1 recorded")
    session.expire_all()
    assert [d.text for d in session.exec(select(Decision).where(Decision.meeting_id == meeting.id))] == [
        "Adopt the storm script for the winter."
    ]

    # An action: its title, an owner chosen by typing a name, the due date as offered, then the button.
    tab_to(page, lambda f: f["label"] == "What needs doing")
    page.keyboard.type("Refresh the storm script")
    tab_to(page, lambda f: f["name"] == "owner_id")
    page.keyboard.type("Priya")
    assert page.evaluate("document.activeElement.selectedOptions[0].text").startswith("Priya Shah")
    tab_to(page, lambda f: f["tag"] == "button" and f["text"] == "Raise action")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("Action raised: “Refresh the storm script”")
    session.expire_all()
    assert session.exec(select(Action).where(Action.title == "Refresh the storm script")).one().owner_id is not None
