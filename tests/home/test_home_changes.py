"""What changed, on the home page: the latest few, saying when more changed and linking to every one."""

import re
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from app.home.personal_data import CHANGES_SHOWN
from app.models import AgendaSnapshot, Council, Role
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import count_statements
from tests.home.test_home_page import panel
from tests.web.test_pages import sign_in


def changes(page: str) -> list[str]:
    return re.findall(r"Action assigned to you: ([^<]+)</a>", panel(page, "changes-h"))


def arrange(session, count: int):
    council = make_council(session, chair=make_user(session), name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    member = make_user(session, name="Aisha Rahman", email="member@example.com")
    seat = make_membership(session, council=council, user=member, role=Role.member, department=billing)
    for n in range(count):
        make_action(
            session, council=council, owner=seat, title=f"Task {n:02d}", due_on=date.today() + timedelta(days=30)
        )
    session.commit()


def test_home_shows_the_latest_changes_and_links_to_every_one(client, session):
    arrange(session, CHANGES_SHOWN + 4)
    sign_in(client, "member@example.com", next_path="")
    page = client.get("/home").text
    shown = changes(page)
    assert len(shown) == CHANGES_SHOWN
    assert f'<span class="count">{CHANGES_SHOWN}+</span>' in panel(page, "changes-h")
    assert f"Showing the latest {CHANGES_SHOWN}; more changed." in page
    assert '<a href="/home?changes=all#changes-h">Show every change' in page
    every = client.get("/home", params={"changes": "all"}).text
    assert sorted(changes(every)) == [f"Task {n:02d}" for n in range(CHANGES_SHOWN + 4)]
    # The short list is the start of the whole one, in the same order.
    assert changes(every)[:CHANGES_SHOWN] == shown
    assert "more changed" not in every


def test_a_few_changes_are_all_shown_without_a_link(client, session):
    arrange(session, 3)
    sign_in(client, "member@example.com", next_path="")
    page = client.get("/home").text
    assert len(changes(page)) == 3
    assert "Show every change" not in page


def test_publishing_shows_on_home_without_reading_the_agendas_published(app, client, session):
    arrange(session, 0)
    council = session.exec(select(Council).where(Council.name == "Utility council")).one()
    meeting = make_meeting(session, council=council, title="December council")
    now = datetime.now(UTC)
    big = {"sections": [{"rows": ["x" * 200] * 500}]}  # an agenda's worth of JSON
    for version in (1, 2, 3):
        session.add(
            AgendaSnapshot(
                meeting_id=meeting.id, version=version, content=big, published_at=now - timedelta(hours=4 - version)
            )
        )
    session.commit()
    sign_in(client, "member@example.com", next_path="")
    with count_statements(app.state.engine) as sent:
        whole = client.get("/home").text
        page = panel(whole, "changes-h")
    # The next meetings say whose agenda is out (read with the meetings, in one statement).
    assert '<span class="tag">agenda out</span>' in whole
    assert f"Agenda republished (version 3) for meeting {meeting.number}: December council" in page
    assert f"Agenda published for meeting {meeting.number}: December council" in page
    # What changed names each publish; the agendas themselves (most of a megabyte each) are not read.
    assert not [statement for statement in sent if "agenda_snapshots.content" in statement]
