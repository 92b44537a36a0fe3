"""The Word pack and minutes fit their content (#15): column widths from the content and the page,
headers printed whole, notes and best practice said once, papers listed, alt text on every chart,
document properties, and days overdue as at the meeting.

Widths are checked in the XML for A4 and Letter; "printed whole" through LibreOffice and
`pdftotext` (tests/docx/pdf.py), whitespace collapsed so nothing depends on where a line wraps.
"""

import io
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm, Inches
from sqlmodel import select

from app.agendas import model as m
from app.agendas.build import build_agenda
from app.docx.agenda import build_agenda_docx
from app.docx.columns import PADDING, Need, column_widths
from app.docx.metrics import text_twips
from app.docx.minutes import build_minutes_docx
from app.docx.template import default_template
from app.models import Meeting, User
from tests.agendas.test_build_agenda import known_data
from tests.demodb import load_demo
from tests.docx.pdf import to_pdf_text
from tests.docx.test_agenda_docx import PNG, known_agenda
from tests.docx.test_minutes_docx import known_minutes
from tests.helpers import auth

BODY_SIZE = 9.5  # "Table Text" in our template


def page(width, height, margin) -> bytes:
    """Our template on another page size (the council's template decides the page)."""
    doc = docx.Document(io.BytesIO(default_template()))
    section = doc.sections[0]
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = margin
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


PAGES = {
    "A4": (None, Cm(21) - 2 * Cm(2)),
    "Letter": (page(Inches(8.5), Inches(11), Inches(1)), Inches(6.5)),
}


def scored_agenda() -> m.Agenda:
    """known_agenda with every prioritisation criterion, an approved initiative and papers on four kinds of row."""
    agenda = known_agenda()
    priorities = agenda.sections[6]
    priorities.proposals[0].breakdown = [
        m.PriorityComponent(criterion="customer_impact", raw=4, normalised=4, weight=30, points=24),
        m.PriorityComponent(criterion="saving", raw=25600, normalised=5, weight=25, points=25),
        m.PriorityComponent(criterion="effort", raw=2, normalised=4, weight=10, points=8),
        m.PriorityComponent(criterion="strategic_fit", raw=5, normalised=5, weight=20, points=20),
        m.PriorityComponent(criterion="confidence", raw=3, normalised=3, weight=15, points=5),
    ]
    initiatives = agenda.sections[4]
    initiatives.initiatives.append(
        initiatives.initiatives[0].model_copy(
            update={"id": 32, "title": "Web chat", "status": "approved", "rag": "amber", "overdue": False}
        )
    )
    return agenda


def paper(id_: int, name: str, size: int, kind: str = "PDF", media_type: str = "application/pdf") -> m.PaperRef:
    return m.PaperRef(id=id_, name=name, size=size, media_type=media_type, kind=kind, uploaded_by="Tom Hughes")


def with_papers(agenda: m.Agenda) -> m.Agenda:
    agenda.sections[0].papers = [paper(1, "Action log notes.pdf", 48_000)]
    agenda.sections[2].departments[0].papers = [
        paper(2, "Field report.docx", 2_400_000, "Word", "application/vnd.openxmlformats-officedocument")
    ]
    agenda.sections[4].initiatives[0].papers = [paper(3, "Checklist pilot.xlsx", 812, "Excel", "application/x")]
    agenda.sections[8].items[0].papers = [paper(4, "Storm plan.pdf", 1_300_000)]
    return agenda


def grid(table) -> list[int]:
    return [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def longest_word(texts, *, bold: bool) -> int:
    words = [w for text in texts for w in text.split()]
    return max((text_twips(w, size=BODY_SIZE, bold=bold) for w in words), default=0)


# -- widths ---------------------------------------------------------------------------


@pytest.mark.parametrize("paper_size", PAGES)
def test_every_column_holds_its_longest_word_and_the_table_fills_the_page(paper_size):
    template, usable = PAGES[paper_size]
    usable_twips = round(int(usable) / 635)
    built = build_agenda_docx(with_papers(scored_agenda()), template=template, charts=lambda row: PNG)
    minutes = build_minutes_docx(known_minutes("approved"), template=template, charts=lambda row: PNG)
    tables = [t for content in (built, minutes) for t in docx.Document(io.BytesIO(content)).tables]
    assert len(tables) > 15
    for table in tables:
        widths = grid(table)
        assert sum(widths) == usable_twips, [c.text for c in table.rows[0].cells]
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        header = table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        for index, width in enumerate(widths):
            cells = [row.cells[index] for row in table.rows]
            # Word and LibreOffice read the grid and each cell's own width: both say the same.
            assert all(int(c._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) == width for c in cells)
            head = longest_word([cells[0].text], bold=True) if header else 0
            body = longest_word([c.text for c in cells[1 if header else 0 :]], bold=False)
            assert width >= max(head, body) + PADDING, (cells[0].text, width, head, body)


def test_column_widths_share_the_rest_by_content_and_give_way_body_first():
    # Everything fits on one line: each column gets its longest line and a share of the rest by it.
    loose = column_widths([Need(500, 1000), Need(500, 3000)], [Need(500, 500)] * 2, total=8000)
    assert loose == [2000, 6000]
    # Not everything fits: each keeps its longest word; the rest goes by how much more it wants.
    tight = column_widths([Need(1000, 9000), Need(800, 1000), Need(600, 600)], [Need(500, 500)] * 3, total=5000)
    assert sum(tight) == 5000 and tight[1] >= 800 and tight[2] == 600 and tight[0] > 3000
    # Even the longest words do not fit (a long URL): the body's words give way, the headers' stay.
    url = column_widths([Need(9000, 9000), Need(1200, 1200)], [Need(700, 700), Need(1200, 1200)], total=6000)
    assert sum(url) == 6000 and url[1] >= 1200


# -- printed whole --------------------------------------------------------------------


HEADERS = [
    "Component Value Weight Points Based on",
    "Initiative Owner Status Done Target date Yearly saving",
    "Proposal Customer impact (×30) Yearly saving (×25) Effort (inverted) (×10) Strategic fit (×20) "
    "Confidence (×15) Total",
    "Measure Latest Previous Change Target Status",
]


@pytest.mark.parametrize("paper_size", PAGES)
def test_headers_and_narrow_cells_print_whole(paper_size, tmp_path: Path):
    template, _ = PAGES[paper_size]
    pack = build_agenda_docx(scored_agenda(), template=template, charts=lambda row: PNG)
    text = to_pdf_text(pack, tmp_path, f"agenda-{paper_size}")
    for header in HEADERS:
        assert header in text
    for cell in ("In progress Off track", "Approved Watch", "85% Watch", "9 days overdue", "Past target"):
        assert cell in text
    assert "Days overdue as at Monday 7 December 2026." in text


# -- said once ------------------------------------------------------------------------


def texts_of(content: bytes) -> list[str]:
    doc = docx.Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return [p.text for p in doc.paragraphs] + cells


def test_best_practice_is_printed_once_under_item_4_and_the_report_points_there():
    texts = texts_of(build_agenda_docx(known_agenda(), template=None, charts=lambda row: None))
    assert sum(t.count("Daily huddle.") for t in texts) == 1
    assert "Best practice: see item 4, where it is shared with the council." in texts


def test_best_practice_stays_in_the_report_when_item_4_is_not_taken():
    agenda = known_agenda()
    agenda.sections = [s for s in agenda.sections if s.key != "best_practice"]
    texts = texts_of(build_agenda_docx(agenda, template=None, charts=lambda row: None))
    assert "Best practice: Daily huddle." in texts


def demo_documents(app, client, session) -> tuple[list[str], list[str]]:
    """The demo's next agenda pack and its last held meeting's minutes, downloaded by the chair."""
    council = load_demo(session=session, today=date.today())
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    meetings = session.exec(
        select(Meeting).where(Meeting.council_id == council.id).order_by(Meeting.scheduled_at)
    ).all()
    upcoming = next(x for x in meetings if x.status == "scheduled")
    held = [x for x in meetings if x.status == "held"][-1]
    headers = auth(app, chair)
    agenda = client.get(f"/api/meetings/{upcoming.id}/agenda.docx", headers=headers)
    minutes = client.get(f"/api/meetings/{held.id}/minutes.docx", headers=headers)
    assert agenda.status_code == minutes.status_code == 200
    return texts_of(agenda.content), texts_of(minutes.content)


def test_the_demo_pack_says_each_thing_once(app, client, session):
    agenda, minutes = demo_documents(app, client, session)
    # Five scorecards leave a part out: one note for the section, not one a table.
    assert sum(t.count("re-normalised") for t in agenda) == 1
    shared = [t for t in agenda if t.startswith("Best practice: ")]
    assert shared and all(t == "Best practice: see item 4, where it is shared with the council." for t in shared)
    assert "Nothing was recorded under this item." not in minutes
    assert sum(t.startswith("Nothing was recorded under") for t in minutes) <= 1
    assert "Sign-off" in minutes


# -- papers ---------------------------------------------------------------------------


def test_the_pack_lists_each_items_papers_and_all_of_them_at_the_end():
    doc = docx.Document(
        io.BytesIO(build_agenda_docx(with_papers(known_agenda()), template=None, charts=lambda r: None))
    )
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert "Action log notes.pdf (PDF, 47 KB)" in bullets
    assert "Field report.docx (Word, 2.3 MB), Field Engineering report" in bullets
    assert "Checklist pilot.xlsx (Excel, 812 bytes), Initiative: Checklist in call scripts" in bullets
    assert "Storm plan.pdf (PDF, 1.2 MB), AOB: Winter readiness" in bullets
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-1] == "Papers" and headings.count("Papers (1)") == 4
    table = doc.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows == [
        ["Item", "Paper", "Kind", "Size"],
        ["1. Actions from the last meeting", "Action log notes.pdf", "PDF", "47 KB"],
        ["3. Department reports\nField Engineering report", "Field report.docx", "Word", "2.3 MB"],
        [
            "5. Review of current initiatives\nInitiative: Checklist in call scripts",
            "Checklist pilot.xlsx",
            "Excel",
            "812 bytes",
        ],
        ["9. Any other business\nAOB: Winter readiness", "Storm plan.pdf", "PDF", "1.2 MB"],
    ]


def test_a_pack_without_papers_has_no_papers_page():
    doc = docx.Document(io.BytesIO(build_agenda_docx(known_agenda(), template=None, charts=lambda r: None)))
    assert not [p for p in doc.paragraphs if p.text.startswith("Papers")]


# -- accessibility and properties -----------------------------------------------------


def test_every_chart_says_what_it_shows():
    for content in (
        build_agenda_docx(known_agenda(), template=None, charts=lambda row: PNG),
        build_minutes_docx(known_minutes(), template=None, charts=lambda row: PNG),
    ):
        doc = docx.Document(io.BytesIO(content))
        described = [e.get("descr") for e in doc.element.body.iter(qn("wp:docPr"))]
        assert len(described) == 2 and all(described)
        assert described[0] == "Net Promoter Score by month, Jan 2026 to Oct 2026, latest 31, target 30, On track"
        assert described[1] == "Customer satisfaction by month, latest 83.1%, target 85%, Watch"
        titles = [e.get("title") for e in doc.element.body.iter(qn("wp:docPr"))]
        assert titles == described


def test_both_documents_name_the_council_meeting_and_kind_in_their_properties():
    agenda = docx.Document(io.BytesIO(build_agenda_docx(known_agenda(), template=None, charts=lambda r: None)))
    props = agenda.core_properties
    assert (props.title, props.subject, props.author) == (
        "Utility council: meeting 7 agenda",
        "Agenda pack for meeting 7 on Monday 7 December 2026",
        "Utility council",
    )
    minutes = docx.Document(
        io.BytesIO(build_minutes_docx(known_minutes("approved"), template=None, charts=lambda r: None))
    )
    props = minutes.core_properties
    assert (props.title, props.subject, props.author) == (
        "Utility council: minutes of meeting 7",
        "Minutes of meeting 7 on Monday 7 December 2026",
        "Utility council",
    )


# -- as at the meeting ----------------------------------------------------------------


def test_an_agenda_built_after_its_meeting_counts_overdue_days_to_the_meeting():
    data = known_data()
    data.today = date(2027, 1, 20)  # long after the meeting of 7 December 2026
    agenda = build_agenda(data)
    late = next(a for a in agenda.sections[0].open_actions if a.title == "Plain-English bill")
    assert (late.overdue, late.days_overdue) == (True, 25)  # due 12 November
    texts = texts_of(build_agenda_docx(agenda, template=None, charts=lambda r: None))
    assert "12 Nov 2026\n25 days overdue" in texts
    assert "Days overdue as at Monday 7 December 2026." in texts
    before = known_data()  # two weeks before the meeting: counted to today
    assert next(a for a in build_agenda(before).sections[0].open_actions if a.overdue).days_overdue == 10


# -- the minutes, printed -------------------------------------------------------------


def test_draft_minutes_print_who_took_them_the_sign_off_and_one_line_for_empty_items(tmp_path: Path):
    minutes = known_minutes()
    minutes.taken_by = "Sam Okafor"
    text = to_pdf_text(build_minutes_docx(minutes, template=None, charts=lambda r: None), tmp_path, "draft")
    assert "Minutes taken by Sam Okafor" in text
    assert "Nothing was recorded under items 4, 6 and 8." in text
    assert "Nothing was recorded under this item" not in text
    assert (
        "Sign-off Signed by the chair as a true record of the meeting: Signature Name Helen Carter, Chair Date" in text
    )
    assert "Days overdue as at Monday 7 December 2026." in text


def test_approved_minutes_print_when_and_by_whom(tmp_path: Path):
    minutes = known_minutes("approved")
    text = to_pdf_text(build_minutes_docx(minutes, template=None, charts=lambda r: None), tmp_path, "approved")
    assert "Sign-off Approved on Thursday 10 December 2026 by Helen Carter as a true record of the meeting." in text
    assert "Signature" not in text


def test_the_approval_date_is_the_councils_day():
    minutes = known_minutes("approved")
    minutes.approved_at = datetime(2026, 12, 10, 23, 30, tzinfo=UTC)  # 10 Dec in London
    texts = texts_of(build_minutes_docx(minutes, template=None, charts=lambda r: None))
    assert "Approved on Thursday 10 December 2026 by Helen Carter as a true record of the meeting." in texts


def test_a_rising_theme_with_no_workshop_is_named_once_and_changes_are_in_points():
    from app.agendas.voice_model import ThemeFlags, VoiceTheme

    def theme(id_, name, change, direction, workshop):
        return VoiceTheme(
            theme_id=id_, name=name, negative=222, share=0.3, change=change, direction=direction, has_workshop=workshop
        )

    billing = theme(1, "Billing estimate", 0.10149, "rising", False)
    waiting = theme(2, "Long wait on the phone", -0.02, "steady", False)
    agenda = known_agenda()
    agenda.sections[5].themes = ThemeFlags(rising=[billing], no_workshop=[billing, waiting])
    doc = docx.Document(io.BytesIO(build_agenda_docx(agenda, template=None, charts=lambda r: None)))
    texts = [p.text for p in doc.paragraphs]
    assert "Billing estimate: 222 responses, rising (+10.1 pts); no five-whys workshop yet" in texts
    assert "Long wait on the phone: 222 responses, steady (−2 pts)" in texts
    assert sum("Billing estimate" in t for t in texts) == 1
    assert "Top negative themes with no five-whys workshop (1)" in texts
