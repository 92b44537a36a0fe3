"""Initiatives, priorities, department reports and the scorecard in a real browser, on the demo council."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Initiative
from tests.browser.shots import shoot
from tests.browser.signin import sign_in
from tests.initiatives.test_initiative_pages import load_everything

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    return load_everything(session, date.today())


def test_a_member_proposes_and_the_chair_approves(demo, browser_context, session):
    member = browser_context.new_page()
    sign_in(member, "billing@example.com", f"/councils/{demo.council.id}/initiatives")
    member.get_by_label("Title").fill("Choose your direct debit date")
    member.get_by_label("Contacts or visits avoided a year").fill("4000")
    member.get_by_label("Cost of each (£)").fill("3")
    member.get_by_label("Cost to put in place (£)").fill("6000")
    member.get_by_label("Customer impact").select_option("3")
    member.get_by_label("Billing").check()
    member.get_by_role("button", name="Propose").click()
    assert "proposed" in member.get_by_role("status").inner_text()
    expect(member.get_by_text("£12,000 a year").first).to_be_visible()
    assert member.get_by_role("button", name="Approve").count() == 0  # the chair's

    proposal = session.exec(select(Initiative).where(Initiative.title == "Choose your direct debit date")).one()
    browser_context.clear_cookies()
    chair = browser_context.new_page()
    sign_in(chair, "chair@example.com", f"/councils/{demo.council.id}/priorities")
    expect(chair.get_by_role("link", name="Choose your direct debit date")).to_be_visible()
    chair.get_by_role("link", name="Choose your direct debit date").click()
    chair.get_by_role("button", name="Approve").click()
    assert chair.get_by_role("status").inner_text() == "Now approved."
    session.expire_all()
    assert session.get(Initiative, proposal.id).status == "approved"


def test_pages_on_a_laptop_and_a_phone(demo, browser_context):
    """Screenshots for a person to look at (SHOTS_DIR keeps them); no page may scroll sideways."""
    checklist = demo.created["initiatives"]["Fault-diagnosis checklist on every call"]
    upcoming = demo.meetings[2]
    page = browser_context.new_page()
    sign_in(page, "chair@example.com", f"/councils/{demo.council.id}/initiatives")
    views = {
        "initiatives": f"/councils/{demo.council.id}/initiatives",
        "initiative": f"/initiatives/{checklist.id}",
        "priorities": f"/councils/{demo.council.id}/priorities",
        "reports": f"/meetings/{upcoming.id}/reports",
        "scorecard": f"/councils/{demo.council.id}/scorecard",
    }
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in views.items():
            page.goto(path)
            if name == "priorities":
                page.locator(".ranking details summary").first.click()
            shoot(page, f"{name}-{width}.png")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} at {width}px scrolls sideways by {overflow}px"
    # A member's view of the reports: their own department's form first.
    browser_context.clear_cookies()
    member = browser_context.new_page()
    sign_in(member, "supplier@example.com", views["reports"])
    for width in (1280, 390):
        member.set_viewport_size({"width": width, "height": 900})
        member.goto(views["reports"])
        shoot(member, f"reports-member-{width}.png")
