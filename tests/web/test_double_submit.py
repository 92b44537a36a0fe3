"""Page create forms carry a one-time token: the same form sent twice makes one row, never an error page.

Double clicks, back-and-resubmit and a form posted from two tabs at once all send the same
token with the same values; the second post is told "Already saved" and is sent to what
the first one created.
"""

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import httpx
import pytest
from sqlmodel import func, select

from app.models import Initiative, Meeting
from app.web.idempotency import ALREADY_SAVED, ONCE_FIELD
from tests.factories import PASSWORD
from tests.web.test_pages import csrf_from, seat_person, sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def form_fields(html: str, action: str) -> dict[str, str]:
    """The CSRF and one-time tokens of the form posting to `action` on a rendered page."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form posting to {action}"
    once = re.search(rf'name="{ONCE_FIELD}" value="([^"]+)"', form.group(1))
    assert once, f"the form posting to {action} has no one-time token"
    return {"csrf_token": csrf_from(form.group(1)), ONCE_FIELD: once.group(1)}


def initiatives(session, title: str) -> list[Initiative]:
    session.expire_all()
    return session.exec(select(Initiative).where(Initiative.title == title)).all()


@pytest.fixture
def council(session, client):
    _user, council = seat_person(session)
    sign_in(client)
    return council


def propose(client, council, **values):
    action = f"/councils/{council.id}/initiatives"
    tokens = form_fields(client.get(action).text, action)
    return action, tokens, {**tokens, "title": "Text customers before the engineer arrives", **values}


def test_the_same_form_sent_twice_creates_once_and_goes_to_what_it_created(client, session, council):
    action, _tokens, data = propose(client, council)
    first = client.post(action, data=data, follow_redirects=False)
    again = client.post(action, data=data, follow_redirects=False)
    [initiative] = initiatives(session, data["title"])
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"] == f"/initiatives/{initiative.id}"
    page = client.get(again.headers["location"])
    assert page.status_code == 200
    assert ALREADY_SAVED in unescape(page.text)


def test_back_and_resubmit_three_times_still_one_row(client, session, council):
    action, _tokens, data = propose(client, council, title="Resubmitted")
    for _ in range(3):
        assert client.post(action, data=data, follow_redirects=False).status_code == 303
    assert len(initiatives(session, "Resubmitted")) == 1


def test_back_change_and_save_is_a_new_record_not_lost(client, session, council):
    # The same token with other values is what a person meant as a second record: it is kept.
    action, _tokens, data = propose(client, council, title="First idea")
    client.post(action, data=data, follow_redirects=False)
    client.post(action, data={**data, "title": "Second idea"}, follow_redirects=False)
    assert len(initiatives(session, "First idea")) == 1
    assert len(initiatives(session, "Second idea")) == 1


def test_a_refused_post_does_not_spend_the_token(client, session, council):
    action, _tokens, data = propose(client, council, title="Scored later")
    refused = client.post(action, data={**data, "effort": "lots"}, follow_redirects=False)
    assert refused.headers["location"].endswith("/initiatives#propose")
    assert initiatives(session, "Scored later") == []
    fixed = client.post(action, data={**data, "effort": "3"}, follow_redirects=False)
    assert fixed.status_code == 303 and fixed.headers["location"].startswith("/initiatives/")
    assert len(initiatives(session, "Scored later")) == 1


def test_scheduling_a_meeting_twice_makes_one_meeting(client, session, council):
    page_url = f"/councils/{council.id}"
    action = f"/councils/{council.id}/meetings"
    data = {**form_fields(client.get(page_url).text, action), "scheduled_at": "2030-03-04T10:00"}
    for _ in range(2):
        assert client.post(action, data=data, follow_redirects=False).headers["location"] == page_url
    session.expire_all()
    assert session.exec(select(func.count()).select_from(Meeting)).one() == 1
    assert ALREADY_SAVED in unescape(client.get(page_url).text)


def test_without_the_token_a_resent_form_creates_again(client, session, council):
    # The contrast: it is the token that makes the second post harmless.
    action, _tokens, data = propose(client, council, title="No token")
    del data[ONCE_FIELD]
    client.post(action, data=data, follow_redirects=False)
    client.post(action, data=data, follow_redirects=False)
    assert len(initiatives(session, "No token")) == 2


def test_two_tabs_posting_the_same_form_at_once_make_one_row(live_server, session):
    _user, council = seat_person(session)
    action = f"/councils/{council.id}/initiatives"
    with httpx.Client(base_url=live_server, timeout=60) as browser:
        login = csrf_from(browser.get("/login").text)
        browser.post("/login", data={"email": "chair@example.com", "password": PASSWORD, "csrf_token": login})
        data = {**form_fields(browser.get(action).text, action), "title": "Posted from two tabs"}
        cookies = dict(browser.cookies)
    start = threading.Barrier(3)

    def post(_n: int) -> httpx.Response:
        with httpx.Client(base_url=live_server, cookies=cookies, timeout=60) as tab:
            start.wait()
            return tab.post(action, data=data)

    with ThreadPoolExecutor(3) as pool:
        responses = list(pool.map(post, range(3)))
    [initiative] = initiatives(session, "Posted from two tabs")
    assert [r.status_code for r in responses] == [303] * 3
    assert {r.headers["location"] for r in responses} == {f"/initiatives/{initiative.id}"}


# Every page form that creates a record, by the template it is in and where it posts.
CREATE_FORMS = [
    ("councils.html", "/councils"),
    ("council.html", "/councils/{{ council.id }}/meetings"),
    ("council.html", "/councils/{{ council.id }}/departments"),
    ("council.html", "{{ invite_action }}"),  # the invitation form
    ("agenda/_aob.html", "/meetings/{{ meeting.id }}/aob"),
    ("journeys.html", "/councils/{{ council.id }}/journeys"),
    ("journey.html", "/journeys/{{ journey.id }}/steps"),
    ("measures.html", "/councils/{{ council.id }}/measures"),
    ("measure.html", "/measures/{{ m.id }}/readings"),
    ("feedback.html", "/councils/{{ council.id }}/themes"),
    ("initiatives.html", "/councils/{{ council.id }}/initiatives"),
    ("research.html", "{{ action }}"),
    ("root_causes.html", "{{ action }}"),
    ("reports.html", "/meetings/{{ meeting.id }}/reports"),
    ("_minutes_record.html", "/meetings/{{ meeting.id }}/minutes/decisions#record-decision"),
    ("_minutes_record.html", "/meetings/{{ meeting.id }}/minutes/actions#raise-action"),
    ("minutes.html", "/meetings/{{ meeting.id }}/minutes/amendments"),
]


@pytest.mark.parametrize(("template", "action"), CREATE_FORMS)
def test_every_create_form_carries_a_one_time_token(template, action):
    html = (TEMPLATES / template).read_text()
    forms = re.findall(rf'<form method="post" action="{re.escape(action)}".*?</form>', html, re.S)
    assert forms, f"{template} has no form posting to {action}"
    assert all("{{ once_field() }}" in form for form in forms)
