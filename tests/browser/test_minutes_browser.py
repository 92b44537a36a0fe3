"""The secretary minutes the demo's next meeting live (it started an hour ago); the chair approves it
and downloads the Word minutes."""

import io
import re
from datetime import UTC, date, datetime, timedelta

import docx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.demo.council import DEMO_PASSWORD
from app.models import Meeting, MinutesItem
from tests.demodb import load_demo

pytestmark = pytest.mark.browser

NOTES = 'Repeat visits down 8% since the checklist — "good" & <getting> better 🎉\n\nPriya to share the script.'
OFFLINE_NOTES = "Typed while the connection was down: keep me."


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    # Minuted live: the meeting started an hour ago (minutes circulate from a meeting's start).
    meeting.scheduled_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    session.add(meeting)
    session.commit()
    return council, meeting


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def flash(page) -> str:
    return page.get_by_role("status").first.inner_text()


def test_secretary_minutes_the_meeting_and_the_chair_approves_it(demo, page, browser, live_server, session, tmp_path):
    council, meeting = demo
    minutes_url = f"/meetings/{meeting.id}/minutes"
    page.on("dialog", lambda dialog: dialog.accept())

    # The secretary finds the minutes from the council page, through the meeting's agenda.
    sign_in(page, "secretary@example.com", f"/councils/{council.id}")
    page.locator("#meetings-h + ul li.meeting a").first.click()
    page.wait_for_url("**/meetings/*/agenda")
    page.locator(".doc-links").get_by_role("link", name="Minutes", exact=True).click()
    page.wait_for_url(f"**{minutes_url}")
    expect(page.get_by_text("Draft — not yet circulated")).to_be_visible()

    # Attendance starts from the members' answers (the supplier sends a delegate, Digital sent
    # apologies); everyone not recorded is then marked present.
    expect(page.get_by_label("Attendance of Marta Kowalski")).to_have_value("delegate")
    page.get_by_role("button", name="Mark everyone not recorded present and save").click()
    page.wait_for_url(f"**{minutes_url}#attendance")
    said = flash(page)
    assert said.startswith("2 not recorded were marked present. Attendance saved. Quorate: 6 of 7 members present")
    assert page.locator("#quorum").inner_text().startswith("Quorate: 6 of 7")

    # Notes save as they are typed, and are there after a reload.
    notes = page.locator("#notes-3")
    notes.click()
    notes.fill(NOTES)
    expect(page.locator("#save-3")).to_have_text(re.compile(r"^Saved"))
    assert re.fullmatch(r"Saved \d\d:\d\d:\d\d", page.locator("#save-3").inner_text())
    page.reload()
    assert page.locator("#notes-3").input_value() == NOTES
    assert page.locator("#save-3").inner_text().startswith("Saved")

    # The connection drops while typing: the page says so and keeps retrying...
    context = page.context
    context.route("**/autosave", lambda route: route.abort())
    # Offline too: closing the tab sends what it holds with navigator.sendBeacon, which a route
    # does not always catch, and this test is about the copy only the browser kept.
    context.set_offline(True)
    page.locator("#notes-4").fill(OFFLINE_NOTES)
    expect(page.locator("#save-4")).to_have_text(re.compile(r"^Not saved — retrying"))
    # ...the tab is closed before it comes back; reopened, the notes are put back and saved.
    # Closing sends what the tab holds (a save on hiding, navigator.sendBeacon on leaving). The
    # route and the offline switch belong to the page's connection to Playwright, which ends as
    # the tab closes: Chromium delivered a keepalive beacon, and now and then the last save,
    # past both. So both are made to fail here as they would with the network really down.
    page.evaluate(
        "() => { navigator.sendBeacon = () => false;"
        " window.fetch = () => Promise.reject(new TypeError('Failed to fetch')); }"
    )
    page.close()
    session.expire_all()
    assert session.exec(select(MinutesItem).where(MinutesItem.number == 4)).first() is None, "only this browser has it"
    context.unroute("**/autosave")
    context.set_offline(False)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(minutes_url)
    assert page.locator("#notes-4").input_value() == OFFLINE_NOTES
    expect(page.locator("#save-4")).to_have_text(re.compile(r"^Saved"))
    session.expire_all()
    saved = {i.number: i.notes for i in session.exec(select(MinutesItem).where(MinutesItem.meeting_id == meeting.id))}
    assert saved == {3: NOTES, 4: OFFLINE_NOTES}

    # A decision and an action, from the page's one form each: "Record a decision here" under an item
    # chooses the item and moves to the form.
    page.locator("#item-5").get_by_role("link", name="Record a decision here").click()
    record = page.locator("#record-decision")
    expect(record.get_by_label("What was decided")).to_be_focused()
    expect(record.get_by_label("Under item")).to_have_value("5")
    record.get_by_label("What was decided").fill("Extend the SMS arrival-window pilot to evenings.")
    record.get_by_label("What was decided").press("Enter")
    page.wait_for_url(f"**{minutes_url}?item=5#record-decision")
    assert flash(page) == "Decision D1 recorded under item 5. Add another below."
    decisions = " ".join(page.locator("#item-5 .decisions").inner_text().split())
    assert decisions.startswith("D1. Extend the SMS arrival-window pilot to evenings.")
    # Back at the form: a fresh row under the same item, and what was just saved listed above it.
    expect(record.get_by_label("What was decided")).to_have_value("")
    expect(record.get_by_label("Under item")).to_have_value("5")
    expect(record.locator("ul.latest")).to_contain_text("D1 Extend the SMS arrival-window pilot to evenings.")

    page.locator("#item-3").get_by_role("link", name="Raise an action here").click()
    raise_form = page.locator("#raise-action")
    raise_form.get_by_label("What needs doing").fill("Share the new diagnosis script with ContactPlus")
    raise_form.get_by_label("Owner").select_option(label="Priya Shah (Call Centre)")
    raise_form.get_by_role("button", name="Raise action").click()
    page.wait_for_url(f"**{minutes_url}?item=3#raise-action")
    assert flash(page).startswith("Action raised: “Share the new diagnosis script with ContactPlus”")
    raised = page.locator("#item-3 ul.raised").inner_text()
    assert "Share the new diagnosis script with ContactPlus" in raised and "Priya Shah" in raised

    page.get_by_role("button", name="Circulate minutes").click()
    page.wait_for_url(f"**{minutes_url}")
    assert flash(page).startswith("Minutes circulated")
    expect(page.get_by_text("Circulated on")).to_be_visible()
    assert page.get_by_role("button", name="Approve minutes").count() == 0
    assert page.get_by_role("button", name="Approve early").count() == 0

    # The chair, in a browser of her own, approves and takes the Word minutes.
    chair_context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/London")
    chair_context.set_default_timeout(10_000)
    try:
        chair = chair_context.new_page()
        chair.on("dialog", lambda dialog: dialog.accept())
        sign_in(chair, "chair@example.com", minutes_url)
        assert chair.locator("#notes-3").input_value() == NOTES
        # The correction window has just opened: approving now means saying why.
        chair.get_by_label("why?").fill("Everyone present read the notes as they were typed.")
        # Approving builds the Word minutes (with their trend charts) for everyone's mail: seconds on a busy machine.
        chair.get_by_role("button", name="Approve early").click(timeout=90_000)
        chair.wait_for_url(f"**{minutes_url}")
        assert flash(chair) == (
            "Minutes approved. They are final now; corrections are amendments. Everyone on the council is mailed."
        )
        expect(chair.get_by_text("Approved on").first).to_be_visible()
        assert chair.locator("textarea[name=notes]").count() == 0

        with chair.expect_download() as download_info:
            chair.get_by_role("link", name="Download Word minutes").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".docx")
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        content = path.read_bytes()
        assert content[:2] == b"PK"
        document = docx.Document(io.BytesIO(content))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "Approved on" in text and "by Helen Carter" in text and "DRAFT" not in text
        assert "D1. Extend the SMS arrival-window pilot to evenings." in text
        assert "Repeat visits down 8% since the checklist" in text
        cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
        assert "Delegate: Jo Evans (ContactPlus team lead)" in cells

        # Edits are refused from now on, even by a page that still holds a form.
        answer = chair.evaluate(
            """async (url) => {
                const token = document.querySelector("input[name=csrf_token]").value;
                const body = new URLSearchParams({notes: "Too late", csrf_token: token});
                const response = await fetch(url, {method: "POST", body, headers: {"X-CSRF-Token": token}});
                return [response.status, (await response.json()).detail];
            }""",
            f"{minutes_url}/items/3/autosave",
        )
        assert answer[0] == 409 and "approved on" in answer[1]
    finally:
        chair_context.close()

    # The secretary's page, still open on the circulated draft, cannot change them either.
    page.locator("#notes-2").fill("Typed after approval")
    expect(page.locator("#save-2")).to_have_text(re.compile(r"^Not saved"))
    assert "approved" in page.locator("#save-2").inner_text()
    page.reload()
    expect(page.get_by_text("These minutes are final")).to_be_visible()
    assert page.locator("textarea[name=notes]").count() == 0


def stored_notes(session, meeting_id: int, number: int) -> str | None:
    session.expire_all()
    item = session.exec(
        select(MinutesItem).where(MinutesItem.meeting_id == meeting_id, MinutesItem.number == number)
    ).first()
    return item.notes if item else None


def test_two_people_write_one_item_and_the_second_chooses(demo, page, browser, live_server, session):
    """The secretary's view is stale: her save is refused, her text stays, the chair's shows beside it."""
    council, meeting = demo
    minutes_url = f"/meetings/{meeting.id}/minutes"
    sign_in(page, "secretary@example.com", minutes_url)
    chair_context = browser.new_context(base_url=live_server, locale="en-GB", timezone_id="Europe/London")
    chair_context.set_default_timeout(10_000)
    try:
        chair = chair_context.new_page()
        sign_in(chair, "chair@example.com", minutes_url)

        # Both opened item 6 empty; the chair saves first.
        chair.locator("#notes-6").fill("Chair: the pilot goes ahead in March.")
        expect(chair.locator("#save-6")).to_have_text(re.compile(r"^Saved"))
        assert stored_notes(session, meeting.id, 6) == "Chair: the pilot goes ahead in March."

        # The secretary, on her stale page, types: nothing of the chair's is overwritten.
        mine = page.locator("#notes-6")
        mine.click()
        page.keyboard.type("Secretary: pilot agreed")
        panel = page.locator("#conflict-6")
        panel.wait_for(state="visible")
        assert panel.get_attribute("role") == "alert"
        assert page.locator("#theirs-6").input_value() == "Chair: the pilot goes ahead in March."
        assert page.locator("#theirs-6").get_attribute("readonly") is not None
        assert "Helen Carter saved the text below" in panel.inner_text()
        assert page.locator("#save-6").inner_text().startswith("Not saved — someone else saved this item")
        # She keeps typing while she reads theirs: every keystroke stays in her box, none is saved.
        page.keyboard.type(", from March.")
        page.wait_for_timeout(1500)  # past the autosave delay
        assert mine.input_value() == "Secretary: pilot agreed, from March."
        assert stored_notes(session, meeting.id, 6) == "Chair: the pilot goes ahead in March."

        # Keep mine: saved over theirs, with their version.
        page.get_by_role("button", name="Keep mine (save over it)").click()
        expect(page.locator("#save-6")).to_have_text(re.compile(r"^Saved"))
        assert panel.is_hidden()
        assert stored_notes(session, meeting.id, 6) == "Secretary: pilot agreed, from March."

        # Now the chair's page is the stale one: she types, sees the secretary's text, and uses it.
        chair.locator("#notes-6").press("End")
        chair.keyboard.type(" Budget approved.")
        chair.locator("#conflict-6").wait_for(state="visible")
        assert chair.locator("#theirs-6").input_value() == "Secretary: pilot agreed, from March."
        assert chair.locator("#notes-6").input_value() == "Chair: the pilot goes ahead in March. Budget approved."
        chair.get_by_role("button", name="Use theirs").click()
        assert chair.locator("#conflict-6").is_hidden()
        assert chair.locator("#notes-6").input_value() == "Secretary: pilot agreed, from March."
        assert stored_notes(session, meeting.id, 6) == "Secretary: pilot agreed, from March."
        # Typing on carries on from their version without another conflict.
        chair.locator("#notes-6").press("End")
        chair.keyboard.type(" Chair agrees.")
        expect(chair.locator("#save-6")).to_have_text(re.compile(r"^Saved"))
        assert stored_notes(session, meeting.id, 6) == "Secretary: pilot agreed, from March. Chair agrees."
        # A reload does not bring the discarded text back.
        chair.reload()
        assert chair.locator("#notes-6").input_value() == "Secretary: pilot agreed, from March. Chair agrees."
        assert chair.locator("#conflict-6").is_hidden()
    finally:
        chair_context.close()
