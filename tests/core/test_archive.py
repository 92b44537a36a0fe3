"""Nothing deleted without a trace: deletes of records with history archive them (hidden,
kept in minutes, exports and history, restorable by the chair or a site admin), and only
the site admin's `council purge` removes an archived record, writing the audit log first."""

import io
from datetime import date

import pytest
from docx import Document
from sqlmodel import col, select
from typer.testing import CliRunner

from app.archived import INCLUDE_ARCHIVED
from app.cli import app as cli
from app.models import Action, ActionEvent, AuditEntry, Council, Measure, Meeting, Reading, Role
from tests.factories import make_action, make_action_update, make_council, make_membership, make_user
from tests.helpers import auth
from tests.minutes.test_minutes_api import approve, arrange

runner = CliRunner()


def audit(session, subject: str) -> list[tuple[str, str]]:
    session.expire_all()
    rows = session.exec(select(AuditEntry).where(AuditEntry.subject == subject).order_by(col(AuditEntry.id)))
    return [(row.action, row.actor) for row in rows]


def kept(session, model, record_id: int):
    """The row whatever its state (the global filter would hide it when archived)."""
    session.expunge_all()
    return session.get(model, record_id, execution_options=INCLUDE_ARCHIVED)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# -- actions ------------------------------------------------------------------------------


def test_an_action_with_history_is_archived_not_deleted_and_the_chair_restores_it(app, client, session):
    w = arrange(session)
    chair, secretary = auth(app, w.users["chair"]), auth(app, w.users["secretary"])
    created = client.post(
        f"/api/councils/{w.council.id}/actions",
        headers=secretary,
        json={"title": "Fix the bill wording", "owner_id": w.seat("aisha"), "due_on": "2031-01-01"},
    )
    action_id = created.json()["id"]
    moved = client.patch(
        f"/api/actions/{action_id}",
        headers={**secretary, "If-Match": created.headers["ETag"]},
        json={"status": "blocked", "note": "Waiting on legal"},
    )
    assert moved.status_code == 200

    assert client.delete(f"/api/actions/{action_id}", headers=chair).status_code == 204

    # Hidden from the log, the owner's list and the CSV; its own page and history remain.
    listed = client.get(f"/api/councils/{w.council.id}/actions", headers=chair).json()
    assert action_id not in [a["id"] for a in listed["data"]]
    mine = client.get("/api/me/actions", headers=auth(app, w.users["aisha"])).json()
    assert action_id not in [a["id"] for a in mine["data"]]
    assert "Fix the bill wording" not in client.get(f"/api/councils/{w.council.id}/actions.csv", headers=chair).text
    one = client.get(f"/api/actions/{action_id}", headers=chair)
    assert one.status_code == 200 and one.json()["archived_at"] is not None
    history = client.get(f"/api/actions/{action_id}/history", headers=chair).json()["data"]
    assert [entry["note"] for entry in history][:2] == ["", "Waiting on legal"]
    assert history[-1]["changes"][0]["field"] == "archived"
    assert kept(session, Action, action_id).archived_by_id == w.users["chair"].id
    # No writes to an archived action until it is restored.
    stale_write = client.patch(
        f"/api/actions/{action_id}", headers={**chair, "If-Match": one.headers["ETag"]}, json={"status": "done"}
    )
    assert stale_write.status_code == 409

    # In the chair's archive list; restored by the chair (not the secretary, not an outsider).
    archive = client.get(f"/api/councils/{w.council.id}/archive", headers=chair).json()["data"]
    assert [(row["kind"], row["id"], row["archived_by"]) for row in archive] == [
        ("action", action_id, "chair@example.com")
    ]
    assert client.get(f"/api/councils/{w.council.id}/archive", headers=secretary).status_code == 403
    assert client.post(f"/api/actions/{action_id}/restore", headers=secretary).status_code == 403
    stranger = make_user(session)
    session.commit()
    outsider = auth(app, stranger)
    session.commit()
    assert client.post(f"/api/actions/{action_id}/restore", headers=outsider).status_code == 404
    restored = client.post(f"/api/actions/{action_id}/restore", headers=chair)
    assert restored.status_code == 200 and restored.json()["archived_at"] is None
    listed = client.get(f"/api/councils/{w.council.id}/actions", headers=chair).json()
    assert action_id in [a["id"] for a in listed["data"]]
    notes = [entry["note"] for entry in client.get(f"/api/actions/{action_id}/history", headers=chair).json()["data"]]
    assert notes[-1] == "Restored from the archive." and len(notes) == 4
    assert audit(session, f"actions:{action_id}") == [
        ("archive", "chair@example.com"),
        ("restore", "chair@example.com"),
    ]


def test_a_just_created_action_is_deleted_outright(app, client, session):
    w = arrange(session)
    created = client.post(
        f"/api/councils/{w.council.id}/actions",
        headers=auth(app, w.users["secretary"]),
        json={"title": "Typo", "owner_id": w.seat("aisha"), "due_on": "2031-01-01"},
    )
    action_id = created.json()["id"]
    assert client.delete(f"/api/actions/{action_id}", headers=auth(app, w.users["chair"])).status_code == 204
    assert kept(session, Action, action_id) is None
    assert audit(session, f"actions:{action_id}") == []


def test_an_archived_action_stays_in_the_approved_minutes_that_recorded_it(app, client, session):
    w = arrange(session)
    raised = make_action(
        session, council=w.council, owner=w.seats["aisha"], raised_at=w.meeting, title="Call Mrs Patel"
    )
    raised.raised_at_item = 5
    session.commit()
    approve(client, app, w)
    chair = auth(app, w.users["chair"])

    assert client.delete(f"/api/actions/{raised.id}", headers=chair).status_code == 204

    assert kept(session, Action, raised.id).archived_at is not None  # raised at a meeting with minutes
    doc = client.get(f"/api/meetings/{w.meeting.id}/minutes", headers=chair).json()
    raised_titles = [a["title"] for item in doc["items"] for a in item["actions_raised"]]
    assert "Call Mrs Patel" in raised_titles
    word = client.get(f"/api/meetings/{w.meeting.id}/minutes.docx", headers=chair)
    assert word.status_code == 200 and "Call Mrs Patel" in docx_text(word.content)
    # …but the next agenda's open actions leave it out.
    agenda = client.get(f"/api/meetings/{w.upcoming.id}/agenda", headers=chair)
    assert agenda.status_code == 200 and "Call Mrs Patel" not in agenda.text


# -- measures -----------------------------------------------------------------------------


def test_a_measure_with_readings_is_archived_with_them_and_restored(app, client, session):
    w = arrange(session)
    with_readings = Measure(council_id=w.council.id, name="Repeat contacts", unit="%")
    draft = Measure(council_id=w.council.id, name="Draft measure")
    session.add_all([with_readings, draft])
    session.flush()
    session.add(Reading(measure_id=with_readings.id, period=date(2026, 1, 1), value=12.5))
    session.add(Reading(measure_id=with_readings.id, period=date(2026, 2, 1), value=11.0))
    session.commit()
    chair = auth(app, w.users["chair"])
    measures_url = f"/api/councils/{w.council.id}/measures"

    for measure in (with_readings, draft):
        etag = client.get(f"/api/measures/{measure.id}", headers=chair).headers["ETag"]
        assert client.delete(f"/api/measures/{measure.id}", headers={**chair, "If-Match": etag}).status_code == 204

    assert kept(session, Measure, draft.id) is None  # no readings: nothing to keep
    assert kept(session, Measure, with_readings.id).archived_at is not None
    assert len(session.exec(select(Reading).where(Reading.measure_id == with_readings.id)).all()) == 2
    assert client.get(measures_url, headers=chair).json()["count"] == 0
    agenda = client.get(f"/api/meetings/{w.upcoming.id}/agenda", headers=chair)
    assert agenda.status_code == 200 and "Repeat contacts" not in agenda.text
    assert client.get(f"/api/measures/{with_readings.id}", headers=chair).status_code == 404
    # Its name stays taken while archived, and the answer says so.
    again = client.post(measures_url, headers=chair, json={"name": "Repeat contacts"})
    assert again.status_code == 409 and "archived" in again.json()["detail"]

    restored = client.post(f"/api/measures/{with_readings.id}/restore", headers=chair)
    assert restored.status_code == 200, restored.text
    readings = client.get(f"/api/measures/{with_readings.id}/readings", headers=chair).json()
    assert [r["value"] for r in readings["data"]] == [12.5, 11.0]
    assert audit(session, f"measures:{with_readings.id}") == [
        ("archive", "chair@example.com"),
        ("restore", "chair@example.com"),
    ]


# -- meetings and councils ----------------------------------------------------------------


def test_a_meeting_with_minutes_is_archived_and_keeps_its_number(app, client, session):
    w = arrange(session)
    approve(client, app, w)
    chair = auth(app, w.users["chair"])
    number = w.meeting.number

    assert client.delete(f"/api/meetings/{w.meeting.id}", headers=chair).status_code == 204

    listed = client.get(f"/api/councils/{w.council.id}/meetings", headers=chair).json()["data"]
    assert w.meeting.id not in [m["id"] for m in listed]
    assert client.get(f"/api/meetings/{w.meeting.id}/minutes", headers=chair).status_code == 404
    new = client.post(
        f"/api/councils/{w.council.id}/meetings", headers=chair, json={"scheduled_at": "2031-03-04T10:00:00+00:00"}
    )
    assert new.status_code == 201 and new.json()["number"] > max(number, w.upcoming.number)
    assert client.post(f"/api/meetings/{w.meeting.id}/restore", headers=chair).status_code == 200
    minutes = client.get(f"/api/meetings/{w.meeting.id}/minutes", headers=chair)
    assert minutes.status_code == 200 and minutes.json()["status"] == "approved"


def test_a_council_is_archived_hidden_from_everyone_and_restored_with_its_approved_minutes(app, client, session):
    w = arrange(session)
    approve(client, app, w)
    admin = make_user(session, is_site_admin=True)
    session.commit()
    chair, member = auth(app, w.users["chair"]), auth(app, w.users["aisha"])

    assert client.delete(f"/api/councils/{w.council.id}", headers=member).status_code == 403
    assert client.delete(f"/api/councils/{w.council.id}", headers=chair).status_code == 204

    assert kept(session, Meeting, w.meeting.id) is not None  # nothing under it went
    for headers in (chair, member):
        assert w.council.id not in [c["id"] for c in client.get("/api/councils", headers=headers).json()["data"]]
        assert client.get(f"/api/councils/{w.council.id}", headers=headers).status_code == 404
        assert client.get(f"/api/meetings/{w.meeting.id}/minutes.docx", headers=headers).status_code == 404
    assert [c["id"] for c in client.get("/api/archived-councils", headers=chair).json()["data"]] == [w.council.id]
    assert client.get("/api/archived-councils", headers=member).json()["data"] == []
    assert client.post(f"/api/councils/{w.council.id}/restore", headers=member).status_code == 403

    # A site admin who does not sit on it may restore it.
    assert client.post(f"/api/councils/{w.council.id}/restore", headers=auth(app, admin)).status_code == 204
    assert w.council.id in [c["id"] for c in client.get("/api/councils", headers=member).json()["data"]]
    word = client.get(f"/api/meetings/{w.meeting.id}/minutes.docx", headers=member)
    assert word.status_code == 200 and "Go" in docx_text(word.content)
    assert audit(session, f"councils:{w.council.id}") == [("archive", "chair@example.com"), ("restore", admin.email)]


# -- purge --------------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch, db_url):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "cli-test-secret-" + "x" * 32)
    return db_url


def test_purge_refuses_live_records_and_non_admins_and_logs_what_it_removes(env, session):
    admin = make_user(session, email="root@example.com", is_site_admin=True)
    council = make_council(session, chair=make_user(session, email="helen@example.com"))
    owner = make_membership(session, council=council, role=Role.member)
    live = make_action(session, council=council, owner=owner, title="Still live")
    gone = make_action(session, council=council, owner=owner, title="Raised in error")
    make_action_update(session, action=gone, note="a note")
    make_action_update(session, action=gone, note="another")
    gone.archived_at = live.created_at
    session.commit()

    refused = runner.invoke(cli, ["purge", "--action", str(live.id), "--by", admin.email])
    assert refused.exit_code == 3 and "is live" in refused.output
    not_admin = runner.invoke(cli, ["purge", "--action", str(gone.id), "--by", "helen@example.com"])
    assert not_admin.exit_code == 3 and "site admin" in not_admin.output
    assert kept(session, Action, live.id) is not None and kept(session, Action, gone.id) is not None
    assert runner.invoke(cli, ["purge", "--by", admin.email]).exit_code == 2

    purged = runner.invoke(cli, ["purge", "--action", str(gone.id), "--by", "Root@Example.com"])
    assert purged.exit_code == 0, purged.output
    assert "action_updates 2" in purged.output
    assert kept(session, Action, gone.id) is None
    assert session.exec(select(ActionEvent).where(ActionEvent.action_id == gone.id)).all() == []
    entry = session.exec(select(AuditEntry).where(AuditEntry.subject == f"actions:{gone.id}")).one()
    assert (entry.action, entry.actor) == ("purge", "root@example.com")
    assert entry.detail["summary"]["title"] == "Raised in error"
    assert entry.detail["counts"] == {"action_updates": 2}

    # A whole archived council, with what was in it counted; the audit log outlives it.
    live_council = runner.invoke(cli, ["purge", "--council", str(council.id), "--by", admin.email])
    assert live_council.exit_code == 3
    session.expire_all()
    stored = session.get(Council, council.id)
    stored.archived_at = entry.at
    session.add(stored)
    session.commit()
    whole = runner.invoke(cli, ["purge", "--council", str(council.id), "--by", admin.email])
    assert whole.exit_code == 0, whole.output
    assert kept(session, Council, council.id) is None and kept(session, Action, live.id) is None
    entries = session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
    assert [e.subject for e in entries] == [f"actions:{gone.id}", f"councils:{council.id}"]
    assert entries[1].detail["counts"] == {"memberships": 2, "actions": 1}
    assert runner.invoke(cli, ["purge", "--council", str(council.id), "--by", admin.email]).exit_code == 1


def test_the_archived_action_page_says_so_and_the_archive_page_restores_it(app, client, session):
    from tests.web.test_pages import csrf_from, sign_in

    w = arrange(session)
    action = make_action(session, council=w.council, owner=w.seats["aisha"], title="Chase the refund")
    make_action_update(session, action=action, note="Called twice")
    session.commit()
    assert client.delete(f"/api/actions/{action.id}", headers=auth(app, w.users["chair"])).status_code == 204

    sign_in(client, "chair@example.com")
    page = client.get(f"/actions/{action.id}")
    assert page.status_code == 200
    assert "Archived" in page.text and "Called twice" in page.text
    archive = client.get(f"/councils/{w.council.id}/archive")
    assert "Chase the refund" in archive.text
    restored = client.post(f"/actions/{action.id}/restore", data={"csrf_token": csrf_from(archive.text)})
    assert "Action restored." in restored.text and "Nothing is archived in this council." in restored.text
    assert "Chase the refund" in client.get(f"/councils/{w.council.id}/actions").text


def test_an_archived_measure_still_holds_its_department(app, client, session):
    """Deleting the department would cascade to the archived measure and its readings: refused."""
    from tests.factories import make_department

    w = arrange(session)
    department = make_department(session, council=w.council, name="Metering")
    measure = Measure(council_id=w.council.id, name="Meter reads", scope="department", department_id=department.id)
    session.add(measure)
    session.flush()
    session.add(Reading(measure_id=measure.id, period=date(2026, 1, 1), value=3))
    session.commit()
    chair = auth(app, w.users["chair"])
    etag = client.get(f"/api/measures/{measure.id}", headers=chair).headers["ETag"]
    assert client.delete(f"/api/measures/{measure.id}", headers={**chair, "If-Match": etag}).status_code == 204

    refused = client.delete(f"/api/councils/{w.council.id}/departments/{department.id}", headers=chair)
    assert refused.status_code == 409 and "1 measure" in refused.json()["detail"]
    assert kept(session, Measure, measure.id) is not None
