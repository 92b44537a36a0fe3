"""The chair opens the demo's next meeting, publishes its agenda and downloads the Word pack."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.agendas.model import SECTION_TITLES
from app.demo.council import DEMO_PASSWORD
from tests.demodb import load_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def test_chair_publishes_the_agenda_and_downloads_the_pack(demo, page, tmp_path):
    page.goto(f"/login?next=/councils/{demo.id}")
    page.get_by_label("Email").fill("chair@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/councils/{demo.id}")

    page.locator("#meetings-h + ul li.meeting a").first.click()
    page.wait_for_url("**/meetings/*/agenda")
    expect(page.get_by_text("Draft — not yet circulated")).to_be_visible()
    headings = page.locator("section.agenda-section h2").all_inner_texts()
    # The nine sections, and the demo council's standing item just before any other business.
    titles = [*list(SECTION_TITLES.values())[:8], "Journey owner spotlight", "Any other business"]
    assert [" ".join(h.split()) for h in headings] == [f"{n} {title}" for n, title in enumerate(titles, start=1)]
    # The demo's late actions are highlighted in the first section.
    assert page.locator("#actions tr.overdue").count() >= 2
    expect(page.locator("#actions").get_by_text("days overdue").first).to_be_visible()

    page.get_by_role("button", name="Publish agenda").click()
    expect(page.get_by_role("status").filter(has_text="Agenda published as version 1")).to_be_visible()
    # The pack and the notices go out in a job after the publish: the page says they are on their way, or sent.
    assert re.search(r"(Being sent|Sent) to \d+ members", page.locator("#notices").inner_text())
    expect(page.get_by_text("Published version 1 on")).to_be_visible()
    expect(page.get_by_role("button", name="Republish")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Word agenda pack").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.read_bytes()[:2] == b"PK"

    with page.expect_download() as invite_info:
        page.get_by_role("link", name="Add to calendar").click()
    invite = invite_info.value
    assert invite.suggested_filename.endswith(".ics")
    invite_path = tmp_path / invite.suggested_filename
    invite.save_as(invite_path)
    assert invite_path.read_bytes().startswith(b"BEGIN:VCALENDAR")
