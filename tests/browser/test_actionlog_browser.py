"""Actions between meetings in a real browser: the secretary raises one from the log, a member comments
on it; and on the minutes page "mark everyone not recorded present" saves, as a reload shows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Action, Attendance, Membership
from tests.browser.signin import sign_in
from tests.demodb import load_demo
from tests.factories import make_meeting

pytestmark = pytest.mark.browser

TITLE = "Publish the storm callout rota to the call centre"


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def test_secretary_raises_an_action_from_the_log_and_a_member_comments(demo, page, session):
    log = f"/councils/{demo.id}/actions"
    sign_in(page, "secretary@example.com", log)
    # Open actions lead, the overdue ones first.
    first_row = page.locator('table[data-log="open"] tbody tr').first
    expect(first_row).to_have_class("overdue")

    page.get_by_text("Raise an action").click()
    form = page.locator("form.raise-form")
    # Forgetting the title: the form comes back with what was typed and says which field.
    form.get_by_label("Description").fill("Rota, phone tree and\nthe standby list.")
    form.locator("select[name=owner_id]").select_option(label="Tom Hughes (Field Engineering)")
    form.get_by_role("button", name="Raise action").click()
    expect(page.locator("#raise-error")).to_contain_text("Title")
    expect(form.get_by_label("Description")).to_have_value("Rota, phone tree and\nthe standby list.")
    expect(form.locator("select[name=owner_id]")).to_have_value(str(_seat(session, demo, "field@example.com")))
    # The due date starts at the next meeting's date.
    expect(form.get_by_label("Due date")).to_have_value((date.today() + timedelta(days=14)).isoformat())

    form.get_by_label("Title").fill(TITLE)
    form.get_by_role("button", name="Raise action").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Action raised: “{TITLE}”, owned by Tom Hughes")
    expect(page.locator('table[data-log="open"]').get_by_role("link", name=TITLE)).to_be_visible()
    session.expire_all()
    action = session.exec(select(Action).where(Action.title == TITLE)).one()
    assert action.description == "Rota, phone tree and\nthe standby list."

    # A member of the council comments on it from the action's page.
    page.context.clear_cookies()
    sign_in(page, "callcentre@example.com", f"/actions/{action.id}")
    page.get_by_label("Add a comment").fill("We will read it out on the storm line.")
    page.get_by_role("button", name="Add comment").click()
    comments = page.locator("#comments")
    expect(comments.get_by_text("We will read it out on the storm line.")).to_be_visible()
    expect(comments.get_by_text("Priya Shah")).to_be_visible()
    expect(page.locator(".history").get_by_text("commented")).to_be_visible()


def _seat(session, council, email: str) -> int:
    from app.models import User

    user = session.exec(select(User).where(User.email == email)).one()
    return session.exec(
        select(Membership.id).where(Membership.council_id == council.id, Membership.user_id == user.id)
    ).one()


def test_mark_everyone_not_recorded_present_saves(demo, page, session):
    meeting = make_meeting(
        session, council=demo, scheduled_at=datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)
    )
    session.commit()
    minutes = f"/meetings/{meeting.id}/minutes"
    sign_in(page, "secretary@example.com", minutes)
    attendance = page.locator("#attendance")
    attendance.get_by_label("Attendance of Ben Lewis").select_option("apologies")
    # A change not yet saved says so.
    expect(page.locator("#attendance-state")).to_have_text("Not saved yet: press Save attendance.")
    attendance.get_by_role("button", name="Mark everyone not recorded present and save").click()
    expect(page.get_by_role("status").first).to_contain_text("were marked present. Attendance saved.")

    page.reload()
    attendance = page.locator("#attendance")
    expect(attendance.get_by_label("Attendance of Ben Lewis")).to_have_value("apologies")
    expect(attendance.get_by_label("Attendance of Helen Carter")).to_have_value("present")
    expect(attendance.get_by_label("Attendance of Priya Shah")).to_have_value("present")
    expect(attendance.get_by_role("button", name="Mark everyone not recorded present and save")).to_have_count(0)
    session.expire_all()
    recorded = session.exec(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    assert len(recorded) == 7 and sum(a.status == "present" for a in recorded) == 6
