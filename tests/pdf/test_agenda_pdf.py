"""The PDF agenda pack on hand-built Agendas, read back with pypdf: bookmarks, text, pages, tags.

No database, no HTTP: `render_agenda_pdf` is pure (typed models and bytes in, bytes out).
The papers are real PDFs made with WeasyPrint, and things that only look like one.
"""

import io
from datetime import UTC, datetime

import docx
import pytest
from docx.shared import Cm, Inches, RGBColor

from app.agendas import model as m
from app.display import STATUSES
from app.pdf.agenda import render_agenda_pdf
from app.pdf.theme import DEFAULT_THEME, theme_from_template
from tests.docx.test_agenda_docx import PNG, TRICKY, empty_agenda, known_agenda
from tests.pdf.reading import Pdf, make_pdf

SECTION_TITLES = [f"{n}. {m.SECTION_TITLES[key]}" for n, key in enumerate(m.SECTION_KEYS, start=1)]


def paper(id_: int, name: str, *, kind="PDF", media_type="application/pdf", size=48_213) -> m.PaperRef:
    return m.PaperRef(id=id_, name=name, size=size, media_type=media_type, kind=kind, uploaded_by="Tom Hughes")


def with_standing(agenda: m.Agenda) -> m.Agenda:
    """The agenda with the council's standing item before AOB (position 10, AOB 11)."""
    aob = agenda.sections[-1]
    standing = m.StandingSection(
        number=101,
        position=9,
        title="Journey owner spotlight",
        minutes_allocated=5,
        starts_at="11:55",
        standing_item_id=1,
        details="- Priya on the move-in journey\n- What the last quarter taught us",
        owner_name="Priya Shah",
        owner_department="Call Centre",
    )
    aob.position = 10
    agenda.sections.insert(len(agenda.sections) - 1, standing)
    return agenda


def papered() -> m.Agenda:
    """Five papers: two good PDFs (an item's, a report's), a Word file, a "PDF" that is not one, and a PDF whose
    bytes are gone."""
    agenda = with_standing(known_agenda())
    sections = {s.key: s for s in agenda.sections}
    sections["actions"].papers = [paper(1, "Action log extract.pdf")]
    sections["department_reports"].departments[0].papers = [
        paper(2, "Field report.pdf"),
        paper(3, "Van stock.xlsx", kind="Excel", media_type="application/vnd.ms-excel", size=2_400_000),
    ]
    sections["aob"].items[0].papers = [paper(4, "Storm plan.pdf"), paper(5, "Lost paper.pdf")]
    return agenda


PAPERS = {1: make_pdf("Action log extract page one"), 2: make_pdf("Field page one", "Field page two")}
PAPERS[4] = b"%PDF-1.7 this is not really a PDF"


@pytest.fixture(scope="module")
def pack() -> Pdf:
    return Pdf(render_agenda_pdf(with_standing(known_agenda()), theme=DEFAULT_THEME, charts=lambda r: PNG, papers={}))


@pytest.fixture(scope="module")
def papers_pack() -> Pdf:
    return Pdf(render_agenda_pdf(papered(), theme=DEFAULT_THEME, charts=lambda r: None, papers=PAPERS))


def test_a_bookmark_per_section_and_standing_item_in_running_order(pack):
    titles = pack.titles()
    assert titles == [*SECTION_TITLES[:8], "9. Journey owner spotlight", "10. Any other business"]
    pages = [mark.page for mark in pack.bookmarks]
    assert pages == sorted(pages) and pages[0] == 1  # the cover is page 1, item 1 starts on page 2
    # A tablet reader jumps straight to a department's report.
    assert [c.title for c in pack.find("3. Department reports").children] == ["Field Engineering", "Billing"]


def test_the_text_has_every_section_title_the_status_words_and_page_n_of_m(pack):
    text = pack.text()
    for title in [*SECTION_TITLES[:8], "9. Journey owner spotlight", "10. Any other business"]:
        assert title in text, title
    for status in STATUSES.values():
        assert status.word in text, status.word  # On track, Watch, Off track: the page's words
    assert "Red" not in text.split() and "Amber" not in text.split()
    assert f"Page 1 of {pack.pages}" in pack.page_text(0)
    assert f"Page {pack.pages} of {pack.pages}" in pack.page_text(pack.pages - 1)


def test_the_running_head_names_the_council_and_meeting_from_page_2(pack):
    assert "Utility council · Meeting 7 · 7 Dec 2026 · Draft" in pack.page_text(1)
    assert "Meeting 7 · Quarterly council · Agenda" in pack.page_text(0)


def test_the_pack_is_tagged_with_a_title_and_the_council_as_author(pack, tmp_path):
    assert pack.marked
    assert "Tagged: yes" in " ".join(pack.pdfinfo(tmp_path).split())
    assert pack.metadata.title == "Utility council: meeting 7 agenda"
    assert pack.metadata.author == "Utility council"
    assert pack.metadata.subject == "Agenda pack"


def test_every_chart_carries_alt_text_in_the_structure_tree(pack):
    alts = pack.figure_alts()
    assert len(alts) == 2 and all(alts), alts  # two overall measures, a chart each
    assert alts[0].startswith("Trend of Net Promoter Score over 10 readings: latest 31 in Oct 2026, target 30")


def test_words_inside_narrow_table_cells_stay_whole(pack):
    text = pack.text()
    for phrase in ("Customer impact (×30)", "Weight", "Points", "Off track", "Repeat engineer visits", "Done on time"):
        assert phrase in text, phrase


def test_typed_text_is_shown_as_typed_never_as_markup():
    agenda = known_agenda()
    agenda.sections[-1].items[0].details = '<img src="file:///etc/hostname"> <b>bold</b> & "quotes"'
    text = Pdf(render_agenda_pdf(agenda, theme=DEFAULT_THEME, charts=lambda r: None, papers={})).text()
    assert '<img src="file:///etc/hostname"> <b>bold</b> & "quotes"' in text
    assert 'Tom "O\'Neil" & <Sons>' in text  # TRICKY, in the actions table
    assert TRICKY.startswith('Tom "O')


def test_an_empty_first_meeting_says_what_is_missing():
    pack = Pdf(render_agenda_pdf(empty_agenda(), theme=DEFAULT_THEME, charts=lambda r: None, papers={}))
    text = pack.text()
    assert pack.titles() == SECTION_TITLES
    assert "What's missing: Nothing for aob yet." in text
    assert "Nobody is expected yet" in text and "Papers" not in pack.titles()


# -- papers ----------------------------------------------------------------------------


def test_pdf_papers_are_appended_with_a_bookmark_each_under_papers(papers_pack):
    papers = papers_pack.find("Papers")
    assert [(c.title) for c in papers.children] == [
        "Paper: Action log extract.pdf (item 1)",
        "Paper: Field report.pdf (item 3)",
    ]
    own = papers.children[0].page  # the agenda's own pages come first
    assert papers.page < own
    assert papers_pack.pages == own + 1 + 2
    assert papers.children[1].page == own + 1
    assert f"Page 1 of {own}" in papers_pack.page_text(0)
    assert papers_pack.page_text(own) == "Action log extract page one"
    assert papers_pack.text(own + 1) == "Field page one Field page two"
    # The section bookmarks are still there, before the papers.
    assert papers_pack.titles()[:2] == SECTION_TITLES[:2] and papers_pack.titles()[-1] == "Papers"


def test_every_paper_is_listed_saying_which_are_appended_and_which_to_download(papers_pack):
    papers = papers_pack.find("Papers")
    listing = papers_pack.text(papers.page, papers.children[0].page)
    assert "5 papers for this meeting" in listing
    for expected in (
        "Action log extract.pdf PDF 47 KB",
        "Appended as paper 1 (1 page)",
        "Field report.pdf PDF 47 KB",
        "Appended as paper 2 (2 pages)",
        "Van stock.xlsx Excel 2.3 MB",
        "Download it separately",
        "Storm plan.pdf",
        "Not a readable PDF: download it separately",
        "Lost paper.pdf",
        "Not available: download it separately",
        "Field Engineering report",
        "AOB: Winter readiness",
    ):
        assert expected in listing, expected
    # Under its item too.
    assert "Field Engineering report: Van stock.xlsx (Excel, 2.3 MB): Download it separately" in papers_pack.text()


def test_a_pack_with_nothing_appendable_still_lists_its_papers():
    agenda = known_agenda()
    agenda.sections[0].papers = [paper(9, "Broken.pdf")]
    pack = Pdf(render_agenda_pdf(agenda, theme=DEFAULT_THEME, charts=lambda r: None, papers={9: b"garbage"}))
    assert pack.find("Papers").children == []
    assert "None is appended to this pack" in pack.text()
    assert pack.marked


# -- the council's look ------------------------------------------------------------------


def council_template(*, colour: str | None, letter: bool, logo: bytes | None) -> bytes:
    doc = docx.Document()
    if colour:
        for style in ("Title", "Heading 1"):
            doc.styles[style].font.color.rgb = RGBColor.from_string(colour)
    section = doc.sections[0]
    # python-docx's own template is Letter.
    section.page_width, section.page_height = (Inches(8.5), Inches(11)) if letter else (Cm(21), Cm(29.7))
    if logo:
        section.header.paragraphs[0].add_run().add_picture(io.BytesIO(logo), width=Inches(1))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_the_templates_colour_logo_and_letter_paper_are_used():
    theme = theme_from_template(council_template(colour="8B0000", letter=True, logo=PNG))
    assert (theme.ink, theme.logo, theme.page_size) == ("#8b0000", PNG, "letter")
    pack = Pdf(render_agenda_pdf(known_agenda(), theme=theme, charts=lambda r: None, papers={}))
    assert pack.page_size() == (612, 792)
    # The headings are drawn in the council's colour (139/255 red).
    streams = b"".join(page.get_contents().get_data() for page in pack.reader.pages)
    assert b"0.545098 0 0 rg" in streams
    # The logo is on the cover and in every running head: an image of the logo's 2×1 pixels.
    sizes = {
        (int(x["/Width"]), int(x["/Height"]))
        for page in pack.reader.pages
        for x in page["/Resources"].get("/XObject", {}).values()
        if x.get_object().get("/Subtype") == "/Image"
        for x in [x.get_object()]
    }
    assert sizes == {(2, 1)}


def test_the_default_look_without_a_template_or_with_a_pale_one():
    assert theme_from_template(None) == DEFAULT_THEME
    pale = theme_from_template(council_template(colour="FFFF99", letter=False, logo=None))
    assert pale.ink == DEFAULT_THEME.ink and pale.logo is None and pale.page_size == "A4"
    pack = Pdf(render_agenda_pdf(known_agenda(), theme=pale, charts=lambda r: None, papers={}))
    assert pack.page_size() == (595, 842)


def test_a_published_pack_says_so_on_the_cover_and_drops_draft():
    agenda = known_agenda()
    agenda.status, agenda.version = "published", 3
    agenda.published_at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    pack = Pdf(render_agenda_pdf(agenda, theme=DEFAULT_THEME, charts=lambda r: None, papers={}))
    assert "Published 1 Dec 2026 (version 3)" in pack.page_text(0)
    assert "Draft" not in pack.page_text(1)


def test_a_long_link_or_file_name_breaks_inside_its_column_rather_than_run_off_the_page():
    agenda = known_agenda()
    sections = {s.key: s for s in agenda.sections}
    link = "https://intranet.example.com/" + "a" * 150
    sections["research"].items[0].link = link
    name = "Repeat_visits_what_the_vans_carry_final_version_3_" + "x" * 60 + ".pdf"
    sections["actions"].papers = [paper(1, name)]
    pack = Pdf(render_agenda_pdf(agenda, theme=DEFAULT_THEME, charts=lambda r: None, papers={}))
    # pdftotext reads what lies on the page only: every character is there, in pieces.
    text = pack.text().replace(" ", "")
    assert link in text and name in text
