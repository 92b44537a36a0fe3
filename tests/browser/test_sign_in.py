"""A person signs in with a real browser and finds the demo council."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.demo.council import DEMO_PASSWORD
from tests.browser.shots import shoot
from tests.demodb import load_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def test_chair_signs_in_and_sees_the_demo_council(demo, page):
    page.goto("/")
    page.get_by_label("Email").fill("chair@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")
    page.get_by_role("link", name=demo.name).first.click()
    page.wait_for_url(f"**/councils/{demo.id}")
    expect(page.get_by_role("heading", name=demo.name)).to_be_visible()
    for text in ["Field Engineering", "outsourced supplier", "Upcoming meetings", "days overdue"]:
        expect(page.get_by_text(text).first, text).to_be_visible()
    # Overdue actions are highlighted, not just listed.
    assert page.locator("tr.overdue").count() >= 2
    shoot(page, "council.png")


def test_wrong_password_is_explained_and_then_sign_in_works(demo, page):
    page.goto("/")
    page.get_by_label("Email").fill("field@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Incorrect email or password."
    # The email is kept so only the password needs retyping.
    assert page.get_by_label("Email").input_value() == "field@example.com"
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")  # signing in lands on the home page; the councils are one click away
    page.get_by_role("link", name="My councils", exact=True).click()
    page.wait_for_url("**/councils")
    expect(page.get_by_text("You are member")).to_be_visible()


def test_chair_adds_a_department_from_the_council_page(demo, page):
    page.goto(f"/login?next=/councils/{demo.id}")
    page.get_by_label("Email").fill("chair@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Add a department").click()
    page.get_by_label("Department name").fill("Compliance")
    page.get_by_role("button", name="Add department").click()
    assert page.get_by_role("status").inner_text() == "Department “Compliance” added."
    expect(page.locator("[aria-labelledby=departments-h] ul").get_by_text("Compliance")).to_be_visible()
