"""A person sees where they are signed in and ends it, in real browsers."""

import pytest
from playwright.sync_api import expect

from tests.web.test_pages import PASSWORD, seat_person

pytestmark = pytest.mark.browser


def sign_in(page, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill("chair@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/home")  # signing in lands on the home page


def test_sign_out_another_browser_then_change_the_password(session, browser, live_server, page):
    seat_person(session)
    laptop = browser.new_context(base_url=live_server, user_agent="Mozilla/5.0 (Windows NT 10.0) Firefox/120.0")
    try:
        other = laptop.new_page()
        sign_in(other)
        sign_in(page)

        page.get_by_role("link", name="Chair").click()
        page.wait_for_url("**/account")
        row = page.locator("tr", has_text="Firefox on Windows")
        expect(row).to_be_visible()
        assert page.locator("tr[aria-current]", has_text="This browser").count() == 1
        row.get_by_role("button", name="Sign out there").click()
        assert page.get_by_role("status").inner_text() == "Signed out there."
        assert page.locator("tr", has_text="Firefox on Windows").count() == 0

        other.goto("/councils")
        other.wait_for_url("**/login?next=/councils")
        sign_in(other)

        page.get_by_label("Current password").fill(PASSWORD)
        page.get_by_label("New password").fill("a-new-password-1")
        page.get_by_role("button", name="Change password").click()
        assert "Password changed" in page.get_by_role("status").inner_text()
        page.goto("/councils")
        assert page.url.endswith("/councils")  # this browser stays signed in
        other.goto("/councils")
        other.wait_for_url("**/login?next=/councils")
        sign_in(other, password="a-new-password-1")
    finally:
        laptop.close()
