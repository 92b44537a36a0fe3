"""The scorecard's parts from the improvement loop, hand-worked: action-plan metrics, feedback themes, ratings."""

from datetime import date

import pytest

from app.measures.stats import Point
from app.reports.score_parts import (
    FeedbackFacts,
    MeasureFact,
    comment_trend_from_feedback,
    plan_metric_score,
    rating_from_feedback,
    windows,
)
from app.reports.scorecard import left_out_note, score_department
from app.scoring import SCORECARD_DEFAULTS

TODAY = date(2026, 6, 15)  # recent window Mar–May 2026, the one before Dec 2025–Feb 2026
RECENT = [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
BEFORE = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


def checklist(*points: tuple[date, float], target=90.0, since=date(2026, 2, 10)) -> MeasureFact:
    readings = tuple(Point(p, v) for p, v in points)
    return MeasureFact("Diagnosis checklist completed", "higher_is_better", target, readings, since=since)


def feedback(*, ratings=(300, 100)) -> FeedbackFacts:
    return FeedbackFacts(
        responses={m: 100 for m in BEFORE + RECENT},
        rating_sums={m: ratings for m in RECENT},
        negative={
            "Repeat visits": {m: 20 for m in BEFORE} | {m: 15 for m in RECENT},
            "Wrong time": {BEFORE[0]: 10, RECENT[2]: 11},
        },
    )


def test_the_windows_are_complete_months():
    assert windows(TODAY) == (RECENT, BEFORE)
    assert windows(date(2026, 1, 31))[0] == [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1)]


def test_metric_off_target_and_moving_slowly_scores_low():
    # 67 against 90: attainment 74.44; 60 at the workshop (Feb), 7 of the 30-point gap closed
    # = 23.33; the average 48.89.
    metric = checklist((date(2026, 1, 1), 55), (date(2026, 2, 1), 60), (date(2026, 3, 1), 62), (date(2026, 5, 1), 67))
    score, line = plan_metric_score(metric)
    assert score == pytest.approx(48.89, abs=0.01)
    assert "60 at the workshop, 23% of the gap closed" in line


def test_metric_getting_worse_since_the_workshop_closes_none_of_the_gap():
    # Repeat-visit rate, lower is better: 22% at the workshop, 24% now, target 10%.
    # Attainment 10/24 = 41.67, gap closed 0 → 20.83.
    metric = MeasureFact(
        "Repeat-visit rate",
        "lower_is_better",
        10,
        (Point(date(2026, 2, 1), 22), Point(date(2026, 5, 1), 24)),
        since=date(2026, 2, 3),
    )
    assert plan_metric_score(metric)[0] == pytest.approx(20.83, abs=0.01)


def test_metric_on_target_scores_full_and_without_target_is_not_scored():
    assert plan_metric_score(checklist((date(2026, 5, 1), 91)))[0] == 100
    assert plan_metric_score(checklist((date(2026, 5, 1), 91), target=None))[0] is None
    assert plan_metric_score(checklist())[0] is None
    # Only a reading from before the workshop: attainment alone (45/90 = 50).
    assert plan_metric_score(checklist((date(2026, 1, 1), 45)))[0] == 50


def test_falling_negative_themes_give_a_good_comment_trend():
    # Repeat visits 60/300 = 20% → 45/300 = 15% (−25%) scores 100 with 105 mentions;
    # wrong time 10/300 → 11/300 (+10%) scores 0 with 21: (100 × 105 + 0 × 21) / 126 = 83.33.
    value, lines = comment_trend_from_feedback(feedback(), today=TODAY)
    assert value == pytest.approx(83.33, abs=0.01)
    assert lines[0] == "Repeat visits: 20.0% → 15.0% of responses (-25%) scores 100"
    assert lines[1].startswith("Wrong time: 3.3% → 3.7% of responses (+10%) scores 0")


def test_themes_mentioned_equally_often_are_listed_by_name_whatever_order_they_were_read_in():
    # The themes arrive in the order the database returned their rows, which PostgreSQL does not keep from one
    # read to the next: the same department must score, and list its themes, alike every time.
    negative = {
        "Wrong time": {BEFORE[0]: 10, RECENT[2]: 10},
        "Billing errors": {BEFORE[0]: 12, RECENT[0]: 8},
        "Repeat visits": {m: 20 for m in BEFORE} | {m: 15 for m in RECENT},
        "Access": {BEFORE[1]: 5, RECENT[1]: 15},
    }
    results = [
        comment_trend_from_feedback(
            FeedbackFacts(responses={m: 100 for m in BEFORE + RECENT}, negative=dict(order)), today=TODAY
        )
        for order in (list(negative.items()), list(reversed(negative.items())), sorted(negative.items()))
    ]
    assert all(result == results[0] for result in results)
    # Most mentioned first (Repeat visits, 105); then the three with 20 mentions each by name.
    assert [line.split(":")[0] for line in results[0][1]] == ["Repeat visits", "Access", "Billing errors", "Wrong time"]


def test_comment_trend_needs_responses_in_both_windows():
    facts = FeedbackFacts(responses={m: 50 for m in RECENT}, negative={"Repeat visits": {RECENT[0]: 5}})
    value, lines = comment_trend_from_feedback(facts, today=TODAY)
    assert value is None and lines == ["no feedback in both Dec–Feb 2026 and Mar–May 2026 to compare"]


def test_goal_support_rating_on_the_councils_scale():
    # 900 / 300 = 3.0 on 1–5 → (3 − 1) / 4 = 50; on 0–10 an average of 7.5 → 75.
    assert rating_from_feedback(feedback(), today=TODAY)[0] == 50
    ten = FeedbackFacts(rating_sums={RECENT[0]: (750, 100)}, rating_min=0, rating_max=10)
    score, line = rating_from_feedback(ten, today=TODAY)
    assert score == 75 and line.startswith("Goal-support rating 7.50 on the 0–10 scale in Mar–May 2026 (100 ratings)")
    assert rating_from_feedback(FeedbackFacts(), today=TODAY) == (None, None)


def test_department_score_from_the_loop():
    # Action plan 48.89 × 50% = 24.44; comment trend 83.33 × 30% = 25; rating 50 × 20% = 10. Total 59.44.
    metric = checklist((date(2026, 1, 1), 55), (date(2026, 2, 1), 60), (date(2026, 3, 1), 62), (date(2026, 5, 1), 67))
    score = score_department(plan_metrics=[metric], feedback=feedback(), weights=SCORECARD_DEFAULTS, today=TODAY)
    assert score.total == pytest.approx(59.44, abs=0.01)
    assert [c.included for c in score.components] == [True, True, True]
    assert all(c.explains for c in score.components)
    assert score.delivery is None  # no actions fell due: nothing to show beside the score


def test_feedback_themes_replace_hand_typed_comment_measures():
    typed = MeasureFact(
        "Complaints about repeat visits", "lower_is_better", None, (Point(RECENT[0], 40), Point(RECENT[1], 44))
    )
    with_feedback = score_department(
        feedback=feedback(), comment_measures=[typed], weights=SCORECARD_DEFAULTS, today=TODAY
    )
    assert with_feedback.components[1].value == pytest.approx(83.33, abs=0.01)
    without = score_department(comment_measures=[typed], weights=SCORECARD_DEFAULTS, today=TODAY)
    assert without.components[1].value == 0  # +10%
    assert without.components[1].inputs[-1] == "from comment-theme measures typed in: import feedback to compute it"


def test_a_department_at_100_needs_its_metric_on_target():
    # Everything else perfect, the metric off target: the score cannot reach 100.
    metric = checklist((date(2026, 2, 1), 60), (date(2026, 5, 1), 60))  # flat at 60 against 90
    perfect = FeedbackFacts(
        responses={m: 100 for m in BEFORE + RECENT},
        rating_sums={m: (500, 100) for m in RECENT},
        negative={"Repeat visits": {m: 20 for m in BEFORE} | {m: 5 for m in RECENT}},
    )
    score = score_department(plan_metrics=[metric], feedback=perfect, weights=SCORECARD_DEFAULTS, today=TODAY)
    # attainment 66.67, gap closed 0 → 33.33 × 50% = 16.67; + 30 + 20 = 66.67
    assert score.total == pytest.approx(66.67, abs=0.01)


def test_missing_parts_are_said_once_for_the_whole_scorecard():
    metric = checklist((date(2026, 5, 1), 91))
    scores = {
        "Billing": score_department(plan_metrics=[metric], weights=SCORECARD_DEFAULTS, today=TODAY),
        "Digital": score_department(
            plan_metrics=[metric], feedback=feedback(), weights=SCORECARD_DEFAULTS, today=TODAY
        ),
        "Field": score_department(plan_metrics=[metric], weights=SCORECARD_DEFAULTS, today=TODAY),
        "Legal": score_department(weights=SCORECARD_DEFAULTS, today=TODAY),  # nothing at all: no total
    }
    assert all(s.notes == () for name, s in scores.items() if name != "Legal")
    assert left_out_note(scores) == (
        "A part with no data is left out and the other weights re-normalised to 100: "
        "trend of negative comment themes for Billing, Field; goal-support and survey ratings for Billing, Field."
    )
    assert left_out_note({"Digital": scores["Digital"]}) is None
