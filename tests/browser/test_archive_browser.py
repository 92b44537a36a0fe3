"""The chair archives a measure and the council from the pages, finds them in the archive, and restores them."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.models import Measure
from tests.browser.test_measures_browser import demo, sign_in  # noqa: F401  (the demo fixture)

pytestmark = pytest.mark.browser


def test_chair_archives_and_restores_a_measure_and_the_council(demo, page, session):  # noqa: F811
    measure = session.exec(
        select(Measure).where(Measure.council_id == demo.id, Measure.name == "Net Promoter Score")
    ).one()
    sign_in(page, "chair@example.com", f"/measures/{measure.id}")

    # A measure with readings is archived, and the button and its text say so.
    page.get_by_text("Archive this measure").click()
    expect(page.get_by_text("You can restore it from the council's archive")).to_be_visible()
    page.get_by_role("button", name="Archive measure").click()
    page.wait_for_url(f"**/councils/{demo.id}/measures")
    assert "Measure archived with its readings" in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name="Net Promoter Score", exact=True).count() == 0

    page.goto(f"/councils/{demo.id}/archive")
    row = page.locator("tr", has_text="Net Promoter Score")
    expect(row.get_by_text("chair@example.com")).to_be_visible()
    row.get_by_role("button", name="Restore").click()
    assert page.get_by_role("status").inner_text() == "Measure restored."
    expect(page.get_by_text("Nothing is archived in this council.")).to_be_visible()
    page.goto(f"/councils/{demo.id}/measures")
    assert page.get_by_role("link", name="Net Promoter Score", exact=True).count() == 1

    # The whole council: gone from everyone's list until restored.
    page.goto(f"/councils/{demo.id}/archive")
    page.get_by_text("Archive this council").click()
    page.get_by_role("button", name="Archive council").click()
    page.wait_for_url("**/archived-councils")
    page.goto("/councils")
    assert page.get_by_role("link", name=demo.name).count() == 0
    page.goto("/archived-councils")
    page.get_by_role("button", name=f"Restore council {demo.name}").click()
    page.wait_for_url(f"**/councils/{demo.id}")
    expect(page.get_by_role("heading", name=demo.name)).to_be_visible()
