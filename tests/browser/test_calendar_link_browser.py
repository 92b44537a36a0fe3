"""A member gets a calendar link on the council page, and a calendar app can read it."""

from datetime import date

import httpx
import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.shots import shoot
from tests.browser.test_initiatives_browser import sign_in
from tests.initiatives.test_initiative_pages import load_everything

pytestmark = pytest.mark.browser


def test_a_member_subscribes_their_calendar(session, browser_context, live_server):
    demo = load_everything(session, date.today())
    page = browser_context.new_page()
    sign_in(page, "billing@example.com", f"/councils/{demo.council.id}")
    page.get_by_role("button", name="Get a calendar link").click()
    expect(page.get_by_role("status")).to_have_text("Calendar link made: add it to your calendar.")
    link = page.get_by_label("Your calendar link").input_value()
    assert link.startswith(live_server) and link.endswith(".ics")
    page.locator("#calendar-h").scroll_into_view_if_needed()
    shoot(page, "council-calendar-link.png", full_page=False)

    # What a calendar app does: fetch the address, with no cookie and no sign-in.
    feed = httpx.get(link, timeout=30)
    assert feed.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(feed.content).walk() if e.name == "VEVENT"]
    assert summaries and all(demo.council.name in s for s in summaries)

    page.get_by_role("button", name="Stop the link").click()
    expect(page.get_by_role("status")).to_have_text("Calendar link stopped: calendars using it no longer update.")
    expect(page.get_by_role("button", name="Get a calendar link")).to_be_visible()
    assert httpx.get(link, timeout=30).status_code == 404
