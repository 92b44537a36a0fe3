"""The agenda's cheaper build shows what the validated, one-object-at-a-time build showed.

The builders make their rows without validating them again (app/agendas/built.py), the
loader reads Core rows as named tuples and the readings as the driver's tuples, and the measure
rows judge their readings without the whole measure_stats. Each of those must give the agenda a
validated build gives, on both engines, for the demo and for a generated council.
"""

import warnings
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlmodel import Session

from app.agendas import model as m
from app.agendas.build import build_agenda
from app.agendas.built import built
from app.agendas.data import AgendaData, load_agenda_data
from app.agendas.sections.departments import department_scorecard
from app.agendas.sections.rows import measure_rows
from app.measures.stats import TREND_PERIODS, Point, measure_stats, points, points_by_measure
from app.models import Council, Meeting, Reading
from app.reports.facts import LoopFacts
from app.reports.score_parts import FeedbackSums, MeasureFact, theme_measure_score
from app.reports.scorecard import ActionCounts, score_department
from app.scoring import SCORECARD_DEFAULTS
from bench.data import SIZES, generate
from tests.demodb import load_demo
from tests.helpers import count_statements

TODAY = date(2026, 11, 30)


def models_in(value):
    """Every pydantic model in `value`, depth first."""
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from models_in(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from models_in(item)


def assert_as_validated(agenda: m.Agenda) -> None:
    """Each model has every field and no other, and the agenda's JSON is the JSON of the same data
    validated afresh (a float field holding an int, say, would print differently, and warn)."""
    for model in models_in(agenda):
        assert set(model.__dict__) == set(type(model).model_fields), type(model).__name__
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pydantic's "serialized value may not be as expected"
        shown = agenda.model_dump_json()
    validated = m.Agenda.model_validate(agenda.model_dump())
    assert validated.model_dump_json() == shown
    assert validated == agenda


def test_the_demo_agenda_is_the_validated_agenda(engine, session):
    council = load_demo(session=session, today=TODAY)
    meeting = next_meeting(session, council)
    with Session(engine) as fresh:
        agenda = build_agenda(load_agenda_data(session=fresh, council=council, meeting=meeting, today=TODAY))
    assert_as_validated(agenda)
    assert any(r.trend for r in section(agenda, m.OverallMeasuresSection).measures)
    departments = section(agenda, m.DepartmentReportsSection).departments
    assert any(e.scorecard and e.scorecard.total is not None for e in departments)


def test_a_generated_council_agenda_is_the_validated_agenda_and_its_readings_the_databases(db_url, engine):
    found = generate(db_url, SIZES["tiny"], today=TODAY)
    with Session(engine) as session:
        council = session.get(Council, found.council_id)
        meeting = session.get(Meeting, found.meeting_id)
        with count_statements(engine) as statements:
            data = load_agenda_data(session=session, council=council, meeting=meeting, today=TODAY)
        agenda = build_agenda(data)
        assert len(statements) <= 15
        assert_as_validated(agenda)
        # The readings read as the driver's tuples are the ORM's readings, typed the same.
        start = TODAY - timedelta(days=400)
        for measure in data.measures:
            stored = session.exec(
                Reading.__table__.select()
                .where(Reading.measure_id == measure.id, Reading.period >= start)
                .order_by(Reading.period)
            ).all()
            assert data.readings.get(measure.id, []) == [Point(r.period, r.value) for r in stored]
            assert all(type(p.period) is date and type(p.value) is float for p in data.readings.get(measure.id, []))
        assert data.readings, "the tiny council has readings to compare"
    rows = {r.id: r for r in section(agenda, m.MeasuresReviewSection).off_target}
    assert all(r.on_target is False for r in rows.values())


def next_meeting(session: Session, council: Council) -> Meeting:
    meetings = session.exec(Meeting.__table__.select().where(Meeting.council_id == council.id)).all()
    upcoming = [x for x in meetings if x.scheduled_at.date() >= TODAY] or meetings
    return session.get(Meeting, min(upcoming, key=lambda x: x.scheduled_at).id)


def section(agenda: m.Agenda, kind):
    return next(s for s in agenda.sections if isinstance(s, kind))


# The measure rows against measure_stats (the measures API's and the scorecard's own figures) on any readings.

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
readings = st.lists(values, max_size=15).map(
    lambda vs: [Point(date(2025, 1, 1) + timedelta(days=31 * i), v) for i, v in enumerate(vs)]
)


class Measure:
    """The measure columns the rows read (a Row answers the same names)."""

    def __init__(self, measure_id: int, direction: str, target: float | None):
        self.id, self.direction, self.target = measure_id, direction, target
        self.name, self.kind, self.category, self.unit = f"M{measure_id}", "custom", "operational", "%"
        self.owner_id = self.department_id = self.journey_id = None
        self.scope = "overall"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["higher_is_better", "lower_is_better"]), st.none() | values, readings),
        min_size=1,
        max_size=6,
    )
)
def test_measure_rows_say_what_measure_stats_says(measures):
    data = AgendaData(council=None, meeting=None, today=TODAY)
    for measure_id, (direction, target, points_) in enumerate(measures, start=1):
        data.measures.append(Measure(measure_id, direction, target))
        if points_:
            data.readings[measure_id] = points_
    rows = measure_rows(data)
    stats = {
        x.id: measure_stats(direction=x.direction, target=x.target, readings=data.readings.get(x.id, ()))
        for x in data.measures
    }
    latest = max((s.latest.period for s in stats.values() if s.latest), default=None)
    for measure_id, s in stats.items():
        row = rows[measure_id]
        assert (row.latest, row.previous, row.change, row.on_target, row.movement, row.status) == (
            s.latest,
            s.previous,
            s.change,
            s.on_target,
            s.movement,
            s.status,
        )
        assert row.trend == list(s.trend)
        assert row.stale == (s.latest is None or s.latest.period < latest)
        assert built(m.MeasureRow, dict(row.__dict__)) == m.MeasureRow.model_validate(row.model_dump())


@given(readings)
def test_a_comment_measure_scores_the_trend_measure_stats_gives(points_):
    fact = MeasureFact("Waiting", "lower_is_better", 10.0, tuple(reversed(points_)))
    trend = measure_stats(direction="lower_is_better", target=10.0, readings=fact.readings).trend
    score, line = theme_measure_score(fact)
    if len(trend) < 2:
        assert score is None
    else:
        assert f"over {len(trend)} readings" in line
        assert f"{trend[0].value:g} → {trend[-1].value:g}" in line
    assert len(trend) <= TREND_PERIODS


@given(st.lists(st.tuples(st.integers(1, 4), values), max_size=30))
def test_points_made_in_place_are_the_points_their_constructor_makes(pairs):
    rows = sorted((measure_id, date(2025, 1, 1) + timedelta(days=i), v) for i, (measure_id, v) in enumerate(pairs))
    expected: dict[int, list[Point]] = {}
    for measure_id, period, value in rows:
        expected.setdefault(measure_id, []).append(Point(period, value))
    assert points_by_measure(rows) == expected
    assert points_by_measure([(i, p.isoformat(), v) for i, p, v in rows], date.fromisoformat) == expected
    made = points([(p, v) for _, p, v in rows])
    assert made == [Point(p, v) for _, p, v in rows]
    assert {hash(p) for p in made} == {hash(Point(p, v)) for _, p, v in rows}


# A department's scorecard scores its survey measures on their rows' latest readings and its comment measures on
# their rows' trends: the same scorecard as the facts of every reading give.

categories = st.sampled_from(["survey_rating", "comment_theme", "operational"])


def department_seven(measures) -> AgendaData:
    """An agenda's data holding `measures` (category, direction, target, readings) as department 7's."""
    data = AgendaData(council=None, meeting=None, today=TODAY)
    for measure_id, (category, direction, target, points_) in enumerate(measures, start=1):
        measure = Measure(measure_id, direction, target)
        measure.category, measure.scope, measure.department_id = category, "department", 7
        data.measures.append(measure)
        if points_:
            data.readings[measure_id] = points_
    return data


def facts(data: AgendaData, category: str) -> list[MeasureFact]:
    """The scorecard's facts of the measures of `category`, each with every reading."""
    return [
        MeasureFact(x.name, x.direction, x.target, tuple(data.readings.get(x.id, ())))
        for x in data.measures
        if x.category == category
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(categories, st.sampled_from(["higher_is_better", "lower_is_better"]), st.none() | values, readings),
        min_size=1,
        max_size=6,
    )
)
def test_a_departments_scorecard_from_its_rows_is_the_scorecard_of_every_reading(measures):
    data = department_seven(measures)

    score = score_department(
        comment_measures=facts(data, "comment_theme"),
        survey_measures=facts(data, "survey_rating"),
        weights=SCORECARD_DEFAULTS,
        today=TODAY,
    )
    card = department_scorecard(data, 7, data.measures, SCORECARD_DEFAULTS, rows=measure_rows(data))
    assert card.total == (round(score.total, 1) if score.total is not None else None)
    assert [(c.component, c.value, c.points, c.detail) for c in card.components] == [
        (
            c.component,
            round(float(c.value), 1) if c.value is not None else None,
            round(float(c.points), 1),
            "; ".join(c.inputs),
        )
        for c in score.components
    ]
    assert (card.note, card.delivery) == (" ".join(score.notes), score.delivery)
    # Without the rows given, it makes them itself: the same scorecard.
    assert department_scorecard(data, 7, data.measures, SCORECARD_DEFAULTS) == card


def as_shown(score) -> m.AgendaScorecard:
    """`score_department`'s score as the agenda shows it."""
    return m.AgendaScorecard(
        total=round(score.total, 1) if score.total is not None else None,
        components=[
            m.AgendaScoreComponent(
                component=c.component,
                label=c.label,
                value=round(float(c.value), 1) if c.value is not None else None,
                weight=c.weight,
                points=round(float(c.points), 1),
                detail="; ".join(c.inputs),
            )
            for c in score.components
        ],
        note=" ".join(score.notes),
        delivery=score.delivery,
    )


# The agenda makes a department's scorecard straight from the parts (no Component or DepartmentScore on the
# way): the scorecard score_department gives, with every part in play (action-plan metrics, feedback with and
# without themes or ratings, delivery counts, weights with zeros), field for field and in its JSON.
counts = st.integers(0, 40)
plan_metric = st.tuples(st.none() | values, readings, st.none() | st.dates(date(2024, 6, 1), date(2026, 11, 1)))
feedback = st.none() | st.builds(
    FeedbackSums,
    counts,
    counts,
    st.lists(st.tuples(st.sampled_from(["Queues", "Forms", "Staff"]), counts, counts), max_size=3),
    st.integers(0, 400),
    counts,
    st.just(1),
    st.sampled_from([5, 7, 10]),
)
action_counts = st.none() | st.builds(ActionCounts, counts, counts, counts, counts)
weights = st.fixed_dictionaries({c: st.sampled_from([0, 0.0, 10, 25.5, 50]) for c in SCORECARD_DEFAULTS})


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(categories, st.sampled_from(["higher_is_better", "lower_is_better"]), st.none() | values, readings),
        max_size=5,
    ),
    st.lists(plan_metric, max_size=3),
    feedback,
    action_counts,
    st.none() | weights,
)
def test_a_departments_scorecard_is_the_scorecard_score_department_gives(measures, plans, sums, actions, chosen):
    data = department_seven(measures)
    if actions is not None:
        data.department_action_counts[7] = actions
    metrics = [
        MeasureFact(f"P{i}", "higher_is_better", target, tuple(points_), since)
        for i, (target, points_, since) in enumerate(plans)
    ]
    loop = LoopFacts(plan_metrics={7: metrics}, feedback={} if sums is None else {7: sums})
    weights = SCORECARD_DEFAULTS if chosen is None else chosen

    score = score_department(
        plan_metrics=metrics,
        feedback=sums,
        comment_measures=facts(data, "comment_theme"),
        survey_measures=facts(data, "survey_rating"),
        action_counts=actions,
        weights=weights,
        today=TODAY,
    )
    card = department_scorecard(data, 7, data.measures, weights, loop, measure_rows(data))
    expected = as_shown(score)
    assert card == expected
    assert card.model_dump_json() == expected.model_dump_json()
