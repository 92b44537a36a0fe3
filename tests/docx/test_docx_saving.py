"""Word files saved the same way every time: the same data gives the same bytes, whatever the
template or the thread, and what a process keeps of a template never leaks between documents.

open_template keeps each template opened and its styles serialised and compressed, per process,
by the template's bytes; saving.py writes the zip itself. These tests hold both to what a
fresh build writes through `zipfile`.
"""

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor

import docx
from docx.opc.part import XmlPart

from app.docx import template as word_template
from app.docx.agenda import build_agenda_docx
from app.docx.minutes import build_minutes_docx
from app.docx.saving import ZIP_DATE
from tests.docx.test_agenda_docx import PNG, council_template, known_agenda
from tests.docx.test_minutes_docx import known_minutes
from tests.helpers import if_match


def minutes(template: bytes | None = None) -> bytes:
    return build_minutes_docx(known_minutes("approved"), template=template, charts=lambda row: PNG)


def rezipped(content: bytes) -> bytes:
    """The same members, in the same order, written by `zipfile` as the exports always dated them."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def test_the_zip_is_byte_for_byte_what_zipfile_writes():
    for content in (
        minutes(),
        minutes(council_template()),
        build_agenda_docx(known_agenda(), template=None, charts=lambda r: PNG),
    ):
        assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
        assert content == rezipped(content)


def test_the_same_minutes_are_the_same_bytes_in_any_order_and_any_thread():
    first = minutes()
    council = minutes(council_template())
    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(lambda t: minutes(t), [None, council_template(), None, council_template()] * 2))
    assert built == [first, council, first, council] * 2
    word_template._prepared.cache_clear()  # a fresh process
    assert minutes() == first and minutes(council_template()) == council


def test_a_new_template_is_used_at_once_and_the_old_ones_styles_never_reach_it():
    before = docx.Document(io.BytesIO(minutes(council_template(font="Georgia"))))
    after = docx.Document(io.BytesIO(minutes(council_template(font="Verdana"))))
    ours = docx.Document(io.BytesIO(minutes()))
    assert before.styles["Normal"].font.name == "Georgia"
    assert after.styles["Normal"].font.name == "Verdana"
    assert ours.styles["Normal"].font.name == "Calibri"


def styles_xml(doc) -> bytes:
    return next(p.blob for p in doc.part.package.parts if isinstance(p, XmlPart) and p.element is doc.styles.element)


def test_building_leaves_the_kept_template_as_it_was():
    """Documents share the kept template's styles (they only read them): no build may change them, or the
    template's parts and relationships."""
    pristine, kept = word_template._prepared(None)
    parts = sorted(str(p.partname) for p in pristine.part.package.parts)
    rels = sorted(pristine.part.rels)
    body = [child.tag for child in pristine.element.body]
    minutes()
    build_agenda_docx(known_agenda(), template=None, charts=lambda r: PNG)
    assert styles_xml(pristine) == kept.blobs[id(pristine.styles.element)][1] == styles_xml(word_template._open(None))
    assert sorted(str(p.partname) for p in pristine.part.package.parts) == parts
    assert sorted(pristine.part.rels) == rels
    assert [child.tag for child in pristine.element.body] == body


def test_the_downloaded_minutes_follow_a_new_template_and_new_notes_at_once(app, client, session):
    """What a process keeps is keyed by content (the template's bytes, a chart's PNG): a write in the council
    (a new template, notes saved) shows in the very next download."""
    from tests.councils.test_word_template_api import georgia_template, upload
    from tests.docx.test_minutes_docx import open_docx, under
    from tests.minutes.test_minutes_api import arrange, as_, url

    w = arrange(session)
    secretary = as_(app, w, "secretary")
    before = open_docx(client.get(url(w, "/minutes.docx"), headers=secretary).content)
    assert before.styles["Normal"].font.name == "Calibri"

    assert upload(client, app, w.users["chair"], w.council.id, georgia_template()).status_code == 200
    notes = url(w, "/minutes/items/3")
    saved = client.put(notes, headers=if_match(client, notes, secretary), json={"notes": "Repeat visits fell."})
    assert saved.status_code == 200
    after = open_docx(client.get(url(w, "/minutes.docx"), headers=secretary).content)
    assert after.styles["Normal"].font.name == "Georgia"
    assert after.sections[0].header.paragraphs[0].text == "Northern Utilities"
    assert "Repeat visits fell." in under(after, "3. Department reports")

    assert client.delete(f"/api/councils/{w.council.id}/template", headers=as_(app, w, "chair")).status_code == 204
    again = open_docx(client.get(url(w, "/minutes.docx"), headers=secretary).content)
    assert again.styles["Normal"].font.name == "Calibri"


def test_any_text_arrives_as_typed_in_paragraphs_and_table_cells():
    """Paragraphs and rows are written as XML text and parsed (markup.py): whatever is typed reads back the same,
    less the characters XML cannot hold."""
    from app.docx.saving import document_bytes
    from app.docx.word import Column, Run, add_paragraph, add_table

    typed = [
        "   ",
        "a]]>b",
        "&amp; &lt;b&gt;",
        "quote \" ' end",
        "tab\there",
        "two\nlines",
        "bell\x07 nul\x00",
        "🎉 مرحبا 中文",
    ]
    typed.append("x" * 30_000)
    built = word_template.open_template(None)
    for text in typed:
        add_paragraph(built, [Run(text), Run(text, bold=True, color='"&<')], "Heading 2")
    add_table(built, [Column("Typed"), Column("Bold")], [[text, Run(text, bold=True)] for text in typed])
    doc = docx.Document(io.BytesIO(document_bytes(built)))
    expected = [text.replace("\x07", "").replace("\x00", "") for text in typed]
    assert [p.text for p in doc.paragraphs] == [text * 2 for text in expected]
    assert [[c.text for c in row.cells] for row in doc.tables[0].rows][1:] == [[text, text] for text in expected]


def test_a_large_template_is_opened_for_each_export_and_gives_the_same_file(monkeypatch):
    template = council_template()
    kept = minutes(template)
    monkeypatch.setattr(word_template, "KEEP_TEMPLATE_BYTES", len(template) - 1)
    word_template._prepared.cache_clear()
    assert minutes(template) == kept
    assert word_template._prepared.cache_info().currsize == 0
