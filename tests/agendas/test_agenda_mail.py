"""Publishing an agenda mails every seat: running order, what changed, the Word pack and the meeting request.

Sent through the outbox to a real SMTP server (aiosmtpd), read back with the standard
`email` package; the pack is opened with python-docx and the invite with vobject.
"""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import docx
import pytest
import vobject
from sqlmodel import select

from app.agendas.model import Agenda
from app.councils.sections import SECTION_TITLES
from app.display import long_date
from app.models import AobItem, Council, Meeting, NotificationPreference, OutboxMessage, Role
from app.outbox.deliver import deliver_all
from tests.factories import make_council, make_department, make_meeting, make_membership, make_response, make_user
from tests.helpers import auth
from tests.smtp import text_of
from tests.web.test_pages import csrf_from, sign_in

pytestmark = pytest.mark.usefixtures("db_backend")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def seven_seats(session):
    """A council of seven seats (chair, secretary, four members, an observer) and a meeting in ten days."""
    chair = make_user(session, name="Helen Carter")
    council = make_council(session, chair=chair, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    field = make_department(session, council=council, name="Field service")
    make_membership(session, council=council, role=Role.secretary, user=make_user(session, name="Sam Secretary"))
    seats = {
        name: make_membership(session, council=council, user=make_user(session, name=name), department=dept)
        for name, dept in [("Aisha Rahman", billing), ("Tom Hughes", field), ("Priya Shah", billing), ("Li Wei", None)]
    }
    make_membership(session, council=council, role=Role.observer, user=make_user(session, name="Olu Observer"))
    start = (datetime.now(UTC) + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    meeting = make_meeting(session, council=council, scheduled_at=start, location="Board room")
    make_response(session, meeting=meeting, seat=seats["Tom Hughes"], answer="apologies", reason="On leave")
    session.commit()
    return chair, council, seats, meeting


def flush(app, inbox):
    deliver_all(app.state.engine, app.state.settings)
    return inbox.messages


def attachments(message):
    return {part.get_filename(): part for part in message.iter_attachments()}


def test_publishing_to_a_council_of_seven_sends_seven_mails_with_pack_and_invite(mail_app, session, inbox):
    app, client = mail_app
    chair, council, seats, meeting = seven_seats(session)
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200

    messages = flush(app, inbox)
    assert len(messages) == 7
    assert len({m["To"].addresses[0].addr_spec for m in messages}) == 7
    day = long_date(meeting.scheduled_at.astimezone(ZoneInfo("Europe/London")).date())
    download = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    invite = vobject.readOne(client.get(f"/api/meetings/{meeting.id}/invite.ics", headers=auth(app, chair)).text)
    downloaded = [p.text for p in docx.Document(io.BytesIO(download.content)).paragraphs]
    for message in messages:
        # (.strip(): CPython folds a long Subject onto its own line; see the report)
        assert message["Subject"].strip() == f"Agenda published: Utility council meeting 1, {day}"
        files = attachments(message)
        [pack_name] = [name for name in files if name.endswith(".docx")]
        pack = files[pack_name]
        assert pack.get_content_type() == DOCX
        document = docx.Document(io.BytesIO(pack.get_content()))
        assert document.core_properties.title == "Utility council: meeting 1 agenda"
        assert [p.text for p in document.paragraphs] == downloaded  # what the download gives
        ics = files["invite.ics"]
        assert ics.get_content_type() == "text/calendar" and ics.get_param("method") == "REQUEST"
        calendar = vobject.readOne(ics.get_payload(decode=True).decode())
        assert calendar.method.value == "REQUEST"
        event = calendar.vevent
        assert event.uid.value == invite.vevent.uid.value
        assert event.dtstart.value == meeting.scheduled_at.astimezone(event.dtstart.value.tzinfo)
        answers = {a.value.removeprefix("mailto:"): a.params["PARTSTAT"][0] for a in event.attendee_list}
        assert len(answers) == 7
        text = text_of(message)
        assert "First version" in text
        order = [text.index(title) for title in SECTION_TITLES.values()]
        assert order == sorted(order)  # the running order, in the council's order
        assert f"http://council.example/meetings/{meeting.id}/agenda" in text
        assert f"http://council.example/meetings/{meeting.id}/agenda#attendance" in text
        html = message.get_body(("html",)).get_content()
        assert f'href="http://council.example/meetings/{meeting.id}/agenda#attendance"' in html
    tom = inbox.to(session.get(type(chair), seats["Tom Hughes"].user_id).email)[0]
    assert "You sent apologies: the papers are for your information." in text_of(tom)
    tom_attendee = [a for a in invite.vevent.attendee_list if a.params["CN"][0] == "Tom Hughes"][0]
    assert tom_attendee.params["PARTSTAT"] == ["DECLINED"]


def test_republishing_names_what_changed(mail_app, session, inbox):
    app, client = mail_app
    chair, council, seats, meeting = seven_seats(session)
    url = f"/api/meetings/{meeting.id}/agenda/publish"
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    session.add(AobItem(meeting_id=meeting.id, submitted_by_id=seats["Li Wei"].id, title="Storm readiness"))
    meeting = session.get(Meeting, meeting.id)
    meeting.location = "Leeds HQ, room 4"
    session.add(meeting)
    session.commit()
    assert client.post(url, headers=auth(app, chair)).status_code == 200

    messages = flush(app, inbox)
    assert len(messages) == 14
    updated = [m for m in messages if "(version 2)" in m["Subject"]]
    assert len(updated) == 7
    text = text_of(updated[0])
    assert "Agenda updated (version 2): Utility council meeting 1" in updated[0]["Subject"]
    assert "Since version 1:" in text and "First version" not in text
    assert "Under “Any other business”, new: item “Storm readiness”." in text
    assert "The meeting's place changed: now Leeds HQ, room 4 (was Board room)." in text
    html = updated[0].get_body(("html",)).get_content()
    assert "<li>Under “Any other business”, new: item “Storm readiness”.</li>" in html

    # Published again with nothing new: the mail says so rather than inventing a change.
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    again = [m for m in flush(app, inbox) if "(version 3)" in m["Subject"]]
    assert len(again) == 7
    assert "Nothing on the agenda changed since version 2" in text_of(again[0])


@pytest.mark.parametrize("limit_kb", [1, 0])
def test_a_pack_above_the_councils_limit_is_linked_not_attached(mail_app, session, inbox, limit_kb):
    app, client = mail_app
    chair, council, seats, meeting = seven_seats(session)
    council = session.get(Council, council.id)
    council.pack_attach_limit_kb = limit_kb
    session.add(council)
    session.commit()
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200

    messages = flush(app, inbox)
    assert len(messages) == 7
    for message in messages:
        assert list(attachments(message)) == ["invite.ics"]
        text = text_of(message)
        link = f"http://council.example/api/meetings/{meeting.id}/agenda.docx"
        assert link in text
        if limit_kb:
            assert "larger than the council's 1 KB limit for attachments, so it is not attached" in text
        else:
            assert "The council sends the Word agenda pack" in text and "as a link rather than attached" in text
        assert f"Download it: {link}" in text
    # The link works for a signed-in seat.
    assert client.get(link.removeprefix("http://council.example"), headers=auth(app, chair)).status_code == 200


def test_a_refused_publish_queues_nothing(mail_app, session):
    app, client = mail_app
    chair, council, seats, meeting = seven_seats(session)
    member = session.get(type(chair), seats["Aisha Rahman"].user_id)
    url = f"/api/meetings/{meeting.id}/agenda/publish"
    assert client.post(url, headers=auth(app, member)).status_code == 403
    cancelled = make_meeting(session, council=session.get(Council, council.id), status="cancelled")
    session.commit()
    refused = client.post(f"/api/meetings/{cancelled.id}/agenda/publish", headers=auth(app, chair))
    assert refused.status_code == 409
    session.expire_all()
    assert session.exec(select(OutboxMessage)).all() == []


def test_a_member_who_turned_agenda_mail_off_gets_none_unless_the_council_requires_it(mail_app, session):
    app, client = mail_app
    chair, council, seats, meeting = seven_seats(session)
    aisha = seats["Aisha Rahman"]
    session.add(
        NotificationPreference(user_id=aisha.user_id, council_id=council.id, kind="agenda_published", enabled=False)
    )
    session.commit()
    url = f"/api/meetings/{meeting.id}/agenda/publish"

    def queued_for():
        session.expire_all()
        return [row.user_id for row in session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()]

    assert client.post(url, headers=auth(app, chair)).status_code == 200
    first = queued_for()
    assert len(first) == 6 and aisha.user_id not in first

    council = session.get(Council, council.id)
    council.required_notifications = ["agenda_published"]
    session.add(council)
    session.commit()
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    second = queued_for()[6:]
    assert len(second) == 7 and aisha.user_id in second


def test_publishing_from_the_page_mails_the_seats_too(mail_app, session, inbox):
    app, client = mail_app
    chair, council, seats, meeting = seven_seats(session)
    page = f"/meetings/{meeting.id}/agenda"
    sign_in(client, chair.email)
    token = csrf_from(client.get(page).text)
    published = client.post(f"{page}/publish", data={"csrf_token": token})  # the redirect followed
    assert "notices to every seat are being prepared" in published.text
    assert "Sent to 7 members" in published.text  # the job ran after the publish committed (inline in tests)
    assert len(flush(app, inbox)) == 7


def test_republishing_compares_with_the_circulated_agenda_kept_rather_than_reading_its_snapshot_again(
    mail_app, session, monkeypatch
):
    app, client = mail_app
    chair, council, seats, meeting = seven_seats(session)
    url = f"/api/meetings/{meeting.id}/agenda/publish"
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    read = []
    validate = Agenda.model_validate.__func__
    monkeypatch.setattr(
        Agenda, "model_validate", classmethod(lambda cls, *a, **k: read.append(1) or validate(cls, *a, **k))
    )
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    assert read == []  # version 1 came from the cache; version 2 is kept as frozen, not read back from its JSON
