"""On a phone (390 px) the long pages fold their sections, and the minutes have one decision form and one
action form with "Add another"; on a laptop (1366 px) nothing folds."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.demo.council import DEMO_PASSWORD
from app.models import Action, Decision, Meeting
from tests.demodb import load_demo
from tests.helpers import watch_csp_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
OPEN_ALL = "document.querySelectorAll('details.fold').forEach(d => { d.open = true; })"
PAGE_HEIGHT = "document.documentElement.scrollHeight"


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    # Minuted live: the meeting started an hour ago.
    meeting.scheduled_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    session.add(meeting)
    session.commit()
    return council, meeting


@pytest.fixture
def phone(browser, live_server):
    """A phone: 390 px wide, touch."""
    where = {"base_url": live_server, "locale": "en-GB", "timezone_id": "Europe/London"}
    context = browser.new_context(**where, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    violations = watch_csp_violations(page)
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def closed(page) -> list[str]:
    """The ids of the sections whose fold is closed."""
    return page.eval_on_selector_all("details.fold:not([open])", "folds => folds.map(f => f.closest('section').id)")


def test_the_agenda_folds_its_sections_on_a_phone(demo, phone):
    _, meeting = demo
    agenda = f"/meetings/{meeting.id}/agenda"
    sign_in(phone, "chair@example.com", agenda)
    sections = phone.locator("section.agenda-section")
    count = sections.count()
    assert count >= 9
    expect(phone.locator("section.agenda-section details.fold:not([open])")).to_have_count(count)

    # Folded, the page is a fraction of its length with every section open.
    folded = phone.evaluate(PAGE_HEIGHT)
    phone.evaluate(OPEN_ALL)
    expanded = phone.evaluate(PAGE_HEIGHT)
    assert folded * 3 < expanded, (folded, expanded)

    phone.reload()
    expect(phone.locator("section.agenda-section details.fold:not([open])")).to_have_count(count)
    # Each folded section says what it holds: its time and a count of its rows.
    actions = phone.locator("#actions")
    expect(actions.locator("summary.section-head")).to_contain_text("min")
    expect(actions.locator(".fold-summary")).to_be_visible()
    expect(actions.locator(".fold-summary")).to_contain_text(re.compile(r"\d+ open actions?"))
    expect(actions.locator("table").first).to_be_hidden()

    # Tapping a heading opens its section; the others stay folded.
    actions.locator("summary.section-head").tap()
    expect(actions.locator("details.fold")).to_have_attribute("open", "")
    expect(actions.locator("table").first).to_be_visible()
    expect(actions.locator(".fold-summary")).to_be_hidden()
    assert "department_reports" in closed(phone)

    # The running order's links open the section they name.
    phone.locator(".running-order").get_by_role("link", name="Department reports").click()
    reports = phone.locator("#department_reports")
    expect(reports.locator("details.fold")).to_have_attribute("open", "")
    expect(reports.locator("h2")).to_be_in_viewport()

    # An address naming a section opens that one only (a fresh load: from the address bar or another page).
    phone.goto("/home")
    phone.goto(f"{agenda}#initiatives")
    expect(phone.locator("#initiatives details.fold")).to_have_attribute("open", "")
    expect(phone.locator("#initiatives h2")).to_be_in_viewport()
    assert "initiatives" not in closed(phone) and "actions" in closed(phone)

    # Printing from the phone prints every section; afterwards the folded ones fold again.
    phone.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert closed(phone) == []
    phone.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert "actions" in closed(phone)


def test_nothing_folds_on_a_laptop(demo, page):
    _, meeting = demo
    page.set_viewport_size(LAPTOP)
    sign_in(page, "secretary@example.com", f"/meetings/{meeting.id}/agenda")
    for path in (f"/meetings/{meeting.id}/agenda", f"/meetings/{meeting.id}/minutes"):
        page.goto(path)
        expect(page.locator("details.fold").first).to_be_visible()
        assert page.locator("details.fold").count() >= 9
        assert closed(page) == []
        expect(page.locator(".fold-summary").first).to_be_hidden()
    # Printed, the sections print (print hides the page's other <details>, its forms and disclosures).
    page.goto(f"/meetings/{meeting.id}/agenda")
    page.emulate_media(media="print")
    expect(page.locator("#actions h2")).to_be_visible()
    expect(page.locator("#actions table").first).to_be_visible()


def test_the_minutes_on_a_phone_one_form_each_with_add_another(demo, phone, session):
    _, meeting = demo
    minutes = f"/meetings/{meeting.id}/minutes"
    sign_in(phone, "secretary@example.com", minutes)
    items = phone.locator("section.minutes-item")
    expect(phone.locator("section.minutes-item details.fold:not([open])")).to_have_count(items.count())
    expect(phone.locator("#attendance details.fold")).not_to_have_attribute("open", "")
    # The jump list opens the item it names.
    phone.locator(".jump").get_by_role("link", name="4", exact=True).click()
    expect(phone.locator("#item-4 details.fold")).to_have_attribute("open", "")
    expect(phone.locator("#notes-4")).to_be_visible()
    # Opening an item makes it where the next decision or action goes, until the person picks another.
    phone.locator("#item-6 summary").tap()
    expect(phone.locator("#item-6 details.fold")).to_have_attribute("open", "")
    expect(phone.locator("#decision-1-item")).to_have_value("6")
    expect(phone.locator("#action-1-item")).to_have_value("6")

    # One decision form and one action form for the whole meeting.
    expect(phone.locator("form.decision-form")).to_have_count(1)
    expect(phone.locator("form.action-form")).to_have_count(1)
    expect(phone.get_by_label("What was decided")).to_have_count(1)

    # Two decisions at once, under two items: "Add another" adds a blank row.
    decide = phone.locator("#record-decision")
    decide.get_by_label("What was decided").fill("Keep the diagnosis checklist.")
    decide.get_by_label("Under item").select_option("3")
    decide.get_by_role("button", name="Add another decision").click()
    expect(decide.locator("fieldset.row-set")).to_have_count(2)
    second = decide.locator("fieldset.row-set").nth(1)
    expect(second.get_by_label("What was decided")).to_be_focused()
    expect(second.get_by_label("What was decided")).to_have_value("")
    second.get_by_label("What was decided").fill("Extend the SMS pilot to evenings.")
    second.get_by_label("Under item").select_option("5")
    decide.get_by_role("button", name="Record 2 decisions").click()
    phone.wait_for_url(f"**{minutes}?item=5#record-decision")
    expect(phone.get_by_role("status").first).to_have_text(
        "2 decisions recorded: D1 under item 3, D2 under item 5. Add another below."
    )
    # A fresh single row; the item saved into stays open to show them.
    expect(decide.locator("fieldset.row-set")).to_have_count(1)
    expect(phone.locator("#item-5 details.fold")).to_have_attribute("open", "")
    expect(phone.locator("#item-5 .decisions")).to_contain_text("Extend the SMS pilot to evenings.")

    # Two actions at once; the second row first without an owner: refused, named, and nothing typed is lost.
    act = phone.locator("#raise-action")
    act.get_by_label("Under item").select_option("3")
    act.get_by_label("What needs doing").fill("Share the diagnosis script with ContactPlus")
    act.get_by_label("Owner").select_option(label="Priya Shah (Call Centre)")
    act.get_by_role("button", name="Add another action").click()
    row2 = act.locator("fieldset.row-set").nth(1)
    row2.get_by_label("Under item").select_option("6")
    row2.get_by_label("What needs doing").fill("Send the storm readiness plan")
    act.get_by_role("button", name="Raise 2 actions").click()
    expect(phone.get_by_role("alert").first).to_have_text("Action 2: owner is required.")
    row2 = act.locator("fieldset.row-set").nth(1)
    expect(row2.locator(".row-error")).to_have_text("Action 2: owner is required")
    expect(row2.get_by_label("Owner")).to_be_focused()
    expect(row2.get_by_label("What needs doing")).to_have_value("Send the storm readiness plan")
    expect(row2.get_by_label("Under item")).to_have_value("6")
    row1 = act.locator("fieldset.row-set").nth(0)
    expect(row1.get_by_label("What needs doing")).to_have_value("Share the diagnosis script with ContactPlus")
    session.expire_all()
    assert session.exec(select(Action).where(Action.raised_at_meeting_id == meeting.id)).first() is None

    row2.get_by_label("Owner").select_option(label="Sam Patel")
    act.get_by_role("button", name="Raise 2 actions").click()
    phone.wait_for_url(f"**{minutes}?item=6#raise-action")
    expect(phone.get_by_role("status").first).to_contain_text("2 actions raised")

    session.expire_all()
    recorded = session.exec(select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.number)).all()
    assert [(d.item_number, d.text) for d in recorded] == [
        (3, "Keep the diagnosis checklist."),
        (5, "Extend the SMS pilot to evenings."),
    ]
    raised = session.exec(select(Action).where(Action.raised_at_meeting_id == meeting.id).order_by(Action.id)).all()
    assert [(a.raised_at_item, a.title) for a in raised] == [
        (3, "Share the diagnosis script with ContactPlus"),
        (6, "Send the storm readiness plan"),
    ]


def test_record_a_decision_here_works_without_script(demo, browser, live_server):
    # Without script nothing folds, and the link under an item reloads the page with that item chosen.
    _, meeting = demo
    context = browser.new_context(base_url=live_server, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        minutes = f"/meetings/{meeting.id}/minutes"
        sign_in(page, "secretary@example.com", minutes)
        assert closed(page) == []
        page.locator("#item-7").get_by_role("link", name="Record a decision here").click()
        page.wait_for_url(f"**{minutes}?item=7#record-decision")
        expect(page.locator("#record-decision").get_by_label("Under item")).to_have_value("7")
        expect(page.get_by_role("button", name="Add another decision")).to_be_hidden()
    finally:
        context.close()
