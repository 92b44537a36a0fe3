"""A member follows the link in the circulation mail (delivered to a real SMTP server), signs in and proposes a
correction; the secretary accepts it, and the item's notes read as corrected."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.db import make_engine
from app.demo.council import DEMO_PASSWORD, load_demo
from app.models import Meeting
from app.outbox.deliver import deliver_all

pytestmark = pytest.mark.browser

CORRECTED = "The council reviewed the arrival-window pilot: customers who got an SMS window called 35% less."


@pytest.fixture
def held(session):
    """The demo's meeting 2: held three weeks ago, its minutes circulated yesterday."""
    council = load_demo(session=session, today=date.today())
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 2)).one()
    session.commit()
    return meeting


def sign_in(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def flash(page) -> str:
    return page.get_by_role("status").first.inner_text()


def test_a_member_proposes_a_correction_from_the_mail_and_the_secretary_accepts_it(
    held, page, browser, live_server, settings, inbox
):
    minutes_url = f"/meetings/{held.id}/minutes"
    page.on("dialog", lambda dialog: dialog.accept())

    # The secretary circulates the minutes again, by mail: the window restarts.
    page.goto(f"/login?next={minutes_url}")
    sign_in(page, "secretary@example.com")
    page.wait_for_url(f"**{minutes_url}")
    page.get_by_label("Email the attendees the Word minutes").check()
    # Building the Word minutes with their trend charts takes a few seconds on a busy machine.
    page.get_by_role("button", name="Circulate again").click(timeout=90_000)
    page.wait_for_url(f"**{minutes_url}")
    assert "Mail queued for" in flash(page)

    # The deliverer sends it to the real SMTP server; Aisha (Billing) attended and gets one.
    delivering = settings.model_copy(update={"SMTP_URL": inbox.url, "BASE_URL": live_server})
    engine = make_engine(settings.DATABASE_URL)
    try:
        deliver_all(engine, delivering)
    finally:
        engine.dispose()
    [mail] = inbox.to("billing@example.com")
    text = mail.get_body(("plain",)).get_content()
    assert "Corrections until" in text
    link = re.search(r"Read them and propose a correction:\s+(\S+)", text).group(1)
    assert link == f"{live_server}{minutes_url}#corrections"

    # Aisha opens the link in her own browser, signs in, and lands on the minutes.
    member_context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/London")
    member_context.set_default_timeout(10_000)
    try:
        member = member_context.new_page()
        member.goto(link)
        sign_in(member, "billing@example.com")
        member.wait_for_url(f"**{minutes_url}**")
        expect(member.locator("#corrections")).to_contain_text("Open until the end of")
        item5 = member.locator("#item-5")
        item5.get_by_text("Propose a correction to item").click()
        wording = item5.get_by_label("The notes as they should read")
        expect(wording).to_have_value(re.compile("called 30% less"))
        wording.fill(CORRECTED)
        item5.get_by_label("Why").fill("The pilot's report says 35%.")
        item5.get_by_role("button", name="Propose correction").click()
        member.wait_for_url(re.compile(r".*#correction-\d+$"))
        assert flash(member).startswith("Correction proposed.")
        entry = member.locator("li.correction.status-proposed", has_text="35% less")
        expect(entry).to_contain_text("Aisha Rahman")
        expect(entry).to_contain_text("Waiting for the secretary's decision.")
        correction_id = entry.get_attribute("id")
    finally:
        member_context.close()

    # The secretary accepts it with a note; the notes now read as corrected.
    page.reload()  # still on the minutes since circulating: read them as they are now
    entry = page.locator(f"#{correction_id}")
    entry.get_by_label("Note to Aisha Rahman").fill("Checked against the pilot report.")
    entry.get_by_role("button", name="Accept").click()
    page.wait_for_url(f"**{minutes_url}#{correction_id}")
    assert flash(page).startswith("Correction accepted and written into the notes.")
    expect(page.locator(f"#{correction_id}")).to_contain_text("Accepted by Sam Patel")
    expect(page.locator(f"#{correction_id}")).to_contain_text("Checked against the pilot report.")
    expect(page.locator("#notes-5")).to_have_value(CORRECTED)
