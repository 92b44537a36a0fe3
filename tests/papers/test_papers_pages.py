"""Papers on the pages: listed under their item and rows, the forms for those allowed, errors named on the page."""

import re

from sqlmodel import select

from app.models import Paper
from tests.helpers import auth
from tests.papers.conftest import PDF, PNG, docx_bytes
from tests.papers.test_papers_api import upload
from tests.web.test_pages import sign_in


def form_fields(html: str, action: str) -> dict:
    """The hidden fields of the first form posting to `action`."""
    form = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    assert form, f"no form posting to {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


def test_the_chair_attaches_under_an_item_on_the_agenda_page_and_sees_it_listed(client, board, session):
    assert sign_in(client, email=board.chair.email).status_code == 303
    url = f"/meetings/{board.meeting.id}/agenda"
    page = client.get(url).text
    action = f"/meetings/{board.meeting.id}/papers"
    assert page.count(f'action="{action}"') >= 9  # every item, the report and the AOB item
    fields = {**form_fields(page, action)}
    assert fields["attached_to"] == "item" and fields["section_key"] == "actions" and fields["back"] == url
    assert "form_once" in fields

    done = client.post(action, data=fields, files={"file": ("Q3 pack.docx", docx_bytes())}, follow_redirects=True)
    assert "Attached “Q3 pack.docx” (Word, " in done.text
    assert re.search(r'<a class="download" href="/api/papers/\d+">Q3 pack.docx</a>', done.text)

    # Posted again (a double click): nothing new is stored.
    again = client.post(action, data=fields, files={"file": ("Q3 pack.docx", docx_bytes())}, follow_redirects=True)
    assert again.status_code == 200
    session.expire_all()
    assert [p.name for p in session.exec(select(Paper))] == ["Q3 pack.docx"]
    refused = client.post(
        action, data={**form_fields(again.text, action)}, files={"file": ("figures.xlsx", PNG)}, follow_redirects=True
    )
    assert "“figures.xlsx” is named as an Excel file (.xlsx) but its content is a PNG image" in refused.text


def test_a_member_gets_forms_for_their_report_aob_item_and_initiative_only(app, client, board, session):
    upload(client, app, board.chair, board.meeting.id, "Chair note.pdf", PDF, section_key="actions")
    assert sign_in(client, email=board.member.email).status_code == 303
    page = client.get(f"/meetings/{board.meeting.id}/agenda").text
    forms = re.findall(r'name="(section_key|report_id|aob_item_id)" value="([^"]+)"', page)
    assert sorted(forms) == [("aob_item_id", str(board.aob.id)), ("report_id", str(board.report.id))]
    assert f'action="/initiatives/{board.initiative.id}/papers"' in page
    # The chair's paper is listed, without a remove button for this member.
    assert "Chair note.pdf" in page
    chair_paper = session.exec(select(Paper)).one()
    assert f'action="/papers/{chair_paper.id}/remove"' not in page


def test_removing_on_the_page_archives_and_says_so(app, client, board, session):
    paper = upload(
        client, app, board.member, board.meeting.id, "Mine.pdf", PDF, attached_to="aob", aob_item_id=board.aob.id
    )
    paper_id = paper.json()["id"]
    assert sign_in(client, email=board.member.email).status_code == 303
    page = client.get(f"/meetings/{board.meeting.id}/agenda").text
    fields = form_fields(page, f"/papers/{paper_id}/remove")
    done = client.post(f"/papers/{paper_id}/remove", data=fields, follow_redirects=True)
    assert "Removed “Mine.pdf”" in done.text and "Mine.pdf</a>" not in done.text
    session.expire_all()
    assert session.get(Paper, paper_id, execution_options={"include_archived": True}).archived_at is not None


def test_papers_attached_after_publishing_are_marked_pending_on_the_circulated_agenda(app, client, board):
    publish = f"/api/meetings/{board.meeting.id}/agenda/publish"
    assert client.post(publish, headers=auth(app, board.chair)).status_code == 200
    upload(client, app, board.chair, board.meeting.id, "After.pdf", PDF, section_key="aob")
    assert sign_in(client, email=board.member.email).status_code == 303
    page = " ".join(client.get(f"/meetings/{board.meeting.id}/agenda").text.split())
    assert "Attached since the agenda was circulated" in page and "After.pdf</a>" in page


def test_the_report_and_initiative_pages_show_and_take_their_papers(app, client, board):
    upload(
        client, app, board.member, board.meeting.id, "Report.pdf", PDF, attached_to="report", report_id=board.report.id
    )
    assert sign_in(client, email=board.member.email).status_code == 303
    reports = client.get(f"/meetings/{board.meeting.id}/reports").text
    assert "Report.pdf</a>" in reports and f'name="report_id" value="{board.report.id}"' in reports

    url = f"/initiatives/{board.initiative.id}"
    page = client.get(url).text
    assert "No papers attached." in page
    action = f"/initiatives/{board.initiative.id}/papers"
    done = client.post(
        action, data=form_fields(page, action), files={"file": ("Pilot.pdf", PDF)}, follow_redirects=True
    )
    assert "Attached “Pilot.pdf” (PDF, " in done.text and "Pilot.pdf</a>" in done.text
    # Another department's member sees it, without the form.
    assert sign_in(client, email=board.other.email).status_code == 303
    other = client.get(url).text
    assert "Pilot.pdf</a>" in other and f'action="{action}"' not in other
