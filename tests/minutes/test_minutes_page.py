"""The minutes page through the ASGI client: who sees what, saving as they type, the small forms, approval."""

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from markupsafe import escape
from sqlmodel import select

from app.models import (
    Action,
    AobItem,
    Council,
    Decision,
    Meeting,
    Membership,
    Minutes,
    MinutesCorrection,
    MinutesItem,
    Role,
    Theme,
)
from tests.factories import make_council, make_department, make_meeting, make_membership, make_user
from tests.web.test_pages import csrf_from, sign_in

TRICKY = 'Said "no" & <b>left</b> early 🎉 — Ελληνικά, 中文, العربية'
ESCAPED = str(escape(TRICKY))  # as Jinja writes it


@dataclass
class World:
    council: Council
    meeting: Meeting
    seats: dict[str, Membership]
    aob: AobItem

    @property
    def url(self) -> str:
        return f"/meetings/{self.meeting.id}/minutes"

    def autosave(self, number: int) -> str:
        return f"{self.url}/items/{number}/autosave"


@pytest.fixture
def world(session) -> World:
    """A meeting that started an hour ago: chair, secretary, a Billing member, a supplier's member, an observer."""
    council = make_council(session, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    supplier = make_department(session, council=council, name="FixIt Ltd", is_external=True)
    seats = {}
    for key, name, role, department in [
        ("chair", "Helen Carter", Role.chair, None),
        ("secretary", "Sam Okafor", Role.secretary, None),
        ("member", "Aisha Rahman", Role.member, billing),
        ("supplier", "Chen Wei", Role.member, supplier),
        ("observer", "Olu Adebayo", Role.observer, None),
    ]:
        user = make_user(session, email=f"{key}@example.com", name=name)
        seats[key] = make_membership(session, council=council, user=user, role=role, department=department)
    make_user(session, email="outsider@example.com", name="Outsider")
    now = datetime.now(UTC).replace(microsecond=0)
    make_meeting(session, council=council, scheduled_at=now - timedelta(days=60))
    meeting = make_meeting(session, council=council, scheduled_at=now - timedelta(hours=1), title="Quarterly council")
    make_meeting(session, council=council, scheduled_at=now + timedelta(days=90))
    aob = AobItem(meeting_id=meeting.id, submitted_by_id=seats["member"].id, title="Storm readiness")
    session.add(aob)
    session.commit()
    return World(council=council, meeting=meeting, seats=seats, aob=aob)


def post_form(client, page_url: str, action: str, **fields):
    token = csrf_from(client.get(page_url).text)
    return client.post(action, data={"csrf_token": token, **fields}, follow_redirects=False)


def token_for(client, world: World) -> str:
    return csrf_from(client.get(world.url).text)


def flashes(page: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="flash [^"]*"[^>]*>(.*?)</p>', page, re.S)]


def item_html(page: str, number: int) -> str:
    match = re.search(rf'<section class="card agenda-section minutes-item" id="item-{number}".*?</section>', page, re.S)
    assert match, f"no item {number}"
    return match.group(0)


def approve(client, world: World) -> None:
    """Secretary circulates, chair approves: the shortest way to approved minutes."""
    sign_in(client, "secretary@example.com")
    assert post_form(client, world.url, f"{world.url}/circulate").status_code == 303
    sign_in(client, "chair@example.com")
    page = client.get(world.url).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    post_form(client, world.url, f"{world.url}/approve", version=version, reason="Read at the meeting.")
    assert "Minutes approved." in flashes(client.get(world.url).text)[0]


# -- who sees what --------------------------------------------------------------------


def test_the_minutes_need_a_sign_in_and_a_seat(client, world):
    response = client.get(world.url, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={world.url}"
    sign_in(client, "outsider@example.com")
    assert client.get(world.url, headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/meetings/999999/minutes", headers={"Accept": "text/html"}).status_code == 404


def test_the_secretary_gets_one_screen_to_record_the_meeting(client, world):
    sign_in(client, "secretary@example.com")
    page = client.get(world.url).text
    assert page.count('name="notes"') == 9
    assert page.count('class="notes-form"') == 9
    for number in range(1, 10):
        assert f'id="item-{number}"' in page and f'id="save-{number}"' in page
    assert page.count('name="status"') == 5  # one select per seat
    # One decision form and one action form for the whole meeting, and a link to each under every item.
    assert page.count(f'action="/meetings/{world.meeting.id}/minutes/decisions#record-decision"') == 1
    assert page.count(f'action="/meetings/{world.meeting.id}/minutes/actions#raise-action"') == 1
    assert page.count(">Record a decision here</a>") == 9 and page.count(">Raise an action here</a>") == 9
    assert f'action="/meetings/{world.meeting.id}/minutes/aob/{world.aob.id}"' in page
    assert 'name="approved" value="yes"' in page  # item 1: the previous minutes
    assert "Circulate minutes" in page and "Approve minutes" not in page
    assert f'href="/api/meetings/{world.meeting.id}/minutes.docx"' in page
    assert f'href="/api/meetings/{world.meeting.id}/minutes.pdf"' in page
    assert "minutes.js" in page and 'data-csrf="' in page
    assert "Draft — not yet circulated" in page
    assert "Not quorate: 0 of 4 members present (3 required)." in page


def test_a_member_reads_the_minutes_without_forms(client, session, world):
    session.add(MinutesItem(meeting_id=world.meeting.id, number=3, notes=TRICKY))
    session.commit()
    sign_in(client, "member@example.com")
    page = client.get(world.url).text
    assert 'name="notes"' not in page and "minutes.js" not in page and "/autosave" not in page
    assert "Circulate" not in page and "Approve minutes" not in page
    assert ESCAPED in item_html(page, 3)
    assert "<b>left</b>" not in page
    assert "The secretary is still writing these minutes" in page


def test_observers_read_the_minutes_once_approved(client, world):
    sign_in(client, "observer@example.com")
    refused = client.get(world.url, headers={"Accept": "text/html"})
    assert refused.status_code == 403 and "once the chair has approved them" in refused.text
    approve(client, world)
    sign_in(client, "observer@example.com")
    page = client.get(world.url).text
    assert "Approved on" in page and "by Helen Carter" in page
    assert 'name="notes"' not in page and "Add amendment" not in page


def test_the_council_and_agenda_pages_link_the_minutes(client, session, world):
    sign_in(client, "member@example.com")
    agenda = client.get(f"/meetings/{world.meeting.id}/agenda").text
    assert f'href="/meetings/{world.meeting.id}/minutes"' in agenda
    earlier = session.exec(select(Meeting).where(Meeting.council_id == world.council.id, Meeting.number == 1)).one()
    council = client.get(f"/councils/{world.council.id}").text
    assert f'href="/meetings/{earlier.id}/minutes"' in council


# -- saving as they type --------------------------------------------------------------


def test_autosave_saves_with_the_token_in_a_header_or_the_form(client, session, world):
    sign_in(client, "secretary@example.com")
    token = token_for(client, world)
    saved = client.post(world.autosave(3), data={"notes": TRICKY, "version": "0"}, headers={"X-CSRF-Token": token})
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["number"] == 3 and body["version"] >= 1
    assert datetime.fromisoformat(body["saved_at"]).tzinfo is not None
    assert saved.headers["cache-control"] == "no-store"
    item = session.exec(select(MinutesItem).where(MinutesItem.meeting_id == world.meeting.id)).one()
    assert (item.number, item.notes) == (3, TRICKY)

    # As sendBeacon sends it: the token as a form field, multipart, CRLF line breaks.
    again = client.post(
        world.autosave(3),
        files={
            "notes": (None, "line one\r\nline two"),
            "version": (None, str(body["version"])),
            "csrf_token": (None, token),
        },
    )
    assert again.status_code == 200, again.text
    assert again.json()["version"] > body["version"]
    session.expire_all()
    assert session.get(MinutesItem, item.id).notes == "line one\nline two"
    # The page shows it in the textarea, with when it was saved for the script.
    page = client.get(world.url).text
    assert "line one\nline two</textarea>" in item_html(page, 3)
    assert 'data-saved-at="20' in item_html(page, 3)


def test_autosave_refuses_without_the_token_a_reader_and_the_signed_out(client, session, world):
    sign_in(client, "secretary@example.com")
    token = token_for(client, world)
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        refused = client.post(world.autosave(2), data={"notes": "Sneaky"}, headers=headers)
        assert refused.status_code == 403 and "reload" in refused.json()["detail"]
    assert client.post(world.autosave(10), data={"notes": "x"}, headers={"X-CSRF-Token": token}).status_code == 404

    sign_in(client, "member@example.com")
    token = token_for(client, world)
    member = client.post(world.autosave(2), data={"notes": "Mine"}, headers={"X-CSRF-Token": token})
    assert member.status_code == 403 and "chair or secretary" in member.json()["detail"]

    client.post("/logout", data={"csrf_token": token})
    signed_out = client.post(world.autosave(2), data={"notes": "Gone"}, headers={"X-CSRF-Token": token})
    assert signed_out.status_code == 401 and signed_out.headers["content-type"] == "application/json"
    assert session.exec(select(MinutesItem)).first() is None


def test_autosave_is_refused_once_approved(client, session, world):
    approve(client, world)
    sign_in(client, "secretary@example.com")
    token = token_for(client, world)
    refused = client.post(world.autosave(4), data={"notes": "Too late"}, headers={"X-CSRF-Token": token})
    assert refused.status_code == 409
    assert "approved on" in refused.json()["detail"] and "amendment" in refused.json()["detail"]
    assert session.exec(select(MinutesItem)).first() is None


# -- the forms ------------------------------------------------------------------------


def test_attendance_from_the_table_updates_the_quorum(client, world):
    sign_in(client, "secretary@example.com")
    seats = world.seats
    rows = {
        "membership_id": [seats[k].id for k in ("chair", "secretary", "member", "supplier", "observer")],
        "status": ["present", "present", "delegate", "present", ""],
        "delegate_name": ["", "", "", "", ""],
        "note": ["", "", "", "Left at 11:00", ""],
    }
    token = token_for(client, world)
    missing = client.post(f"{world.url}/attendance", data={"csrf_token": token, **rows}, follow_redirects=False)
    assert missing.status_code == 303 and missing.headers["location"] == f"{world.url}#attendance"
    page = client.get(world.url).text
    assert any("name the delegate who attended for Aisha Rahman" in f for f in flashes(page))
    assert "Not quorate: 0 of 4" in page

    rows["delegate_name"][2] = "Priya Shah"
    client.post(f"{world.url}/attendance", data={"csrf_token": token, **rows}, follow_redirects=False)
    page = client.get(world.url).text
    statement = "Quorate: 4 of 4 members present, 1 by delegate (3 required)."
    assert flashes(page) == [f"Attendance saved. {statement}"]
    assert f'<p class="quorum met" id="quorum">{statement}</p>' in page
    assert 'value="Priya Shah"' in page and 'value="Left at 11:00"' in page
    assert '<option value="delegate" selected>' in page


def test_decisions_and_actions_are_added_without_leaving_the_page(client, session, world):
    sign_in(client, "secretary@example.com")
    made = post_form(client, world.url, f"{world.url}/decisions", item_number="3", text=TRICKY)
    # Back to the form, with a fresh row under the same item.
    assert made.status_code == 303 and made.headers["location"] == f"{world.url}?item=3#record-decision"
    due = (date.today() + timedelta(days=14)).isoformat()
    raised = post_form(
        client,
        world.url,
        f"{world.url}/actions",
        item_number="3",
        title="Brief the call centre",
        owner_id=str(world.seats["member"].id),
        due_on=due,
    )
    assert raised.headers["location"] == f"{world.url}?item=3#raise-action"
    page = client.get(raised.headers["location"]).text
    assert '<option value="3" selected>' in page
    assert flashes(page)[-1].startswith("Action raised: “Brief the call centre”")
    third = item_html(page, 3)
    assert "D1." in third and ESCAPED in third
    action = session.exec(select(Action).where(Action.title == "Brief the call centre")).one()
    assert (action.raised_at_meeting_id, action.raised_at_item, action.owner_id) == (
        world.meeting.id,
        3,
        world.seats["member"].id,
    )
    assert f'href="/actions/{action.id}"' in third and "Aisha Rahman (Billing)" in third
    # What a folded item says on a phone.
    assert '<span class="fold-summary muted small">1 decision · 1 action</span>' in third
    assert '<span class="fold-summary muted small">nothing recorded</span>' in item_html(page, 4)

    # What a form leaves out is said plainly, naming the row, and nothing is recorded; the page comes back as typed.
    refused = post_form(client, world.url, f"{world.url}/actions", item_number="5", title="No owner", due_on=due)
    assert refused.status_code == 422
    assert flashes(refused.text) == ["Action 1: owner is required."]
    assert 'value="No owner"' in refused.text
    refused = post_form(client, world.url, f"{world.url}/decisions", item_number="5", text="   ")
    assert flashes(refused.text) == ["Decision 1: write the decision first."]

    decision = session.exec(select(Decision)).one()
    struck = post_form(client, world.url, f"{world.url}/decisions/{decision.id}/delete", item_number="3")
    assert struck.headers["location"] == f"{world.url}#item-3"
    assert session.exec(select(Decision)).first() is None


def test_item_1_aob_and_next_meeting_are_recorded(client, session, world):
    sign_in(client, "secretary@example.com")
    post_form(client, world.url, f"{world.url}/previous", approved="yes", note="One typo fixed.\r\nSigned.")
    post_form(client, world.url, f"{world.url}/aob/{world.aob.id}", outcome="Plan due in March.")
    post_form(client, world.url, f"{world.url}/next-meeting", note="Leeds, room 4")
    post_form(client, world.url, f"{world.url}/items/5/notes", notes="Saved without script.", item_version="0")
    minutes = session.get(Minutes, world.meeting.id)
    session.refresh(minutes)
    assert (minutes.previous_minutes_approved, minutes.previous_minutes_note) == (True, "One typo fixed.\nSigned.")
    assert minutes.next_meeting_note == "Leeds, room 4"
    session.refresh(world.aob)
    assert world.aob.outcome == "Plan due in March."
    page = client.get(world.url).text
    assert 'name="approved" value="yes" checked' in page
    assert "Plan due in March.</textarea>" in page and 'value="Leeds, room 4"' in page
    assert "Saved without script.</textarea>" in item_html(page, 5)


# -- circulate, approve, amend --------------------------------------------------------


def test_circulate_approve_and_then_only_amendments(client, session, world):
    sign_in(client, "secretary@example.com")
    post_form(client, world.url, f"{world.url}/decisions", item_number="5", text="Extend the SMS pilot.")
    # No SMTP_URL here: the mail is queued all the same, and the page says it waits.
    post_form(client, world.url, f"{world.url}/circulate", email="1")
    page = client.get(world.url).text
    assert flashes(page)[0].startswith("Minutes circulated")
    assert "Meeting 2 is now marked as held." in flashes(page)[0]
    assert "Mail queued for 2 people" in flashes(page)[0] and "waits in the outbox" in flashes(page)[0]
    post_form(client, world.url, f"{world.url}/circulate")
    page = client.get(world.url).text
    assert flashes(page)[0].startswith("Minutes circulated") and "queued" not in flashes(page)[0]
    assert "Circulated on" in page and "Circulate again" in page and "Approve minutes" not in page
    post_form(client, world.url, f"{world.url}/approve", version="99")
    assert "Only the council's chair can approve the minutes." in flashes(client.get(world.url).text)

    sign_in(client, "chair@example.com")
    page = client.get(world.url).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    # The secretary corrects a note after the chair opened the page: the chair reads again first.
    sign_in(client, "secretary@example.com")
    token = token_for(client, world)
    item_version = re.search(r'data-item="5"[^>]*data-version="(\d+)"', client.get(world.url).text).group(1)
    corrected = client.post(
        world.autosave(5), data={"notes": "Corrected.", "version": item_version}, headers={"X-CSRF-Token": token}
    )
    assert corrected.status_code == 200
    sign_in(client, "chair@example.com")
    post_form(client, world.url, f"{world.url}/approve", version=version, reason="Read at the meeting.")
    page = client.get(world.url).text
    assert "changed after you opened this page" in flashes(page)[0]
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    # The correction window is open: approving now needs a reason, and the form asks for one.
    assert 'name="reason"' in page and "Approve early" in page
    post_form(client, world.url, f"{world.url}/approve", version=version)
    page = client.get(world.url).text
    assert "To approve before it closes, say why" in flashes(page)[0]
    post_form(client, world.url, f"{world.url}/approve", version=version, reason="Read at the meeting.")
    page = client.get(world.url).text
    assert flashes(page) == [
        "Minutes approved. They are final now; corrections are amendments. Everyone on the council is mailed."
    ]
    assert "Approved on" in page and "by Helen Carter" in page
    assert 'name="notes"' not in page and "Record a decision" not in page and "Corrected." in page

    # Every editing form now says so, and changes nothing.
    for action, fields in [
        ("decisions", {"item_number": "5", "text": "Late decision"}),
        ("items/5/notes", {"notes": "Late notes"}),
        ("next-meeting", {"note": "Late"}),
    ]:
        answer = post_form(client, world.url, f"{world.url}/{action}", **fields)
        # The rows forms answer with the page itself (what was typed kept); the others redirect to it.
        said = flashes(answer.text if answer.status_code == 409 else client.get(world.url).text)
        assert said and said[0].startswith("These minutes were approved on") and "amendment below" in said[0]
    assert [d.text for d in session.exec(select(Decision))] == ["Extend the SMS pilot."]

    post_form(client, world.url, f"{world.url}/amendments", item_number="5", text="D1 is evenings only.", reason=TRICKY)
    page = client.get(world.url).text
    assert flashes(page) == ["Amendment recorded. It shows with the minutes and in the Word document."]
    assert "D1 is evenings only." in page and ESCAPED in page
    assert "Amended after approval" in item_html(page, 5)


# -- a decision records the feedback theme it reviewed ---------------------------------


def test_the_secretary_records_a_reviewed_theme_from_the_page(client, session, world):
    council = world.council
    theme = Theme(council_id=council.id, name="Repeat engineer visit")
    other = Theme(council_id=council.id, name="Billing <errors> & letters")
    elsewhere = Theme(council_id=make_council(session).id, name="Elsewhere")
    session.add_all([theme, other, elsewhere])
    session.commit()
    sign_in(client, "secretary@example.com")
    page = client.get(world.url).text
    # One optional select in the one decision form, listing this council's themes only.
    assert page.count('name="theme_id"') == 1 and "Theme reviewed" in page
    assert f'<option value="{theme.id}">Repeat engineer visit</option>' in page
    assert "Billing &lt;errors&gt; &amp; letters" in page and "Elsewhere" not in page

    made = post_form(
        client, world.url, f"{world.url}/decisions", item_number="6", text="Checklist stays.", theme_id=str(theme.id)
    )
    assert made.status_code == 303 and made.headers["location"] == f"{world.url}?item=6#record-decision"
    page = client.get(world.url).text
    assert flashes(page) == ["Decision D1 recorded under item 6. Add another below."]
    sixth = item_html(page, 6)
    link = f'href="/councils/{council.id}/feedback?theme_id={theme.id}&amp;polarity=negative"'
    assert "Checklist stays." in sixth and "Theme reviewed: <a " in sixth and link in sixth
    assert f"{link}>Repeat engineer visit</a>" in sixth
    # Without a theme: recorded as before, no "Theme reviewed" line.
    post_form(client, world.url, f"{world.url}/decisions", item_number="7", text="No theme here.", theme_id="")
    assert "Theme reviewed: <a " not in item_html(client.get(world.url).text, 7)

    # A malformed or foreign theme id is named on the page, never a 500, and nothing is recorded.
    for bad, said in [
        ("abc", "Decision 1: theme id: 'abc' is not a whole number."),
        ("1e999", "Decision 1: theme id: '1e999' is not a whole number."),
        ("9" * 40, "Decision 1: theme id: '" + "9" * 40 + "' is not a whole number."),
        ("0", "Decision 1: theme id: must be greater than or equal to 1."),
        (str(elsewhere.id), f"Decision 1: Theme {elsewhere.id} is not a theme of this council."),
    ]:
        refused = post_form(client, world.url, f"{world.url}/decisions", item_number="6", text="Bad.", theme_id=bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert [html.unescape(f) for f in flashes(refused.text)] == [said], bad
        assert 'value="Bad."' in refused.text
    assert session.exec(select(Decision.text).order_by(Decision.number)).all() == ["Checklist stays.", "No theme here."]


def test_no_theme_select_when_the_council_has_no_themes(client, world):
    sign_in(client, "secretary@example.com")
    page = client.get(world.url).text
    assert "Record a decision" in page and 'name="theme_id"' not in page


# -- the correction round on the page ---------------------------------------------------


def test_the_round_on_the_page_who_proposes_who_decides_and_who_took_the_minutes(client, session, world):
    sign_in(client, "secretary@example.com")
    post_form(client, world.url, f"{world.url}/items/5/notes", notes="Pilot agreed.", item_version="0")
    page = client.get(world.url).text
    assert "Minutes taken by <strong>Sam Okafor</strong>" in page
    post_form(client, world.url, f"{world.url}/taken-by", taken_by_user_id="", taken_by_name="  Pat   Minute-Taker ")
    assert "Minutes taken by <strong>Pat Minute-Taker</strong>" in client.get(world.url).text
    # The secretary records Aisha present, not Chen; then circulates.
    post_form(
        client,
        world.url,
        f"{world.url}/attendance",
        membership_id=[str(world.seats[k].id) for k in ("member", "supplier")],
        status=["present", "absent"],
        delegate_name=["", ""],
        note=["", ""],
    )
    post_form(client, world.url, f"{world.url}/circulate")
    assert "Corrections until" in client.get(world.url).text

    # Chen was absent: no form. Aisha proposes; a missing reason comes back with what she typed.
    sign_in(client, "supplier@example.com")
    assert "Propose a correction to item" not in client.get(world.url).text
    sign_in(client, "member@example.com")
    page = client.get(world.url).text
    assert "Propose a correction to item 5" in page and ">Pilot agreed.</textarea>" in page
    post_form(client, world.url, f"{world.url}/corrections", item_number="5", text="Pilot agreed for March.")
    page = client.get(world.url).text
    assert "Pilot agreed for March.</textarea>" in page and " open>" in item_html(page, 5)
    post_form(
        client, world.url, f"{world.url}/corrections", item_number="5", text="Pilot agreed for March.", reason="Date"
    )
    page = client.get(world.url).text
    assert flashes(page)[0].startswith("Correction proposed.")
    assert "Waiting for the secretary's decision." in item_html(page, 5) and "decide-form" not in page

    # The secretary rejects without a note (refused, named), then accepts; the notes now read as proposed.
    sign_in(client, "secretary@example.com")
    correction = session.exec(select(MinutesCorrection)).one()
    decide = f"{world.url}/corrections/{correction.id}/decide"
    post_form(client, world.url, decide, decision="reject", note="")
    assert "Say why the correction is rejected" in flashes(client.get(world.url).text)[0]
    post_form(client, world.url, decide, decision="accept", note="Right.", apply="1", item_version="1")
    page = client.get(world.url).text
    assert flashes(page)[0].startswith("Correction accepted and written into the notes.")
    assert ">Pilot agreed for March.</textarea>" in item_html(page, 5)
