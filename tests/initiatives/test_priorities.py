"""Scoring and ranking proposals on plain objects, with hand-checked numbers."""

from datetime import UTC, datetime

import pytest

from app.initiatives.priorities import Candidate, Criteria, rank_initiatives, score_initiative
from app.scoring import PRIORITY_DEFAULTS

DEFAULTS = dict(PRIORITY_DEFAULTS)  # impact 30, saving 25, effort 15, fit 15, confidence 15 (sum 100)


def parts(score) -> dict:
    return {p.criterion: p for p in score.breakdown}


def test_a_complete_proposal_under_the_default_weights():
    # impact 4 → 4/5 × 30 = 24; saving at the maximum → 5/5 × 25 = 25; effort 2 → 6 − 2 = 4 → 4/5 × 15 = 12;
    # fit 3 → 3/5 × 15 = 9; confidence 5 → 15. Total 24 + 25 + 12 + 9 + 15 = 85.
    criteria = Criteria(customer_impact=4, yearly_saving=300_000, effort=2, strategic_fit=3, confidence=5)
    score = score_initiative(criteria, DEFAULTS, max_saving=300_000)
    assert score.total == pytest.approx(85)
    p = parts(score)
    assert [p[c].points for c in ("customer_impact", "saving", "effort", "strategic_fit", "confidence")] == [
        pytest.approx(24),
        pytest.approx(25),
        pytest.approx(12),
        pytest.approx(9),
        pytest.approx(15),
    ]
    assert (p["effort"].raw, p["effort"].normalised) == (2, 4)
    assert (p["saving"].raw, p["saving"].normalised, p["saving"].weight) == (300_000, 5, 25)


def test_saving_is_linear_against_the_largest_candidate():
    # £36,000 against a largest £300,000 is 12% → 0.6 of 5 → 0.6/5 × 25 = 3 points.
    score = score_initiative(Criteria(yearly_saving=36_000), DEFAULTS, max_saving=300_000)
    saving = parts(score)["saving"]
    assert saving.normalised == pytest.approx(0.6)
    assert saving.points == pytest.approx(3)
    assert "12%" in saving.note


def test_missing_criteria_count_as_zero_and_say_so():
    score = score_initiative(Criteria(customer_impact=5), DEFAULTS, max_saving=0)
    p = parts(score)
    assert score.total == pytest.approx(30)
    for criterion in ("effort", "strategic_fit", "confidence"):
        assert p[criterion].points == 0 and p[criterion].raw is None
        assert "not rated" in p[criterion].note
    assert p["saving"].points == 0 and "no saving" in p["saving"].note


def test_weights_need_not_sum_to_100():
    # Only impact and effort count, 2 : 1. Impact 3 → 3/5 × 2/3 × 100 = 40; effort 1 → 5 → 5/5 × 1/3 × 100 = 33.33.
    weights = {"customer_impact": 2, "saving": 0, "effort": 1, "strategic_fit": 0, "confidence": 0}
    criteria = Criteria(customer_impact=3, yearly_saving=1_000, effort=1, strategic_fit=5, confidence=5)
    score = score_initiative(criteria, weights, max_saving=1_000)
    assert score.total == pytest.approx(40 + 100 / 3)
    assert "weight 0" in parts(score)["strategic_fit"].note


def test_all_zero_weights_are_refused():
    with pytest.raises(ValueError):
        score_initiative(Criteria(customer_impact=3), dict.fromkeys(DEFAULTS, 0), max_saving=0)


def at(day: int) -> datetime:
    return datetime(2026, 1, day, 9, tzinfo=UTC)


def test_ranking_highest_first_with_saving_normalised_across_the_candidates():
    middling = {"customer_impact": 3, "effort": 3, "strategic_fit": 3, "confidence": 3}
    big = Candidate(1, at(1), Criteria(**middling, yearly_saving=300_000))
    small = Candidate(2, at(2), Criteria(**middling, yearly_saving=30_000))
    bold = Candidate(3, at(3), Criteria(customer_impact=5, yearly_saving=None, effort=1, strategic_fit=5, confidence=5))
    ranked = rank_initiatives([small, bold, big], DEFAULTS)
    # big: 18 + 25 + 9 + 9 + 9 = 70; small: 18 + 2.5 + 27 = 47.5; bold: 30 + 0 + 15 + 15 + 15 = 75.
    assert [(r.rank, r.candidate.id, round(r.score.total, 2)) for r in ranked] == [(1, 3, 75), (2, 1, 70), (3, 2, 47.5)]


def test_ties_go_to_the_larger_saving_then_the_older_proposal_then_the_lower_id():
    same = {"customer_impact": 3, "effort": 3, "strategic_fit": 3, "confidence": 3}
    # Saving weighs nothing here, so all four score the same and only the tie-break orders them.
    weights = {**DEFAULTS, "saving": 0}
    newer_bigger = Candidate(10, at(5), Criteria(**same, yearly_saving=50_000))
    older = Candidate(11, at(1), Criteria(**same, yearly_saving=10_000))
    newer = Candidate(12, at(3), Criteria(**same, yearly_saving=10_000))
    twin_of_newer = Candidate(9, at(3), Criteria(**same, yearly_saving=10_000))
    ranked = rank_initiatives([newer, older, twin_of_newer, newer_bigger], weights)
    totals = {round(r.score.total, 9) for r in ranked}
    assert len(totals) == 1
    assert [r.candidate.id for r in ranked] == [10, 11, 9, 12]
    # The order does not depend on the order given.
    again = rank_initiatives(list(reversed([newer, older, twin_of_newer, newer_bigger])), weights)
    assert [r.candidate.id for r in again] == [10, 11, 9, 12]


def test_nothing_to_rank():
    assert rank_initiatives([], DEFAULTS) == []


def test_parts_made_without_init_equal_the_dataclass_own():
    """score_initiative makes its Parts with every field given, not through the frozen __init__: the same
    objects (equal, hashed alike, every field set in order, still frozen)."""
    from dataclasses import FrozenInstanceError, fields

    from app.initiatives.priorities import Part

    criteria = Criteria(customer_impact=4, yearly_saving=1000.0, effort=2, strategic_fit=None, confidence=3)
    score = score_initiative(criteria, {**PRIORITY_DEFAULTS, "confidence": 0}, max_saving=4000.0)
    for part in score.breakdown:
        own = Part(**{f.name: getattr(part, f.name) for f in fields(Part)})
        assert type(part) is Part and part == own and hash(part) == hash(own)
        assert list(vars(part)) == [f.name for f in fields(Part)]
        with pytest.raises(FrozenInstanceError):
            part.points = 0.0  # type: ignore[misc]
