"""The agenda's leaner load and department voice give what the plain ways give.

- A department's top themes are made straight from the counts (app/agendas/voice.py
  `department_themes`): each must be the VoiceTheme the feedback domain's `build_theme_trend`
  and the agenda's `_theme` make, field for field (the shares and fitted changes to the bit).
- The records the load makes by the hundred are named tuples made from their values in field
  order (app/agendas/data.py `tuple_of`): each must hold what the ORM reads for it.
- A department's scorecard feedback is summed straight from the voice's monthly lists
  (app/agendas/voice.py `department_feedback_sums`): the sums and the scores must be those of
  its FeedbackFacts, as the scorecard page reads them.
- A reading's period is converted once per distinct month: the Points must be the ones their
  constructor makes from each reading converted on its own.

On both engines, for the demo council and a generated one.
"""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from app.agendas import voice as agenda_voice
from app.agendas.build import build_agenda
from app.agendas.data import LIVE_INITIATIVES, AgendaData, load_agenda_data
from app.agendas.voice_data import Voice
from app.feedback.trends import TrendData, build_theme_trend, load_trend_data
from app.measures.stats import Point, points_by_measure
from app.models import (
    Action,
    Council,
    Initiative,
    InitiativeMeasure,
    Journey,
    JourneyStep,
    Measure,
    Meeting,
    Membership,
    StepDepartment,
    User,
)
from app.reports.facts import feedback_facts_from_trends
from app.reports.score_parts import feedback_sums
from app.reports.scorecard import score_department
from app.scoring import SCORECARD_DEFAULTS
from bench.data import SIZES, generate
from tests.demodb import load_demo

TODAY = date(2026, 11, 30)


def plain_trends(session: Session, data: AgendaData) -> TrendData:
    """The feedback domain's own counts of the voice's window (`load_trend_data`, its own statements): every
    department's too, which the voice keeps in its monthly lists only (app/agendas/voice_data.py Voice)."""
    months = data.voice.trends.months
    trends = load_trend_data(session=session, council_id=data.council.id, months=len(months), until=months[-1])
    assert trends.months == months
    return replace(trends, rating_min=data.voice.trends.rating_min, rating_max=data.voice.trends.rating_max)


def assert_department_voice_is_the_trends(session: Session, data: AgendaData) -> int:
    """Every department's shown themes against build_theme_trend + _theme, in the agenda's ranking."""
    voice = data.voice
    trends = plain_trends(session, data)
    # The council-wide counts are the feedback domain's (those with negative mentions: the voice reads no others).
    assert voice.trends.theme_counts == {k: v for k, v in trends.theme_counts.items() if k[1] is None and v[0] > 0}
    compared = 0
    for department in data.departments:
        shown = agenda_voice.department_voice(voice, department.id, [])
        totals = voice.department_themes.get(department.id, {})
        ranked = sorted((-n, voice.trends.themes.get(t, "").lower(), t) for t, n in totals.items() if n > 0)[
            : agenda_voice.TOP_DEPARTMENT
        ]
        made = [build_theme_trend(trends, t, department.id, points=False) for _, _, t in ranked]
        expected = [agenda_voice._theme(t, voice) for t in made if t.negative > 0]
        assert (shown.themes if shown else []) == expected, department.name
        for made, validated in zip(shown.themes if shown else [], expected, strict=True):
            assert made.model_dump_json() == validated.model_dump_json()
            assert (type(made.share), type(made.change)) == (type(validated.share), type(validated.change))
        compared += len(expected)
    return compared


def assert_scorecard_feedback_is_the_facts(session: Session, data: AgendaData) -> int:
    """Every department's scorecard feedback, summed from the voice's monthly lists, against the sums of
    its FeedbackFacts (as the scorecard page reads them) and the scores both give, to the bit."""
    facts = feedback_facts_from_trends(plain_trends(session, data))
    made = agenda_voice.department_feedback_sums(data)
    assert made == agenda_voice.loop_facts(data).feedback
    compared = 0
    for department in data.departments:
        fact, sums = facts.get(department.id), made.get(department.id)
        if fact is not None:
            assert sums == feedback_sums(fact, today=data.today), department.name
            compared += bool(fact.negative)
        else:  # nothing named in the window: scored as no feedback at all
            assert sums is None or not (sums.themes or sums.asked_recent or sums.rating_count), department.name
        scores = [score_department(feedback=f, weights=SCORECARD_DEFAULTS, today=data.today) for f in (fact, sums)]
        assert scores[0] == scores[1], department.name
    return compared


def assert_voice_from_trends_is_the_loaded_one(session: Session, data: AgendaData) -> None:
    """A Voice made from the feedback domain's trends lists the same monthly counts, in the same order, as
    load_voice."""
    loaded, made = data.voice, Voice(trends=plain_trends(session, data))
    # Equal as dicts, whatever order the themes came in: PostgreSQL returns the voice's rows in no kept order,
    # and the scorecard lists equally mentioned themes by name (tests/reports/test_loop_scorecard.py).
    for name in ("department_months", "department_responses", "department_themes"):
        assert getattr(made, name) == getattr(loaded, name), name


def assert_records_are_the_orms(session: Session, data: AgendaData) -> None:
    """The actions with their owners, initiative links, journeys and step links, as the ORM reads them."""
    owners = dict(session.exec(select(Membership.id, User.name).join(User, col(User.id) == Membership.user_id)).all())
    for fact in data.actions:
        action = session.get(Action, fact.action.id)
        assert (fact.action.title, fact.action.due_on, fact.owner_name) == (
            action.title,
            action.due_on,
            owners[action.owner_id],
        )
    initiative_ids = {i.id for i in data.initiatives}
    links = session.exec(select(InitiativeMeasure).where(col(InitiativeMeasure.initiative_id).in_(initiative_ids)))
    expected = {(x.initiative_id, x.measure_id, x.baseline_value, x.baseline_on) for x in links}
    made = {(x.initiative_id, x.measure_id, x.baseline_value, x.baseline_on) for x in data.initiative_measures}
    assert made == expected
    journeys = session.exec(select(Journey).where(Journey.council_id == data.council.id)).all()
    assert {(j.id, j.name, j.owner_id) for j in data.journeys} == {(j.id, j.name, j.owner_id) for j in journeys}
    steps = session.exec(
        select(StepDepartment)
        .join(JourneyStep, col(JourneyStep.id) == StepDepartment.step_id)
        .join(Journey, col(Journey.id) == JourneyStep.journey_id)
        .where(Journey.council_id == data.council.id)
    ).all()
    made_links = {(x.step_id, x.department_id, x.responsibility) for x in data.step_departments}
    assert made_links == {(x.step_id, x.department_id, x.responsibility) for x in steps}


def test_the_demo_councils_lean_load_and_department_voice_are_the_plain_ones(engine, session):
    council = load_demo(session=session, today=TODAY)
    meeting = session.exec(
        select(Meeting).where(Meeting.council_id == council.id).order_by(col(Meeting.scheduled_at).desc())
    ).first()
    with Session(engine) as fresh:
        data = load_agenda_data(session=fresh, council=fresh.get(Council, council.id), meeting=meeting, today=TODAY)
        assert assert_department_voice_is_the_trends(fresh, data) > 0
        assert assert_scorecard_feedback_is_the_facts(fresh, data) > 0
        assert_voice_from_trends_is_the_loaded_one(fresh, data)
        assert data.actions and data.step_departments
        assert_records_are_the_orms(fresh, data)


def test_a_generated_councils_lean_load_and_department_voice_are_the_plain_ones(db_url, engine):
    # The tiny council with a few hundred survey responses: departments with themes to rank.
    found = generate(db_url, replace(SIZES["tiny"], feedback_responses=400), today=TODAY)
    with Session(engine) as session:
        council = session.get(Council, found.council_id)
        meeting = session.get(Meeting, found.meeting_id)
        data = load_agenda_data(session=session, council=council, meeting=meeting, today=TODAY)
        assert assert_department_voice_is_the_trends(session, data) > 0
        assert assert_scorecard_feedback_is_the_facts(session, data) > 0
        assert_voice_from_trends_is_the_loaded_one(session, data)
        assert data.actions and data.initiative_measures and data.step_departments
        assert_records_are_the_orms(session, data)


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 5), st.floats(-1e6, 1e6)), max_size=40))
def test_points_with_shared_periods_are_the_points_their_constructor_makes(readings):
    # Few distinct months over many readings, as an agenda's measures share them.
    rows = sorted((m, date(2025, 1, 1) + timedelta(days=31 * k), v) for m, k, v in readings)
    expected: dict[int, list[Point]] = {}
    for measure_id, period, value in rows:
        expected.setdefault(measure_id, []).append(Point(date.fromisoformat(period.isoformat()), value))
    made = points_by_measure([(m, p.isoformat(), v) for m, p, v in rows], date.fromisoformat)
    assert made == expected
    assert all(type(p.period) is date for points in made.values() for p in points)


def test_an_initiatives_measures_come_in_the_measures_order_build_after_build(engine, session):
    """Linked newest measure first, each link its own insert (so the table's own order is not the measures'):
    the load gives them, and the agenda lists them, in the measures' order, on both engines."""
    council = load_demo(session=session, today=TODAY)
    initiative = session.exec(
        select(Initiative).where(Initiative.council_id == council.id, col(Initiative.status).in_(LIVE_INITIATIVES))
    ).first()
    added = [Measure(council_id=council.id, name=f"Linked {i}") for i in range(4)]
    session.add_all(added)
    session.flush()
    for measure in sorted(added, key=lambda x: -x.id):
        session.add(InitiativeMeasure(initiative_id=initiative.id, measure_id=measure.id))
        session.flush()
    session.commit()
    meeting = session.exec(
        select(Meeting).where(Meeting.council_id == council.id).order_by(col(Meeting.scheduled_at).desc())
    ).first()
    with Session(engine) as fresh:
        data = load_agenda_data(session=fresh, council=fresh.get(Council, council.id), meeting=meeting, today=TODAY)
        agenda = build_agenda(data)
    linked = [x.measure_id for x in data.initiative_measures if x.initiative_id == initiative.id]
    assert {m.id for m in added} <= set(linked) and linked == sorted(linked)
    rows = [row for section in agenda.sections for row in getattr(section, "initiatives", None) or []]
    shown = [m.measure_id for row in rows if row.id == initiative.id for m in row.measures]
    assert shown == sorted(linked)
