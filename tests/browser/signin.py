"""Signing a demo person in through the real sign-in form, as the browser tests do."""

from app.demo.council import DEMO_PASSWORD


def sign_in(page, email: str, next_path: str = "/councils") -> None:
    """Fill the sign-in form at /login?next=… and wait until the browser lands on `next_path`."""
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_path}")
