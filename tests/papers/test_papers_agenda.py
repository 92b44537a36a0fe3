"""Papers on the agenda: under their item and rows, kept as published, named when republished."""

import pytest

from app.agendas.changes import agenda_changes
from app.agendas.model import Agenda
from app.outbox.deliver import deliver_all
from tests.helpers import auth
from tests.papers.conftest import PDF, docx_bytes
from tests.papers.test_papers_api import upload

pytestmark = pytest.mark.usefixtures("db_backend")


def agenda(client, app, user, meeting_id, *, live=False) -> dict:
    url = f"/api/meetings/{meeting_id}/agenda" + ("?live=true" if live else "")
    response = client.get(url, headers=auth(app, user))
    assert response.status_code == 200, response.text
    return response.json()


def section(found: dict, key: str) -> dict:
    return next(s for s in found["sections"] if s["key"] == key)


def names(refs: list[dict]) -> list[str]:
    return [p["name"] for p in refs]


def attach_everywhere(client, app, board):
    meeting = board.meeting.id
    item = upload(client, app, board.secretary, meeting, "Agenda note.docx", docx_bytes(), section_key="aob")
    report = upload(
        client, app, board.member, meeting, "Billing Q3.pdf", PDF, attached_to="report", report_id=board.report.id
    )
    aob_id = board.aob.id
    aob = upload(client, app, board.member, meeting, "Parking plan.pdf", PDF, attached_to="aob", aob_item_id=aob_id)
    initiative = client.post(
        f"/api/initiatives/{board.initiative.id}/papers",
        files={"file": ("Chat pilot.pdf", PDF, "application/pdf")},
        headers=auth(app, board.member),
    )
    assert {r.status_code for r in (item, report, aob, initiative)} == {201}
    return item.json(), report.json(), aob.json(), initiative.json()


def test_the_agenda_lists_each_paper_under_its_item_and_row(app, client, board):
    item, report, aob, initiative = attach_everywhere(client, app, board)
    found = agenda(client, app, board.member, board.meeting.id)

    assert names(section(found, "aob")["papers"]) == ["Agenda note.docx"]
    billing = next(d for d in section(found, "department_reports")["departments"] if d["name"] == "Billing")
    assert billing["papers"] == [
        {
            "id": report["id"],
            "name": "Billing Q3.pdf",
            "size": len(PDF),
            "media_type": "application/pdf",
            "kind": "PDF",
            "uploaded_by": board.member.name,
        }
    ]
    assert names(section(found, "aob")["items"][0]["papers"]) == ["Parking plan.pdf"]
    assert names(section(found, "initiatives")["initiatives"][0]["papers"]) == ["Chat pilot.pdf"]
    listing = Agenda.model_validate(found).paper_listing()
    assert [(p.source, p.paper.name) for p in listing] == [
        ("Billing report", "Billing Q3.pdf"),
        ("Initiative: Web chat", "Chat pilot.pdf"),
        ("", "Agenda note.docx"),
        ("AOB: Parking", "Parking plan.pdf"),
    ]


def test_a_published_agenda_keeps_the_papers_it_was_published_with(app, client, board, session):
    meeting = board.meeting.id
    kept = upload(client, app, board.chair, meeting, "Circulated.pdf", PDF, section_key="actions").json()
    assert client.post(f"/api/meetings/{meeting}/agenda/publish", headers=auth(app, board.chair)).status_code == 200

    late = upload(client, app, board.chair, meeting, "Late.pdf", PDF + b"late", section_key="actions").json()
    assert client.delete(kept["url"], headers=auth(app, board.chair)).status_code == 204

    circulated = agenda(client, app, board.member, meeting)
    assert names(section(circulated, "actions")["papers"]) == ["Circulated.pdf"]
    # What was circulated can still be read, though it was removed since.
    assert client.get(kept["url"], headers=auth(app, board.member)).content == PDF
    live = agenda(client, app, board.member, meeting, live=True)
    assert names(section(live, "actions")["papers"]) == ["Late.pdf"]
    assert "actions" in live["changed_sections"]

    assert client.post(f"/api/meetings/{meeting}/agenda/publish", headers=auth(app, board.chair)).status_code == 200
    republished = agenda(client, app, board.member, meeting)
    assert [p["id"] for p in section(republished, "actions")["papers"]] == [late["id"]]
    # Observers read the papers of a published agenda.
    assert client.get(late["url"], headers=auth(app, board.observer)).status_code == 200


def test_republishing_says_which_papers_were_attached_and_withdrawn(app, client, board):
    meeting = board.meeting.id
    first = upload(client, app, board.member, meeting, "Old.pdf", PDF, attached_to="report", report_id=board.report.id)
    assert client.post(f"/api/meetings/{meeting}/agenda/publish", headers=auth(app, board.chair)).status_code == 200
    before = Agenda.model_validate(agenda(client, app, board.chair, meeting))
    upload(client, app, board.member, meeting, "New.pdf", PDF + b"n", attached_to="report", report_id=board.report.id)
    assert client.delete(first.json()["url"], headers=auth(app, board.member)).status_code == 204
    assert client.post(f"/api/meetings/{meeting}/agenda/publish", headers=auth(app, board.chair)).status_code == 200
    after = Agenda.model_validate(agenda(client, app, board.chair, meeting))

    changes = agenda_changes(before, after)
    assert "Under “Department reports”, papers attached: “New.pdf” (Billing report)." in changes
    assert "Under “Department reports”, papers withdrawn: “Old.pdf” (Billing report)." in changes
    assert not any("figures or details updated" in c for c in changes)


def test_the_republish_mail_names_the_new_paper(mail_app, session, inbox, board):
    app, client = mail_app
    meeting = board.meeting.id
    assert client.post(f"/api/meetings/{meeting}/agenda/publish", headers=auth(app, board.chair)).status_code == 200
    upload(client, app, board.chair, meeting, "Storm plan.pdf", PDF, section_key="aob")
    assert client.post(f"/api/meetings/{meeting}/agenda/publish", headers=auth(app, board.chair)).status_code == 200
    deliver_all(app.state.engine, app.state.settings)
    updated = [m for m in inbox.messages if "(version 2)" in m["Subject"]]
    text = " ".join(updated[0].get_body(("plain",)).get_content().split())
    assert "Under “Any other business”, papers attached: “Storm plan.pdf”." in text
