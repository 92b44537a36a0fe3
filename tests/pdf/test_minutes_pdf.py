"""The PDF minutes on a hand-built MinutesDoc, read back: the front (status, who took them),
attendance, items with bullets as lists, registers, record of changes, sign-off, bookmarks.

No database, no HTTP: `render_minutes_pdf` is pure.
"""

from datetime import UTC, datetime

import pytest

from app.minutes import model as mm
from app.pdf.minutes import render_minutes_pdf
from app.pdf.theme import DEFAULT_THEME
from tests.docx.test_agenda_docx import PNG
from tests.docx.test_minutes_docx import TITLES, known_minutes
from tests.pdf.reading import Pdf


def render(minutes: mm.MinutesDoc, charts=lambda row: None) -> Pdf:
    return Pdf(render_minutes_pdf(minutes, theme=DEFAULT_THEME, charts=charts))


def correction(n: int, item: int, text: str, reason: str, by: str, status: str, **kw) -> mm.CorrectionRow:
    """Correction n, proposed on 9 Dec at 13:00 + n hours and decided by the secretary the next morning."""
    return mm.CorrectionRow(
        id=n,
        item_number=item,
        text=text,
        reason=reason,
        proposed_by=by,
        proposed_by_id=n + 2,
        proposed_at=datetime(2026, 12, 9, 13 + n, 0, tzinfo=UTC),
        status=status,
        decided_by="Sam Okafor",
        decided_at=datetime(2026, 12, 10, 9, 5 * (n - 1), tzinfo=UTC),
        **kw,
    )


def with_corrections(minutes: mm.MinutesDoc) -> mm.MinutesDoc:
    minutes.taken_by = "Sam Okafor"
    minutes.corrections_close_at = datetime(2026, 12, 12, 0, 0, tzinfo=UTC)
    minutes.corrections = [
        correction(
            1,
            3,
            "Repeat visits were 11.8%, not 12.8%.",
            "The figure in the pack.",
            "Tom Hughes",
            "accepted",
            applied=True,
        ),
        correction(
            2,
            5,
            "Add the portal supplier's name.",
            "Clarity.",
            "Aisha Rahman",
            "rejected",
            decision_note="Named in the action instead.",
        ),
    ]
    return minutes


@pytest.fixture(scope="module")
def draft() -> Pdf:
    return render(known_minutes("draft"), charts=lambda row: PNG)


@pytest.fixture(scope="module")
def approved() -> Pdf:
    return render(with_corrections(known_minutes("approved")))


def test_a_bookmark_for_attendance_each_item_with_notes_and_each_register(draft):
    recorded = [t for t in TITLES if t.split(". ")[0] in {"1", "2", "3", "5", "7", "9"}]
    assert draft.titles() == [
        "Attendance",
        *recorded,
        "Nothing recorded",
        "Date of next meeting",
        "Decision register",
        "Sign-off",
        "Appendix: open action log",
    ]


def test_items_with_nothing_recorded_are_gathered_into_one_line(draft):
    text = draft.text()
    assert (
        "Nothing was recorded under items 4. Sharing best practice; 6. Review of customer measures; "
        "8. Customer research." in text
    )
    assert "Nothing was recorded under this item" not in text


def test_the_front_says_draft_and_who_took_the_minutes(approved, draft):
    front = draft.page_text(0)
    assert "DRAFT — NOT YET APPROVED" in front
    assert "Minutes taken by Not recorded" in front
    assert "Minutes taken by Sam Okafor" in approved.page_text(0)
    assert "Utility council · Minutes of meeting 7 · 7 Dec 2026 · DRAFT" in draft.page_text(1)


def test_attendance_every_status_and_the_quorum(draft):
    text = draft.text()
    assert "3 present · 1 delegate · 1 with apologies · 1 absent · 1 not recorded." in text
    for expected in (
        "Helen Carter — Chair Present",
        "Aisha Rahman Billing Member Apologies On leave until Monday",
        "Delegate: Priya Delegate-Shah",
        "External supplier",
        "Quorate: 4 of 6 members present, 1 by delegate (4 required).",
    ):
        assert expected in text, expected


def test_notes_bullets_become_a_list_and_lines_stay_lines(draft):
    text = draft.text()
    assert "• Checklist pilot runs to January • Portal fix blocked on the supplier" in text
    assert "- Checklist" not in text
    assert "NPS up two points since September. CSAT flat. The chair asked for the verbatims by segment." in text


def test_decisions_actions_and_the_register(draft):
    text = draft.text()
    assert "D1. Adopt the fault-diagnosis checklist council-wide." in text
    assert "D1 3. Department reports Adopt the fault-diagnosis checklist council-wide." in text
    assert "Raised at this meeting, item 3" in text
    assert "9 days overdue" in text


def test_a_draft_has_a_sign_off_for_the_chair(draft):
    sign_off = draft.text(draft.find("Sign-off").page)
    assert "To be signed by the chair, Helen Carter, once the council approves these minutes" in sign_off
    assert "Signed (chair)" in sign_off and "Date" in sign_off


def test_approved_minutes_say_approved_on_by_once_and_keep_the_record_of_changes(approved):
    text = approved.text()
    assert "Approved on 10 December 2026 by Helen Carter" in approved.page_text(0)
    assert "DRAFT" not in text
    assert "Sign-off" in approved.titles() and "Signed (chair)" not in text
    assert "Record of changes" in approved.titles()
    for expected in (
        "Circulated for corrections on 9 Dec 2026, 09:00; corrections taken until the end of Friday 11 December 2026.",
        "Repeat visits were 11.8%, not 12.8%.",
        "Why: The figure in the pack.",
        "Accepted by Sam Okafor",
        "Written into the notes.",
        "Rejected by Sam Okafor",
        "Named in the action instead.",
        "D1 applies to field engineering only.",
    ):
        assert expected in text, expected


def test_the_results_presented_carry_charts_with_alt_text(draft):
    assert "Results presented" in draft.text()
    alts = draft.figure_alts()
    assert [a.split(" over ")[0] for a in alts] == ["Trend of Net Promoter Score", "Trend of Customer satisfaction"]


def test_the_minutes_are_tagged_with_title_and_author(approved, tmp_path):
    assert approved.marked
    assert "Tagged: yes" in " ".join(approved.pdfinfo(tmp_path).split())
    assert approved.metadata.title == "Utility council: minutes of meeting 7"
    assert approved.metadata.author == "Utility council"
    assert f"Page 1 of {approved.pages}" in approved.page_text(0)
