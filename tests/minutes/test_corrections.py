"""The correction round for circulated minutes, and the minutes' mail on the outbox, against a real SMTP
server on loopback: who is mailed, propose/accept/reject/withdraw, the window, approval after it or early
with a reason, every edit after approval 409, who took the minutes, and the Word record of changes."""

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import docx
from sqlmodel import select

from app import charts as charts_module
from app.docx import minutes as app_docx_minutes
from app.minutes import mail as minutes_mail
from app.minutes.window import last_day, window_close
from app.models import Minutes, MinutesItem
from app.outbox.deliver import deliver_all
from tests.factories import make_membership, make_user
from tests.helpers import error_fields, if_match
from tests.minutes.test_minutes_api import ZONE, World, arrange, as_, url
from tests.smtp import text_of

EARLY = "Everyone present read them at the meeting."


def circulate(client, app, w: World, *, email: bool = True, who: str = "secretary"):
    response = client.post(
        url(w, "/minutes/circulate"),
        headers=if_match(client, url(w, "/minutes/circulate"), as_(app, w, who), read=url(w, "/minutes")),
        json={"email": email},
    )
    assert response.status_code == 200, response.text
    return response.json()


def approve(client, app, w: World, **body):
    return client.post(
        url(w, "/minutes/approve"),
        headers=if_match(client, url(w, "/minutes/approve"), as_(app, w, "chair"), read=url(w, "/minutes")),
        json=body,
    )


def propose(client, app, w: World, who: str, item: int, text: str, reason: str = "It was said differently."):
    return client.post(
        url(w, "/minutes/corrections"),
        headers=as_(app, w, who),
        json={"item_number": item, "text": text, "reason": reason},
    )


def decide(client, app, w: World, correction_id: int, verb: str, who: str = "secretary", **body):
    return client.post(url(w, f"/minutes/corrections/{correction_id}/{verb}"), headers=as_(app, w, who), json=body)


def attended(client, app, w: World) -> None:
    """Aisha present, Ben by delegate, Chen absent, Dana apologies, the observer present."""
    rows = [
        {"membership_id": w.seat("chair"), "status": "present"},
        {"membership_id": w.seat("secretary"), "status": "present"},
        {"membership_id": w.seat("aisha"), "status": "present"},
        {"membership_id": w.seat("ben"), "status": "delegate", "delegate_name": "Bea Hughes"},
        {"membership_id": w.seat("chen"), "status": "absent"},
        {"membership_id": w.seat("dana"), "status": "apologies"},
        {"membership_id": w.seat("observer"), "status": "present"},
    ]
    response = client.put(url(w, "/attendance"), headers=as_(app, w, "secretary"), json={"attendance": rows})
    assert response.status_code == 200, response.text


def flush(app, inbox):
    inbox.messages.clear()
    deliver_all(app.state.engine, app.state.settings)
    return {m["To"].addresses[0].addr_spec.split("@")[0]: m for m in inbox.messages}


def set_notes(client, app, w: World, number: int, notes: str, who: str = "secretary"):
    path = url(w, f"/minutes/items/{number}")
    response = client.put(path, headers=if_match(client, path, as_(app, w, who)), json={"notes": notes})
    assert response.status_code == 200, response.text


# -- the window -----------------------------------------------------------------------


def test_the_window_counts_working_days_in_the_council_zone_and_ends_with_the_last():
    # Circulated on Friday 4 December at 15:00 in London: Monday 7 … Friday 11 December, to its end.
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    closes = window_close(friday, 5, "Europe/London")
    assert closes == datetime(2026, 12, 12, 0, 0, tzinfo=ZoneInfo("Europe/London"))
    assert f"{last_day(closes, 'Europe/London'):%A %-d %B}" == "Friday 11 December"
    # 23:30 UTC on Friday is already Saturday in Auckland: the window starts on Monday there too,
    # and ends at midnight Auckland time, not UTC.
    late = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)
    auckland = window_close(late, 2, "Pacific/Auckland")
    assert auckland == datetime(2026, 12, 9, 0, 0, tzinfo=ZoneInfo("Pacific/Auckland"))
    # Circulated on a Wednesday with a 1-day window: Thursday only.
    assert last_day(window_close(datetime(2026, 12, 2, 9, tzinfo=UTC), 1, "Europe/London"), "Europe/London") == (
        datetime(2026, 12, 3).date()
    )
    assert window_close(friday, 0, "Europe/London") is None


# -- the mail ---------------------------------------------------------------------------


def test_circulating_queues_the_draft_to_the_attendees_with_the_window_the_link_and_the_word_minutes(
    mail_app, inbox, session, monkeypatch
):
    app, client = mail_app
    w = arrange(session)
    gone = make_user(session, name="Former Member", email="former@example.com", is_active=False)
    make_membership(session, council=w.council, user=gone)
    session.commit()
    attended(client, app, w)
    built = []

    def build_minutes_docx(minutes, *, template, charts):
        built.append(minutes)
        return b"PK\x03\x04 the Word minutes"

    # The mail attaches what the download gives: app.docx.minutes, charts from app.charts.
    assert minutes_mail.build_minutes_docx is app_docx_minutes.build_minutes_docx
    assert minutes_mail.measure_chart_png is charts_module.measure_chart_png
    monkeypatch.setattr(minutes_mail, "build_minutes_docx", build_minutes_docx)

    body = circulate(client, app, w)
    assert body["emailed"] == 4 and body["attachment"].endswith(".docx")
    assert inbox.messages == []  # queued, not sent during the request
    closes = datetime.fromisoformat(body["minutes"]["corrections_close_at"])
    until = f"{last_day(closes, 'Europe/London'):%A %-d %B %Y}"
    mails = flush(app, inbox)
    # Attendees (present or by delegate) and the chair and secretary: not the absent, not apologies,
    # not the observer (drafts are not for observers), not the inactive.
    assert sorted(mails) == ["aisha", "ben", "chair", "secretary"]
    for who, message in mails.items():
        assert message["Subject"].strip().startswith("Draft minutes for corrections: Utility council meeting")
        text = text_of(message)
        assert w.users[who].name in text
        assert f"Corrections until {until}." in text
        assert f"http://council.example/meetings/{w.meeting.id}/minutes#corrections" in text
        html = message.get_body(("html",)).get_content()
        assert "Propose a correction" in html
        [attachment] = list(message.iter_attachments())
        assert attachment.get_filename() == body["attachment"]
        assert attachment.get_content() == b"PK\x03\x04 the Word minutes"
    assert built[0].status == "circulated"

    # A builder that fails: the mail still goes, without the file, and says so.
    monkeypatch.setattr(minutes_mail, "build_minutes_docx", lambda *a, **k: 1 / 0)
    again = circulate(client, app, w)
    assert again["attachment"] is None
    assert "The Word minutes could not be built, so the mail went without a .docx." in again["notes"]
    assert all(not list(m.iter_attachments()) for m in flush(app, inbox).values())


def test_circulating_without_smtp_queues_the_mail_and_says_it_waits(app, client, session):
    w = arrange(session)
    body = circulate(client, app, w)
    assert body["emailed"] == 2  # chair and secretary: nobody else recorded as attending yet
    assert any("waits in the outbox" in note for note in body["notes"])


def test_approving_mails_every_seat_with_the_approved_word_minutes(mail_app, inbox, session):
    app, client = mail_app
    w = arrange(session)
    attended(client, app, w)
    circulate(client, app, w, email=False)
    approved = approve(client, app, w, reason=EARLY)
    assert approved.status_code == 200, approved.text
    mails = flush(app, inbox)
    # Everyone, observers included; never the inactive.
    assert sorted(mails) == ["aisha", "ben", "chair", "chen", "dana", "observer", "secretary"]
    text = text_of(mails["observer"])
    today = datetime.now(ZONE)
    assert f"Approved on {today.day} {today:%B %Y} by Helen Carter." in text
    assert f"Approved before the correction window closed, because: {EARLY}" in text
    [attachment] = list(mails["observer"].iter_attachments())
    word = docx.Document(io.BytesIO(attachment.get_content()))
    assert any(p.text.startswith("Approved on") for p in word.paragraphs)


# -- the round ----------------------------------------------------------------------------


def test_attendees_propose_the_secretary_accepts_and_rejects_and_everyone_concerned_is_mailed(mail_app, inbox, session):
    app, client = mail_app
    w = arrange(session)
    attended(client, app, w)
    set_notes(client, app, w, 2, "NPS up two points.")
    set_notes(client, app, w, 3, "Billing complaints fell.")
    before = propose(client, app, w, "aisha", 2, "Before circulation.")
    assert before.status_code == 409 and "not been circulated" in before.json()["detail"]
    circulate(client, app, w, email=False)

    first = propose(client, app, w, "aisha", 2, "NPS up three points.", "The slide said three.")
    assert first.status_code == 201, first.text
    aisha_id = first.json()["id"]
    assert first.json()["status"] == "proposed" and first.json()["proposed_by"] == "Aisha Rahman"
    second = propose(client, app, w, "ben", 3, "Billing complaints fell by a fifth.")
    assert second.status_code == 201
    # Not attending, and observers, propose nothing; an item not on the minutes is named.
    assert propose(client, app, w, "chen", 2, "x").status_code == 403
    assert propose(client, app, w, "observer", 2, "x").status_code == 403
    unknown = propose(client, app, w, "aisha", 150, "x")
    assert unknown.status_code in (404, 422)
    bad = client.post(url(w, "/minutes/corrections"), headers=as_(app, w, "aisha"), json={"item_number": 2})
    assert bad.status_code == 422 and error_fields(bad) == {"text", "reason"}

    mails = flush(app, inbox)
    assert sorted(mails) == ["secretary"]  # one mail per proposal, both to the secretary
    assert len(inbox.messages) == 2
    proposed_text = "\n".join(text_of(m) for m in inbox.messages)
    assert "Aisha Rahman proposed a correction" in proposed_text and "NPS up three points." in proposed_text
    assert f"http://council.example/meetings/{w.meeting.id}/minutes#correction-{aisha_id}" in proposed_text

    # A member may not decide; the secretary accepts Aisha's and writes it into the notes.
    assert decide(client, app, w, aisha_id, "accept", who="aisha").status_code == 403
    accepted = decide(client, app, w, aisha_id, "accept", note="Checked the slide.", apply=True)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["status"], accepted.json()["applied"]) == ("accepted", True)
    notes = client.get(url(w, "/minutes/items/2"), headers=as_(app, w, "aisha")).json()
    assert notes["notes"] == "NPS up three points."
    assert decide(client, app, w, aisha_id, "reject", note="Changed my mind").status_code == 409

    # Rejecting says why.
    unexplained = decide(client, app, w, second.json()["id"], "reject")
    assert unexplained.status_code == 422 and error_fields(unexplained) == {"note"}
    rejected = decide(client, app, w, second.json()["id"], "reject", note="The figure was a tenth.")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert client.get(url(w, "/minutes/items/3"), headers=as_(app, w, "ben")).json()["notes"] == (
        "Billing complaints fell."
    )

    mails = flush(app, inbox)
    assert sorted(mails) == ["aisha", "ben"]
    assert "accepted the correction you proposed" in text_of(mails["aisha"])
    assert "The minutes now read as you proposed." in text_of(mails["aisha"])
    assert "rejected the correction you proposed" in text_of(mails["ben"])
    assert "Note: The figure was a tenth." in text_of(mails["ben"])

    listed = client.get(url(w, "/minutes/corrections"), headers=as_(app, w, "dana")).json()["data"]
    assert [(c["status"], c["decided_by"]) for c in listed] == [("accepted", "Sam Okafor"), ("rejected", "Sam Okafor")]
    assert client.get(url(w, "/minutes/corrections"), headers=as_(app, w, "observer")).status_code == 403
    history = client.get(url(w, "/minutes/history"), headers=as_(app, w, "chair")).json()["data"]
    kinds = [e["kind"] for e in history]
    assert kinds.count("correction_proposed") == 2
    assert "correction_accepted" in kinds and "correction_rejected" in kinds
    applied = next(e for e in history if e["kind"] == "item_notes" and e["detail"].get("correction_id") == aisha_id)
    assert applied["detail"]["before"] == "NPS up two points."


def test_applying_a_correction_never_overwrites_a_later_edit(app, client, session):
    w = arrange(session)
    set_notes(client, app, w, 2, "Version one.")
    circulate(client, app, w, email=False)
    correction = propose(client, app, w, "chair", 2, "Version one, corrected.").json()
    set_notes(client, app, w, 2, "Version two, by the secretary.")

    stale = decide(client, app, w, correction["id"], "accept", apply=True)
    assert stale.status_code == 412
    assert stale.json()["current"]["notes"] == "Version two, by the secretary."
    listed = client.get(url(w, "/minutes/corrections"), headers=as_(app, w, "chair")).json()["data"]
    assert listed[0]["status"] == "proposed"  # nothing decided, nothing written
    # Read the notes as they are now, then accept with that version.
    seen = client.get(url(w, "/minutes/items/2"), headers=as_(app, w, "secretary")).json()["version"]
    ok = decide(client, app, w, correction["id"], "accept", apply=True, item_version=seen)
    assert ok.status_code == 200 and ok.json()["applied"] is True
    assert client.get(url(w, "/minutes/items/2"), headers=as_(app, w, "chair")).json()["notes"] == (
        "Version one, corrected."
    )


def test_the_proposer_may_withdraw_an_undecided_correction(app, client, session):
    w = arrange(session)
    circulate(client, app, w, email=False)
    correction = propose(client, app, w, "chair", 4, "Reworded.").json()
    assert decide(client, app, w, correction["id"], "withdraw", who="secretary").status_code == 403
    withdrawn = decide(client, app, w, correction["id"], "withdraw", who="chair")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert decide(client, app, w, correction["id"], "accept").status_code == 409


def test_pending_corrections_hold_approval_and_approving_early_needs_a_reason(app, client, session):
    w = arrange(session)
    circulate(client, app, w, email=False)
    correction = propose(client, app, w, "secretary", 5, "Agreed unanimously.").json()
    held = approve(client, app, w, reason=EARLY)
    assert held.status_code == 409 and "1 correction still waits" in held.json()["detail"]
    decide(client, app, w, correction["id"], "accept")
    without = approve(client, app, w)
    assert without.status_code == 422 and error_fields(without) == {"reason"}
    blank = approve(client, app, w, reason="   ")
    assert blank.status_code == 422
    approved = approve(client, app, w, reason=EARLY)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_early_reason"] == EARLY
    history = client.get(url(w, "/minutes/history"), headers=as_(app, w, "chair")).json()["data"]
    assert history[-1]["kind"] == "approved" and history[-1]["detail"]["early_reason"] == EARLY


def test_after_the_window_closes_corrections_are_refused_and_the_chair_approves_without_a_reason(app, client, session):
    w = arrange(session)
    circulate(client, app, w, email=False)
    minutes = session.get(Minutes, w.meeting.id)
    # Move the window back: it closed at the start of yesterday (London).
    closed = datetime.now(ZONE).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=1)
    minutes.corrections_close_at = closed.astimezone(UTC)
    session.add(minutes)
    session.commit()
    late = propose(client, app, w, "aisha", 2, "Too late.")
    assert late.status_code == 409
    day = closed - timedelta(days=1)
    assert f"closed on {day:%A} {day.day} {day:%B %Y}" in late.json()["detail"]
    approved = approve(client, app, w)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_early_reason"] == ""


def test_every_correction_route_refuses_approved_minutes(app, client, session):
    w = arrange(session)
    circulate(client, app, w, email=False)
    correction = propose(client, app, w, "chair", 2, "Reworded.").json()
    decide(client, app, w, correction["id"], "reject", note="No.")
    assert approve(client, app, w, reason=EARLY).status_code == 200
    refusals = [
        propose(client, app, w, "chair", 2, "Again."),
        decide(client, app, w, correction["id"], "accept"),
        decide(client, app, w, correction["id"], "reject", note="x"),
        decide(client, app, w, correction["id"], "withdraw", who="chair"),
        approve(client, app, w, reason=EARLY),
    ]
    for response in refusals:
        assert response.status_code == 409, response.text
        assert "approved" in response.json()["detail"]


# -- who took the minutes, and the Word minutes ------------------------------------------


def test_minutes_taken_by_defaults_to_who_started_them_and_can_be_changed(app, client, session):
    w = arrange(session)
    set_notes(client, app, w, 2, "Started by the secretary.")
    doc = client.get(url(w, "/minutes"), headers=as_(app, w, "aisha")).json()
    assert doc["taken_by"] == "Sam Okafor"
    path = url(w, "/minutes")
    stranger = make_user(session, name="Not On Council")
    session.commit()
    refused = client.put(
        path, headers=if_match(client, path, as_(app, w, "secretary")), json={"taken_by_user_id": stranger.id}
    )
    assert refused.status_code == 422 and error_fields(refused) == {"taken_by_user_id"}
    by_seat = client.put(
        path, headers=if_match(client, path, as_(app, w, "chair")), json={"taken_by_user_id": w.users["dana"].id}
    )
    assert by_seat.status_code == 200 and by_seat.json()["taken_by"] == "Dana Price"
    by_name = client.put(
        path, headers=if_match(client, path, as_(app, w, "secretary")), json={"taken_by_name": "Temp Minute-Taker"}
    )
    assert by_name.json()["taken_by"] == "Temp Minute-Taker"
    circulate(client, app, w, email=False)
    assert approve(client, app, w, reason=EARLY).status_code == 200
    late = client.put(path, headers=if_match(client, path, as_(app, w, "secretary")), json={"taken_by_name": "Someone"})
    assert late.status_code == 409


def test_the_word_minutes_print_the_record_of_changes_and_who_took_them(app, client, session):
    w = arrange(session)
    attended(client, app, w)
    set_notes(client, app, w, 2, "NPS up two points.")
    circulate(client, app, w, email=False)
    accepted = propose(client, app, w, "aisha", 2, "NPS up three points.", "The slide said three.").json()
    rejected = propose(client, app, w, "ben", 2, "NPS flat.", "I misheard.").json()
    decide(client, app, w, accepted["id"], "accept", note="Checked the slide.", apply=True)
    decide(client, app, w, rejected["id"], "reject", note="The slide said three.")
    assert approve(client, app, w, reason=EARLY).status_code == 200

    response = client.get(url(w, "/minutes.docx"), headers=as_(app, w, "observer"))
    assert response.status_code == 200
    word = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading 1")]
    assert headings.index("Record of changes") == headings.index("Decision register") + 1
    front = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    assert front["Minutes taken by"] == "Sam Okafor"
    body = "\n".join(p.text for p in word.paragraphs)
    assert f"Approved before the window closed, because: {EARLY}" in body
    table = next(
        t for t in word.tables if t.rows[0].cells[0].text == "No." and "Proposed by" in t.rows[0].cells[2].text
    )
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == ["C1", "C2"]
    assert rows[0][2].startswith("Aisha Rahman") and "NPS up three points." in rows[0][3]
    assert "Why: The slide said three." in rows[0][3]
    assert rows[0][4].startswith("Accepted by Sam Okafor") and "Written into the notes." in rows[0][4]
    assert "Checked the slide." in rows[0][4]
    assert rows[1][4].startswith("Rejected by Sam Okafor") and "The slide said three." in rows[1][4]
    item = session.exec(
        select(MinutesItem).where(MinutesItem.meeting_id == w.meeting.id, MinutesItem.number == 2)
    ).one()
    assert item.notes == "NPS up three points."


def test_a_council_without_a_window_approves_at_once_and_takes_corrections_until_then(app, client, session):
    w = arrange(session)
    w.council.correction_window_days = 0
    session.add(w.council)
    session.commit()
    body = circulate(client, app, w, email=False)
    assert body["minutes"]["corrections_close_at"] is None
    assert propose(client, app, w, "chair", 2, "Reworded.").status_code == 201
    listed = client.get(url(w, "/minutes/corrections"), headers=as_(app, w, "chair")).json()["data"]
    decide(client, app, w, listed[0]["id"], "accept")
    approved = approve(client, app, w)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approved_early_reason"] == ""
