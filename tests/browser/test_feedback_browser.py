"""The chair imports a survey export, accepts a suggested theme and reads the comments behind it, in a real browser.

Screenshots (1280 and 390 wide) land in $SHOTS_DIR when it is set, for a person to look at.
"""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Theme
from tests.browser.signin import sign_in
from tests.demodb import load_demo

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def shoot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / name), full_page=True)


def test_chair_imports_accepts_a_suggestion_and_reads_its_comments(demo, page, session):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    path = f"/councils/{demo.id}/feedback"
    sign_in(page, "chair@example.com", path)
    expect(page.get_by_role("heading", name="Customer feedback")).to_be_visible()
    top = page.locator("table.themes tbody tr")
    assert top.count() >= 3
    assert "falling" in top.filter(has_text="Repeat engineer visit").inner_text()
    assert "rising" in top.filter(has_text="Billing estimate").inner_text()

    survey = (
        "response_id,responded_on,department,goal_rating,helped,hindered,comment\n"
        f"WEB-1,{yesterday},Billing,2,,Passed between departments and nobody called back,Ring me on 07700 900123\n"
        f"WEB-2,{yesterday},Call Centre,4,Quick answer,,\n"
    )
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "survey.csv", "mimeType": "text/csv", "buffer": survey.encode("utf-8")}]
    )
    page.get_by_role("button", name="Import feedback").click()
    assert page.get_by_role("status").inner_text().startswith("Imported survey.csv: 2 new responses.")
    expect(page.get_by_text("Ring me on [phone]").first).to_be_visible()

    page.get_by_role("link", name="Suggest themes from unmatched comments").click()
    suggestion = page.locator("#suggestions .suggestion").first
    suggestion.wait_for()
    assert suggestion.locator("blockquote").count() >= 1
    shoot(page, "feedback-suggestions-1280.png")
    name = suggestion.get_by_label("Name").input_value()
    suggestion.get_by_role("button", name=f"Accept “{name}”").click()

    page.wait_for_url("**theme_id=*")
    assert "added" in page.get_by_role("status").inner_text()
    comments = page.locator("#comments ol.comments > li")
    assert comments.count() >= 1
    for i in range(comments.count()):
        assert name in comments.nth(i).locator(".tags").inner_text()
    session.expire_all()
    assert session.exec(select(Theme).where(Theme.council_id == demo.id, Theme.name == name)).one()
    shoot(page, "feedback-comments-1280.png")


def test_the_feedback_page_on_a_phone(demo, browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "chair@example.com", f"/councils/{demo.id}/feedback")
        row = page.locator("table.themes tbody tr").first
        # The themes table stacks into labelled cards, its bars still drawn.
        assert page.locator("table.themes thead").is_hidden()
        assert row.locator("svg.bars rect").count() == 12
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways ({width}px)"
        shoot(page, "feedback-390.png")
    finally:
        context.close()
