"""The chair reorders the demo council's agenda template with the up button, gives best practice no time and
adds a standing item; the next agenda follows."""

from datetime import date

from playwright.sync_api import expect
from sqlmodel import select

from app.demo.council import DEMO_PASSWORD
from app.models import Meeting
from tests.demodb import load_demo


def test_chair_reorders_the_template_and_the_agenda_follows(page, session):
    council = load_demo(session=session, today=date.today())
    upcoming = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    session.commit()
    page.goto(f"/login?next=/councils/{council.id}")
    page.get_by_label("Email").fill("chair@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/councils/{council.id}")

    page.get_by_role("link", name="Agenda template").click()
    rows = page.locator("table.template-order tbody tr")
    expect(rows.nth(8)).to_contain_text("Journey owner spotlight")
    page.get_by_role("button", name="Move Journey owner spotlight up").click()
    expect(page.locator(".flash").first).to_contain_text("“Journey owner spotlight” moved up.")
    expect(rows.nth(7)).to_contain_text("Journey owner spotlight")

    page.get_by_label("Minutes for Sharing best practice").fill("0")
    page.get_by_role("button", name="Save minutes").click()
    expect(page.locator(".flash").first).to_contain_text("Minutes saved")
    expect(rows.nth(3)).to_contain_text("Not taken")

    page.get_by_text("Add a standing item").click()
    form = page.locator("form[action$='/standing-items']")
    form.get_by_label("Title").fill("Supplier spotlight")
    form.get_by_label("Led by").select_option(label="Marta Kowalski (ContactPlus (outsourced contact centre))")
    form.get_by_role("button", name="Add standing item").click()
    expect(page.locator(".flash").first).to_contain_text("Standing item “Supplier spotlight” added")

    page.goto(f"/meetings/{upcoming.id}/agenda")
    order = page.locator("table.running-order tbody tr")
    expect(order.nth(6)).to_contain_text("Journey owner spotlight")
    expect(order.nth(8)).to_contain_text("Supplier spotlight")
    expect(page.locator("p.not-taken")).to_contain_text("Sharing best practice")
    expect(page.locator("section#aob")).to_contain_text("carried from Meeting 2")
