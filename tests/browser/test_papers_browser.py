"""The chair attaches a paper on the agenda page, sees it listed under the item, downloads it and removes it."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.demo.papers import FIELD_PAPER
from tests.browser.signin import sign_in
from tests.demodb import load_demo
from tests.papers.conftest import PDF

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def test_chair_attaches_a_paper_under_an_item_and_removes_it(demo, page, tmp_path):
    sign_in(page, "chair@example.com", f"/councils/{demo.id}")
    page.locator("#meetings-h + ul li.meeting a").first.click()
    page.wait_for_url("**/meetings/*/agenda")

    # The demo's papers: Field Engineering's PDF under its report.
    expect(page.locator("#department_reports .papers").get_by_role("link", name=FIELD_PAPER)).to_be_visible()

    item = page.locator("#aob > details.fold > .papers")
    item.get_by_text("Attach a paper to “Any other business”").click()
    upload = tmp_path / "Storm rota.pdf"
    upload.write_bytes(PDF)
    item.get_by_label("File").set_input_files(upload)
    item.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("status")).to_contain_text(f"Attached “Storm rota.pdf” (PDF, {len(PDF)} bytes).")
    link = page.locator("#aob > details.fold > .papers").get_by_role("link", name="Storm rota.pdf")
    expect(link).to_be_visible()

    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename == "Storm rota.pdf"  # its own name (RFC 5987)
    saved = tmp_path / "downloaded.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes() == PDF

    # A file that is not what its name says is refused on the page, naming it.
    fake = tmp_path / "figures.xlsx"
    fake.write_bytes(b"<html><body>not a spreadsheet</body></html>")
    item = page.locator("#aob > details.fold > .papers")
    item.get_by_text("Attach a paper to “Any other business”").click()
    item.get_by_label("File").set_input_files(fake)
    item.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("alert")).to_contain_text("“figures.xlsx” is named as an Excel file (.xlsx)")

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#aob > details.fold > .papers").get_by_role("button", name="Remove Storm rota.pdf").click()
    expect(page.get_by_role("status")).to_contain_text("Removed “Storm rota.pdf”")
    expect(page.locator("#aob > details.fold > .papers").get_by_role("link", name="Storm rota.pdf")).to_have_count(0)
