"""Actions between meetings: raising from the log (who may, defaults, bad input kept), the log's order,
and comments on an action through the API and the page, kept in its history."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from sqlmodel import select

from app.models import Action, ActionEvent, Council, Department, Initiative, Membership, Role
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import auth, etag_of
from tests.kept import kept
from tests.web.test_pages import csrf_from, sign_in


@dataclass
class World:
    council: Council
    field: Department
    billing: Department
    seats: dict[str, Membership]

    @property
    def log(self) -> str:
        return f"/councils/{self.council.id}/actions"


@pytest.fixture
def world(session) -> World:
    # Built once per process and engine, copied into each test's database after that (tests/kept.py).
    return kept(session, f"{__name__}.world", lambda: _build_world(session))


def _build_world(session) -> World:
    """Chair, secretary, two Field Engineering members, a Billing member, an observer."""
    council = make_council(session, name="Utility council")
    field = make_department(session, council=council, name="Field Engineering")
    billing = make_department(session, council=council, name="Billing")
    seats = {}
    for key, name, role, department in [
        ("chair", "Helen Carter", Role.chair, None),
        ("secretary", "Sam Okafor", Role.secretary, None),
        ("tom", "Tom Reid", Role.member, field),
        ("priya", "Priya Shah", Role.member, field),
        ("aisha", "Aisha Rahman", Role.member, billing),
        ("olga", "Olga Novak", Role.observer, field),
    ]:
        user = make_user(session, email=f"{key}@example.com", name=name)
        seats[key] = make_membership(session, council=council, user=user, role=role, department=department)
    session.commit()
    return World(council=council, field=field, billing=billing, seats=seats)


def allow_members(session, world: World, allowed: bool = True) -> None:
    world.council.members_raise_actions = allowed
    session.add(world.council)
    session.commit()


def raise_form(client, world: World, **fields) -> object:
    page = client.get(world.log).text
    once = re.search(r'name="form_once" value="([^"]+)"', page)
    data = {"csrf_token": csrf_from(page), **({"form_once": once.group(1)} if once else {}), **fields}
    return client.post(world.log, data=data, follow_redirects=False)


def flashes(page: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash [^"]*"[^>]*>(.*?)</p>', page, re.S)]


def actions_titled(session, title: str) -> list[Action]:
    session.expire_all()
    return list(session.exec(select(Action).where(Action.title == title)))


# -- raising from the log -------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretary", "chair"])
def test_secretary_and_chair_raise_an_action_from_the_log(client, session, world, who):
    initiative = Initiative(council_id=world.council.id, title="Fix first time")
    session.add(initiative)
    session.commit()
    sign_in(client, f"{who}@example.com")
    due = date.today() + timedelta(days=9)
    response = raise_form(
        client,
        world,
        title="Call back every missed appointment",
        description="Within a day,\r\nwith an apology.",
        owner_id=str(world.seats["aisha"].id),
        department_id="",
        due_on=due.isoformat(),
        initiative_id=str(initiative.id),
    )
    assert response.status_code == 303 and response.headers["location"] == world.log
    [action] = actions_titled(session, "Call back every missed appointment")
    assert (action.owner_id, action.department_id, action.due_on) == (world.seats["aisha"].id, world.billing.id, due)
    assert action.description == "Within a day,\nwith an apology."
    assert action.initiative_id == initiative.id and action.raised_at_meeting_id is None
    page = client.get(world.log).text
    assert flashes(page)[0].startswith("Action raised: “Call back every missed appointment”, owned by Aisha Rahman")
    assert "Between meetings" in page
    history = client.get(f"/api/actions/{action.id}/history", headers=auth(client.app, _user(session, who))).json()
    assert [h["kind"] for h in history["data"]] == ["created"]
    # The owner is told, by a mail queued with the action (app/actions/mail.py).
    from app.models import OutboxMessage

    [mail] = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "action_assigned")).all()
    assert mail.user_id == world.seats["aisha"].user_id and "Call back every missed appointment" in mail.subject


def _user(session, key: str):
    from app.models import User

    return session.exec(select(User).where(User.email == f"{key}@example.com")).one()


def test_a_member_cannot_raise_until_the_council_allows_it(client, session, world):
    sign_in(client, "tom@example.com")
    page = client.get(world.log).text
    assert "Raise an action" not in page
    refused = raise_form(client, world, title="Tidy the vans", owner_id=str(world.seats["tom"].id), due_on="2031-01-01")
    assert refused.status_code == 403
    assert "the chair can let members too" in unescape(refused.text)
    assert actions_titled(session, "Tidy the vans") == []


def test_a_member_raises_for_their_own_department_when_allowed(client, session, world):
    allow_members(session, world)
    sign_in(client, "tom@example.com")
    page = client.get(world.log).text
    form = re.search(r'<form method="post" action="/councils/\d+/actions".*?</form>', page, re.S).group(0)
    # Owners offered: the two Field Engineering seats (and the observer there), nobody from Billing.
    assert "Priya Shah" in form and "Tom Reid" in form and "Aisha Rahman" not in form and "Billing" not in form
    made = raise_form(client, world, title="Tidy the vans", owner_id=str(world.seats["priya"].id), due_on="2031-01-01")
    assert made.status_code == 303
    [action] = actions_titled(session, "Tidy the vans")
    assert action.department_id == world.field.id and action.owner_id == world.seats["priya"].id

    # Another department's owner or department is refused, naming the field, and the form keeps what was typed.
    other = raise_form(
        client,
        world,
        title="Rewrite the bills",
        description="Plain words",
        owner_id=str(world.seats["aisha"].id),
        due_on="2031-02-01",
    )
    assert other.status_code == 422
    assert "You can raise actions for your own department only." in unescape(other.text)
    assert 'value="Rewrite the bills"' in other.text and "Plain words</textarea>" in other.text
    assert actions_titled(session, "Rewrite the bills") == []


def test_a_member_without_a_department_and_an_observer_are_refused(client, session, world):
    allow_members(session, world)
    sign_in(client, "olga@example.com")
    assert "Raise an action" not in client.get(world.log).text
    refused = raise_form(client, world, title="Watch", owner_id=str(world.seats["olga"].id), due_on="2031-01-01")
    assert refused.status_code == 403
    assert actions_titled(session, "Watch") == []


def test_bad_input_shows_the_form_again_with_everything_typed_and_the_field_named(client, session, world):
    sign_in(client, "secretary@example.com")
    long_description = "Line one of a long description.\n" + "x" * 3000  # far more than a cookie could carry
    response = raise_form(
        client,
        world,
        title="   ",
        description=long_description,
        owner_id=str(world.seats["tom"].id),
        due_on="31/12/2031",
    )
    assert response.status_code == 422
    body = unescape(response.text)
    assert "Title cannot be empty." in body
    assert "Due date '31/12/2031' is not a date; use YYYY-MM-DD." in body
    assert long_description + "</textarea>" in body
    assert 'value="31/12/2031"' in body
    assert re.search(r'<input name="title"[^>]*aria-invalid="true"', body)
    assert re.search(rf'<option value="{world.seats["tom"].id}" selected>', body)
    assert re.search(r'<details id="raise" open>', body)

    no_owner = raise_form(client, world, title="Ok", owner_id="", due_on="")
    assert no_owner.status_code == 422
    assert "Owner is required. Due date is required." in unescape(no_owner.text)

    owner_elsewhere = raise_form(client, world, title="Ok", owner_id="999999", due_on="2031-01-01")
    assert owner_elsewhere.status_code == 422
    assert "Member 999999 is not a member of this council." in unescape(owner_elsewhere.text)
    assert re.search(r'<select name="owner_id"[^>]*aria-invalid="true"', owner_elsewhere.text)
    session.expire_all()
    assert session.exec(select(Action)).all() == []


def test_the_due_date_defaults_to_the_next_meeting_else_two_weeks(client, session, world):
    sign_in(client, "secretary@example.com")
    page = client.get(world.log).text
    fortnight = date.today() + timedelta(days=14)
    assert f'name="due_on" required value="{fortnight.isoformat()}"' in page
    assert "two weeks from today (no meeting ahead)" in page

    make_meeting(session, council=world.council, scheduled_at=datetime.now(UTC) - timedelta(days=30))
    make_meeting(session, council=world.council, scheduled_at=datetime(2031, 1, 13, 10, tzinfo=UTC), status="cancelled")
    ahead = make_meeting(session, council=world.council, scheduled_at=datetime(2031, 2, 10, 23, 30, tzinfo=UTC))
    session.commit()
    page = unescape(client.get(world.log).text)
    # 23:30 UTC is already 11 February in a council on Auckland's clock: the council's date counts.
    assert 'name="due_on" required value="2031-02-10"' in page
    assert f"the next meeting's date (meeting {ahead.number}" in page
    world.council.timezone = "Pacific/Auckland"
    session.add(world.council)
    session.commit()
    assert 'name="due_on" required value="2031-02-11"' in client.get(world.log).text


def test_the_form_sent_twice_raises_one_action(client, session, world):
    sign_in(client, "secretary@example.com")
    page = client.get(world.log).text
    data = {
        "csrf_token": csrf_from(page),
        "form_once": re.search(r'name="form_once" value="([^"]+)"', page).group(1),
        "title": "Only once",
        "owner_id": str(world.seats["tom"].id),
        "due_on": "2031-01-01",
    }
    assert client.post(world.log, data=data, follow_redirects=False).status_code == 303
    assert client.post(world.log, data=data, follow_redirects=False).status_code == 303
    assert len(actions_titled(session, "Only once")) == 1


def test_the_api_follows_the_same_rule(client, session, world):
    body = {"title": "Tidy the vans", "owner_id": world.seats["priya"].id, "due_on": "2031-01-01"}
    url = f"/api/councils/{world.council.id}/actions"
    tom = auth(client.app, _user(session, "tom"))
    assert client.post(url, json=body, headers=tom).status_code == 403
    allow_members(session, world)
    assert client.post(url, json=body, headers=tom).status_code == 201
    other = client.post(url, json={**body, "owner_id": world.seats["aisha"].id}, headers=tom)
    assert other.status_code == 422 and "own department" in other.text
    at_meeting = make_meeting(session, council=world.council)
    session.commit()
    refused = client.post(url, json={**body, "raised_at_meeting_id": at_meeting.id}, headers=tom)
    assert refused.status_code == 403
    olga = auth(client.app, _user(session, "olga"))
    assert client.post(url, json={**body, "owner_id": world.seats["olga"].id}, headers=olga).status_code == 403


def test_the_chair_sets_who_raises_actions_on_the_council_page_and_in_the_api(client, session, world):
    sign_in(client, "chair@example.com")
    url = f"/councils/{world.council.id}"
    page = client.get(url).text
    assert "Who raises actions: chair and secretary" in page
    saved = client.post(
        f"{url}/action-settings",
        data={"csrf_token": csrf_from(page), "members_raise_actions": "true"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(url).text
    assert "Members can now raise actions for their own department." in page
    assert "Who raises actions: chair, secretary and members (own department)" in page
    api = f"/api/councils/{world.council.id}"
    chair = auth(client.app, _user(session, "chair"))
    assert client.get(api, headers=chair).json()["members_raise_actions"] is True
    headers = {**chair, "If-Match": etag_of(client, api, chair)}
    off = client.patch(api, json={"members_raise_actions": False}, headers=headers)
    assert off.status_code == 200 and off.json()["members_raise_actions"] is False
    tom = auth(client.app, _user(session, "tom"))
    tom_headers = {**tom, "If-Match": etag_of(client, api, tom)}
    assert client.patch(api, json={"members_raise_actions": True}, headers=tom_headers).status_code == 403
    # A member cannot post the page form either.
    sign_in(client, "tom@example.com")
    page = client.get(url).text
    refused = client.post(
        f"{url}/action-settings", data={"csrf_token": csrf_from(page), "members_raise_actions": "true"}
    )
    assert refused.status_code == 403


# -- the log's order ------------------------------------------------------------------


def test_the_log_opens_with_open_actions_overdue_first_and_closed_ones_below(client, session, world):
    today = date.today()
    tom = world.seats["tom"]
    for title, due, status in [
        ("Done long ago", today - timedelta(days=60), "done"),
        ("Due next week", today + timedelta(days=7), "open"),
        ("Very late", today - timedelta(days=20), "in_progress"),
        ("Cancelled idea", today - timedelta(days=40), "cancelled"),
        ("A bit late", today - timedelta(days=2), "blocked"),
    ]:
        make_action(session, council=world.council, owner=tom, title=title, due_on=due, status=status)
    session.commit()
    sign_in(client, "secretary@example.com")
    page = client.get(world.log).text
    open_table = re.search(r'<table class="stack log" data-log="open">.*?</table>', page, re.S).group(0)
    closed_table = re.search(r'<table class="stack log" data-log="closed">.*?</table>', page, re.S).group(0)
    assert re.findall(r'<a href="/actions/\d+">([^<]+)</a>', open_table) == ["Very late", "A bit late", "Due next week"]
    assert set(re.findall(r'<a href="/actions/\d+">([^<]+)</a>', closed_table)) == {"Done long ago", "Cancelled idea"}
    assert page.index('data-log="open"') < page.index('data-log="closed"')
    # Filters still work: only the done one.
    done = client.get(world.log, params={"status": "done"}).text
    assert "Done long ago" in done and "Very late" not in done
    assert '<details class="closed-actions" open>' in done


# -- comments -------------------------------------------------------------------------


def test_comments_through_the_api_are_a_thread_kept_in_the_history(client, session, world):
    action = make_action(session, council=world.council, owner=world.seats["olga"], title="Watch the map")
    session.commit()
    url = f"/api/actions/{action.id}/comments"
    aisha = auth(client.app, _user(session, "aisha"))
    before = etag_of(client, f"/api/actions/{action.id}", aisha)
    first = client.post(url, json={"text": "  Billing can help with the wording.  "}, headers=aisha)
    assert first.status_code == 201, first.text
    assert first.json()["text"] == "Billing can help with the wording." and first.json()["user_name"] == "Aisha Rahman"
    chair = auth(client.app, _user(session, "chair"))
    assert client.post(url, json={"text": "Agreed, thank you."}, headers=chair).status_code == 201
    thread = client.get(url, headers=aisha).json()
    assert [(c["user_name"], c["text"]) for c in thread["data"]] == [
        ("Aisha Rahman", "Billing can help with the wording."),
        ("Helen Carter", "Agreed, thank you."),
    ]
    # A comment is not a change to the action: its version (and so anyone's If-Match) stays.
    assert etag_of(client, f"/api/actions/{action.id}", aisha) == before
    history = client.get(f"/api/actions/{action.id}/history", headers=aisha).json()["data"]
    assert [(h["kind"], h["note"]) for h in history] == [
        ("comment", "Billing can help with the wording."),
        ("comment", "Agreed, thank you."),
    ]
    # The observer who owns it reads the thread but may not write in it; blank text is named.
    olga = auth(client.app, _user(session, "olga"))
    assert client.get(url, headers=olga).json()["count"] == 2
    assert client.post(url, json={"text": "Me too"}, headers=olga).status_code == 403
    blank = client.post(url, json={"text": "   "}, headers=aisha)
    assert blank.status_code == 422 and "text" in blank.text
    assert client.post(url, json={"text": "x", "edited": True}, headers=aisha).status_code == 422
    session.expire_all()
    assert len(session.exec(select(ActionEvent).where(ActionEvent.is_comment)).all()) == 2


def test_comments_on_the_action_page(client, session, world):
    action = make_action(session, council=world.council, owner=world.seats["tom"], title="Share no-access reasons")
    session.commit()
    sign_in(client, "priya@example.com")
    url = f"/actions/{action.id}"
    page = client.get(url).text
    assert "No comments yet." in page
    once = re.search(r'action="/actions/\d+/comments".*?name="form_once" value="([^"]+)"', page, re.S).group(1)
    posted = client.post(
        f"{url}/comments",
        data={"csrf_token": csrf_from(page), "form_once": once, "text": "Tom, the depot list is in the shared folder."},
        follow_redirects=False,
    )
    assert posted.status_code == 303 and posted.headers["location"] == f"{url}#comments"
    page = unescape(client.get(url).text)
    comments = re.search(r'<section class="card wide" id="comments".*?</section>', page, re.S).group(0)
    assert "Priya Shah" in comments and "Tom, the depot list is in the shared folder." in comments
    history = re.search(r'<section class="card wide" aria-labelledby="history-h">.*?</section>', page, re.S).group(0)
    assert "commented" in history and "Tom, the depot list is in the shared folder." in history

    blank = client.post(f"{url}/comments", data={"csrf_token": csrf_from(page), "text": "  "})
    assert blank.status_code == 422 and "Not added: Comment: cannot be empty" in unescape(blank.text)
    too_long = "y" * 2001
    kept = client.post(f"{url}/comments", data={"csrf_token": csrf_from(page), "text": too_long})
    assert kept.status_code == 422 and too_long + "</textarea>" in kept.text

    own = make_action(session, council=world.council, owner=world.seats["olga"], title="Observe")
    session.commit()
    sign_in(client, "olga@example.com")
    page = client.get(f"/actions/{own.id}").text
    assert (
        "As an observer you can read the comments." in page
        and 'action="/actions/' + str(own.id) + '/comments"' not in page
    )
    refused = client.post(f"/actions/{own.id}/comments", data={"csrf_token": csrf_from(page), "text": "Hello"})
    assert refused.status_code == 403
