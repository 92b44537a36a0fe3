"""build_agenda on plain objects: a known council, hand-written expected sections."""

from datetime import UTC, date, datetime

import pytest

from app.agendas.build import DEFAULT_MINUTES, allocate_minutes, build_agenda
from app.agendas.data import ActionFact, AgendaData, Seat
from app.agendas.model import SECTION_KEYS, SECTION_TITLES, Point
from app.models import (
    Action,
    AobItem,
    Council,
    Department,
    DepartmentReport,
    Initiative,
    InitiativeMeasure,
    Journey,
    JourneyStep,
    Measure,
    Meeting,
    MeetingResponse,
    Research,
    StepDepartment,
)
from app.reports.scorecard import ActionCounts

TODAY = date(2026, 11, 22)


def empty_data(**overrides) -> AgendaData:
    council = Council(id=1, name="Utility council", timezone="Europe/London")
    meeting = Meeting(
        id=3,
        council_id=1,
        number=3,
        title="",
        duration_minutes=120,
        location="Leeds",
        scheduled_at=datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
    )
    return AgendaData(council=council, meeting=meeting, today=TODAY, **overrides)


def section(agenda, key):
    return next(s for s in agenda.sections if s.key == key)


def test_a_new_council_gets_nine_well_formed_sections_that_say_what_is_missing():
    agenda = build_agenda(empty_data())
    assert [s.key for s in agenda.sections] == list(SECTION_KEYS)
    assert [s.number for s in agenda.sections] == list(range(1, 10))
    assert [s.title for s in agenda.sections] == [SECTION_TITLES[k] for k in SECTION_KEYS]
    assert sum(s.minutes_allocated for s in agenda.sections) == 120
    assert agenda.sections[0].starts_at == "10:00"  # 10:00 UTC is 10:00 in London in December
    assert agenda.meeting.end_time == "12:00"
    assert agenda.status == "draft" and agenda.version == 0
    for s in agenda.sections:
        assert s.notes, f"{s.key} says nothing about what is missing"
    assert section(agenda, "actions").previous_minutes.startswith("This is the council's first meeting")
    assert section(agenda, "overall_measures").notes == [
        "No overall measures yet: add NPS or satisfaction measures to report here."
    ]


def test_the_running_order_fits_the_meeting():
    minutes = allocate_minutes(90, DEFAULT_MINUTES)
    assert sum(minutes.values()) == 90
    assert all(v % 5 == 0 and v >= 5 for v in minutes.values())
    # Department reports get the largest share, as in the two-hour default.
    assert max(minutes, key=minutes.get) == "department_reports"
    short = allocate_minutes(30, DEFAULT_MINUTES)
    assert sum(short.values()) == 30
    assert allocate_minutes(120, DEFAULT_MINUTES) == DEFAULT_MINUTES


def known_data() -> AgendaData:
    billing = Department(id=10, council_id=1, name="Billing")
    field = Department(id=11, council_id=1, name="Field Engineering")
    supplier = Department(id=12, council_id=1, name="ContactPlus", is_external=True)
    seats = [
        Seat(id=100, user_id=1, name="Helen Carter", role="chair", department_id=None),
        Seat(id=101, user_id=2, name="Aisha Rahman", role="member", department_id=10),
        Seat(id=102, user_id=3, name="Tom Hughes", role="member", department_id=11),
        Seat(id=103, user_id=4, name="Marta Kowalski", role="member", department_id=12),
    ]
    previous = Meeting(id=2, council_id=1, number=2, scheduled_at=datetime(2026, 11, 2, 10, tzinfo=UTC), status="held")

    def action(id, title, owner, dept, due, status="open", closed=None):
        return ActionFact(
            action=Action(
                id=id,
                council_id=1,
                title=title,
                owner_id=owner,
                department_id=dept,
                due_on=due,
                status=status,
                closed_at=closed,
                percent_complete=100 if status == "done" else 0,
            ),
            owner_name={101: "Aisha Rahman", 102: "Tom Hughes", 103: "Marta Kowalski"}[owner],
        )

    nps = Measure(
        id=50,
        council_id=1,
        name="NPS",
        kind="nps",
        category="survey_rating",
        unit="score",
        direction="higher_is_better",
        target=30,
        owner_id=100,
        scope="overall",
    )
    repeat = Measure(
        id=51,
        council_id=1,
        name="Repeat visits",
        kind="repeat_contact",
        unit="%",
        direction="lower_is_better",
        target=8,
        owner_id=None,
        scope="department",
        department_id=11,
    )
    readings = {
        50: [Point(period=date(2026, m, 1), value=v) for m, v in [(9, 24), (10, 27), (11, 25)]],
        51: [Point(period=date(2026, m, 1), value=v) for m, v in [(9, 12), (10, 11)]],
    }
    journey = Journey(id=70, council_id=1, name="Power cut", owner_id=None)
    steps = [
        JourneyStep(id=71, journey_id=70, position=1, name="Report fault"),
        JourneyStep(id=72, journey_id=70, position=2, name="Book engineer"),
        JourneyStep(id=73, journey_id=70, position=3, name="Visit"),
    ]
    links = [
        StepDepartment(step_id=71, department_id=12, responsibility="owns"),
        StepDepartment(step_id=73, department_id=11, responsibility="owns"),
        StepDepartment(step_id=73, department_id=12, responsibility="owns"),
    ]
    approved = Initiative(
        id=80,
        council_id=1,
        title="Diagnosis checklist",
        status="in_progress",
        owner_id=101,
        rag="red",
        percent_complete=40,
        target_on=date(2026, 11, 1),
        failure_volume_per_year=2000,
        unit_cost=150,
        implementation_cost=60000,
        created_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    cheap = Initiative(
        id=81,
        council_id=1,
        title="Plain-English bills",
        status="proposed",
        proposed_by_id=101,
        customer_impact=4,
        effort=2,
        strategic_fit=4,
        confidence=4,
        failure_volume_per_year=10000,
        unit_cost=3,
        created_at=datetime(2026, 7, 1, tzinfo=UTC),
    )
    big = Initiative(
        id=82,
        council_id=1,
        title="Arrival-window SMS",
        status="proposed",
        proposed_by_id=102,
        customer_impact=5,
        effort=3,
        strategic_fit=5,
        confidence=3,
        failure_volume_per_year=1000,
        unit_cost=150,
        created_at=datetime(2026, 8, 1, tzinfo=UTC),
    )
    return empty_data(
        previous=previous,
        departments=[billing, supplier, field],
        seats=seats,
        responses=[MeetingResponse(meeting_id=3, membership_id=103, answer="apologies", reason="On leave")],
        actions=[
            action(1, "Plain-English bill", 101, 10, date(2026, 11, 12)),  # 10 days overdue
            action(
                2, "Share no-access reasons", 102, 11, date(2026, 11, 10), "done", datetime(2026, 11, 9, 12, tzinfo=UTC)
            ),  # on time
            action(
                3, "Align supplier KPI", 103, 12, date(2026, 11, 5), "done", datetime(2026, 11, 15, 12, tzinfo=UTC)
            ),  # late
            action(4, "Arrival windows", 102, 11, date(2026, 12, 20)),
        ],
        department_action_counts={11: ActionCounts(counted=4, on_time=3)},
        measures=[nps, repeat],
        readings=readings,
        reports=[
            (
                DepartmentReport(
                    id=90,
                    meeting_id=3,
                    department_id=11,
                    summary="Repeat visits down",
                    improvements="Parts list on the van",
                    best_practice="Photo of the meter",
                    updated_at=datetime(2026, 11, 20, tzinfo=UTC),
                ),
                "Tom Hughes",
            )
        ],
        initiatives=[approved, cheap, big],
        initiative_measures=[InitiativeMeasure(initiative_id=80, measure_id=51, baseline_value=14)],
        journeys=[journey],
        steps=steps,
        step_departments=links,
        research=[
            Research(
                id=60,
                council_id=1,
                title="Post-visit survey",
                conducted_on=date(2026, 11, 10),
                method="survey",
                summary="n=400",
            )
        ],
        aob=[(AobItem(id=5, meeting_id=3, title="Storm readiness", details="Winter plan"), "Aisha Rahman")],
    )


def test_known_council_sections():
    agenda = build_agenda(known_data())
    header = agenda.meeting
    assert [p.name for p in header.apologies] == ["Marta Kowalski"]
    assert header.apologies[0].note == "On leave" and header.apologies[0].is_external
    assert "Marta Kowalski" not in [p.name for p in header.expected_attendees]
    assert header.previous_meeting.number == 2

    actions = section(agenda, "actions")
    assert [(a.title, a.overdue, a.days_overdue) for a in actions.open_actions] == [
        ("Plain-English bill", True, 10),
        ("Arrival windows", False, 0),
    ]
    assert [(a.title, a.closed_on_time) for a in actions.closed_since_previous] == [
        ("Share no-access reasons", True),
        ("Align supplier KPI", False),
    ]
    assert (actions.closed_on_time, actions.closed_count, actions.on_time_rate) == (1, 2, 50.0)
    assert actions.previous_minutes == "Approve the minutes of meeting 2, held on 2 November 2026."
    assert actions.notes == ["1 open action is overdue."]

    overall = section(agenda, "overall_measures").measures
    assert [(x.name, x.latest.value, x.previous.value, x.change, x.status) for x in overall] == [
        ("NPS", 25, 27, -2, "red")  # off target (30) and worsening
    ]

    reports = section(agenda, "department_reports")
    by_name = {d.name: d for d in reports.departments}
    assert by_name["Field Engineering"].submitted and by_name["Field Engineering"].presenters == ["Tom Hughes"]
    field_card = by_name["Field Engineering"].scorecard
    # Delivery (3 of 4 on time) is shown beside the score; no action-plan metric was picked, so no action plan.
    assert field_card.delivery == "Delivery (not scored): 3 of 4 actions that fell due in the last year closed on time"
    assert field_card.components[0].component == "action_plan" and field_card.components[0].value is None
    assert not by_name["Billing"].submitted
    # Delivery alone is no score: nothing scored, nothing left out to mention.
    assert field_card.total is None and field_card.note == "No data for any part yet."
    assert reports.notes == ["Not submitted yet: Billing, ContactPlus."]
    assert [(b.department, b.text) for b in section(agenda, "best_practice").items] == [
        ("Field Engineering", "Photo of the meter")
    ]

    (initiative,) = section(agenda, "initiatives").initiatives
    assert (initiative.title, initiative.overdue, initiative.yearly_saving) == ("Diagnosis checklist", True, 300000)
    assert [(x.name, x.baseline, x.current, x.change, x.movement) for x in initiative.measures] == [
        ("Repeat visits", 14, 11, -3, "better")
    ]

    review = section(agenda, "measures_review")
    assert [x.name for x in review.off_target] == ["NPS", "Repeat visits"]
    assert [x.name for x in review.stale] == ["Repeat visits"]  # no November reading
    assert [x.name for x in review.missing_owner] == ["Repeat visits"]
    (journey,) = review.journeys
    assert journey.gaps == ["Book engineer"]
    assert journey.overlaps == ["Visit (ContactPlus, Field Engineering)"]

    proposals = section(agenda, "prioritisation").proposals
    assert [p.title for p in proposals] == ["Arrival-window SMS", "Plain-English bills"]
    assert proposals[0].yearly_saving == 150000 and proposals[1].yearly_saving == 30000
    assert proposals[0].score > proposals[1].score
    assert {c.criterion for c in proposals[0].breakdown} == {
        "customer_impact",
        "saving",
        "effort",
        "strategic_fit",
        "confidence",
    }

    assert [r.title for r in section(agenda, "research").items] == ["Post-visit survey"]
    assert [(i.title, i.submitted_by) for i in section(agenda, "aob").items] == [("Storm readiness", "Aisha Rahman")]


@pytest.mark.parametrize("duration", [5, 9, 45, 61, 119, 240, 720])
def test_minutes_always_sum_to_the_duration(duration):
    assert sum(allocate_minutes(duration, DEFAULT_MINUTES).values()) == duration


def test_a_one_hour_meeting_leaves_time_for_every_item():
    """Regression: at 60 minutes any other business was given 0 minutes."""
    minutes = allocate_minutes(60, DEFAULT_MINUTES)
    assert sum(minutes.values()) == 60
    assert all(v % 5 == 0 and v >= 5 for v in minutes.values()), minutes
    assert max(minutes, key=minutes.get) in ("department_reports", "actions")
    for duration in range(45, 240):
        assert min(allocate_minutes(duration, DEFAULT_MINUTES).values()) >= 5, duration


def test_a_councils_own_times_override_only_the_sections_it_names():
    """Regression: a council naming only some sections left the others with no time at all."""
    data = empty_data()
    data.council.agenda_minutes = {"aob": 20}
    minutes = {s.key: s.minutes_allocated for s in build_agenda(data).sections}
    assert sum(minutes.values()) == 120
    assert all(v >= 5 for v in minutes.values()), minutes
    assert minutes["aob"] > DEFAULT_MINUTES["aob"]


def test_no_weights_at_all_share_the_time_equally():
    minutes = allocate_minutes(90, {k: 0 for k in SECTION_KEYS})
    assert sum(minutes.values()) == 90
    assert set(minutes.values()) == {10}


def test_a_first_meeting_without_research_says_so_in_plain_words():
    research = section(build_agenda(empty_data()), "research")
    assert research.notes == ["No customer research recorded in the last 90 days."]
