"""A member chooses their mail on the preferences page, and stops one kind from a mail's link, in a real browser."""

import pytest
from playwright.sync_api import expect

from app.models import Role
from app.notifications.preferences import unsubscribe_url
from tests.factories import PASSWORD, make_council, make_membership, make_user

pytestmark = pytest.mark.browser


def test_a_member_turns_off_a_kind_and_unsubscribes_from_another(session, settings, page, live_server):
    chair = make_user(session, email="chair@example.com", name="Chair")
    mia = make_user(session, email="mia@example.com", name="Mia Jones")
    council = make_council(session, name="Utility council", chair=chair)
    make_membership(session, council=council, user=mia, role=Role.member)
    council.required_notifications = ["agenda_published"]
    session.add(council)
    session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill("mia@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")
    page.get_by_role("link", name="Mail you receive").click()
    page.wait_for_url("**/notifications")

    card = page.locator(f"#council-{council.id}")
    required = card.get_by_role("checkbox", name="Agenda published")
    expect(required).to_be_checked()
    expect(required).to_be_disabled()
    expect(card.locator(".kind", has_text="Agenda published")).to_contain_text("Required by the council")
    expect(card.get_by_role("checkbox", name="Due date moved")).to_have_count(0)  # not a member's mail

    digest = card.get_by_role("checkbox", name="Daily digest of your actions")
    digest.uncheck()
    card.get_by_role("button", name="Save for Utility council").click()
    expect(page.get_by_role("status")).to_have_text("Saved for Utility council. Off: “Daily digest of your actions”.")
    expect(page.locator(f"#council-{council.id}").get_by_role("checkbox", name="Daily digest")).not_to_be_checked()
    expect(page.locator(f"#council-{council.id}").get_by_role("checkbox", name="Agenda published")).to_be_checked()

    # The link at the foot of a "Minutes approved" mail.
    link = unsubscribe_url(settings, user_id=mia.id, council_id=council.id, kind="minutes_approved")
    page.goto(link.replace(settings.BASE_URL, live_server))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop “Minutes approved” mail?")
    expect(page.locator("main")).to_contain_text("From Utility council to mia@example.com.")
    page.get_by_role("button", name="Stop this mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Done: no more “Minutes approved”")
    page.get_by_role("link", name="Mail you receive").click()
    card = page.locator(f"#council-{council.id}")
    expect(card.get_by_role("checkbox", name="Minutes approved")).not_to_be_checked()
    expect(card.get_by_role("checkbox", name="Daily digest")).not_to_be_checked()
    expect(card.get_by_role("checkbox", name="Action assigned to you")).to_be_checked()
