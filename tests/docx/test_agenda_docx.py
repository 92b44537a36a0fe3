"""The Word agenda pack on a hand-built Agenda: reopened with python-docx and docx2python, and printed.

No database, no HTTP: `build_agenda_docx` is pure apart from python-docx. The PDF test
converts the pack with LibreOffice, as a chair's machine would print it.
"""

import io
import struct
import zlib
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx2python import docx2python

from app.agendas import model as m
from app.docx.agenda import build_agenda_docx, charted_measures
from app.docx.template import (
    DEFAULT_TEMPLATE,
    REQUIRED_STYLES,
    TemplateError,
    build_default_template,
    check_template,
)
from app.web.downloads import ascii_slug, content_disposition, unicode_slug
from tests.docx.pdf import to_pdf_text

TRICKY = 'Tom "O\'Neil" & <Sons> 🚀 Ōsaka 東京'
TITLES = [f"{n}. {m.SECTION_TITLES[key]}" for n, key in enumerate(m.SECTION_KEYS, start=1)]


def tiny_png() -> bytes:
    """A valid 2×1 PNG, so python-docx can read its size, without drawing a chart."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\x1f\x5f\xae" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = tiny_png()


def base(number: int, key: str, starts_at: str, minutes: int, notes=()) -> dict:
    return {
        "number": number,
        "key": key,
        "title": m.SECTION_TITLES[key],
        "minutes_allocated": minutes,
        "starts_at": starts_at,
        "notes": list(notes),
    }


def person(seat: int, name: str, role: str, department: str | None, note: str = "") -> m.Person:
    return m.Person(membership_id=seat, name=name, role=role, department=department, note=note)


def measure(id_: int, name: str, *, scope="overall", latest=None, previous=None, target=None, status=None, **kw):
    trend = [m.Point(period=date(2026, month, 1), value=v) for month, v in kw.pop("trend", [])]
    return m.MeasureRow(
        id=id_,
        name=name,
        kind="nps",
        category="survey_rating",
        unit=kw.pop("unit", ""),
        direction="higher_is_better",
        target=target,
        owner_name=kw.pop("owner_name", "Helen Carter"),
        scope=scope,
        department=kw.pop("department", None),
        journey=None,
        latest=m.Point(period=date(2026, 10, 1), value=latest) if latest is not None else None,
        previous=m.Point(period=date(2026, 9, 1), value=previous) if previous is not None else None,
        change=latest - previous if latest is not None and previous is not None else None,
        on_target=None if target is None or latest is None else latest >= target,
        movement=kw.pop("movement", None),
        status=status,
        stale=kw.pop("stale", False),
        trend=trend,
        chart_url=f"/api/measures/{id_}/chart.svg",
    )


def action(id_: int, title: str, *, due: date, overdue_days: int = 0, status="open", **kw) -> m.ActionRow:
    return m.ActionRow(
        id=id_,
        title=title,
        owner_name=kw.get("owner", "Priya Shah"),
        department=kw.get("department", "Call Centre"),
        due_on=due,
        status=status,
        percent_complete=kw.get("percent", 0),
        overdue=overdue_days > 0,
        days_overdue=overdue_days,
        closed_at=kw.get("closed_at"),
        closed_on_time=kw.get("closed_on_time"),
    )


def header(**overrides) -> m.Header:
    values = {
        "council_id": 1,
        "council_name": "Utility council",
        "meeting_id": 7,
        "number": 7,
        "title": "Quarterly council",
        "scheduled_at": datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
        "timezone": "Europe/London",
        "date": date(2026, 12, 7),
        "start_time": "10:00",
        "end_time": "12:00",
        "duration_minutes": 120,
        "location": "Board room, Leeds",
        "expected_attendees": [
            person(1, "Helen Carter", "chair", None),
            person(2, "Priya Shah", "member", "Call Centre"),
        ],
        "apologies": [person(3, "Ben Lewis", "member", "Digital", note="On leave")],
        "previous_meeting": m.MeetingRef(id=6, number=6, date=date(2026, 9, 7)),
    }
    return m.Header(**(values | overrides))


def known_agenda() -> m.Agenda:
    """Every section with content, an overdue action, and text that tests the XML escaping."""
    nps = measure(21, "Net Promoter Score", latest=31, previous=29, target=30, status="green", movement="improving")
    nps.trend = [m.Point(period=date(2026, month, 1), value=20 + month) for month in range(1, 11)]
    csat = measure(22, "Customer satisfaction", unit="%", latest=83.1, previous=82.3, target=85, status="amber")
    repeat = measure(
        23,
        "Repeat engineer visits",
        scope="department",
        department="Field Engineering",
        unit="%",
        latest=11.8,
        previous=11.5,
        target=8,
        status="red",
        movement="worsening",
    )
    sections = [
        m.ActionsSection(
            **base(1, "actions", "10:00", 15, ["1 open action is overdue."]),
            previous_minutes="Approve the minutes of meeting 6, held on 7 September 2026.",
            open_actions=[
                action(1, "Add a fault-diagnosis checklist to call scripts", due=date(2026, 11, 28), overdue_days=9),
                action(2, TRICKY, due=date(2026, 12, 20), status="in_progress", percent=40, department=None),
            ],
            closed_since_previous=[
                action(
                    3,
                    "Map the no-supply journey",
                    due=date(2026, 10, 1),
                    status="done",
                    closed_at=datetime(2026, 9, 30, 12, tzinfo=UTC),
                    closed_on_time=True,
                ),
            ],
            on_time_rate=100.0,
            closed_on_time=1,
            closed_count=1,
        ),
        m.OverallMeasuresSection(**base(2, "overall_measures", "10:15", 10), measures=[nps, csat]),
        m.DepartmentReportsSection(
            **base(3, "department_reports", "10:25", 30, ["Not submitted yet: Billing."]),
            departments=[
                m.DepartmentEntry(
                    department_id=11,
                    name="Field Engineering",
                    is_external=False,
                    presenters=["Tom Hughes"],
                    measures=[repeat],
                    scorecard=m.AgendaScorecard(
                        total=62.5,
                        components=[
                            m.AgendaScoreComponent(
                                component="action_plan",
                                label="Action plan closed on time",
                                value=75.0,
                                weight=50,
                                points=37.5,
                                detail="3 of 4 actions closed on time",
                            ),
                        ],
                    ),
                    report=m.ReportBody(
                        id=5,
                        summary="Repeat visits still above target.",
                        improvements="Parts van stock weekly.",
                        best_practice="Daily huddle.",
                        author_name="Tom Hughes",
                        updated_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
                    ),
                    submitted=True,
                ),
                m.DepartmentEntry(
                    department_id=12,
                    name="Billing",
                    is_external=False,
                    presenters=[],
                    measures=[],
                    scorecard=None,
                    report=None,
                    submitted=False,
                ),
            ],
        ),
        m.BestPracticeSection(
            **base(4, "best_practice", "10:55", 10),
            items=[m.BestPractice(department="Field Engineering", text="Daily huddle.", report_id=5)],
        ),
        m.InitiativesSection(
            **base(5, "initiatives", "11:05", 15),
            initiatives=[
                m.InitiativeRow(
                    id=31,
                    title="Checklist in call scripts",
                    status="in_progress",
                    owner_name="Priya Shah",
                    rag="red",
                    percent_complete=45,
                    start_on=date(2026, 9, 1),
                    target_on=date(2026, 11, 1),
                    overdue=True,
                    yearly_saving=300000,
                    measures=[
                        m.AgendaLinkedMeasure(
                            measure_id=23,
                            name="Repeat engineer visits",
                            unit="%",
                            baseline=12,
                            current=11.8,
                            change=-0.2,
                            movement="better",
                        )
                    ],
                )
            ],
        ),
        m.MeasuresReviewSection(
            **base(6, "measures_review", "11:20", 10),
            off_target=[repeat, csat],
            worsening=[repeat],
            stale=[],
            missing_target=[],
            missing_owner=[],
            journeys=[m.JourneyIssue(journey_id=1, name="No supply", owner_name=None, gaps=["Follow-up"], overlaps=[])],
        ),
        m.PrioritisationSection(
            **base(7, "prioritisation", "11:30", 15),
            proposals=[
                m.Proposal(
                    rank=1,
                    id=41,
                    title="Plain-English first bill",
                    proposed_by="Aisha Rahman",
                    score=82,
                    breakdown=[
                        m.PriorityComponent(criterion="customer_impact", raw=4, normalised=4, weight=30, points=24),
                        m.PriorityComponent(criterion="saving", raw=25600, normalised=5, weight=25, points=25),
                    ],
                    yearly_saving=25600,
                    net_saving=10600,
                    payback_months=7.0,
                )
            ],
        ),
        m.ResearchSection(
            **base(8, "research", "11:45", 10),
            items=[
                m.ResearchRow(
                    id=51,
                    title="Why customers call back",
                    conducted_on=date(2026, 11, 8),
                    method="interviews",
                    summary="Twelve interviews.",
                    link="https://intranet.example.com/r/1",
                )
            ],
        ),
        m.AobSection(
            **base(9, "aob", "11:55", 5),
            items=[m.AobRow(id=61, title="Winter readiness", details=TRICKY, submitted_by="Aisha Rahman")],
        ),
    ]
    return m.Agenda(meeting=header(), status="draft", version=0, sections=sections)


def empty_agenda() -> m.Agenda:
    """A first meeting of a new council: nothing but what is missing."""
    sections = []
    clock = ["10:00", "10:15", "10:25", "10:55", "11:05", "11:20", "11:30", "11:45", "11:55"]
    for number, key in enumerate(m.SECTION_KEYS, start=1):
        b = base(number, key, clock[number - 1], 10, [f"Nothing for {key} yet."])
        extra = {
            "actions": {
                "previous_minutes": "This is the council's first meeting.",
                "open_actions": [],
                "closed_since_previous": [],
                "on_time_rate": None,
                "closed_on_time": 0,
                "closed_count": 0,
            },
            "overall_measures": {"measures": []},
            "department_reports": {"departments": []},
            "best_practice": {"items": []},
            "initiatives": {"initiatives": []},
            "measures_review": {
                "off_target": [],
                "worsening": [],
                "stale": [],
                "missing_target": [],
                "missing_owner": [],
                "journeys": [],
            },
            "prioritisation": {"proposals": []},
            "research": {"items": []},
            "aob": {"items": []},
        }[key]
        sections.append(b | extra)
    return m.Agenda.model_validate(
        {
            "meeting": header(expected_attendees=[], apologies=[], previous_meeting=None, location="").model_dump(),
            "status": "draft",
            "version": 0,
            "sections": sections,
        }
    )


@pytest.fixture(scope="module")
def pack() -> bytes:
    return build_agenda_docx(known_agenda(), template=None, charts=lambda row: PNG)


@pytest.fixture(scope="module")
def doc(pack):
    return docx.Document(io.BytesIO(pack))


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def find_table(doc, first_header: str, *others: str):
    for table in doc.tables:
        head = rows_of(table)[0]
        if head[0] == first_header and all(o in head for o in others):
            return table
    raise AssertionError(f"no table headed {first_header!r} {others}")


# -- structure ------------------------------------------------------------------------


def test_the_nine_sections_are_numbered_heading_1s_in_order(doc):
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == TITLES


def test_the_cover_gives_the_meeting_details_and_running_order(doc):
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == "Utility council"
    assert doc.paragraphs[1].text == "Meeting 7 · Quarterly council · Agenda"
    details = dict(rows_of(doc.tables[0]))
    assert details["Date"] == "Monday 7 December 2026"
    assert details["Time"] == "10:00–12:00 (Europe/London)"
    assert details["Location"] == "Board room, Leeds"
    assert details["Previous meeting"] == "Meeting 6, Monday 7 September 2026"
    order = rows_of(find_table(doc, "No.", "Item", "Starts", "Minutes"))
    assert order[1] == ["1", "Actions from the last meeting", "10:00", "15"]
    assert order[-1] == ["", "Close", "12:00", "120"]
    assert ["Priya Shah", "Member", "Call Centre"] in rows_of(find_table(doc, "Name", "Role", "Department"))
    assert ["Ben Lewis", "Digital", "On leave"] in rows_of(find_table(doc, "Name", "Department", "Note"))


def test_actions_table_marks_the_overdue_action_in_red_bold(doc):
    table = find_table(doc, "Action", "Owner", "Department", "Due", "Status")
    rows = rows_of(table)
    assert rows[0] == ["Action", "Owner", "Department", "Due", "Status"]
    overdue = next(r for r in table.rows if r.cells[0].text.startswith("Add a fault-diagnosis"))
    assert overdue.cells[3].text == "28 Nov 2026\n9 days overdue"
    marker = next(run for run in overdue.cells[3].paragraphs[0].runs if "overdue" in run.text)
    assert marker.bold and str(marker.font.color.rgb) == "B42318"
    assert [TRICKY, "Priya Shah", "—", "20 Dec 2026", "In progress\n40% done"] in rows
    closed = rows_of(find_table(doc, "Action", "Closed", "Outcome"))
    assert closed[1] == ["Map the no-supply journey", "Priya Shah", "1 Oct 2026", "30 Sep 2026", "Done on time"]


def test_measures_departments_initiatives_and_priorities_are_real_tables(doc):
    measures = rows_of(find_table(doc, "Measure", "Latest", "Previous", "Change", "Target", "Status"))
    assert measures[1] == [
        "Net Promoter Score\nHelen Carter",
        "31\nOct 2026",
        "29\nSep 2026",
        "▲ +2, better",
        "30",
        "On track",
    ]
    assert measures[2][0:2] == ["Customer satisfaction\nHelen Carter", "83.1%\nOct 2026"]
    card = rows_of(find_table(doc, "Component", "Value", "Weight", "Points", "Based on"))
    assert card[1] == ["Action plan closed on time", "75", "50", "37.5", "3 of 4 actions closed on time"]
    initiatives = rows_of(find_table(doc, "Initiative", "Status", "Yearly saving"))
    assert initiatives[1] == [
        "Checklist in call scripts",
        "Priya Shah",
        "In progress\nOff track",
        "45%",
        "1 Nov 2026\nPast target",
        "£300,000",
    ]
    ranking = rows_of(find_table(doc, "Rank", "Proposal", "Score"))
    assert ranking[1] == ["1", "Plain-English first bill", "Aisha Rahman", "82", "£25,600", "£10,600", "7.0 months"]
    breakdown = rows_of(find_table(doc, "Proposal", "Total"))
    assert breakdown[0] == ["Proposal", "Customer impact (×30)", "Yearly saving (×25)", "Total"]
    assert breakdown[1] == ["1. Plain-English first bill", "24\nrated 4", "25\n£25,600", "82"]
    assert rows_of(find_table(doc, "Date", "Research"))[1][0] == "8 Nov 2026"
    assert rows_of(find_table(doc, "Journey", "Steps nobody owns"))[1] == ["No supply", "—", "Follow-up", "—"]
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert "Repeat engineer visits: 11.8% against a target of 8% (Helen Carter)" in bullets


def test_the_measures_review_says_what_it_checked_and_found_clear(doc):
    """Regression: empty lists were summed up as "Nothing to review under: no owner."."""
    texts = [p.text for p in doc.paragraphs]
    clear = [t for t in texts if t.startswith("Also checked: ")]
    assert len(clear) == 1 and "every measure has an owner" in clear[0]
    assert not any(t.startswith("Nothing to review under") for t in texts)
    assert "Steps several own" in rows_of(find_table(doc, "Journey", "Steps nobody owns"))[0]


def test_an_agenda_with_no_measures_does_not_claim_they_were_all_checked():
    doc = docx.Document(io.BytesIO(build_agenda_docx(empty_agenda(), template=None, charts=lambda row: None)))
    assert not any(p.text.startswith("Also checked") for p in doc.paragraphs)


def test_every_table_repeats_its_header_row_and_rows_never_split(doc):
    for table in doc.tables[1:]:  # the cover's details table has no header row
        trs = table._tbl.findall(qn("w:tr"))
        assert trs[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for tr in trs[1:])
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in trs)
        assert table.style.name == "Table Grid"


def test_footer_numbers_pages_and_header_names_the_meeting(doc):
    section = doc.sections[0]
    footer_xml = section.footer._element.xml
    instructions = [e.text.strip() for e in section.footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert "Page " in footer_xml and " of " in footer_xml
    assert section.header.paragraphs[0].text == "Utility council · Meeting 7 · 7 Dec 2026 · Draft"


def test_a_published_pack_says_so_on_the_cover_and_drops_draft_from_the_header():
    agenda = known_agenda()
    agenda.status, agenda.version = "published", 2
    agenda.published_at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    doc = docx.Document(io.BytesIO(build_agenda_docx(agenda, template=None, charts=lambda row: None)))
    assert dict(rows_of(doc.tables[0]))["Agenda"] == "Published 1 Dec 2026 (version 2)"
    assert doc.sections[0].header.paragraphs[0].text == "Utility council · Meeting 7 · 7 Dec 2026"


def test_overall_measures_carry_a_chart_each():
    calls = []

    def charts(row):
        calls.append(row.name)
        return PNG if row.trend else None

    pack = build_agenda_docx(known_agenda(), template=None, charts=charts)
    assert calls == ["Net Promoter Score", "Customer satisfaction"]
    pictures = docx.Document(io.BytesIO(pack)).inline_shapes
    assert len(pictures) == 1  # CSAT has no trend: no picture, no empty frame


def test_charted_measures_are_the_charts_the_pack_draws_in_its_order():
    """What the server draws ahead (app/agendas/warm.py) is what the pack then asks for, so it finds them drawn."""
    drawn = []

    def charts(row):
        png = PNG if row.trend else None
        if png:
            drawn.append(row)
        return png

    for agenda in (known_agenda(), empty_agenda()):
        drawn.clear()
        build_agenda_docx(agenda, template=None, charts=charts)
        assert charted_measures(agenda) == drawn
    assert [row.name for row in charted_measures(known_agenda())] == ["Net Promoter Score"]


def test_notes_say_what_is_missing_in_italics_so_an_empty_meeting_reads_well():
    doc = docx.Document(io.BytesIO(build_agenda_docx(empty_agenda(), template=None, charts=lambda row: None)))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == TITLES
    notes = [p for p in doc.paragraphs if p.text.startswith("What's missing:")]
    assert [p.text for p in notes] == [f"What's missing: Nothing for {key} yet." for key in m.SECTION_KEYS]
    assert all(run.italic for p in notes for run in p.runs)
    assert len(doc.tables) == 2  # the cover's details and running order; no empty tables
    details = dict(rows_of(doc.tables[0]))
    assert details["Location"] == "To be confirmed" and details["Previous meeting"] == "None"
    assert "No apologies received." in [p.text for p in doc.paragraphs]


# -- text -----------------------------------------------------------------------------


def test_quotes_ampersands_brackets_emoji_and_other_scripts_round_trip(pack, doc):
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert TRICKY in cells
    assert f"Winter readiness\n{TRICKY}" in cells
    extracted = docx2python(io.BytesIO(pack))
    try:
        flat = [text for table in extracted.body for row in table for cell in row for text in cell]
        assert TRICKY in flat
        assert all(title in extracted.text for title in TITLES)
    finally:
        extracted.close()


def test_characters_xml_forbids_are_dropped_not_fatal():
    agenda = known_agenda()
    agenda.sections[8].items[0].title = "Bell\x07 and\x00 null\x1b"
    agenda.meeting.location = "Room\x0b 2"
    doc = docx.Document(io.BytesIO(build_agenda_docx(agenda, template=None, charts=lambda row: None)))
    cells = {cell.text for table in doc.tables for row in table.rows for cell in row.cells}
    assert f"Bell and null\n{TRICKY}" in cells and "Room 2" in cells


def test_a_long_action_log_builds_every_row():
    # Speed is measured by `make bench` (the agenda pack is built from row XML), not timed here.
    agenda = known_agenda()
    agenda.sections[0].open_actions = [
        action(1000 + i, f"Follow up complaint theme {i}", due=date(2026, 11, 1), overdue_days=i % 30)
        for i in range(600)
    ]
    pack = build_agenda_docx(agenda, template=None, charts=lambda row: None)
    table = find_table(docx.Document(io.BytesIO(pack)), "Action", "Owner", "Department", "Due", "Status")
    assert len(table.rows) == 601
    assert [c.text for c in table.rows[600].cells][0] == "Follow up complaint theme 599"


# -- templates ------------------------------------------------------------------------


def council_template(*, drop: tuple[str, ...] = (), font: str = "Georgia") -> bytes:
    """A council's own template: its font, a header line, some body text, and without `drop` styles."""
    template = docx.Document()
    template.styles["Normal"].font.name = font
    template.sections[0].header.paragraphs[0].text = "ACME Utilities"
    template.add_paragraph("Template body text that must not reach the pack")
    for name in drop:
        element = template.styles[name].element
        element.getparent().remove(element)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def test_a_council_template_keeps_its_font_and_header_but_not_its_body():
    pack = build_agenda_docx(known_agenda(), template=council_template(), charts=lambda row: None)
    doc = docx.Document(io.BytesIO(pack))
    assert doc.styles["Normal"].font.name == "Georgia"
    header = [p.text for p in doc.sections[0].header.paragraphs]
    assert header == ["ACME Utilities", "Utility council · Meeting 7 · 7 Dec 2026 · Draft"]
    assert all("Template body text" not in p.text for p in doc.paragraphs)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == TITLES


def test_styles_a_council_template_lacks_are_copied_in_with_working_bullets():
    template = council_template(drop=("Heading 1", "Heading 1 Char", "List Bullet", "Table Grid", "Title"))
    pack = build_agenda_docx(known_agenda(), template=template, charts=lambda row: None)
    doc = docx.Document(io.BytesIO(pack))
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == TITLES
    assert doc.styles["Heading 1"].font.bold and doc.styles["Heading 1 Char"] is not None
    bullet = doc.styles["List Bullet"].element
    num_id = bullet.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
    nums = doc.part.numbering_part.element.findall(qn("w:num"))
    assert num_id in {n.get(qn("w:numId")) for n in nums}, "the copied bullet style points at no list"
    assert doc.styles["Normal"].font.name == "Georgia"


def test_the_committed_default_template_is_a4_calibri_with_every_style_we_use():
    assert DEFAULT_TEMPLATE.exists(), "run: python -m app.docx.template"
    for content in (DEFAULT_TEMPLATE.read_bytes(), build_default_template()):
        doc = docx.Document(io.BytesIO(content))
        assert {s.name for s in doc.styles} >= set(REQUIRED_STYLES)
        assert doc.styles["Normal"].font.name == "Calibri"
        assert round(doc.sections[0].page_width.cm, 1) == 21.0 and round(doc.sections[0].left_margin.cm, 1) == 2.0
        assert not doc.paragraphs or all(not p.text for p in doc.paragraphs)


def test_check_template_refuses_what_is_not_a_word_document():
    with pytest.raises(TemplateError, match="not a Word document"):
        check_template(b"just some text", filename="notes.docx")
    with pytest.raises(TemplateError, match="could not be opened"):
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("hello.txt", "not a docx")
        check_template(out.getvalue(), filename="fake.docx")
    check_template(council_template())


def test_a_dotx_template_is_accepted():
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(council_template()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            archive.writestr(item, data)
    check_template(out.getvalue())
    pack = build_agenda_docx(known_agenda(), template=out.getvalue(), charts=lambda row: None)
    assert docx.Document(io.BytesIO(pack)).styles["Normal"].font.name == "Georgia"


def test_download_names_are_ascii_with_a_utf8_version_when_needed():
    assert ascii_slug("Northern Utilities CX Council") == "northern-utilities-cx-council"
    assert ascii_slug("Ōsaka Café") == "osaka-cafe"
    assert ascii_slug("東京") == "council"
    assert unicode_slug("東京 CX Council!") == "東京-cx-council"
    assert content_disposition("Utility council", "-agenda-2026-12-07.docx") == (
        'attachment; filename="utility-council-agenda-2026-12-07.docx"'
    )
    assert content_disposition("Ōsaka 東京", "-agenda-2026-12-07.docx") == (
        'attachment; filename="osaka-agenda-2026-12-07.docx"; '
        "filename*=UTF-8''%C5%8Dsaka-%E6%9D%B1%E4%BA%AC-agenda-2026-12-07.docx"
    )


# -- printed --------------------------------------------------------------------------


def test_the_pack_prints_to_pdf_with_every_section(pack, tmp_path: Path):
    text = to_pdf_text(pack, tmp_path, "agenda")
    for title in TITLES:
        assert title in text
    assert "9 days overdue" in text
    assert "Page 1 of" in text


def test_delegates_and_the_quorum_forecast_are_in_the_pack():
    agenda = known_agenda()
    delegate = person(5, "Marta Kowalski", "member", "ContactPlus").model_copy(update={"delegate_name": "Jo Evans"})
    forecast = m.Forecast(
        seats=7,
        expected=6,
        apologies=1,
        delegates=1,
        not_answered=2,
        required_members=4,
        departments_represented=0,
        required_departments=0,
        met=True,
        statement="On the answers so far, 6 of 7 seats expected (1 by delegate), quorum (4) met.",
    )
    agenda.meeting = agenda.meeting.model_copy(update={"delegates": [delegate], "forecast": forecast})
    built = docx.Document(io.BytesIO(build_agenda_docx(agenda, template=None, charts=lambda row: PNG)))
    assert rows_of(find_table(built, "Attending", "In place of"))[1][:2] == ["Jo Evans", "Marta Kowalski"]
    assert forecast.statement in [p.text for p in built.paragraphs]
