"""Action owners report progress in a real browser; a stale tab is told, and keeps what it typed."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Action, ActionEvent
from tests.browser.shots import shoot
from tests.browser.signin import sign_in
from tests.demodb import load_demo

pytestmark = pytest.mark.browser

REPORT = "Report repeat-visit rate by root cause for the next council"
CONFLICT = "Someone else updated this action since you opened it"


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def action_titled(session, title: str) -> Action:
    session.expire_all()
    return session.exec(select(Action).where(Action.title == title)).one()


def test_member_closes_an_action_from_my_actions_and_sees_it_in_history(demo, page, session):
    action = action_titled(session, REPORT)
    sign_in(page, "field@example.com")
    page.get_by_role("link", name="My actions").click()
    page.wait_for_url("**/actions")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    row = page.locator(f"#action-{action.id}")
    row.get_by_label("Status").select_option("done")
    row.get_by_label("Progress note").fill("Rates by root cause are in the pack for meeting 3.")
    row.get_by_role("button", name="Save update").click()
    assert page.get_by_role("status").inner_text() == "Saved."
    # Back where the form was, with the action now done.
    expect(page.locator(f"#action-{action.id} .tag.status-done")).to_be_visible()

    page.locator(f"#action-{action.id}").get_by_role("link", name=REPORT).click()
    page.wait_for_url(f"**/actions/{action.id}")
    history = page.locator(".history")
    expect(history.get_by_text("Rates by root cause are in the pack for meeting 3.")).to_be_visible()
    expect(page.locator(".history > li").last.get_by_text("Done", exact=True)).to_be_visible()
    saved = action_titled(session, REPORT)
    assert (saved.status, saved.percent_complete) == ("done", 100)


def test_a_stale_tab_is_told_keeps_its_note_and_saves_on_the_second_try(demo, browser_context, session):
    action = action_titled(session, REPORT)
    first = browser_context.new_page()
    sign_in(first, "field@example.com")
    second = browser_context.new_page()  # the same browser: signed in too
    for tab in (first, second):
        tab.goto(f"/actions/{action.id}")

    first.get_by_label("% complete").fill("50")
    first.get_by_role("button", name="Save update").click()
    assert first.get_by_role("status").inner_text() == "Saved."

    typed = "Depot data arrives Friday;\nI will chase it on Monday."
    second.get_by_label("Status").select_option("in_progress")
    second.get_by_label("Progress note").fill(typed)
    second.get_by_role("button", name="Save update").click()
    assert CONFLICT in second.get_by_role("alert").inner_text()
    # Nothing was lost: the note and the chosen status are still in the form, over the newer state.
    assert second.get_by_label("Progress note").input_value() == typed
    assert second.get_by_label("Status").input_value() == "in_progress"
    assert second.get_by_label("% complete").input_value() == "50"
    assert action_titled(session, REPORT).status == "open"

    second.get_by_role("button", name="Save again").click()
    assert second.get_by_role("status").inner_text() == "Saved."
    expect(second.locator(".history").get_by_text("Depot data arrives Friday;")).to_be_visible()
    saved = action_titled(session, REPORT)
    assert (saved.status, saved.percent_complete, saved.version) == ("in_progress", 50, 3)
    notes = session.exec(select(ActionEvent.note).where(ActionEvent.action_id == action.id)).all()
    assert typed in notes


def test_action_pages_on_a_laptop_and_a_phone(demo, browser_context, session):
    """Screenshots for a person to look at (SHOTS_DIR keeps them); no page may scroll sideways."""
    action = action_titled(session, REPORT)
    page = browser_context.new_page()
    sign_in(page, "field@example.com")
    stale = browser_context.new_page()
    stale.goto(f"/actions/{action.id}")
    page.goto(f"/actions/{action.id}")
    page.get_by_label("% complete").fill("30")
    page.get_by_label("Progress note").fill("First cut of the numbers shared with the call centre.")
    page.get_by_role("button", name="Save update").click()
    stale.get_by_label("Status").select_option("blocked")
    stale.get_by_label("Progress note").fill("Waiting for the depot's visit codes.")
    stale.get_by_role("button", name="Save update").click()
    assert CONFLICT in stale.get_by_role("alert").inner_text()

    def look(tab, name: str, width: int) -> None:
        tab.set_viewport_size({"width": width, "height": 900})
        shoot(tab, f"{name}-{width}.png")
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"

    views = {"my-actions": "/actions", "log": f"/councils/{demo.id}/actions", "action": f"/actions/{action.id}"}
    for width in (1280, 390):
        for name, path in views.items():
            page.goto(path)
            look(page, name, width)
        look(stale, "conflict", width)
