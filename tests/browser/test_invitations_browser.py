"""Seats by invitation in a real browser: the chair invites, a new person accepts by the link,
a person with an account accepts on their councils page; the demo chair can start councils."""

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from app.councils.invitation_schemas import InvitationCreate
from app.councils.invitation_service import invite_person
from app.models import Council, Invitation, Membership, User
from tests.browser.signin import sign_in
from tests.demodb import load_demo

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return council


def invitation_for(session, council: Council, email: str, name: str = "") -> str:
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    _, token = invite_person(
        session=session,
        council=council,
        invited_by=chair,
        invitation_in=InvitationCreate(email=email, name=name, role="observer"),
        days=14,
    )
    session.commit()
    return token


def test_the_chair_invites_from_the_council_page_and_starts_a_council(demo, page, session):
    sign_in(page, "chair@example.com", f"/councils/{demo.id}")
    page.get_by_text("Invite a person").click()
    page.get_by_label("Email").fill("nia@example.com")
    page.get_by_label("Name", exact=True).fill("Nia Jones")
    page.get_by_label("Role").select_option("observer")
    page.get_by_role("button", name="Send invitation").click()
    # The mail is queued with the invitation; no mail server in this run, and the page says so.
    said = page.get_by_role("status").inner_text()
    assert "the mail is queued for nia@example.com" in said and "no mail server is configured" in said
    row = page.locator("table.invitations tr", has_text="nia@example.com")
    expect(row.get_by_text("Helen Carter")).to_be_visible()
    expect(row.get_by_text("pending")).to_be_visible()
    row.get_by_role("button", name="Revoke the invitation to nia@example.com").click()
    assert page.get_by_role("status").inner_text() == "Invitation to nia@example.com withdrawn."
    expect(page.locator("table.invitations tr", has_text="nia@example.com").get_by_text("revoked")).to_be_visible()
    session.expire_all()
    assert session.exec(select(Membership).join(User).where(User.email == "nia@example.com")).first() is None

    # The demo chair is allowed to start councils.
    page.goto("/councils")
    page.get_by_text("Start a new council").click()
    page.get_by_label("Name").fill("Second council")
    page.get_by_role("button", name="Create council").click()
    expect(page.get_by_role("heading", name="Second council")).to_be_visible()


def test_a_new_person_accepts_by_the_link_and_lands_on_the_council(demo, page, session):
    token = invitation_for(session, demo, "nia@example.com", name="Nia Jones")
    page.goto(f"/invitations/{token}")
    expect(page.get_by_role("heading", name=f"Invitation to {demo.name}")).to_be_visible()
    assert page.get_by_label("Your name").input_value() == "Nia Jones"
    page.get_by_label("Choose a password").fill("a-good-password")
    page.get_by_role("button", name="Accept and create my account").click()
    page.wait_for_url(f"**/councils/{demo.id}")
    assert f"you joined {demo.name} as observer" in page.get_by_role("status").inner_text()
    expect(page.get_by_text("You are observer")).to_be_visible()


def test_a_member_accepts_on_their_councils_page(demo, page, session):
    other = Council(name="Regional council")
    session.add(other)
    session.flush()
    session.add(
        Membership(
            council_id=other.id,
            user_id=session.exec(select(User).where(User.email == "chair@example.com")).one().id,
            role="chair",
        )
    )
    invitation_for(session, other, "field@example.com")
    sign_in(page, "field@example.com")
    section = page.locator("#invitations")
    expect(section.get_by_text("Regional council")).to_be_visible()
    section.get_by_role("button", name="Accept the invitation to Regional council").click()
    page.wait_for_url(f"**/councils/{other.id}")
    assert page.get_by_role("status").inner_text() == "You joined Regional council as observer."
    session.expire_all()
    assert session.exec(select(Invitation)).one().accepted_at is not None
