"""The agenda page through the ASGI client: who sees it, what it shows, its forms."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.agendas.model import SECTION_KEYS, SECTION_TITLES
from app.models import (
    Action,
    AgendaSnapshot,
    AobItem,
    Council,
    Initiative,
    Measure,
    Meeting,
    MeetingResponse,
    Membership,
    Role,
)
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.web.test_pages import csrf_from, sign_in


@dataclass
class Agenda:
    council: Council
    meeting: Meeting
    seats: dict[str, Membership]
    late: Action

    @property
    def url(self) -> str:
        return f"/meetings/{self.meeting.id}/agenda"


@pytest.fixture
def agenda(session) -> Agenda:
    """A council meeting next week: chair, a Billing member, an observer; one action 5 days late."""
    council = make_council(session, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    seats = {
        name: make_membership(
            session,
            council=council,
            user=make_user(session, email=f"{name}@example.com", name=name.title()),
            role=role,
            department=billing if name == "member" else None,
        )
        for name, role in [("chair", Role.chair), ("member", Role.member), ("observer", Role.observer)]
    }
    make_user(session, email="outsider@example.com", name="Outsider")
    meeting = make_meeting(session, council=council, title="Quarterly council", location="Board room")
    late = make_action(
        session,
        council=council,
        owner=seats["member"],
        title="Share no-access reasons weekly",
        due_on=date.today() - timedelta(days=5),
    )
    session.commit()
    return Agenda(council=council, meeting=meeting, seats=seats, late=late)


def post_form(client, page_url: str, action: str, **fields):
    token = csrf_from(client.get(page_url).text)
    return client.post(action, data={"csrf_token": token, **fields}, follow_redirects=False)


def section_html(page: str, key: str) -> str:
    match = re.search(rf'<section class="card agenda-section[^"]*" id="{key}".*?</section>', page, re.S)
    assert match, f"no section {key}"
    return match.group(0)


def test_the_agenda_needs_a_sign_in_and_a_seat(client, agenda):
    response = client.get(agenda.url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={agenda.url}"
    sign_in(client, "outsider@example.com")
    assert client.get(agenda.url, headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/meetings/999999/agenda", headers={"Accept": "text/html"}).status_code == 404


def test_the_page_shows_the_nine_sections_in_order_with_the_late_action_and_missing_report(client, agenda):
    sign_in(client, "member@example.com")
    page = client.get(agenda.url).text
    positions = [page.index(f'id="{key}-h"') for key in SECTION_KEYS]
    assert positions == sorted(positions)
    for key in SECTION_KEYS:
        assert SECTION_TITLES[key] in section_html(page, key)
    assert "Draft — not yet circulated" in page
    assert "Board room" in page and "Meeting 1: Quarterly council" in page
    actions = section_html(page, "actions")
    late_row = re.search(r'<tr class="overdue">.*?</tr>', actions, re.S).group(0)
    assert "Share no-access reasons weekly" in late_row and "5 days overdue" in late_row
    assert f'href="/actions/{agenda.late.id}"' in late_row
    reports = section_html(page, "department_reports")
    assert "Not submitted" in reports and 'class="dept not-submitted"' in reports
    assert "What's missing:" in reports and "Not submitted yet: Billing." in reports
    assert f'href="/api/meetings/{agenda.meeting.id}/agenda.docx"' in page
    assert f'href="/api/meetings/{agenda.meeting.id}/agenda.pdf"' in page
    assert f'href="/api/meetings/{agenda.meeting.id}/invite.ics"' in page
    # A member sees the AOB and apologies forms but not the chair's button.
    assert "Publish agenda" not in page
    assert f'action="/meetings/{agenda.meeting.id}/aob"' in page
    assert "Send apologies" in page


def test_an_empty_council_reads_sensibly(client, session):
    chair = make_user(session, email="new.chair@example.com")
    council = make_council(session, chair=chair)
    meeting = make_meeting(session, council=council)
    session.commit()
    sign_in(client, "new.chair@example.com")
    page = client.get(f"/meetings/{meeting.id}/agenda").text
    assert "No actions on the log yet." in page
    assert "No departments yet" in page
    assert "No other business submitted." in page
    assert "Publish agenda" in page


def test_only_the_chair_may_publish(client, session, agenda):
    sign_in(client, "member@example.com")
    response = post_form(client, agenda.url, f"{agenda.url}/publish")
    assert response.status_code == 303
    page = client.get(agenda.url).text
    assert "Only the council&#39;s chair can publish the agenda." in page
    assert session.exec(select(AgendaSnapshot)).first() is None


def test_observers_see_nothing_until_published(client, agenda):
    sign_in(client, "observer@example.com")
    page = client.get(agenda.url).text
    assert "Agenda not circulated yet" in page
    assert SECTION_TITLES["actions"] not in page
    assert "Send apologies" not in page and "Raise an item" not in page


def test_publishing_freezes_the_agenda_and_live_shows_what_moved(client, session, agenda):
    sign_in(client, "chair@example.com")
    page = client.get(agenda.url).text
    assert "Publish agenda" in page
    response = post_form(client, agenda.url, f"{agenda.url}/publish")
    assert response.status_code == 303 and response.headers["location"] == agenda.url
    page = client.get(agenda.url).text
    assert "Agenda published as version 1" in page
    assert "Published version 1 on" in page and "Republish" in page
    assert f'href="{agenda.url}?live=1"' in page

    # The data moves after publishing: the circulated agenda does not.
    make_action(session, council=agenda.council, owner=agenda.seats["chair"], title="Brand-new action after publishing")
    session.commit()
    frozen = client.get(agenda.url).text
    assert "Brand-new action after publishing" not in frozen
    assert "changed since published" not in frozen
    live = client.get(f"{agenda.url}?live=1").text
    assert "Brand-new action after publishing" in live
    assert "Today's data" in live
    assert "changed since published" in section_html(live, "actions")
    assert 'class="card agenda-section changed"' in section_html(live, "actions")
    assert "changed since published" not in section_html(live, "research")

    # The observer now reads the circulated version, and cannot ask for the live one.
    client.cookies.clear()
    sign_in(client, "observer@example.com")
    observed = client.get(f"{agenda.url}?live=1").text
    assert "Published version 1 on" in observed and "Brand-new action after publishing" not in observed


def test_a_held_meeting_refuses_a_new_publication_with_a_message(client, session, agenda):
    sign_in(client, "chair@example.com")
    token = csrf_from(client.get(agenda.url).text)
    meeting = session.get(Meeting, agenda.meeting.id)
    meeting.status = "held"
    session.add(meeting)
    session.commit()
    response = client.post(f"{agenda.url}/publish", data={"csrf_token": token})
    page = response.text  # the redirect followed: the flash shows once
    assert "This meeting has been held: the agenda that was circulated stands." in page
    assert "Publish agenda" not in page


def test_a_member_adds_aob_and_the_form_needs_its_token(client, session, agenda):
    sign_in(client, "member@example.com")
    forged = client.post(
        f"/meetings/{agenda.meeting.id}/aob", data={"title": "Forged", "csrf_token": "nope"}, follow_redirects=False
    )
    assert forged.status_code == 403
    response = post_form(
        client, agenda.url, f"/meetings/{agenda.meeting.id}/aob", title="Winter storm plan", details="Staffing."
    )
    assert response.status_code == 303
    page = client.get(agenda.url).text
    assert "“Winter storm plan” added to any other business." in page
    aob = section_html(page, "aob")
    assert "Winter storm plan" in aob and "raised by Member" in aob
    assert [i.title for i in session.exec(select(AobItem))] == ["Winter storm plan"]
    # A blank title is explained, not stored.
    post_form(client, agenda.url, f"/meetings/{agenda.meeting.id}/aob", title="  ")
    assert "title" in client.get(agenda.url).text.lower()
    assert len(session.exec(select(AobItem)).all()) == 1


def test_apologies_are_sent_and_withdrawn_from_the_page(client, session, agenda):
    sign_in(client, "member@example.com")
    assert (
        client.post(
            f"/meetings/{agenda.meeting.id}/apologies", data={"note": "x", "csrf_token": "nope"}, follow_redirects=False
        ).status_code
        == 403
    )
    post_form(client, agenda.url, f"/meetings/{agenda.meeting.id}/apologies", note="On leave; Sam will cover")
    page = client.get(agenda.url).text
    assert "Apologies sent" in page and "Your answer:" in page
    people = re.search(r'id="people-h".*?</section>', page, re.S).group(0)
    assert "On leave; Sam will cover" in people
    assert session.exec(select(MeetingResponse)).one().answer == "apologies"

    post_form(client, agenda.url, f"/meetings/{agenda.meeting.id}/apologies/withdraw")
    page = client.get(agenda.url).text
    assert "Apologies withdrawn" in page and "Send apologies" in page
    assert session.exec(select(MeetingResponse)).first() is None


def test_observers_cannot_use_the_member_forms(client, session, agenda):
    sign_in(client, "observer@example.com")
    page_url = "/councils"
    post_form(client, page_url, f"/meetings/{agenda.meeting.id}/aob", title="Sneaky")
    post_form(client, page_url, f"/meetings/{agenda.meeting.id}/apologies", note="Away")
    assert session.exec(select(AobItem)).first() is None
    assert session.exec(select(MeetingResponse)).first() is None


def test_titles_are_escaped(client, session, agenda):
    make_action(session, council=agenda.council, owner=agenda.seats["member"], title="<script>alert(1)</script>")
    session.commit()
    sign_in(client, "member@example.com")
    page = client.get(agenda.url).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_council_page_links_each_meeting_to_its_agenda(client, agenda):
    sign_in(client, "member@example.com")
    page = client.get(f"/councils/{agenda.council.id}").text
    assert f'href="/meetings/{agenda.meeting.id}/agenda"' in page


def test_aob_raised_after_publishing_shows_as_pending(client, session, agenda):
    sign_in(client, "chair@example.com")
    post_form(client, agenda.url, f"{agenda.url}/publish")
    client.cookies.clear()
    sign_in(client, "member@example.com")
    post_form(client, agenda.url, f"/meetings/{agenda.meeting.id}/aob", title="Late storm item")
    page = client.get(agenda.url).text
    assert "joins the circulated agenda when the chair republishes it" in page
    aob = section_html(page, "aob")
    assert "Raised since the agenda was circulated" in aob and "Late storm item" in aob


def test_savings_read_as_money_and_each_criterion_by_name(client, session, agenda):
    """Regression: the score breakdown showed the raw key "saving: 120,000" and savings had no currency."""
    session.add(
        Initiative(
            council_id=agenda.council.id,
            title="Van stock for the new boiler",
            status="proposed",
            failure_volume_per_year=1200,
            unit_cost=150,
            implementation_cost=90000,
            customer_impact=4,
            effort=3,
            strategic_fit=4,
            confidence=3,
        )
    )
    session.add(
        Initiative(
            council_id=agenda.council.id,
            title="Checklist on every call",
            status="in_progress",
            failure_volume_per_year=2000,
            unit_cost=150,
        )
    )
    session.commit()
    sign_in(client, "chair@example.com")
    page = client.get(agenda.url).text
    ranked = section_html(page, "prioritisation")
    assert "Yearly saving: £180,000 →" in ranked
    assert "<li>saving:" not in ranked
    assert "Customer impact: rated 4 →" in ranked
    assert "£180,000" in ranked.split("Score breakdown")[-1]  # the yearly saving column
    assert "Saves £300,000 a year" in section_html(page, "initiatives")


def test_measure_cards_use_the_chart_drawn_for_a_narrow_column(client, session, agenda):
    """Regression: the full-width chart, squeezed into a third of the page, had labels too small to read."""
    measure = Measure(council_id=agenda.council.id, name="Net Promoter Score", scope="overall", target=30)
    session.add(measure)
    session.commit()
    sign_in(client, "chair@example.com")
    card = section_html(client.get(agenda.url).text, "overall_measures")
    assert f'src="/api/measures/{measure.id}/chart.svg?compact=true"' in card
    assert client.get(f"/api/measures/{measure.id}/chart.svg?compact=true").status_code == 200


def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_one(client, agenda):
    """Regression: every page load logged a 404 for /favicon.ico in the browser console."""
    sign_in(client, "chair@example.com")
    page = client.get(agenda.url).text
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    response = client.get(icon)
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")


def test_an_odd_live_parameter_shows_the_page_not_an_error(client, agenda):
    """Regression: /meetings/1/agenda?live=abc answered a JSON 422 to a person in a browser."""
    sign_in(client, "chair@example.com")
    for value in ["abc", "", "0", "false"]:
        response = client.get(f"{agenda.url}?live={value}")
        assert response.status_code == 200 and "Running order" in response.text, value
    assert client.get(f"{agenda.url}?live=true").status_code == 200
