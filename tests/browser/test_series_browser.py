"""A chair sets the council's cadence in plain words, previews it, saves it and sees the meetings created."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Meeting
from tests.browser.shots import shoot
from tests.factories import PASSWORD, make_council, make_user

pytestmark = pytest.mark.browser


def test_a_chair_sets_the_cadence_and_sees_the_meetings(session, browser_context):
    chair = make_user(session)
    council = make_council(session, chair=chair, timezone="Europe/London")
    session.commit()
    page = browser_context.new_page()
    page.goto(f"/login?next=/councils/{council.id}")
    page.get_by_label("Email").fill(chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/councils/{council.id}")
    page.get_by_role("link", name="Cadence: how this council meets month to month").click()
    expect(page.get_by_role("heading", name="Set a cadence")).to_be_visible()

    page.get_by_label("Every month on the").check()
    page.get_by_label("Which week of the month").select_option("last")
    page.get_by_label("Day of the week (monthly)").select_option("Friday")
    page.get_by_label("First date").fill((date.today() + timedelta(days=1)).isoformat())
    page.get_by_label("Starts (Europe/London)").fill("14:30")
    page.get_by_label("Minutes").fill("90")
    page.get_by_label("Location").fill("Board room")
    page.get_by_role("button", name="Preview dates").click()
    preview = page.get_by_test_id("cadence-preview")
    expect(preview).to_contain_text("Meets on the last Friday of every month, 14:30–16:00 Europe/London")
    expect(preview.locator("li")).to_have_count(6)
    assert session.exec(select(Meeting).where(Meeting.council_id == council.id)).first() is None, (
        "preview saves nothing"
    )
    shoot(page, "cadence-preview-1366.png")

    page.get_by_role("button", name="Save cadence").click()
    expect(page.get_by_role("status")).to_contain_text("Cadence saved. Meetings 1, 2, 3, 4, 5, 6 created.")
    expect(page.get_by_test_id("cadence-words")).to_have_text(
        "Meets on the last Friday of every month, 14:30–16:00 Europe/London"
    )
    expect(page.get_by_test_id("cadence-dates").locator("li")).to_have_count(12)
    # Skip the first date not created yet: it shows as skipped, nothing else changes.
    page.get_by_role("button", name="Skip").first.click()
    expect(page.get_by_role("status")).to_contain_text("the rest of the cadence is unchanged")
    expect(page.get_by_role("button", name="Meet after all")).to_have_count(1)
    shoot(page, "cadence-1366.png")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "cadence-390.png")

    page.get_by_role("link", name=council.name).click()
    expect(page.locator("#meetings-h + ul li")).to_have_count(6)
    expect(page.locator("#meetings-h + ul").get_by_role("link", name="cadence")).to_have_count(6)
    shoot(page, "council-cadence-390.png")
    meetings = session.exec(select(Meeting).where(Meeting.council_id == council.id)).all()
    assert len(meetings) == 6 and all(m.series_id and m.location == "Board room" for m in meetings)
    assert {m.scheduled_at.astimezone(m.scheduled_at.tzinfo).weekday() for m in meetings} == {4}
