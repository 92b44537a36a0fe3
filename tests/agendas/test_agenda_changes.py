"""What changed between two published agendas, as the republished mail lists it (pure: no database)."""

from datetime import date

from app.agendas import model as m
from app.agendas.changes import agenda_changes
from tests.docx.test_agenda_docx import header, known_agenda


def edited(agenda: m.Agenda, **meeting) -> m.Agenda:
    copy = agenda.model_copy(deep=True)
    copy.meeting = header(**meeting) if meeting else copy.meeting
    return copy


def shift(agenda: m.Agenda, hours: int) -> None:
    """Every item `hours` later, as a meeting moved whole is rebuilt."""
    for item in agenda.sections:
        clock, minutes = item.starts_at.split(":")
        item.starts_at = f"{int(clock) + hours:02d}:{minutes}"


def section(agenda: m.Agenda, key: str):
    return next(s for s in agenda.sections if s.key == key)


def test_the_first_version_has_no_changes_and_an_identical_one_none_either():
    agenda = known_agenda()
    assert agenda_changes(None, agenda) == []
    assert agenda_changes(agenda, edited(agenda)) == []


def test_the_meeting_moving_and_a_new_apology_are_named():
    before = known_agenda()
    after = edited(before, date=date(2026, 12, 8), start_time="14:00", end_time="16:00", location="Teams")
    shift(after, 4)
    after.meeting.apologies.append(m.Person(membership_id=2, name="Priya Shah", role="member"))
    assert agenda_changes(before, after) == [
        "The meeting moved: now Tuesday 8 December 2026 14:00–16:00 (was Monday 7 December 2026 10:00–12:00).",
        "The meeting's place changed: now Teams (was Board room, Leeds).",
        "Apologies since the last version: Priya Shah.",
    ]


def test_running_order_and_papers_changes_are_named_item_by_item():
    before = known_agenda()
    after = edited(before)
    aob = section(after, "aob")
    aob.title = "AOB"
    aob.starts_at, aob.minutes_allocated = "11:50", 10
    aob.items.append(m.AobRow(id=62, title="Storm readiness", details="", submitted_by=None))
    reports = section(after, "department_reports")
    late = next(d for d in reports.departments if not d.submitted)
    late.submitted = True
    research = section(after, "research")
    after.sections.remove(research)
    section(after, "overall_measures").measures[0].latest = m.Point(period=date(2026, 11, 1), value=40)

    changes = agenda_changes(before, after)
    assert "“Any other business” is now called “AOB”." in changes
    assert any(c.startswith("“AOB” now at 11:50 for 10 min (was ") for c in changes)
    assert "Under “AOB”, new: item “Storm readiness”." in changes
    assert f"Under “Department reports”, new: report from {late.name}." in changes
    assert "Taken off the running order: “Customer research”." in changes
    assert "“Overall customer satisfaction results”: figures or details updated." in changes


def test_a_meeting_moved_whole_does_not_list_every_item_as_moved():
    before = known_agenda()
    after = edited(before, start_time="14:00", end_time="16:00")
    shift(after, 4)
    assert agenda_changes(before, after) == [
        "The meeting moved: now Monday 7 December 2026 14:00–16:00 (was Monday 7 December 2026 10:00–12:00)."
    ]
