"""A member answers the next meeting's invitation from their home page (apologies with a reason) and
sees it on the agenda: in the apologies, and in the quorum forecast."""

import os
from datetime import date

import pytest
from playwright.sync_api import expect

from app.demo.council import DEMO_PASSWORD
from tests.demodb import load_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def test_a_member_sends_apologies_from_the_home_page(demo, page):
    page.goto("/login")
    page.get_by_label("Email").fill("billing@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")
    expect(page.get_by_role("heading", name="My next meetings")).to_be_visible()
    expect(page.get_by_role("heading", name="Reports my department owes")).to_be_visible()
    meeting = page.locator("li.home-meeting").first
    expect(meeting.get_by_text("You have not answered yet.")).to_be_visible()
    shots = os.environ.get("CXC_SHOTS")  # screenshots for a person to look at, when asked for
    if shots:
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{shots}/home-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})

    meeting.get_by_text("Send apologies").first.click()
    meeting.get_by_label("Reason").fill("Quarter-end billing run")
    meeting.get_by_role("button", name="Send apologies").click()
    expect(page.get_by_role("status")).to_contain_text("Apologies sent")
    meeting = page.locator("li.home-meeting").first
    expect(meeting.locator(".your-answer")).to_contain_text("Apologies")
    expect(meeting.locator(".your-answer")).to_contain_text("Quarter-end billing run")

    meeting.get_by_role("link").first.click()
    page.wait_for_url("**/meetings/*/agenda")
    people = page.locator("section[aria-labelledby=people-h]")
    expect(people.locator("ul.people .apology-note", has_text="Quarter-end billing run")).to_be_visible()
    # Seven voting seats; Digital and now Billing sent apologies: 5 expected, one of them by delegate.
    expect(page.locator("#forecast")).to_contain_text("On the answers so far, 5 of 7 seats expected (1 by delegate)")
    expect(people.get_by_text("Jo Evans (ContactPlus team lead)")).to_be_visible()
    if shots:
        page.locator("#people-h").scroll_into_view_if_needed()
        page.screenshot(path=f"{shots}/agenda-people-1366.png", full_page=False)
