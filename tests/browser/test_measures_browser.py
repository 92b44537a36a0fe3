"""The chair imports readings through the measures page in a real browser and sees the chart move."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import func, select

from app.demo.council import DEMO_PASSWORD
from app.demo.measures import load_measures_demo
from app.measures.figures import add_months
from app.models import Department, Measure, Membership, Reading, User
from tests.demodb import load_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    # The demo may already load the measures; add them only when it does not.
    if not session.exec(select(func.count()).select_from(Measure).where(Measure.council_id == council.id)).one():
        seats = {
            user.email: seat
            for seat, user in session.exec(
                select(Membership, User)
                .join(User, User.id == Membership.user_id)
                .where(Membership.council_id == council.id)
            )
        }
        departments = {d.name: d for d in session.exec(select(Department).where(Department.council_id == council.id))}
        load_measures_demo(session=session, council=council, seats=seats, departments=departments, today=date.today())
    session.commit()
    return council


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def choose_file(page, name: str, content: str) -> None:
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode("utf-8")}]
    )


def test_chair_imports_a_csv_and_sees_the_chart(demo, page, session):
    this_month = add_months(date.today(), 0).isoformat()
    sign_in(page, "chair@example.com", f"/councils/{demo.id}/measures")
    expect(page.get_by_role("heading", name="Customer measures")).to_be_visible()
    assert page.locator("table.measures tbody tr").count() >= 8
    assert page.locator("table.measures .tag.status-red").count() >= 2

    # A file with mistakes: every problem listed by row, nothing saved.
    bad = f"measure,period,value\nNet Promoter Score,{this_month},thirty-two\nNPS,{this_month},1\n"
    choose_file(page, "april.csv", bad)
    page.get_by_role("button", name="Import readings").click()
    problems = page.locator("#import-problems")
    expect(problems.get_by_role("heading", name="april.csv was not imported")).to_be_visible()
    assert problems.locator("tbody tr").count() == 2
    expect(problems.get_by_text("'thirty-two' is not a number")).to_be_visible()
    expect(problems.get_by_text("No measure called 'NPS' in this council")).to_be_visible()

    # The corrected file imports.
    choose_file(page, "april.csv", f"measure,period,value,sample_size\nNet Promoter Score,{this_month},34,905\n")
    page.get_by_role("button", name="Import readings").click()
    assert page.get_by_role("status").inner_text() == "Imported april.csv: 1 new reading."
    nps_row = page.locator("table.measures tr", has=page.get_by_role("link", name="Net Promoter Score"))
    assert "34" in nps_row.locator("td[data-label=Latest]").inner_text()

    nps_row.get_by_role("link", name="Net Promoter Score").click()
    page.wait_for_url("**/measures/*")
    chart = page.locator("figure.chart img")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    expect(page.locator("table.readings tbody tr").first.get_by_text("34")).to_be_visible()
    session.expire_all()
    stored = session.exec(select(Reading).where(Reading.period == date.fromisoformat(this_month))).all()
    assert [(r.value, r.sample_size) for r in stored] == [(34.0, 905)]


def test_a_member_records_a_reading_for_their_department_on_a_phone(demo, browser, live_server, session):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        measure = session.exec(select(Measure).where(Measure.name == "Repeat engineer visits")).one()
        sign_in(page, "field@example.com", f"/measures/{measure.id}")
        page.get_by_label("Period").fill(add_months(date.today(), 0).isoformat())
        page.get_by_label("Value").fill("11.1")
        page.get_by_role("button", name="Save reading").click()
        assert "saved" in page.get_by_role("status").inner_text()
        # The readings table stacks into labelled cards on a phone.
        assert page.locator("table.readings thead").is_hidden()
        first = page.locator("table.readings tbody tr").first
        assert first.locator("td[data-label=Value]").evaluate("td => getComputedStyle(td).display") == "block"
        assert first.locator("td[data-label=Value]").inner_text() == "11.1%"
        img = page.locator("figure.chart img")
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img.element_handle())
        assert "compact=true" in img.evaluate("img => img.currentSrc")
    finally:
        context.close()
