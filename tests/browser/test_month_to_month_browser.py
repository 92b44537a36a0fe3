"""Month to month in one walk, as issue 13 tells it: a chair sets the council's cadence, moves one
meeting and cancels another; a member answers the next invitation from their home page and sees
it in the agenda's attendance; the calendar the member downloads says the same."""

import re
from datetime import date, timedelta

import pytest
import vobject
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Meeting
from tests.factories import PASSWORD, make_council, make_department, make_membership, make_user

pytestmark = pytest.mark.browser


def sign_in(page, email: str, lands: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lands)


def test_a_council_runs_month_to_month(session, browser_context):
    chair = make_user(session, name="Helen Carter", email="chair@example.com")
    council = make_council(session, chair=chair, name="Utility council", timezone="Europe/London")
    billing = make_department(session, council=council, name="Billing")
    member = make_user(session, name="Sam Patel", email="sam@example.com")
    make_membership(session, council=council, user=member, department=billing)
    session.commit()
    page = browser_context.new_page()

    # The chair sets the cadence: the last Friday of every month, 14:30 for 90 minutes.
    sign_in(page, chair.email, "**/home")
    page.goto(f"/councils/{council.id}")
    page.get_by_role("link", name="Cadence: how this council meets month to month").click()
    page.get_by_label("Every month on the").check()
    page.get_by_label("Which week of the month").select_option("last")
    page.get_by_label("Day of the week (monthly)").select_option("Friday")
    page.get_by_label("First date").fill((date.today() + timedelta(days=1)).isoformat())
    page.get_by_label("Starts (Europe/London)").fill("14:30")
    page.get_by_label("Minutes").fill("90")
    page.get_by_label("Location").fill("Board room")
    page.get_by_role("button", name="Save cadence").click()
    expect(page.get_by_role("status")).to_contain_text("Meetings 1, 2, 3, 4, 5, 6 created.")

    # Meeting 1 moves to the Thursday before, 10:00; meeting 2 is called off with a reason.
    first = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 1)).one()
    thursday = (first.scheduled_at - timedelta(days=1)).date()
    page.goto(f"/councils/{council.id}")
    page.get_by_role("link", name="Reschedule, rename or cancel meeting 1").click()
    page.get_by_text("Reschedule or rename").click()
    page.get_by_label("Starts").fill(f"{thursday.isoformat()}T10:00")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting saved")
    page.goto(f"/councils/{council.id}")
    page.get_by_role("link", name="Reschedule, rename or cancel meeting 2").click()
    page.get_by_text("Cancel this meeting").click()
    page.get_by_label("Reason (optional, shown in the history)").fill("Clashes with the year-end close")
    page.get_by_role("button", name="Cancel meeting 2").click()
    expect(page.get_by_role("status")).to_contain_text("Meeting 2 cancelled")
    page.goto(f"/councils/{council.id}")
    listed = page.locator("#meetings-h + ul li.meeting")
    expect(listed.filter(has_text="Clashes with the year-end close").locator(".tag")).to_have_text("Cancelled")
    page.get_by_role("button", name="Sign out").click()

    # The member's home page: meeting 1 at its new time first, meeting 2 not among the next meetings.
    sign_in(page, member.email, "**/home")
    mine = page.locator("li.home-meeting")
    expect(mine.first).to_contain_text(thursday.strftime("%-d %b %Y") + ", 10:00")
    expect(page.locator("li.home-meeting .badge")).not_to_contain_text(["#2"])
    mine.first.locator("summary", has_text="Send a delegate").click()
    mine.first.get_by_label("Who attends in your place").fill("Jo Evans")
    mine.first.get_by_role("button", name="Send a delegate").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("li.home-meeting").first.locator(".your-answer")).to_contain_text("Sending a delegate")

    # The agenda's attendance shows the delegate, and the forecast counts the seat.
    page.locator("li.home-meeting").first.get_by_role("link").first.click()
    page.wait_for_url("**/meetings/*/agenda")
    expect(page.locator("section[aria-labelledby=people-h]").get_by_text("Jo Evans", exact=True)).to_be_visible()
    expect(page.locator("#forecast")).to_contain_text("(1 by delegate)")

    # The member's calendar says the same: meeting 1 moved (same UID, later SEQUENCE than at creation),
    # meeting 2 cancelled, the member's seat DELEGATED in the invite.
    invite = page.request.get(f"/api/meetings/{first.id}/invite.ics")
    event = vobject.readOne(invite.text()).vevent
    assert int(event.sequence.value) > 1
    assert event.dtstart.value.strftime("%Y-%m-%d %H:%M") == f"{thursday.isoformat()} 10:00"
    partstat = {a.value.lower(): a.params["PARTSTAT"][0] for a in event.contents["attendee"]}
    assert partstat["mailto:sam@example.com"] == "DELEGATED"
    feed = vobject.readOne(page.request.get(f"/api/councils/{council.id}/calendar.ics").text())
    status = {re.search(r"Meeting (\d+)\)?$", e.summary.value)[1]: e.status.value for e in feed.vevent_list}
    assert (status["1"], status["2"], status["3"]) == ("CONFIRMED", "CANCELLED", "CONFIRMED")
