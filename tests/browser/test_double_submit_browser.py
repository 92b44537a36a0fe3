"""A secretary clicks "Raise action" again while the first click is still saving: the action is raised once.

Chromium folds two clicks in one instant into one submission; the duplicate people make is
the second click on a slow answer, which cancels the first navigation after its request has
reached the server. The save is slowed down here (the live server runs in this process) and
the page clicks a second time 0.3 s after the first, while the first is being saved.
"""

import threading
import time
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlmodel import func, select

from app.demo.council import DEMO_PASSWORD
from app.minutes import recording
from app.models import Action, Meeting
from app.web.idempotency import ALREADY_SAVED
from tests.demodb import load_demo

pytestmark = pytest.mark.browser

TITLE = "Send the outage script to every contact-centre team leader"


@pytest.fixture
def meeting(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()


def raised(session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Action).where(Action.title == TITLE)).one()


def test_clicking_raise_action_twice_raises_one_action(meeting, page, session, monkeypatch):
    minutes_url = f"/meetings/{meeting.id}/minutes"
    page.goto(f"/login?next={minutes_url}")
    page.get_by_label("Email").fill("secretary@example.com")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{minutes_url}")

    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/minutes/actions") else None)
    page.locator("#item-3").get_by_role("link", name="Raise an action here").click()
    form = page.locator("#raise-action")
    form.get_by_label("What needs doing").fill(TITLE)
    form.get_by_label("Owner").select_option(label="Priya Shah (Call Centre)")
    saving = threading.Event()
    raise_action = recording.raise_action

    def slow_raise_action(**kwargs):
        saving.set()
        time.sleep(1.5)
        return raise_action(**kwargs)

    monkeypatch.setattr(recording, "raise_action", slow_raise_action)
    button = form.get_by_role("button", name="Raise action")
    # The person's second click, 0.3 s after the first, while the first is still being saved
    # (Playwright itself waits for the navigation before it would click again).
    button.evaluate("b => b.addEventListener('click', () => setTimeout(() => b.click(), 300), {once: true})")
    button.click(no_wait_after=True)
    assert saving.wait(10), "the first click never reached the server"
    # The second click cancels the first navigation; the page that stays is the second's answer.
    expect(page.get_by_role("status").first).to_have_text(ALREADY_SAVED, timeout=20_000)
    assert page.url.endswith(f"{minutes_url}?item=3#raise-action")

    assert len(posts) == 2, "the browser did not send the form twice"
    assert raised(session) == 1
    assert page.locator("#item-3 ul.raised").inner_text().count(TITLE) == 1
