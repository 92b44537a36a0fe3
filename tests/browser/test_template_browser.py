"""The chair uploads a Word template carrying macros from the council page and is told what was removed."""

from datetime import date

from sqlmodel import select

from app.demo.council import DEMO_PASSWORD
from app.models import CouncilTemplate
from tests.councils.hostile_docx import problems, with_macros
from tests.demodb import load_demo

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_chair_uploads_a_template_with_macros_and_the_flash_says_they_were_removed(page, session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    page.goto(f"/login?next=/councils/{council.id}")
    page.get_by_label("Email").fill("chair@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/councils/{council.id}")

    page.get_by_text("Word template for agenda packs and minutes").click()
    page.get_by_label("Word file").set_input_files(
        files=[{"name": "House style.docm", "mimeType": DOCX, "buffer": with_macros()}]
    )
    page.get_by_role("button", name="Upload template").click()
    page.wait_for_url(f"**/councils/{council.id}")
    flash = page.locator(".flash").first
    assert "Word template “House style.docm” saved. Removed for safety:" in flash.inner_text()
    assert "Macros: word/vbaData.xml, word/vbaProject.bin" in flash.inner_text()

    stored = session.exec(select(CouncilTemplate).where(CouncilTemplate.council_id == council.id)).one()
    assert problems(stored.content) == []

    # Nothing chosen: told so, and the template stays.
    page.get_by_text("Word template for agenda packs and minutes").click()
    page.evaluate("document.querySelector('input[name=file]').removeAttribute('required')")
    page.get_by_role("button", name="Upload template").click()
    assert "Choose a Word .docx file" in page.locator(".flash.error").inner_text()
