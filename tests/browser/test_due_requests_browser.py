"""The chair approves or refuses an owner's due-date change in one click from the home page; the action page
shows a change still waiting, and the history shows the decision."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.demo.actions import DUE_REQUEST
from app.models import Action, ActionDueRequest, OutboxMessage
from tests.browser.signin import sign_in
from tests.demodb import load_demo

pytestmark = pytest.mark.browser

_, TITLE, _, REASON, _ = DUE_REQUEST


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def _action(session) -> Action:
    session.expire_all()
    return session.exec(select(Action).where(Action.title == TITLE)).one()


def _short(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def test_the_chair_approves_from_home_and_the_history_shows_it(demo, page, session):
    action = _action(session)
    was = action.due_on
    asked = session.exec(select(ActionDueRequest).where(ActionDueRequest.action_id == action.id)).one()

    sign_in(page, "digital@example.com", f"/actions/{action.id}")
    notice = page.locator("#pending-due")
    expect(notice.get_by_role("heading")).to_have_text(
        f"Due date change to {_short(asked.to_date)} waiting for the chair's approval"
    )
    expect(notice).to_contain_text(REASON)
    expect(notice.get_by_role("button", name="Approve")).to_have_count(0)  # the owner cannot decide
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "chair@example.com", "/home")
    waiting = page.locator("#waiting")
    expect(waiting.get_by_role("heading")).to_contain_text("Waiting for you")
    row = waiting.locator(f"#due-request-{asked.id}")
    expect(row).to_contain_text(f"Ben Lewis asks to move it from {_short(was)} to {_short(asked.to_date)}")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text(f"is now due {_short(asked.to_date)}; the owner is told")
    expect(page.locator("#waiting")).to_have_count(0)
    assert _action(session).due_on == asked.to_date

    page.goto(f"/actions/{action.id}")
    expect(page.locator("#pending-due")).to_have_count(0)
    last = page.locator(".history > li").last
    expect(last).to_contain_text("Helen Carter")
    expect(last).to_contain_text("Due date change approved")
    session.expire_all()
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "due_move_decided")).one()
    assert mail.recipient == "digital@example.com"


def test_the_chair_refuses_with_a_note_from_the_action_page(demo, page, session):
    action = _action(session)
    was = action.due_on
    sign_in(page, "chair@example.com", f"/actions/{action.id}")
    notice = page.locator("#pending-due")
    notice.get_by_placeholder("Why refuse? (optional)").fill("The regulator expects it this month.")
    notice.get_by_role("button", name="Refuse").click()
    expect(page.get_by_role("status")).to_contain_text(f"stays due {_short(was)}")
    expect(page.locator("#pending-due")).to_have_count(0)
    last = page.locator(".history > li").last
    expect(last).to_contain_text("Due date change refused")
    expect(last).to_contain_text("The regulator expects it this month.")
    assert _action(session).due_on == was


def test_an_owner_asking_in_the_form_is_told_it_waits(demo, page, session):
    action = session.exec(select(Action).where(Action.title.startswith("Report repeat-visit rate"))).one()
    later = action.due_on + timedelta(days=7)
    sign_in(page, "field@example.com", f"/actions/{action.id}")
    page.get_by_label("Due date").fill(later.isoformat())
    page.get_by_label("Progress note").fill("The depot data comes a week late.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("status")).to_contain_text("waits for the chair's approval")
    expect(page.locator("#pending-due h2")).to_have_text(
        f"Due date change to {_short(later)} waiting for the chair's approval"
    )
    session.expire_all()
    assert session.get(Action, action.id).due_on == action.due_on
