"""A chair sets the council's cadence in plain words, previews it, saves it and sees the meetings created."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Meeting
from tests.factories import PASSWORD, make_council, make_user

pytestmark = pytest.mark.browser


def test_a_chair_sets_the_cadence_and_sees_the_meetings(session, browser_context, tmp_path):
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
    shots = Path(os.environ.get("SHOTS_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "cadence-preview-1366.png"), full_page=True)

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
    page.screenshot(path=str(shots / "cadence-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(shots / "cadence-390.png"), full_page=True)

    page.get_by_role("link", name=council.name).click()
    expect(page.locator("#meetings-h + ul li")).to_have_count(6)
    expect(page.locator("#meetings-h + ul").get_by_role("link", name="cadence")).to_have_count(6)
    page.screenshot(path=str(shots / "council-cadence-390.png"), full_page=True)
    meetings = session.exec(select(Meeting).where(Meeting.council_id == council.id)).all()
    assert len(meetings) == 6 and all(m.series_id and m.location == "Board room" for m in meetings)
    assert {m.scheduled_at.astimezone(m.scheduled_at.tzinfo).weekday() for m in meetings} == {4}
