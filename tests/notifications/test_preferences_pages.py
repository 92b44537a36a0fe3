"""The pages: what I receive (/notifications), the council's notification settings, and unsubscribing."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from app.models import Council, NotificationPreference, Role
from app.notifications.preferences import unsubscribe_url
from tests.factories import make_council, make_membership, make_user
from tests.web.test_pages import csrf_from, sign_in

pytestmark = pytest.mark.usefixtures("db_backend")


def _people(session):
    chair = make_user(session, email="chair@example.com", name="Chair")
    member = make_user(session, email="mia@example.com", name="Mia")
    council = make_council(session, name="Utility council", chair=chair)
    make_membership(session, council=council, user=member, role=Role.member)
    other = make_council(session, name="Billing council", chair=chair)
    make_membership(session, council=other, user=member, role=Role.observer)
    session.commit()
    return council, other, chair, member


def _choices(session, user, council) -> dict[str, bool]:
    session.expire_all()
    rows = session.exec(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.council_id == council.id
        )
    )
    return {row.kind: row.enabled for row in rows}


def test_the_preferences_page_saves_one_council_and_says_what_changed(client, session):
    council, other, chair, member = _people(session)
    council.required_notifications = ["agenda_published"]
    session.add(council)
    session.commit()
    assert sign_in(client, email="mia@example.com", next_path="/notifications").status_code == 303
    page = client.get("/notifications")
    assert page.status_code == 200
    text = page.text
    # Both councils, one form each; the required kind shown ticked and disabled.
    assert text.index("Billing council") < text.index("Utility council")
    required = re.search(
        r'<input[^>]*value="agenda_published"[^>]*>',
        text[text.index(f'id="council-{council.id}"') :],
    )
    assert "checked" in required.group() and "disabled" in required.group()
    assert "Required by the council" in text and "Due date moved" not in text  # not for a member's seat

    # Everything but the digest, as a browser sends it: the required kind's disabled box is not sent.
    ticked = ["action_assigned", "due_move_decided", "report_due", "measure_crossed"]
    ticked += ["minutes_circulated", "correction_decided", "minutes_approved"]
    response = client.post(
        f"/notifications/{council.id}", data={"csrf_token": csrf_from(text), "kind": ticked}, follow_redirects=True
    )
    assert "Saved for Utility council. Off: “Daily digest of your actions”." in response.text
    assert _choices(session, member, council)["action_digest"] is False
    assert _choices(session, member, other) == {}  # the other council untouched
    box = re.search(
        r'<input[^>]*value="action_digest"[^>]*>', response.text[response.text.index(f'id="council-{council.id}"') :]
    )
    assert "checked" not in box.group()

    again = client.post(
        f"/notifications/{council.id}",
        data={"csrf_token": csrf_from(text), "kind": [*ticked, "action_digest"]},
        follow_redirects=True,
    )
    assert "On: “Daily digest of your actions”" in again.text
    # A council I do not sit on does not exist for me.
    elsewhere = make_council(session, name="Secret council")
    session.commit()
    assert client.post(f"/notifications/{elsewhere.id}", data={"csrf_token": csrf_from(text)}).status_code == 404


def test_the_chair_saves_settings_the_secretary_reads_them_a_member_is_refused(client, session):
    council, _, chair, member = _people(session)
    secretary = make_user(session, email="sam@example.com")
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    session.commit()
    url = f"/councils/{council.id}/notification-settings"

    assert sign_in(client, email="chair@example.com").status_code == 303
    assert url in client.get(f"/councils/{council.id}").text
    page = client.get(url).text
    form = {
        "csrf_token": csrf_from(page),
        "version": re.search(r'name="version" value="(\d+)"', page).group(1),
        "required": ["agenda_published", "minutes_approved"],
        "pack_attach_limit_kb": "2048",
        "report_reminder_days": "5",
        "correction_window_days": "61",
        "due_moves_need_approval": "true",
    }
    refused = client.post(url, data=form, follow_redirects=True)
    assert "correction window days: must be less than or equal to 30" in refused.text
    assert 'value="61"' in refused.text  # what was typed is shown again
    session.expire_all()
    assert session.get(Council, council.id).pack_attach_limit_kb == 5120  # nothing saved

    saved = client.post(url, data={**form, "correction_window_days": "10"}, follow_redirects=True)
    assert (
        "Saved: required kinds, Word pack limit, report reminder, due date approval, correction window." in saved.text
    )
    session.expire_all()
    stored = session.get(Council, council.id)
    assert stored.required_notifications == ["agenda_published", "minutes_approved"]
    assert (stored.pack_attach_limit_kb, stored.report_reminder_days, stored.correction_window_days) == (2048, 5, 10)
    assert stored.due_moves_need_approval is True
    stale = client.post(url, data={**form, "correction_window_days": "10"}, follow_redirects=True)
    assert "Someone changed the council since this page was opened" in stale.text

    client.post("/logout", data={"csrf_token": csrf_from(saved.text)})
    assert sign_in(client, email="sam@example.com").status_code == 303
    read = client.get(url).text
    assert "Only the chair changes these." in read and '<fieldset class="kinds" disabled>' in read
    assert "Save notification settings" not in read
    assert client.post(url, data={**form, "csrf_token": csrf_from(read)}).status_code == 403

    client.post("/logout", data={"csrf_token": csrf_from(read)})
    assert sign_in(client, email="mia@example.com").status_code == 303
    assert client.get(url).status_code == 403


def test_one_click_unsubscribe_as_a_mail_client_posts_it(app, session, settings):
    council, _, _, member = _people(session)
    link = unsubscribe_url(settings, user_id=member.id, council_id=council.id, kind="minutes_approved")
    path = link.removeprefix(settings.BASE_URL)
    mail_client = TestClient(app)  # no cookie, no CSRF token: what a mail client has

    shown = mail_client.get(path)
    assert shown.status_code == 200
    assert "Stop “Minutes approved” mail?" in shown.text and "Utility council" in shown.text
    assert _choices(session, member, council) == {}  # looking changes nothing

    for _ in range(2):  # once, and again: the same answer
        done = mail_client.post(
            path,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert done.status_code == 200, done.text
        assert "Done: no more “Minutes approved”" in done.text
    assert _choices(session, member, council) == {"minutes_approved": False}
    assert "You already do not receive it." in mail_client.get(path).text


def test_a_bad_link_is_a_404_page_and_a_required_kind_says_why_it_stays(app, session, settings):
    council, _, _, member = _people(session)
    browser = TestClient(app)
    for bad in ("nonsense", "W1sxLDIsImFnZW5kYV9wdWJsaXNoZWQiXQ", "x" * 3000):
        for method in ("GET", "POST"):
            response = browser.request(method, f"/unsubscribe/{bad}", headers={"Accept": "text/html"})
            assert response.status_code == 404 and "This link is not valid" in response.text
    council.required_notifications = ["agenda_published"]
    session.add(council)
    session.commit()
    link = unsubscribe_url(settings, user_id=member.id, council_id=council.id, kind="agenda_published")
    refused = browser.post(link.removeprefix(settings.BASE_URL))
    assert refused.status_code == 200
    assert "“Agenda published” cannot be turned off" in refused.text and "requires this mail" in refused.text
    assert _choices(session, member, council) == {}


def test_the_list_unsubscribe_header_of_a_delivered_mail_turns_the_kind_off(mail_app, inbox, session):
    """A mail reaches the SMTP server; its List-Unsubscribe URL, posted as RFC 8058 says, stops the next one."""
    from app.notifications.service import Recipient, notify
    from app.outbox.deliver import deliver_all

    app, _ = mail_app
    settings = app.state.settings
    council, _, chair, member = _people(session)

    def event() -> int:
        session.expire_all()
        rows = notify(
            session,
            settings,
            kind="minutes_circulated",
            council=session.get(Council, council.id),
            recipients=[Recipient(p.id, p.name, p.email) for p in (chair, member)],
            subject="Draft minutes of meeting 4",
            template="notice",
            context={"paragraphs": ["The draft minutes of meeting 4 are ready for corrections."]},
            link="/meetings/4/minutes",
        )
        session.commit()
        deliver_all(app.state.engine, settings)
        return len(rows)

    assert event() == 2
    [mail] = inbox.to("mia@example.com")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = mail["List-Unsubscribe"].strip("<>")
    assert target.startswith("http://council.example/unsubscribe/")
    assert target in mail.get_body(("plain",)).get_content()
    assert f'href="{target}"' in mail.get_body(("html",)).get_content()

    mail_client = TestClient(app, base_url="http://council.example")
    response = mail_client.post(
        target,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert event() == 1  # the chair only
    assert len(inbox.to("mia@example.com")) == 1 and len(inbox.to("chair@example.com")) == 2
