"""The PDF packs through the API on the demo council, on SQLite and PostgreSQL: the agenda pack of
the demo's next meeting (its sections, pages and papers) and the circulated minutes of the last."""

from datetime import date

from pypdf import PdfReader
from sqlmodel import select

from app.demo.papers import FIELD_PAPER, FILES, STORM_PAPER
from app.models import Meeting, User
from tests.demodb import load_demo
from tests.helpers import auth
from tests.papers.conftest import PDF, docx_bytes
from tests.pdf.reading import Pdf, make_pdf


def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    meetings = {m.number: m for m in session.exec(select(Meeting).where(Meeting.council_id == council.id)).all()}
    return chair, meetings


def test_the_demo_agenda_pack_has_every_item_its_pages_and_its_papers(app, client, session):
    chair, meetings = demo(session)
    url = f"/api/meetings/{meetings[3].id}/agenda"
    headers = auth(app, chair)
    agenda = client.get(url, headers=headers).json()
    response = client.get(f"{url}.pdf", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].endswith(f'-agenda-{agenda["meeting"]["date"]}.pdf"')
    assert response.headers["x-content-type-options"] == "nosniff"
    pack = Pdf(response.content)
    items = [f"{s['position']}. {s['title']}" for s in agenda["sections"]]
    assert "Journey owner spotlight" in " ".join(items)  # the demo's standing item has its own bookmark
    titles = pack.titles()
    assert titles[: len(items)] == items
    text = pack.text()
    for title in items:
        assert title in text, title
    assert "Off track" in text and "On track" in text
    # The demo's two papers: Field Engineering's PDF appended with its bookmark, the storm script listed.
    item = {s["key"]: s["position"] for s in agenda["sections"]}
    papers = pack.find("Papers")
    assert titles[len(items) :] == ["Papers"]
    assert [c.title for c in papers.children] == [f"Paper: {FIELD_PAPER} (item {item['department_reports']})"]
    own = papers.children[0].page
    field_pages = len(PdfReader(FILES / "field-repeat-visits.pdf").pages)
    assert pack.pages == own + field_pages
    listing = pack.text(papers.page, own)
    assert "2 papers for this meeting" in listing
    assert f"{STORM_PAPER} Word" in listing and "Download it separately" in listing
    assert "Appended as paper 1" in listing
    # The pack is the agenda's own pages ("Page 1 of N") and then every appended paper's pages.
    assert f"Page 1 of {own}" in pack.page_text(0)
    assert pack.marked and pack.metadata.author == agenda["meeting"]["council_name"]


def test_a_published_pack_is_the_circulated_snapshot(app, client, session):
    chair, meetings = demo(session)
    url = f"/api/meetings/{meetings[3].id}"
    assert client.post(f"{url}/agenda/publish", headers=auth(app, chair)).status_code == 200
    added = client.post(f"{url}/aob", json={"title": "Raised after publishing"}, headers=auth(app, chair))
    assert added.status_code == 201
    text = Pdf(client.get(f"{url}/agenda.pdf", headers=auth(app, chair)).content).text()
    assert "Published" in text and "Raised after publishing" not in text


def test_the_demo_minutes_pdf_says_circulated_who_took_them_and_the_record_of_changes(app, client, session):
    chair, meetings = demo(session)
    url = f"/api/meetings/{meetings[2].id}/minutes"
    minutes = client.get(url, headers=auth(app, chair)).json()
    response = client.get(f"{url}.pdf", headers=auth(app, chair))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pack = Pdf(response.content)
    text = pack.text()
    assert "DRAFT · CIRCULATED — NOT YET APPROVED" in pack.page_text(0)
    assert f"Minutes taken by {minutes['taken_by']}" in pack.page_text(0)
    for expected in ("Attendance", "Decision register", "Record of changes", "Sign-off"):
        assert expected in pack.titles(), expected
    assert "Signed (chair)" in text
    assert minutes["corrections"][0]["text"].split("\n")[0][:30] in text
    assert f"Page 1 of {pack.pages}" in pack.page_text(0)


def attach(client, app, user, meeting_id: int, name: str, content: bytes, section_key: str) -> None:
    response = client.post(
        f"/api/meetings/{meeting_id}/papers",
        data={"attached_to": "item", "section_key": section_key},
        files={"file": (name, content, "application/octet-stream")},
        headers=auth(app, user),
    )
    assert response.status_code == 201, response.text


def test_uploaded_papers_are_appended_or_listed_and_a_late_one_stays_out_of_the_circulated_pack(app, client, session):
    chair, meetings = demo(session)
    meeting_id = meetings[3].id
    url = f"/api/meetings/{meeting_id}/agenda.pdf"
    before = Pdf(client.get(url, headers=auth(app, chair)).content)
    attach(client, app, chair, meeting_id, "Storm plan.pdf", make_pdf("Storm plan one", "Storm plan two"), "aob")
    attach(client, app, chair, meeting_id, "Notes.docx", docx_bytes("Board notes"), "actions")
    # A file that starts like a PDF and is not one: listed, not appended, and the pack still builds.
    attach(client, app, chair, meeting_id, "Scan.pdf", PDF, "research")
    pack = Pdf(client.get(url, headers=auth(app, chair)).content)
    papers = pack.find("Papers")
    assert [c.title for c in papers.children][-1].startswith("Paper: Storm plan.pdf (item ")
    added = [c for c in papers.children if c.title.startswith("Paper: Storm plan.pdf")]
    assert len(added) == 1 and pack.pages == added[0].page + 2 and added[0].page == pack.pages - 2
    assert pack.text(added[0].page) == "Storm plan one Storm plan two"
    listing = pack.text(papers.page, added[0].page)
    assert "Notes.docx Word" in listing and "Download it separately" in listing
    assert "Scan.pdf" in listing and "Not a readable PDF: download it separately" in listing
    # The agenda's own pages grew by the list, and the papers follow them.
    own = papers.children[0].page
    assert f"Page 1 of {own}" in pack.page_text(0) and own >= before.find("Papers").children[0].page

    # Published with these papers; one attached afterwards is not in the circulated pack.
    assert client.post(f"/api/meetings/{meeting_id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    attach(client, app, chair, meeting_id, "Late.pdf", make_pdf("Late paper"), "actions")
    circulated = Pdf(client.get(url, headers=auth(app, chair)).content)
    assert "Late.pdf" not in circulated.text() and "Late paper" not in circulated.text()
    assert [c.title for c in circulated.find("Papers").children] == [c.title for c in papers.children]
