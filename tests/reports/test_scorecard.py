"""The department scorecard on plain objects, with hand-checked numbers (hand-typed measures and delivery;
the improvement loop's parts from feedback: test_loop_scorecard.py)."""

from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.measures.stats import Point
from app.reports.score_parts import clamp
from app.reports.score_parts import survey_measure_score as survey_score
from app.reports.score_parts import theme_measure_score as theme_trend_score
from app.reports.scorecard import (
    ActionFact,
    MeasureFact,
    delivery_score,
    score_department,
)
from app.scoring import SCORECARD_DEFAULTS

TODAY = date(2026, 6, 15)
DEFAULTS = dict(SCORECARD_DEFAULTS)  # action plan 50, comment trend 30, survey rating 20


def done(due_on: date, closed_on: date) -> ActionFact:
    return ActionFact(due_on=due_on, status="done", closed_on=closed_on)


def monthly(*values: float) -> tuple[Point, ...]:
    return tuple(Point(date(2025 + (m // 12), m % 12 + 1, 1), v) for m, v in enumerate(values))


def theme(name: str, *values: float, direction="lower_is_better") -> MeasureFact:
    return MeasureFact(name=name, direction=direction, target=None, readings=monthly(*values))


def survey(name: str, direction: str, target: float | None, *values: float) -> MeasureFact:
    return MeasureFact(name=name, direction=direction, target=target, readings=monthly(*values))


def nine_actions_seven_on_time() -> list[ActionFact]:
    due = date(2026, 5, 1)
    return [
        *[done(due, due - timedelta(days=d)) for d in range(6)],  # 6 closed on or before the day
        done(due, due),  # the 7th, on the day itself
        done(due, due + timedelta(days=1)),  # closed a day late
        ActionFact(due_on=due, status="open"),  # still open
    ]


def test_delivery_seven_of_nine_on_time():
    value, inputs = delivery_score(nine_actions_seven_on_time(), today=TODAY)
    assert value == pytest.approx(700 / 9)  # 77.78
    assert inputs[0] == "7 of 9 actions that fell due in the last year closed on time"


def test_delivery_counts_what_fell_due_by_today_only():
    actions = [
        ActionFact(due_on=TODAY, status="open"),  # due today: fell due, not closed
        done(TODAY - timedelta(days=3), TODAY - timedelta(days=5)),
        ActionFact(due_on=TODAY + timedelta(days=1), status="open"),  # not yet due
        done(TODAY + timedelta(days=9), TODAY - timedelta(days=1)),  # closed early but not yet due
    ]
    value, inputs = delivery_score(actions, today=TODAY)
    assert value == 50
    assert "2 actions not yet due" in inputs


def test_cancelled_before_due_is_withdrawn_but_cancelled_late_is_missed():
    due = date(2026, 5, 1)
    actions = [
        done(due, due),
        ActionFact(due_on=due, status="cancelled", closed_on=due - timedelta(days=10)),
        ActionFact(due_on=due, status="cancelled", closed_on=due + timedelta(days=10)),
    ]
    value, inputs = delivery_score(actions, today=TODAY)
    assert value == 50  # 1 of 2: the late cancellation counts as missed
    assert "1 action cancelled before falling due: not counted" in inputs


def test_delivery_is_a_rolling_year_a_slow_year_long_ago_does_not_count():
    year_ago = TODAY - timedelta(days=365)
    actions = [
        done(year_ago, year_ago),  # due exactly a year ago, on time: counted
        ActionFact(due_on=year_ago - timedelta(days=1), status="open"),  # a day older: not counted
        *[ActionFact(due_on=date(2020, 1, 1), status="open") for _ in range(20)],  # missed, years ago
        ActionFact(due_on=TODAY - timedelta(days=30), status="open"),  # missed, this year
    ]
    value, inputs = delivery_score(actions, today=TODAY)
    assert value == 50
    assert inputs[0] == "1 of 2 actions that fell due in the last year closed on time"


def test_no_actions_due_is_no_data():
    value, inputs = delivery_score([ActionFact(due_on=TODAY + timedelta(days=5), status="open")], today=TODAY)
    assert value is None and "no actions fell due in the last year" in inputs


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((40, 38, 30), 100),  # −25%: falling more than 10%
        ((40, 36), 100),  # −10% exactly
        ((40, 40), 50),  # flat
        ((40, 42), 25),  # +5% → 50 − 500 × 0.05
        ((40, 44), 0),  # +10%
        ((40, 41), 37.5),  # +2.5% → 50 − 12.5
        ((40, 38), 75),  # −5% → 50 + 25
        ((0, 0), 50),
        ((0, 3), 0),  # from nothing to something is a rise
    ],
)
def test_theme_trend(values, expected):
    score, line = theme_trend_score(theme("Engineer came without parts", *values))
    assert score == pytest.approx(expected)
    assert line.startswith("Engineer came without parts: ")


def test_theme_trend_uses_the_last_twelve_readings_and_ignores_direction():
    # 14 readings: the window is the last 12, from 50 (3rd) to 45 (14th): −10% → 100.
    values = (10, 10, 50, *[48] * 10, 45)
    score, line = theme_trend_score(theme("Repeat calls", *values, direction="higher_is_better"))
    assert score == 100
    assert "50 → 45 over 12 readings (-10%)" in line


def test_theme_with_one_reading_has_no_trend():
    assert theme_trend_score(theme("New theme", 7))[0] is None


def test_survey_against_target():
    # CSAT 8.0 against 8.5 (higher is better): 100 × 8 / 8.5 = 94.12.
    assert survey_score(survey("CSAT", "higher_is_better", 8.5, 7.0, 8.0))[0] == pytest.approx(800 / 8.5)
    # Effort score 2.5 against 2.0 (lower is better): 100 × 2 / 2.5 = 80.
    assert survey_score(survey("CES", "lower_is_better", 2.0, 2.5))[0] == pytest.approx(80)
    # Beating the target is capped at 100.
    assert survey_score(survey("CSAT", "higher_is_better", 8.0, 9.0))[0] == 100
    # A negative NPS against a positive target floors at 0.
    assert survey_score(survey("NPS", "higher_is_better", 30, -10))[0] == 0
    # A target of 0 has no ratio: met scores 100, missed 0.
    assert survey_score(survey("NPS", "higher_is_better", 0, 5))[0] == 100
    assert survey_score(survey("NPS", "higher_is_better", 0, -5))[0] == 0
    assert survey_score(survey("CSAT", "higher_is_better", None, 8.0))[0] is None
    assert survey_score(survey("CSAT", "higher_is_better", 8.0))[0] is None


def metric(name: str, direction: str, target: float | None, *values: float, since: date | None = None) -> MeasureFact:
    return MeasureFact(name=name, direction=direction, target=target, readings=monthly(*values), since=since)


def test_department_score_with_every_component():
    # Action plan: checklist 90 against 80 (met) = 100; repeat visits 15 against 10 (lower is
    # better), first reading 20: attainment 10/15 = 66.67, gap closed 5/10 = 50, → 58.33.
    # Average 79.17 × 50% = 39.58.
    # Comment trend: 40 → 30 (−25%) = 100, 20 → 21 (+5%) = 25; average 62.5 × 30% = 18.75
    # Survey: CSAT 8/8.5 = 94.12, CES 2/2.5 = 80; average 87.06 × 20% = 17.41
    # Total 39.58 + 18.75 + 17.41 = 75.74; delivery (7 of 9 on time) beside it, not scored.
    score = score_department(
        plan_metrics=[
            metric("Checklist completed", "higher_is_better", 80, 70, 90),
            metric("Repeat visits", "lower_is_better", 10, 20, 18, 15),
        ],
        actions=nine_actions_seven_on_time(),
        comment_measures=[theme("No parts", 40, 35, 30), theme("Wrong time", 20, 21)],
        survey_measures=[survey("CSAT", "higher_is_better", 8.5, 8.0), survey("CES", "lower_is_better", 2.0, 2.5)],
        weights=DEFAULTS,
        today=TODAY,
    )
    parts = {c.component: c for c in score.components}
    assert parts["action_plan"].value == pytest.approx(79.17, abs=0.01)
    assert parts["action_plan"].points == pytest.approx(39.58, abs=0.01)
    assert parts["comment_trend"].value == pytest.approx(62.5)
    assert parts["comment_trend"].points == pytest.approx(18.75)
    assert parts["survey_rating"].value == pytest.approx(87.06, abs=0.01)
    assert parts["survey_rating"].points == pytest.approx(17.41, abs=0.01)
    assert score.total == pytest.approx(75.74, abs=0.01)
    assert [c.share for c in score.components] == [50, 30, 20]
    assert all(c.included for c in score.components)
    assert score.notes == ()
    assert score.delivery == "Delivery (not scored): 7 of 9 actions that fell due in the last year closed on time"
    assert "Checklist completed: 90 meets the target of 80: 100" in parts["action_plan"].inputs


def test_a_component_without_data_is_left_out_and_the_rest_renormalised():
    # No survey data: action plan 50 and trend 30 become 62.5% and 37.5%.
    # Action plan: 40 against 80, no earlier reading → attainment 50 → 31.25;
    # trend 40 → 36 (−10%) = 100 → 37.5. Total 68.75.
    score = score_department(
        plan_metrics=[metric("Checklist completed", "higher_is_better", 80, 40)],
        comment_measures=[theme("No parts", 40, 36)],
        survey_measures=[survey("CSAT", "higher_is_better", None, 8.0)],  # no target: no data
        weights=DEFAULTS,
        today=TODAY,
    )
    parts = {c.component: c for c in score.components}
    assert parts["action_plan"].share == pytest.approx(62.5)
    assert parts["comment_trend"].share == pytest.approx(37.5)
    assert parts["survey_rating"].included is False and parts["survey_rating"].value is None
    assert parts["survey_rating"].points == 0 and parts["survey_rating"].share == 0
    assert parts["survey_rating"].inputs == ("CSAT: no target, not counted",)
    assert score.total == pytest.approx(68.75)
    # Left out is said once for the whole scorecard (left_out_note), not in each department's notes.
    assert score.notes == ()


def test_custom_weights():
    # Survey only counts: CSAT 8/10 = 80 is the whole score.
    score = score_department(
        plan_metrics=[metric("Checklist completed", "higher_is_better", 80, 40)],
        actions=[done(date(2026, 5, 1), date(2026, 5, 9))],
        comment_measures=[],
        survey_measures=[survey("CSAT", "higher_is_better", 10, 8)],
        weights={"action_plan": 0, "comment_trend": 0, "survey_rating": 1},
        today=TODAY,
    )
    assert score.total == pytest.approx(80)


def test_no_data_at_all_has_no_total():
    score = score_department(actions=[], comment_measures=[], survey_measures=[], weights=DEFAULTS, today=TODAY)
    assert score.total is None
    assert score.notes == ("No data for any part yet.",)
    assert not any(c.included for c in score.components)


@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-1000, 1000), st.booleans()))
@example(-0.0)
@example(0)
@example(100)
@example(float("nan"))
def test_clamp_is_max_of_min(value):
    # Two comparisons instead of max(0.0, min(100.0, value)): the same value and type, -0.0 and NaN too.
    expected = max(0.0, min(100.0, value))
    made = clamp(value)
    assert (repr(made), type(made)) == (repr(expected), type(expected))


def test_facts_and_scores_made_without_init_equal_the_dataclasses_own():
    """measure_fact, and the components and score score_department makes without their frozen __init__, are
    the dataclasses their __init__ makes: equal, hashed alike, frozen, every field set."""
    from dataclasses import FrozenInstanceError, fields

    from app.reports.score_parts import measure_fact
    from app.reports.scorecard import Component, DepartmentScore

    readings = monthly(3, 4)
    for made, own in (
        (
            measure_fact("NPS", "higher_is_better", 40.0, readings),
            MeasureFact("NPS", "higher_is_better", 40.0, readings),
        ),
        (
            measure_fact("NPS", "higher_is_better", None, (), date(2026, 1, 5)),
            MeasureFact("NPS", "higher_is_better", None, (), since=date(2026, 1, 5)),
        ),
    ):
        assert made == own and hash(made) == hash(own) and vars(made) == vars(own)
    score = score_department(
        comment_measures=[theme("Waiting", 10, 8)],
        survey_measures=[survey("Ease", "higher_is_better", 8.0, 6, 7)],
        weights=DEFAULTS,
        today=TODAY,
    )
    assert isinstance(score, DepartmentScore)
    assert score == DepartmentScore(**{f.name: getattr(score, f.name) for f in fields(DepartmentScore)})
    for c in score.components:
        assert type(c) is Component
        assert c == Component(**{f.name: getattr(c, f.name) for f in fields(Component)})
        assert list(vars(c)) == [f.name for f in fields(Component)]
        with pytest.raises(FrozenInstanceError):
            c.value = 1.0  # type: ignore[misc]
    assert list(vars(score)) == [f.name for f in fields(DepartmentScore)]
