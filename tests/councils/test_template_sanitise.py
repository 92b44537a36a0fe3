"""A council's Word template is cleaned on upload and again on every export: macros, outside links,
ActiveX, embedded objects and custom XML never reach a member; the house style does."""

import io
import zipfile

import docx
import pytest

from app.docx.template import MAX_TEMPLATE_BYTES, check_template
from app.models import CouncilTemplate
from tests.councils.hostile_docx import HEADER_TEXT, HOSTILE, OD, base, problems, with_attached_template, with_macros
from tests.councils.test_word_template_api import small_council, upload
from tests.helpers import auth, error_fields


def exports(client, app, user, meeting_id: int) -> dict[str, bytes]:
    found = {}
    for name in ("agenda.docx", "minutes.docx"):
        response = client.get(f"/api/meetings/{meeting_id}/{name}", headers=auth(app, user))
        assert response.status_code == 200, response.text
        found[name] = response.content
    return found


def assert_house_style(content: bytes) -> None:
    """The template's looks arrived: its font, its header line and its header logo (a picture inside the file)."""
    doc = docx.Document(io.BytesIO(content))
    assert doc.styles["Normal"].font.name == "Georgia"
    header = doc.sections[0].header
    assert HEADER_TEXT in [p.text for p in header.paragraphs]
    pictures = [r for r in header.part.rels.values() if r.reltype == OD + "image"]
    assert pictures and all(not r.is_external for r in pictures)
    assert pictures[0].target_part.blob.startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_template_is_cleaned_on_upload_and_nothing_of_it_reaches_an_export(app, client, session, kind):
    make, told = HOSTILE[kind]
    hostile = make()
    assert problems(hostile), "the test file carries what it should"
    council, chair, _, meeting = small_council(session)

    response = upload(client, app, chair, council.id, hostile, filename=f"{kind}.docx")
    assert response.status_code == 200, response.text
    removed = response.json()["removed"]
    assert any(told.lower() in line.lower() for line in removed), removed

    stored = client.get(f"/api/councils/{council.id}/template", headers=auth(app, chair)).content
    assert problems(stored) == []
    assert response.json()["size"] == len(stored)
    for name, content in exports(client, app, chair, meeting.id).items():
        assert problems(content) == [], name
        assert_house_style(content)


@pytest.mark.parametrize("make", [with_macros, with_attached_template], ids=["macros", "attached-template"])
def test_a_template_stored_before_cleaning_existed_is_cleaned_on_every_export(app, client, session, make):
    council, chair, _, meeting = small_council(session)
    hostile = make()
    session.add(CouncilTemplate(council_id=council.id, filename="old.docm", content=hostile, uploaded_by_id=chair.id))
    session.commit()

    for name, content in exports(client, app, chair, meeting.id).items():
        assert problems(content) == [], name
        assert_house_style(content)
    downloaded = client.get(f"/api/councils/{council.id}/template", headers=auth(app, chair))
    assert downloaded.status_code == 200 and problems(downloaded.content) == []
    session.refresh(session.get(CouncilTemplate, council.id))
    assert session.get(CouncilTemplate, council.id).content == hostile  # an export reads; it never writes


def test_a_clean_template_is_kept_byte_for_byte_and_nothing_is_reported(app, client, session):
    council, chair, _, meeting = small_council(session)
    clean = check_template(base()).content  # python-docx's custom XML taken out once
    response = upload(client, app, chair, council.id, clean)
    assert response.status_code == 200 and response.json()["removed"] == []
    assert client.get(f"/api/councils/{council.id}/template", headers=auth(app, chair)).content == clean
    assert_house_style(exports(client, app, chair, meeting.id)["agenda.docx"])


def zipped(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "password-protected or an old Word .doc"),
        (zipped({"[Content_Types].xml": TYPES, "_rels/.rels": "<Relationships/>"}), "no document inside"),
        (zipped({"word/document.xml": "<w:document/>"}), "no content types"),
        (
            zipped(
                {
                    "[Content_Types].xml": TYPES,
                    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    f'<Relationship Id="rId1" Type="{OD}officeDocument" Target="https://evil.example/d.xml"'
                    ' TargetMode="External"/></Relationships>',
                }
            ),
            "no document inside",
        ),
        (zipped({"[Content_Types].xml": "<Types><unclosed", "_rels/.rels": ""}), "damaged"),
    ],
    ids=["ole-compound", "no-main-document", "no-content-types", "remote-main-document", "broken-xml"],
)
def test_what_cannot_be_cleaned_is_refused_naming_the_reason(app, client, session, content, reason):
    council, chair, _, _ = small_council(session)
    response = upload(client, app, chair, council.id, content, filename="house.docx")
    assert response.status_code == 422, response.text
    assert error_fields(response) == {"file"}
    assert reason in response.json()["detail"][0]["msg"]
    assert session.get(CouncilTemplate, council.id) is None


def test_the_page_upload_is_the_chairs_and_an_oversize_file_is_refused_with_the_limit(client, session):
    from tests.web.test_pages import csrf_from, seat_person, sign_in

    _, council = seat_person(session)
    seat_person(session, email="sec@example.com", role="secretary", council=council)
    url = f"/councils/{council.id}/template"

    assert sign_in(client, email="sec@example.com").status_code == 303
    token = csrf_from(client.get(f"/councils/{council.id}").text)
    refused = client.post(url, data={"csrf_token": token}, files={"file": ("t.docx", base())}, follow_redirects=False)
    assert refused.status_code == 403
    assert session.get(CouncilTemplate, council.id) is None

    client.cookies.clear()
    assert sign_in(client).status_code == 303
    token = csrf_from(client.get(f"/councils/{council.id}").text)
    too_big = base() + b"\0" * (MAX_TEMPLATE_BYTES + 1)
    response = client.post(url, data={"csrf_token": token}, files={"file": ("big.docx", too_big)})
    assert response.status_code == 200 and "5 MB" in response.text
    assert session.get(CouncilTemplate, council.id) is None


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_cleaning_is_settled_after_one_pass_so_every_export_reads_the_stored_file_unchanged(kind):
    once = check_template(HOSTILE[kind][0]())
    twice = check_template(once.content)
    assert twice.removed == [] and twice.content == once.content
    # The header's words stay when its link goes.
    if kind == "remote-header-picture":
        header = docx.Document(io.BytesIO(once.content)).sections[0].header
        assert "Our website" in [p.text for p in header.paragraphs]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    from app.docx.template import MAX_UNPACKED_BYTES, TemplateError

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        source = zipfile.ZipFile(io.BytesIO(base()))
        for name in source.namelist():
            archive.writestr(name, source.read(name))
        archive.writestr("word/media/huge.png", b"\0" * (MAX_UNPACKED_BYTES + 1))
    assert len(out.getvalue()) < MAX_TEMPLATE_BYTES  # small on the wire
    with pytest.raises(TemplateError, match="unpacks to more than 60 MB"):
        check_template(out.getvalue(), filename="bomb.docx")
