"""The agenda pack and the council's Word template through the API, on the demo council."""

import io
import zipfile
from datetime import date

import docx
from sqlmodel import select

from app.agendas.model import SECTION_KEYS, SECTION_TITLES
from app.docx.template import MAX_TEMPLATE_BYTES, default_template
from app.models import Meeting, Role, User
from app.web.downloads import DOCX_MEDIA_TYPE
from tests.demodb import load_demo
from tests.factories import make_action, make_council, make_meeting, make_membership, make_user
from tests.helpers import auth, error_fields

TITLES = [f"{n}. {SECTION_TITLES[key]}" for n, key in enumerate(SECTION_KEYS, start=1)]
# The demo council has a standing item of its own just before any other business.
# The demo meeting has two papers, so the pack ends with their list.
DEMO_TITLES = [*TITLES[:8], "9. Journey owner spotlight", "10. Any other business", "Papers"]


def demo(session):
    """The demo council, its chair, and its upcoming meeting (number 3)."""
    council = load_demo(session=session, today=date.today())
    session.commit()
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    return council, chair, meeting


def small_council(session):
    """A council with a chair, a secretary and one meeting: enough for the template routes."""
    chair = make_user(session)
    council = make_council(session, chair=chair, name="Northern Utilities")
    secretary = make_user(session)
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    meeting = make_meeting(session, council=council)
    session.commit()
    return council, chair, secretary, meeting


def headings(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs if p.style.name == "Heading 1"]


def parts(content: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(content)).namelist()


def georgia_template() -> bytes:
    template = docx.Document()
    template.styles["Normal"].font.name = "Georgia"
    template.sections[0].header.paragraphs[0].text = "Northern Utilities"
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def upload(client, app, user, council_id, content: bytes, filename: str = "ours.docx"):
    return client.put(
        f"/api/councils/{council_id}/template",
        headers=auth(app, user),
        files={"file": (filename, content, DOCX_MEDIA_TYPE)},
    )


def test_agenda_docx_downloads_with_a_dated_council_filename(app, client, session):
    council, chair, meeting = demo(session)
    response = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX_MEDIA_TYPE
    day = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()["meeting"]["date"]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="northern-utilities-customer-experience-council-agenda-{day}.docx"'
    )
    assert headings(response.content) == DEMO_TITLES
    doc = docx.Document(io.BytesIO(response.content))
    assert doc.paragraphs[0].text == council.name
    overdue = [c.text for t in doc.tables for r in t.rows for c in r.cells if "days overdue" in c.text]
    assert overdue, "the demo's overdue actions are marked"


def test_agenda_docx_names_a_non_latin_council_in_filename_star(app, client, session):
    chair = make_user(session)
    council = make_council(session, chair=chair, name="Ōsaka 東京 Council")
    meeting = make_meeting(session, council=council)
    session.commit()
    response = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    day = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()["meeting"]["date"]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="osaka-council-agenda-{day}.docx"; '
        f"filename*=UTF-8''%C5%8Dsaka-%E6%9D%B1%E4%BA%AC-council-agenda-{day}.docx"
    )
    assert docx.Document(io.BytesIO(response.content)).paragraphs[0].text == "Ōsaka 東京 Council"


def test_agenda_docx_for_observers_only_once_published_and_then_as_circulated(app, client, session):
    chair = make_user(session)
    council = make_council(session, chair=chair)
    observer = make_user(session)
    make_membership(session, council=council, user=observer, role=Role.observer)
    seat = make_membership(session, council=council)
    meeting = make_meeting(session, council=council)
    make_action(session, council=council, owner=seat, title="Circulated action")
    session.commit()
    url = f"/api/meetings/{meeting.id}/agenda.docx"
    refused = client.get(url, headers=auth(app, observer))
    assert refused.status_code == 403 and "published" in refused.json()["detail"]
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    make_action(session, council=council, owner=seat, title="Raised after publishing")
    session.commit()
    for user in (observer, chair):
        response = client.get(url, headers=auth(app, user))
        assert response.status_code == 200
        cells = {c.text for t in docx.Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells}
        assert "Circulated action" in cells and "Raised after publishing" not in cells


def test_template_upload_styles_the_pack_and_delete_returns_to_the_default(app, client, session):
    council, chair, _, meeting = small_council(session)
    url = f"/api/councils/{council.id}/template"
    before = client.get(url, headers=auth(app, chair))
    assert before.status_code == 200 and before.content == default_template()
    assert before.headers["content-disposition"] == 'attachment; filename="cx-council-template.docx"'

    ours = georgia_template()
    response = upload(client, app, chair, council.id, ours, filename="Northern – house style.docx")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["is_default"] is False and body["filename"] == "Northern – house style.docx"
    assert body["uploaded_by_id"] == chair.id
    # python-docx's own files carry custom XML: taken out, and the uploader told so.
    assert body["removed"] == ["Custom XML data: customXml/item1.xml, customXml/itemProps1.xml"]
    stored = client.get(url, headers=auth(app, chair)).content
    assert body["size"] == len(stored) and "customXml/item1.xml" not in parts(stored)

    pack = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair)).content
    doc = docx.Document(io.BytesIO(pack))
    assert doc.styles["Normal"].font.name == "Georgia"
    assert doc.sections[0].header.paragraphs[0].text == "Northern Utilities"
    assert headings(pack) == TITLES

    assert client.delete(url, headers=auth(app, chair)).status_code == 204
    assert client.get(url, headers=auth(app, chair)).content == default_template()
    pack = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair)).content
    assert docx.Document(io.BytesIO(pack)).styles["Normal"].font.name == "Calibri"
    assert client.delete(url, headers=auth(app, chair)).status_code == 204  # already the default


def test_template_upload_refuses_a_text_file_renamed_docx(app, client, session):
    council, chair, _, _ = small_council(session)
    response = upload(client, app, chair, council.id, b"Minutes of the last meeting\n", filename="notes.docx")
    assert response.status_code == 422
    assert error_fields(response) == {"file"}
    assert "not a Word document" in response.json()["detail"][0]["msg"]
    assert client.get(f"/api/councils/{council.id}/template", headers=auth(app, chair)).content == default_template()


def test_template_upload_refuses_a_file_over_the_limit(app, client, session):
    council, chair, _, _ = small_council(session)
    too_big = georgia_template() + b"\0" * (MAX_TEMPLATE_BYTES + 1)
    response = upload(client, app, chair, council.id, too_big)
    assert response.status_code == 413
    assert "5 MB" in response.json()["detail"]


def test_template_changes_are_for_the_chair(app, client, session):
    council, _, secretary, _ = small_council(session)
    response = upload(client, app, secretary, council.id, georgia_template())
    assert response.status_code == 403
    assert client.get(f"/api/councils/{council.id}/template", headers=auth(app, secretary)).status_code == 200
