"""The chair moves one meeting and cancels another from the pages; the council page lists both as they now are."""

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.demo.council import DEMO_PASSWORD
from app.models import Meeting
from tests.demodb import load_demo
from tests.factories import make_meeting

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    start = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=60)
    make_meeting(session, council=council, scheduled_at=start, title="Summer council", location="Leeds HQ")
    session.commit()
    return council


def test_chair_moves_one_meeting_and_cancels_another(demo, page, session):
    page.goto(f"/login?next=/councils/{demo.id}")
    page.get_by_label("Email").fill("chair@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/councils/{demo.id}")

    # Move meeting 3 a week later, to 14:30, and rename it.
    page.get_by_role("link", name="Reschedule, rename or cancel meeting 3").click()
    page.wait_for_url("**/meetings/*/agenda#meeting-h")
    page.get_by_text("Reschedule or rename").click()
    third = session.exec(select(Meeting).where(Meeting.council_id == demo.id, Meeting.number == 3)).one()
    new_day = (third.scheduled_at + timedelta(days=7)).date()
    page.get_by_label("Starts").fill(f"{new_day.isoformat()}T14:30")
    page.get_by_label("Title").fill("Quarterly council (moved)")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting saved")
    expect(page.locator("h1")).to_contain_text("Quarterly council (moved)")
    session.expire_all()
    moved = session.get(Meeting, third.id)
    assert moved.scheduled_at.date() == new_day and moved.title == "Quarterly council (moved)"

    # Cancel the summer meeting with a reason (its number follows the demo cadence's meetings).
    summer_number = session.exec(select(Meeting.number).where(Meeting.title == "Summer council")).one()
    page.goto(f"/councils/{demo.id}")
    page.get_by_role("link", name=f"Reschedule, rename or cancel meeting {summer_number}").click()
    page.get_by_text("Cancel this meeting").click()
    page.get_by_label("Reason (optional, shown in the history)").fill("Too many members on leave")
    page.get_by_role("button", name=f"Cancel meeting {summer_number}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Meeting {summer_number} cancelled")
    expect(page.get_by_text("Reason: Too many members on leave")).to_be_visible()
    expect(page.get_by_role("button", name=f"Reinstate meeting {summer_number}")).to_be_visible()

    # The council page still lists it, marked cancelled, with its reason; meeting 3 shows its new time.
    page.goto(f"/councils/{demo.id}")
    summer = page.locator("#meetings-h + ul li.meeting").filter(has_text="Summer council")
    expect(summer.locator(".tag")).to_have_text("Cancelled")
    expect(summer).to_contain_text("Too many members on leave")
    third_row = page.locator("#meetings-h + ul li.meeting").filter(has_text="Quarterly council (moved)")
    expect(third_row).to_contain_text("14:30")
