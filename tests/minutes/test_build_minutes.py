"""build_minutes on plain objects: no database, no HTTP."""

from datetime import UTC, date, datetime

from app.agendas.build import build_agenda
from app.agendas.data import ActionFact, AgendaData, Seat
from app.agendas.model import SECTION_TITLES, MeasureRow, Point
from app.agendas.outline import outline_of
from app.minutes.build import MinutesData, build_minutes
from app.models import (
    Action,
    AobItem,
    Attendance,
    Council,
    Decision,
    Department,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesItem,
)

TODAY = date(2026, 12, 8)
AT = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def overall_measure() -> MeasureRow:
    point = Point(period=date(2026, 11, 1), value=31.0)
    return MeasureRow(
        id=40,
        name="Net Promoter Score",
        kind="nps",
        category="survey_rating",
        unit="",
        direction="higher_is_better",
        target=30,
        owner_name=None,
        scope="overall",
        department=None,
        journey=None,
        latest=point,
        previous=None,
        change=None,
        on_target=True,
        movement=None,
        status="on_target",
        stale=False,
        trend=[point],
        chart_url="/api/measures/40/chart.svg",
    )


def known_data() -> MinutesData:
    council = Council(id=1, name="Utility council", timezone="Europe/London", quorum_departments=2)
    # 23:30 UTC on 7 December is still 7 December in London; the next meeting, 23:30 UTC
    # on 31 March 2027, is 1 April there (summer time).
    meeting = Meeting(id=3, council_id=1, number=3, scheduled_at=datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    upcoming = Meeting(id=4, council_id=1, number=4, scheduled_at=datetime(2027, 3, 31, 23, 30, tzinfo=UTC))
    agenda = build_agenda(AgendaData(council=council, meeting=meeting, today=TODAY))
    agenda.sections[1].measures = [overall_measure()]
    billing = Department(id=10, council_id=1, name="Billing")
    supplier = Department(id=11, council_id=1, name="FixIt Ltd", is_external=True)
    seats = [
        Seat(id=100, user_id=1, name="Zoe Member", role="member", department_id=10),
        Seat(id=101, user_id=2, name="Helen Chair", role="chair", department_id=None),
        Seat(id=102, user_id=3, name="Chen Wei", role="member", department_id=11),
        Seat(id=103, user_id=4, name="Olu Observer", role="observer", department_id=None),
        Seat(id=104, user_id=5, name="Sam Secretary", role="secretary", department_id=None),
    ]
    attendance = [
        Attendance(meeting_id=3, membership_id=101, status="present"),
        Attendance(meeting_id=3, membership_id=102, status="delegate", delegate_name="Priya Shah"),
        Attendance(meeting_id=3, membership_id=100, status="apologies", note="On leave"),
        Attendance(meeting_id=3, membership_id=104, status="present"),
    ]

    def action(id_, title, *, status="open", item=None, raised=True, due=date(2027, 1, 15)):
        return ActionFact(
            action=Action(
                id=id_,
                council_id=1,
                title=title,
                owner_id=100,
                department_id=10,
                due_on=due,
                status=status,
                raised_at_meeting_id=3 if raised else None,
                raised_at_item=item,
                closed_at=AT if status == "done" else None,
            ),
            owner_name="Zoe Member",
        )

    return MinutesData(
        council=council,
        meeting=meeting,
        outline=outline_of(agenda),
        today=TODAY,
        minutes=Minutes(meeting_id=3, status="circulated", version=4, previous_minutes_approved=True),
        seats=seats,
        departments=[billing, supplier],
        attendance=attendance,
        items=[MinutesItem(meeting_id=3, number=3, notes="Billing: complaints down.", updated_at=AT)],
        decisions=[
            (Decision(id=8, meeting_id=3, number=2, item_number=7, text="Fund the pilot.", created_at=AT), "Sam"),
            (Decision(id=7, meeting_id=3, number=1, item_number=3, text="Adopt the script.", created_at=AT), None),
        ],
        actions=[
            action(20, "Late from before", raised=False, due=date(2026, 11, 30)),
            action(21, "Brief the call centre", item=3),
            action(22, "Already done", status="done", item=7),
        ],
        aob=[(AobItem(id=30, meeting_id=3, title="Storm plan", outcome="Back in March."), "Zoe Member")],
        amendments=[
            (MinutesAmendment(id=50, meeting_id=3, text="Correction", reason="Misheard", made_at=AT), "Helen Chair")
        ],
        next_meeting=upcoming,
    )


def test_known_minutes_by_hand():
    doc = build_minutes(known_data())
    assert (doc.status, doc.version, doc.agenda_version) == ("circulated", 4, 0)
    assert doc.meeting.council_name == "Utility council" and doc.meeting.number == 3

    # The chair first, the secretary, members by name, observers last.
    assert [(r.name, r.status) for r in doc.attendance] == [
        ("Helen Chair", "present"),
        ("Sam Secretary", "present"),
        ("Chen Wei", "delegate"),
        ("Zoe Member", "apologies"),
        ("Olu Observer", None),
    ]
    chen = doc.attendance[2]
    assert (chen.department, chen.is_external, chen.delegate_name) == ("FixIt Ltd", True, "Priya Shah")
    assert doc.attendance[3].note == "On leave"

    # 4 voting seats, 3 present (one by delegate), 3 required; only FixIt Ltd represented, 2 required.
    assert (doc.quorum.met, doc.quorum.present, doc.quorum.required_members) == (False, 3, 3)
    assert (doc.quorum.departments_represented, doc.quorum.required_departments) == (1, 2)

    assert [i.number for i in doc.items] == list(range(1, 10))
    assert [i.title for i in doc.items] == list(SECTION_TITLES.values())
    item3, item7 = doc.items[2], doc.items[6]
    assert item3.notes == "Billing: complaints down." and item3.updated_at == AT
    assert doc.items[0].notes == "" and doc.items[0].updated_at is None
    assert [d.number for d in item3.decisions] == [1] and [d.number for d in item7.decisions] == [2]
    assert [a.title for a in item3.actions_raised] == ["Brief the call centre"]
    # Raised here and done since: still under its item, not on the open log.
    assert [a.title for a in item7.actions_raised] == ["Already done"]
    assert [d.number for d in doc.decisions] == [1, 2]
    assert doc.decisions[1].created_by == "Sam"

    assert [a.title for a in doc.open_actions] == ["Late from before", "Brief the call centre"]
    late = doc.open_actions[0]
    assert (late.overdue, late.days_overdue, late.department) == (True, 8, "Billing")
    assert [m.name for m in doc.overall_measures] == ["Net Promoter Score"]
    assert [(a.title, a.outcome, a.submitted_by) for a in doc.aob] == [("Storm plan", "Back in March.", "Zoe Member")]
    assert [(a.text, a.reason, a.made_by) for a in doc.amendments] == [("Correction", "Misheard", "Helen Chair")]
    assert doc.previous_minutes_approved is True
    assert doc.next_meeting == date(2027, 4, 1)


def test_minutes_before_anything_is_recorded():
    data = known_data()
    data.minutes = None
    data.attendance, data.items, data.decisions, data.actions, data.aob, data.amendments = [], [], [], [], [], []
    data.next_meeting = None
    doc = build_minutes(data)
    assert (doc.status, doc.version) == ("draft", 0)
    assert all(r.status is None for r in doc.attendance)
    assert not doc.quorum.met
    assert doc.quorum.statement.endswith("Attendance not yet recorded for 4 members.")
    assert all(i.notes == "" and not i.decisions and not i.actions_raised for i in doc.items)
    assert doc.next_meeting is None and doc.previous_minutes_approved is None
