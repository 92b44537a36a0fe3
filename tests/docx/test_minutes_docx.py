"""The Word minutes on a hand-built MinutesDoc: reopened with python-docx and docx2python, and printed.

No database, no HTTP: `build_minutes_docx` is pure apart from python-docx. Every string
the secretary typed is distinct here, so counting it in the document shows it arrived
once, in its place; the registers repeat what they index (a decision under its item and
in the register; an action raised here under its item and, while open, in the log).
"""

import io
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx2python import docx2python

from app.agendas.model import SECTION_KEYS, SECTION_TITLES, Point
from app.docx.minutes import build_minutes_docx
from app.minutes import model as mm
from tests.docx.pdf import to_pdf_text
from tests.docx.test_agenda_docx import PNG, action, header, measure
from tests.helpers import if_match

TRICKY = 'Said "no" & <b>left</b> early 🎉 — Ελληνικά, 中文, العربية'
TITLES = [f"{n}. {SECTION_TITLES[key]}" for n, key in enumerate(SECTION_KEYS, start=1)]
# Items 4, 6 and 8 of known_minutes have nothing recorded: one line says so instead of three headings.
RECORDED = [t for n, t in enumerate(TITLES, start=1) if n not in (4, 6, 8)]
AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
NOTES = {
    1: "Minutes of meeting 6 reviewed line by line.",
    2: "NPS up two points since September.\nCSAT flat.\n\nThe chair asked for the verbatims by segment.",
    3: f"Field Engineering: repeat visits still high. {TRICKY}",
    5: "- Checklist pilot runs to January\n- Portal fix blocked on the supplier",
}
DECISIONS = [
    (3, "Adopt the fault-diagnosis checklist council-wide."),
    (5, f"Extend the SMS pilot to evenings: {TRICKY} (decision)"),
    (7, "Fund the plain-English first bill."),
]


def seat(n, name, role, department=None, *, status=None, external=False, **kw) -> mm.AttendanceRow:
    return mm.AttendanceRow(
        membership_id=n,
        name=name,
        role=role,
        department=department,
        is_external=external,
        status=status,
        delegate_name=kw.get("delegate", ""),
        note=kw.get("note", ""),
    )


def decision(number: int, item: int, text: str) -> mm.DecisionRow:
    return mm.DecisionRow(id=100 + number, number=number, item_number=item, text=text, created_by="Sam", created_at=AT)


def item(number: int, **kw) -> mm.MinutesItemRow:
    key = SECTION_KEYS[number - 1]
    return mm.MinutesItemRow(
        number=number,
        key=key,
        title=SECTION_TITLES[key],
        notes=kw.get("notes", ""),
        decisions=kw.get("decisions", []),
        actions_raised=kw.get("actions_raised", []),
        updated_at=AT if kw.get("notes") else None,
    )


def known_minutes(status: str = "draft") -> mm.MinutesDoc:
    """A meeting recorded in full: every kind of attendance, notes, decisions, actions, AOB, amendments."""
    decisions = [decision(n, i, text) for n, (i, text) in enumerate(DECISIONS, start=1)]
    raised = action(501, f"Brief the call centre: {TRICKY} (action)", due=date(2027, 1, 15), owner="Aisha Rahman")
    raised_closed = action(502, "Send the storm script to ContactPlus", due=date(2026, 12, 10), status="done")
    late = action(9, "Share no-access reasons weekly", due=date(2026, 11, 28), overdue_days=9, owner="Tom Hughes")
    items = [
        item(
            n,
            notes=NOTES.get(n, ""),
            decisions=[d for d in decisions if d.item_number == n],
            actions_raised=[raised, raised_closed] if n == 3 else [],
        )
        for n in range(1, 10)
    ]
    nps = measure(21, "Net Promoter Score", latest=31, previous=29, target=30, status="green", movement="improving")
    nps.trend = [Point(period=date(2026, month, 1), value=20 + month) for month in range(1, 11)]
    csat = measure(22, "Customer satisfaction", unit="%", latest=83.1, previous=82.3, target=85, status="amber")
    approved = status == "approved"
    return mm.MinutesDoc(
        meeting=header(),
        status=status,
        version=12,
        agenda_version=2,
        attendance=[
            seat(1, "Helen Carter", "chair", status="present"),
            seat(2, "Sam Okafor", "secretary", status="present"),
            seat(3, "Aisha Rahman", "member", "Billing", status="apologies", note="On leave until Monday"),
            seat(4, "Ben Hughes", "member", "Field Engineering", status="delegate", delegate="Priya Delegate-Shah"),
            seat(5, "Chen Wei 陈伟", "member", "FixIt Ltd", status="present", external=True),
            seat(6, "Dana Price", "member", "Billing", status="absent"),
            seat(7, "Olu Adebayo", "observer", status=None),
        ],
        quorum=mm.Quorum(
            met=True,
            present=4,
            required_members=4,
            departments_represented=2,
            required_departments=0,
            statement="Quorate: 4 of 6 members present, 1 by delegate (4 required).",
        ),
        previous_minutes_approved=True,
        previous_minutes_note="Approved with one typo corrected in item 4.",
        items=items,
        decisions=decisions,
        aob=[
            mm.AobOutcome(
                id=61,
                title="Winter storm readiness",
                details=f"Standby engineers from December. {TRICKY} (aob)",
                submitted_by="Tom Hughes",
                outcome="Storm script to be refreshed before 1 December.",
            ),
            mm.AobOutcome(id=62, title="Office move", details="", submitted_by=None, outcome=""),
        ],
        open_actions=[late, raised],
        overall_measures=[nps, csat],
        amendments=(
            [
                mm.AmendmentRow(
                    id=1,
                    item_number=3,
                    text="D1 applies to field engineering only.",
                    reason=f"Misheard in the room. {TRICKY} (reason)",
                    made_by="Helen Carter",
                    made_at=datetime(2026, 12, 14, 9, 30, tzinfo=UTC),
                )
            ]
            if approved
            else []
        ),
        next_meeting=date(2027, 3, 8),
        next_meeting_note="Leeds, room 4 — bring the storm plan.",
        circulated_at=datetime(2026, 12, 9, 9, tzinfo=UTC) if status != "draft" else None,
        approved_at=datetime(2026, 12, 10, 15, tzinfo=UTC) if approved else None,
        approved_by="Helen Carter" if approved else None,
    )


def build(minutes: mm.MinutesDoc, charts=lambda row: None, template: bytes | None = None) -> bytes:
    return build_minutes_docx(minutes, template=template, charts=charts)


def open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def blocks(doc) -> list[tuple[str, str, str]]:
    """The body in order as (Heading 1 it falls under, kind, text): paragraphs, then each table cell."""
    out = []
    current = ""
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, doc)
            if paragraph.style.name == "Heading 1":
                current = paragraph.text
            out.append((current, paragraph.style.name, paragraph.text))
        elif child.tag == qn("w:tbl"):
            for row in Table(child, doc).rows:
                for cell in row.cells:
                    out.append((current, "cell", cell.text))
    return out


def under(doc, heading: str) -> list[str]:
    return [text for where, _, text in blocks(doc) if where == heading]


def count(texts: list[str], needle: str) -> int:
    return sum(text.count(needle) for text in texts)


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def find_table(doc, *head: str):
    for table in doc.tables:
        if rows_of(table)[0][: len(head)] == list(head):
            return table
    raise AssertionError(f"no table headed {head}")


def all_text(doc) -> str:
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    return header + "\n" + "\n".join(text for _, _, text in blocks(doc))


@pytest.fixture(scope="module")
def draft() -> bytes:
    return build(known_minutes("draft"), charts=lambda row: PNG if row.trend else None)


@pytest.fixture(scope="module")
def doc(draft):
    return open_docx(draft)


@pytest.fixture(scope="module")
def approved_doc():
    return open_docx(build(known_minutes("approved")))


# -- structure ------------------------------------------------------------------------


def test_headings_are_attendance_the_nine_items_then_the_registers(doc):
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Attendance",
        *RECORDED,
        "Date of next meeting",
        "Decision register",
        "Sign-off",
        "Appendix: open action log",
    ]
    assert doc.paragraphs[0].style.name == "Title" and doc.paragraphs[0].text == "Utility council"
    assert doc.paragraphs[1].text == "Minutes of meeting 7 · Quarterly council"
    details = dict(rows_of(doc.tables[0]))
    assert details == {
        "Date": "Monday 7 December 2026",
        "Time": "10:00–12:00 (Europe/London)",
        "Location": "Board room, Leeds",
        "Agenda": "Version 2, as published",
        "Minutes taken by": "Not recorded",
    }


def test_a_draft_says_draft_in_the_header_and_on_the_front(doc):
    assert doc.sections[0].header.paragraphs[0].text == ("Utility council · Minutes of meeting 7 · 7 Dec 2026 · DRAFT")
    banner = doc.paragraphs[2]
    assert banner.text.startswith("DRAFT — NOT YET APPROVED\n")
    assert banner._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}") is not None
    assert banner.runs[0].bold and str(banner.runs[0].font.color.rgb) == "B42318"
    assert doc.core_properties.subject == "Draft minutes of meeting 7 on Monday 7 December 2026"


def test_circulated_minutes_are_still_marked_draft_and_not_approved():
    doc = open_docx(build(known_minutes("circulated")))
    assert doc.sections[0].header.paragraphs[0].text.endswith("· DRAFT (circulated, not approved)")
    banner = doc.paragraphs[2].text
    assert banner.startswith("DRAFT · CIRCULATED — NOT YET APPROVED\nCirculated for comment on 9 December 2026.")


def test_approved_minutes_say_who_approved_them_and_draft_is_gone(approved_doc):
    text = all_text(approved_doc)
    assert "draft" not in text.lower()
    assert approved_doc.sections[0].header.paragraphs[0].text == ("Utility council · Minutes of meeting 7 · 7 Dec 2026")
    assert approved_doc.paragraphs[2].text == (
        "Approved on 10 December 2026 by Helen Carter\nas a true record of the meeting."
    )
    assert approved_doc.core_properties.subject == "Minutes of meeting 7 on Monday 7 December 2026"


def test_attendance_rows_mark_every_status_and_the_supplier(doc):
    rows = rows_of(find_table(doc, "Name", "Department", "Role", "Attendance"))
    assert rows[1:] == [
        ["Helen Carter", "—", "Chair", "Present"],
        ["Sam Okafor", "—", "Secretary", "Present"],
        ["Aisha Rahman", "Billing", "Member", "Apologies\nOn leave until Monday"],
        ["Ben Hughes", "Field Engineering", "Member", "Delegate: Priya Delegate-Shah"],
        ["Chen Wei 陈伟", "FixIt Ltd\nExternal supplier", "Member", "Present"],
        ["Dana Price", "Billing", "Member", "Absent"],
        ["Olu Adebayo", "—", "Observer", "Not recorded"],
    ]
    texts = under(doc, "Attendance")
    assert "3 present · 1 delegate · 1 with apologies · 1 absent · 1 not recorded." in texts
    assert "Quorate: 4 of 6 members present, 1 by delegate (4 required)." in texts


def test_each_item_carries_its_notes_decisions_and_actions(doc):
    first = under(doc, TITLES[0])
    assert "The minutes of meeting 6, held on Monday 7 September 2026, were approved as a true record." in first
    assert "Approved with one typo corrected in item 4." in first
    second = under(doc, TITLES[1])
    # Line breaks stay line breaks; a blank line starts a new paragraph.
    assert "NPS up two points since September.\nCSAT flat." in second
    assert "The chair asked for the verbatims by segment." in second
    assert "Results presented" in second and "Discussion" in second
    third = under(doc, TITLES[2])
    assert NOTES[3] in third
    assert "D1. Adopt the fault-diagnosis checklist council-wide." in third
    assert third[third.index("Action") : third.index("Action") + 4] == ["Action", "Owner", "Department", "Due"]
    assert f"Brief the call centre: {TRICKY} (action)" in third and "Aisha Rahman" in third
    assert "15 Jan 2027" in third
    fifth = under(doc, TITLES[4])
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Checklist pilot runs to January", "Portal fix blocked on the supplier"]
    assert f"D2. {DECISIONS[1][1]}" in fifth
    assert "D3. Fund the plain-English first bill." in under(doc, TITLES[6])
    assert under(doc, TITLES[3]) == []
    assert under(doc, TITLES[8])[-1] == "Nothing was recorded under items 4, 6 and 8."


def test_aob_outcomes_sit_under_item_9(doc):
    ninth = under(doc, TITLES[8])
    assert "9.1 Winter storm readiness (raised by Tom Hughes)" in ninth
    assert f"Standby engineers from December. {TRICKY} (aob)" in ninth
    assert "Outcome: Storm script to be refreshed before 1 December." in ninth
    assert "9.2 Office move" in ninth and "Outcome: not recorded." in ninth


def test_the_decision_register_lists_every_decision_with_its_item(doc):
    rows = rows_of(find_table(doc, "No.", "Agenda item", "Decision"))
    assert rows[1:] == [
        ["D1", "3. Department reports", DECISIONS[0][1]],
        ["D2", "5. Review of current initiatives", DECISIONS[1][1]],
        ["D3", "7. Prioritisation and planning", DECISIONS[2][1]],
    ]


def test_the_open_action_log_is_the_appendix_with_overdue_marked(doc):
    table = find_table(doc, "Action", "Owner", "Department", "Due", "Status")
    rows = rows_of(table)
    late = ["Share no-access reasons weekly", "Tom Hughes", "Call Centre", "28 Nov 2026\n9 days overdue", "Open"]
    assert rows[1] == late
    assert rows[2][0] == f"Brief the call centre: {TRICKY} (action)\nRaised at this meeting, item 3"
    marker = next(run for run in table.rows[1].cells[3].paragraphs[0].runs if "overdue" in run.text)
    assert marker.bold and str(marker.font.color.rgb) == "B42318"
    log = under(doc, "Appendix: open action log")
    assert "2 open actions on the council's log, 1 of them overdue. Days overdue as at Monday 7 December 2026." in log


def test_measures_snapshot_and_trend_chart_under_item_2(doc):
    rows = rows_of(find_table(doc, "Measure", "Latest", "Previous", "Change", "Target", "Status"))
    assert rows[1][3:] == ["▲ +2, better", "30", "On track"]
    assert len(doc.inline_shapes) == 1  # CSAT has no trend: no picture


def test_next_meeting_and_amendments(doc, approved_doc):
    assert under(doc, "Date of next meeting") == [
        "Date of next meeting",
        "Monday 8 March 2027",
        "Leeds, room 4 — bring the storm plan.",
    ]
    headings = [p.text for p in approved_doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[-4:] == ["Decision register", "Amendments", "Sign-off", "Appendix: open action log"]
    rows = rows_of(find_table(approved_doc, "No.", "Item", "Amendment", "Why", "Made by"))
    assert rows[1] == [
        "A1",
        "3",
        "D1 applies to field engineering only.",
        f"Misheard in the room. {TRICKY} (reason)",
        "Helen Carter\n14 Dec 2026, 09:30",
    ]
    assert "Amended after approval: see A1 under “Amendments”." in under(approved_doc, TITLES[2])


# -- every input once -----------------------------------------------------------------


def test_every_input_appears_once_in_its_place(approved_doc):
    minutes = known_minutes("approved")
    texts = [text for _, _, text in blocks(approved_doc)]
    once = [
        minutes.previous_minutes_note,
        minutes.next_meeting_note,
        "Priya Delegate-Shah",
        "On leave until Monday",
        "Winter storm readiness",
        f"Standby engineers from December. {TRICKY} (aob)",
        "Storm script to be refreshed before 1 December.",
        "D1 applies to field engineering only.",
        f"Misheard in the room. {TRICKY} (reason)",
        "Chen Wei 陈伟",
        "Dana Price",
        NOTES[1],
        NOTES[3],
        "NPS up two points since September.\nCSAT flat.",
        "The chair asked for the verbatims by segment.",
    ]
    for text in once:
        assert count(texts, text) == 1, text
    by_place = {heading: under(approved_doc, heading) for heading in [*TITLES, "Decision register"]}
    for n, (item_number, text) in enumerate(DECISIONS, start=1):
        assert count(by_place[TITLES[item_number - 1]], f"D{n}. {text}") == 1
        assert count(by_place["Decision register"], text) == 1
        assert count(texts, text) == 2, "under its item and in the register, nowhere else"
    raised = f"Brief the call centre: {TRICKY} (action)"
    assert count(by_place[TITLES[2]], raised) == 1
    assert count(under(approved_doc, "Appendix: open action log"), raised) == 1
    assert count(texts, raised) == 2
    closed = "Send the storm script to ContactPlus"
    assert count(texts, closed) == 1, "a closed action is under its item, not in the open log"


def test_tricky_text_round_trips_through_docx2python(draft):
    extracted = docx2python(io.BytesIO(draft))
    try:
        body = extracted.text
        for text in (
            NOTES[3],
            f"D2. {DECISIONS[1][1]}",
            f"Brief the call centre: {TRICKY} (action)",
            f"Standby engineers from December. {TRICKY} (aob)",
        ):
            assert text in body, text
        assert all(title in body for title in RECORDED)
    finally:
        extracted.close()


def test_a_decision_says_which_theme_it_reviewed():
    minutes = known_minutes()
    reviewed = "Repeat engineer visit — 陈伟 & <b>co</b>"
    d2 = minutes.decisions[1]
    d2.theme_id, d2.theme_name = 41, reviewed  # the same object as under item 5
    content = build(minutes)
    extracted = docx2python(io.BytesIO(content))
    try:
        body = extracted.text
        assert body.count(f"Theme reviewed: {reviewed}") == 1
        assert body.count("Theme reviewed:") == 1, "only the decision that reviewed a theme says so"
    finally:
        extracted.close()
    doc = open_docx(content)
    fifth = under(doc, TITLES[4])
    line = fifth.index(f"D2. {DECISIONS[1][1]}")
    assert fifth[line + 1] == f"Theme reviewed: {reviewed}"
    paragraphs = [p for p in doc.paragraphs if p.text in (f"D2. {DECISIONS[1][1]}", f"Theme reviewed: {reviewed}")]
    # Plain body text like the decision itself, kept on the page with the decision it belongs to.
    assert len(paragraphs) == 2 and paragraphs[0].style.name == paragraphs[1].style.name
    assert paragraphs[0].paragraph_format.keep_with_next is True


def test_characters_xml_forbids_are_dropped_not_fatal():
    minutes = known_minutes()
    minutes.items[3].notes = "Bell\x07 and\x00 null\x1b\r\nsecond line"
    doc = open_docx(build(minutes))
    assert "Bell and null\nsecond line" in under(doc, TITLES[3])


def test_an_empty_meeting_reads_sensibly():
    minutes = known_minutes()
    minutes.items = [item(n) for n in range(1, 10)]
    minutes.decisions, minutes.aob, minutes.open_actions, minutes.overall_measures = [], [], [], []
    minutes.previous_minutes_approved, minutes.previous_minutes_note = None, ""
    minutes.next_meeting, minutes.next_meeting_note = None, ""
    minutes.meeting.previous_meeting = None
    doc = open_docx(build(minutes))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert not set(TITLES) & set(headings)
    said = [p.text for p in doc.paragraphs if p.text.startswith("Nothing was recorded")]
    assert said == ["Nothing was recorded under items 1, 2, 3, 4, 5, 6, 7, 8 and 9."]
    assert under(doc, "Decision register")[1] == "No decisions were recorded at this meeting."
    assert under(doc, "Date of next meeting")[1] == "Not scheduled yet."
    assert "No open actions on the council's log." in under(doc, "Appendix: open action log")


def test_previous_minutes_not_yet_approved_says_so():
    minutes = known_minutes()
    minutes.previous_minutes_approved, minutes.previous_minutes_note = None, ""
    first = under(open_docx(build(minutes)), TITLES[0])
    assert "The minutes of meeting 6, held on Monday 7 September 2026, have no recorded approval." in first
    minutes.previous_minutes_approved = False
    first = under(open_docx(build(minutes)), TITLES[0])
    assert "The minutes of meeting 6, held on Monday 7 September 2026, were not approved." in first


# -- Word mechanics -------------------------------------------------------------------


def test_every_table_repeats_its_header_row_and_rows_never_split(doc):
    for table in doc.tables[1:]:
        if table.cell(0, 0).text in ("Date", "Signature"):
            continue  # the front page's details and the sign-off have no header row
        trs = table._tbl.findall(qn("w:tr"))
        assert trs[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for tr in trs[1:])
        assert all(tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in trs)
        assert table.style.name == "Table Grid"


def test_footer_numbers_pages(doc):
    instructions = [e.text.strip() for e in doc.sections[0].footer._element.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_a_council_template_keeps_its_font_and_header():
    from tests.docx.test_agenda_docx import council_template

    doc = open_docx(build(known_minutes(), template=council_template()))
    assert doc.styles["Normal"].font.name == "Georgia"
    assert [p.text for p in doc.sections[0].header.paragraphs] == [
        "ACME Utilities",
        "Utility council · Minutes of meeting 7 · 7 Dec 2026 · DRAFT",
    ]
    assert all("Template body text" not in p.text for p in doc.paragraphs)
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"][1:7] == RECORDED


def big_minutes() -> mm.MinutesDoc:
    """60 decisions, 80 actions raised, 30 attendees, long notes under all nine items."""
    minutes = known_minutes()
    statuses = ["present", "apologies", "absent", "delegate"]
    minutes.attendance = [
        seat(
            1000 + i,
            f"Attendee {i:02d}",
            "member",
            f"Department {i % 7}",
            status=statuses[i % 4],
            delegate=f"Delegate {i:02d}" if i % 4 == 3 else "",
            external=i % 7 == 6,
        )
        for i in range(30)
    ]
    decisions = [decision(n, (n % 9) + 1, f"Decision number {n:02d} of the big meeting.") for n in range(1, 61)]
    raised = [
        action(2000 + i, f"Raised action {i:02d}", due=date(2027, 2, 1), owner=f"Attendee {i % 30:02d}")
        for i in range(80)
    ]
    paragraph = "The council discussed the figures at length and agreed the next steps. " * 6
    minutes.items = [
        item(
            n,
            notes="\n\n".join(f"Item {n} paragraph {p}. {paragraph}" for p in range(8)),
            decisions=[d for d in decisions if d.item_number == n],
            actions_raised=[a for i, a in enumerate(raised) if i % 9 + 1 == n],
        )
        for n in range(1, 10)
    ]
    minutes.decisions = decisions
    minutes.open_actions = raised + [
        action(3000 + i, f"Older action {i:02d}", due=date(2026, 11, 1), overdue_days=i % 30) for i in range(60)
    ]
    return minutes


def test_a_big_meeting_builds_completely():
    # Its speed is `minutes_docx_vs_pandoc` in `make bench`, a ratio measured in one run, not a timed test.
    minutes = big_minutes()
    content = build(minutes, charts=lambda row: PNG if row.trend else None)
    doc = open_docx(content)
    assert len(find_table(doc, "No.", "Agenda item", "Decision").rows) == 61
    assert len(find_table(doc, "Name", "Department", "Role", "Attendance").rows) == 31
    assert len(find_table(doc, "Action", "Owner", "Department", "Due", "Status").rows) == 141
    raised_rows = sum(len(t.rows) - 1 for t in doc.tables if rows_of(t)[0] == ["Action", "Owner", "Department", "Due"])
    assert raised_rows == 80
    texts = [text for _, _, text in blocks(doc)]
    for n in range(1, 61):
        assert count(texts, f"D{n}. Decision number {n:02d} of the big meeting.") == 1
    for n in range(1, 10):
        assert count(under(doc, TITLES[n - 1]), f"Item {n} paragraph 7.") == 1


# -- printed --------------------------------------------------------------------------


def test_the_minutes_print_to_pdf(draft, tmp_path: Path):
    text = to_pdf_text(draft, tmp_path, "minutes")
    for title in RECORDED:
        assert title in text
    assert "DRAFT — NOT YET APPROVED" in text
    assert "Delegate: Priya Delegate-Shah" in text
    assert "9 days overdue" in text
    assert "Page 1 of" in text


# -- through the API ------------------------------------------------------------------


def test_minutes_docx_downloads_with_a_dated_council_filename(app, client, session):
    from tests.minutes.test_minutes_api import arrange, as_, url

    w = arrange(session)
    sec = as_(app, w, "secretary")
    assert (
        client.put(
            url(w, "/minutes/items/3"),
            headers=if_match(client, url(w, "/minutes/items/3"), sec),
            json={"notes": TRICKY},
        ).status_code
        == 200
    )
    made = client.post(url(w, "/decisions"), headers=sec, json={"item_number": 5, "text": "Extend the pilot."})
    assert made.status_code == 201
    response = client.get(url(w, "/minutes.docx"), headers=as_(app, w, "aisha"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    day = client.get(url(w, "/minutes"), headers=sec).json()["meeting"]["date"]
    assert response.headers["content-disposition"] == f'attachment; filename="utility-council-minutes-{day}.docx"'
    assert response.headers["cache-control"] == "private, no-cache"
    doc = open_docx(response.content)
    assert doc.sections[0].header.paragraphs[0].text.endswith("· DRAFT")
    assert TRICKY in under(doc, TITLES[2])
    assert "D1. Extend the pilot." in under(doc, TITLES[4])
    assert rows_of(find_table(doc, "No.", "Agenda item", "Decision"))[1] == ["D1", TITLES[4], "Extend the pilot."]


def test_minutes_docx_for_observers_once_approved_as_approved_with_amendments(app, client, session):
    from tests.factories import make_action
    from tests.minutes.test_minutes_api import approve, arrange, as_, url

    w = arrange(session)
    observer = as_(app, w, "observer")
    refused = client.get(url(w, "/minutes.docx"), headers=observer)
    assert refused.status_code == 403 and "approved" in refused.json()["detail"]
    approve(client, app, w)
    # After approval the council's log moves on; the approved minutes do not.
    make_action(session, council=w.council, owner=w.seats["ben"], title="Raised after approval")
    session.commit()
    amended = client.post(
        url(w, "/minutes/amendments"),
        headers=as_(app, w, "chair"),
        json={"text": "D1 is for field engineering only.", "reason": "Misheard.", "item_number": 5},
    )
    assert amended.status_code == 201
    response = client.get(url(w, "/minutes.docx"), headers=observer)
    assert response.status_code == 200
    doc = open_docx(response.content)
    text = all_text(doc)
    assert "draft" not in text.lower()
    assert doc.paragraphs[2].text.startswith("Approved on ") and "by Helen Carter" in doc.paragraphs[2].text
    assert "Raised after approval" not in text
    assert rows_of(find_table(doc, "No.", "Item", "Amendment", "Why", "Made by"))[1][:4] == [
        "A1",
        "5",
        "D1 is for field engineering only.",
        "Misheard.",
    ]


def test_minutes_docx_names_a_non_latin_council_in_filename_star(app, client, session):
    from tests.factories import make_council, make_meeting, make_user
    from tests.minutes.test_minutes_api import auth

    chair = make_user(session)
    council = make_council(session, chair=chair, name="Ōsaka 東京 Council")
    meeting = make_meeting(session, council=council)
    session.commit()
    response = client.get(f"/api/meetings/{meeting.id}/minutes.docx", headers=auth(app, chair))
    day = client.get(f"/api/meetings/{meeting.id}/minutes", headers=auth(app, chair)).json()["meeting"]["date"]
    assert response.headers["content-disposition"] == (
        f'attachment; filename="osaka-council-minutes-{day}.docx"; '
        f"filename*=UTF-8''%C5%8Dsaka-%E6%9D%B1%E4%BA%AC-council-minutes-{day}.docx"
    )
    assert open_docx(response.content).paragraphs[0].text == "Ōsaka 東京 Council"
