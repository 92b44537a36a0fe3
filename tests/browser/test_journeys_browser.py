"""Journeys, research and root causes in a real browser, on the demo council.

Screenshots (1280 and 390 wide) land in $SHOTS_DIR when it is set, for a person to look at.
"""

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.demo.council import DEMO_PASSWORD
from app.demo.journeys import load_journeys_demo
from app.models import Department, Journey, Membership, User
from tests.demodb import load_demo

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ["SHOTS_DIR"]) if os.environ.get("SHOTS_DIR") else None


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    departments = {d.name: d for d in session.exec(select(Department).where(Department.council_id == council.id))}
    seats = {
        email: seat
        for seat, email in session.exec(
            select(Membership, User.email)
            .join(User, User.id == Membership.user_id)
            .where(Membership.council_id == council.id)
        )
    }
    # The lead's demo may already load these; load them here only when it does not.
    if not session.exec(select(Journey).where(Journey.council_id == council.id)).first():
        load_journeys_demo(session=session, council=council, seats=seats, departments=departments, today=date.today())
    session.commit()
    return council


def sign_in(page, email: str, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")


def shoot(page, name: str, db_backend: str) -> None:
    if SHOTS is None or db_backend != "sqlite":
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_matrix_shows_gaps_overlaps_and_handoffs_at_a_glance(demo, page, session, db_backend):
    journey = session.exec(select(Journey).where(Journey.name == "No supply / power cut")).one()
    sign_in(page, "chair@example.com", f"/councils/{demo.id}/journeys")
    expect(page.get_by_role("link", name="No supply / power cut")).to_be_visible()
    expect(page.get_by_text("1 gap", exact=True).first).to_be_visible()
    shoot(page, "journeys", db_backend)

    page.get_by_role("link", name="No supply / power cut").click()
    page.wait_for_url(f"**/journeys/{journey.id}")
    gap = page.locator("tr.step.gap")
    assert gap.count() == 1
    assert "Follow-up" in gap.inner_text() and "No owner" in gap.inner_text()
    overlap = page.locator("tr.step.overlap")
    assert overlap.count() == 1 and "Owned by 2" in overlap.inner_text()
    assert page.locator("tr.handoff").count() == 4
    assert "nobody owns" in page.locator("tr.handoff.across-gap").inner_text()
    # The grid's first column is the department the customer meets first.
    assert page.locator("table.matrix thead th.dept").first.inner_text().startswith("Call Centre")
    shoot(page, "journey", db_backend)

    # The chair closes the gap: the follow-up call becomes the call centre's.
    page.get_by_text("7. Follow-up: is the power still on?").click()
    form = page.locator("details[open] form.step-form")
    form.get_by_label("Call Centre").select_option(label="Owns")
    shoot(page, "journey-edit-step", db_backend)
    form.get_by_role("button", name="Save step").click()
    assert "saved" in page.get_by_role("status").inner_text()
    assert page.locator("tr.step.gap").count() == 0


def test_the_journey_owner_adds_a_step_and_a_member_only_reads(demo, page, session):
    journey = session.exec(select(Journey).where(Journey.name == "Moving home")).one()
    sign_in(page, "billing@example.com", f"/journeys/{journey.id}")
    form = page.locator("form.step-form").first
    form.get_by_label("What the customer does").fill("Confirm the new tariff")
    form.get_by_label("Position").fill("3")
    form.get_by_label("Channel").fill("Email")
    form.get_by_label("Billing").select_option(label="Owns")
    form.get_by_role("button", name="Add step").click()
    assert page.get_by_role("status").inner_text() == "Step 3 “Confirm the new tariff” added."
    names = page.locator("tr.step th.step-col").all_inner_texts()
    assert [n.split("\n")[0].strip() for n in names][2:4] == ["3 Confirm the new tariff", "4 Final bill"]

    page.context.clear_cookies()
    sign_in(page, "digital@example.com", f"/journeys/{journey.id}")
    expect(page.locator("table.matrix")).to_be_visible()
    assert page.locator("form.step-form").count() == 0


def test_research_and_the_five_whys(demo, page, db_backend):
    sign_in(page, "secretary@example.com", f"/councils/{demo.id}/research")
    titles = page.locator(".research-item h2").all_inner_texts()
    assert titles[0] == "Mystery shopping the evening fault line"  # newest first
    page.locator("summary", has_text="Add research").click()
    page.get_by_label("Title").fill("Social listening: outage posts")
    page.get_by_label("Conducted on").fill(date.today().isoformat())
    page.get_by_label("Method").select_option(label="Social listening")
    page.get_by_label("Link to the full report").fill("https://example.com/report")
    shoot(page, "research-form", db_backend)
    page.get_by_role("button", name="Add research").click()
    assert page.get_by_role("status").inner_text() == "Research “Social listening: outage posts” added."
    shoot(page, "research", db_backend)

    page.get_by_role("link", name="Root causes (five whys) →").click()
    item = page.locator(".root-cause-item").first
    assert item.locator("ol.whys li").count() == 5
    assert "call" in item.locator(".root-cause-box").inner_text().lower()
    expect(item.get_by_role("link", name="Add a fault-diagnosis checklist", exact=False)).to_be_visible()
    shoot(page, "root-causes", db_backend)
    page.locator("summary", has_text="Record a five-whys analysis").click()
    shoot(page, "root-cause-form", db_backend)
