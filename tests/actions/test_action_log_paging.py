"""The action log a page at a time: open and closed actions each paged, every action reachable,
the totals stated, filters kept; the council page's open actions bounded with a link to the rest;
and the statements each page sends do not grow with the size of the log."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert

from app.actions.log import CLOSED_PAGE, OPEN_PAGE
from app.agendas.cache import AgendaCache
from app.home.pages import COUNCIL_OPEN_ACTIONS
from app.models import Action, Role, utcnow
from tests.factories import make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import count_statements
from tests.web.test_pages import sign_in

OPEN, CLOSED = OPEN_PAGE + 5, CLOSED_PAGE + 5


def add_actions(session, council, owner, *, open_count: int, closed_count: int, prefix: str) -> None:
    """`open_count` open actions due a day apart (the first overdue) and `closed_count` closed an hour apart."""
    today = date.today()
    now = utcnow()
    rows = [
        {
            "council_id": council.id,
            "title": f"{prefix} open {n:03d}",
            "description": "",
            "owner_id": owner.id,
            "department_id": owner.department_id,
            "due_on": today + timedelta(days=n - 3),
            "status": "open",
            "percent_complete": 0,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n in range(open_count)
    ]
    rows += [
        {
            "council_id": council.id,
            "title": f"{prefix} closed {n:03d}",
            "description": "",
            "owner_id": owner.id,
            "department_id": owner.department_id,
            "due_on": today - timedelta(days=100),
            "status": "done" if n % 2 else "cancelled",
            "percent_complete": 100,
            "closed_at": now - timedelta(hours=n),
            "closed_on": (now - timedelta(hours=n)).date(),
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n in range(closed_count)
    ]
    session.execute(insert(Action.__table__), rows)
    session.commit()


def arrange(session, *, open_count: int = OPEN, closed_count: int = CLOSED):
    chair = make_user(session, name="Helen Carter", email="chair@example.com")
    council = make_council(session, chair=chair, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    member = make_user(session, name="Aisha Rahman", email="member@example.com")
    seat = make_membership(session, council=council, user=member, role=Role.member, department=billing)
    add_actions(session, council, seat, open_count=open_count, closed_count=closed_count, prefix="Log")
    return council, seat


def titles(page: str, kind: str) -> list[str]:
    table = re.search(rf'data-log="{kind}">.*?</table>', page, re.S)
    return re.findall(r'<a href="/actions/\d+">([^<]+)</a>', table.group(0)) if table else []


def link(page: str, rel: str, kind: str) -> str | None:
    """The previous or next link of the open or closed list (each lands on its own list)."""
    anchor = {"open": "log-h", "closed": "closed"}[kind]
    found = re.search(rf'<a href="([^"]*#{anchor})" rel="{rel}">', page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_log_shows_a_page_of_each_list_with_totals_and_links_to_every_other_action(client, session):
    council, _ = arrange(session)
    sign_in(client)
    log = f"/councils/{council.id}/actions"
    first = client.get(log).text
    assert f"{OPEN + CLOSED} actions: open ones first" in first
    assert f'Open actions <span class="count">{OPEN}</span>' in first
    assert f"Done and cancelled ({CLOSED}), latest closed first" in first
    # The soonest due (the overdue) lead; the latest closed come first.
    assert titles(first, "open") == [f"Log open {n:03d}" for n in range(OPEN_PAGE)]
    assert titles(first, "closed") == [f"Log closed {n:03d}" for n in range(CLOSED_PAGE)]
    assert f"Showing 1–{OPEN_PAGE} of {OPEN} open actions." in first
    assert f"Showing 1–{CLOSED_PAGE} of {CLOSED} done and cancelled actions." in first
    assert link(first, "prev", "open") is None

    # Next: the rest of the open actions; the closed list stays where it was.
    second = client.get(link(first, "next", "open")).text
    assert titles(second, "open") == [f"Log open {n:03d}" for n in range(OPEN_PAGE, OPEN)]
    assert f"Showing {OPEN_PAGE + 1}–{OPEN} of {OPEN} open actions." in second
    assert titles(second, "closed") == titles(first, "closed")
    assert link(second, "next", "open") is None
    assert titles(client.get(link(second, "prev", "open")).text, "open") == titles(first, "open")

    # The older closed actions, their list unfolded.
    older = client.get(link(first, "next", "closed")).text
    assert titles(older, "closed") == [f"Log closed {n:03d}" for n in range(CLOSED_PAGE, CLOSED)]
    assert '<details class="closed-actions" open>' in older
    # Between the pages, every action on the log, once.
    seen = titles(first, "open") + titles(second, "open") + titles(first, "closed") + titles(older, "closed")
    assert len(seen) == len(set(seen)) == OPEN + CLOSED


def test_paging_keeps_the_filters_and_survives_odd_page_numbers(client, session):
    council, seat = arrange(session)
    sign_in(client)
    log = f"/councils/{council.id}/actions"
    filtered = client.get(log, params={"owner_id": seat.id, "status": "open"}).text
    assert f"{OPEN} actions match these filters" in filtered
    following = link(filtered, "next", "open")
    assert f"owner_id={seat.id}" in following and "status=open" in following
    assert titles(client.get(following).text, "open")[-1] == f"Log open {OPEN - 1:03d}"
    # Not a number, zero or negative: the first page; past the end: the last.
    for odd in ("abc", "0", "-2", "1e3", "", "²", "9" * 30):
        assert titles(client.get(log, params={"open_page": odd}).text, "open")[0] == "Log open 000"
    assert titles(client.get(log, params={"open_page": "999"}).text, "open")[0] == f"Log open {OPEN_PAGE:03d}"


def test_a_short_log_has_no_pager(client, session):
    council, _ = arrange(session, open_count=3, closed_count=2)
    sign_in(client)
    page = client.get(f"/councils/{council.id}/actions").text
    assert len(titles(page, "open")) == 3 and len(titles(page, "closed")) == 2
    assert 'class="pager"' not in page


def test_the_council_page_lists_the_soonest_due_open_actions_and_links_to_the_rest(client, session):
    council, _ = arrange(session, open_count=COUNCIL_OPEN_ACTIONS + 5, closed_count=3)
    sign_in(client)
    page = client.get(f"/councils/{council.id}").text
    card = page[page.index('id="actions-h"') : page.index("</section>", page.index('id="actions-h"'))]
    assert f'Open actions <span class="count">{COUNCIL_OPEN_ACTIONS + 5}</span>' in card
    shown = re.findall(r'<a href="/actions/\d+">([^<]+)</a>', card)
    assert shown == [f"Log open {n:03d}" for n in range(COUNCIL_OPEN_ACTIONS)]
    assert "Log closed" not in card
    assert f"Showing the {COUNCIL_OPEN_ACTIONS} soonest due of {COUNCIL_OPEN_ACTIONS + 5} open actions." in card
    assert f'<a href="/councils/{council.id}/actions">All {COUNCIL_OPEN_ACTIONS + 5} open actions' in card


def test_the_pages_send_as_many_statements_for_a_long_history_as_for_a_short_one(app, client, session):
    """Two councils side by side, one with a handful of actions and one with a long log, a member in
    each: every page sends the same statements for both (nothing is read per row)."""
    counts = {}
    for label, (open_count, closed_count) in {"short": (2, 2), "long": (OPEN * 2, CLOSED * 4)}.items():
        member = make_user(session, email=f"{label}@example.com")
        council = make_council(session, chair=make_user(session), name=f"{label} council")
        department = make_department(session, council=council)
        seat = make_membership(session, council=council, user=member, role=Role.member, department=department)
        secretary = make_membership(session, council=council, role=Role.secretary)
        now = datetime.now(UTC)
        make_meeting(session, council=council, scheduled_at=now - timedelta(days=30))
        upcoming = make_meeting(session, council=council, scheduled_at=now + timedelta(days=6))
        add_actions(session, council, seat, open_count=open_count, closed_count=closed_count, prefix=label)
        add_actions(session, council, secretary, open_count=open_count, closed_count=0, prefix=f"{label} theirs")
        sign_in(client, f"{label}@example.com", next_path="")
        client.get("/home")  # the first visit is noted (a write): counted below as people reopen the page
        pages = {
            "home": "/home",
            "log": f"/councils/{council.id}/actions",
            "my actions": f"/councils/{council.id}/actions?owner_id={seat.id}",
            "council": f"/councils/{council.id}",
            "minutes": f"/meetings/{upcoming.id}/minutes",
        }
        for name, path in pages.items():
            app.state.agenda_cache = AgendaCache()  # cold: the agenda the minutes follow is built
            with count_statements(app.state.engine) as sent:
                assert client.get(path).status_code == 200
            counts[label, name] = len(sent)
    for name in ("home", "log", "my actions", "council", "minutes"):
        assert counts["short", name] == counts["long", name], name
