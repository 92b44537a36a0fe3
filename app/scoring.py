"""The weights a council scores by: defaults, the allowed keys, and what is in effect.

`Council.priority_weights` (initiative prioritisation) and `Council.scorecard_weights`
(the department scorecard) are stored as JSON; null means the defaults below. What is
stored is always a complete set, so a later change of default never changes a council
that chose its own weights.
"""

from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, Field

# Criteria for ranking proposed initiatives (see app/initiatives/priorities.py).
PRIORITY_DEFAULTS: dict[str, float] = {
    "customer_impact": 30,
    "saving": 25,
    "effort": 15,
    "strategic_fit": 15,
    "confidence": 15,
}
# Components of a department's score (see app/reports/scorecard.py). After the
# Applied Materials practice: the action plan weighs most, the trend of negative
# comment themes less, the survey rating least.
SCORECARD_DEFAULTS: dict[str, float] = {
    "action_plan": 50,
    "comment_trend": 30,
    "survey_rating": 20,
}
MAX_WEIGHT = 1000

Weight = Annotated[float, Field(strict=True, ge=0, le=MAX_WEIGHT, allow_inf_nan=False)]


def _known_keys(defaults: Mapping[str, float]):
    def check(value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(defaults))
        if unknown:
            raise ValueError(f"unknown key(s) {', '.join(unknown)}; use {', '.join(defaults)}")
        return value

    return check


# Request shapes: a partial set is merged over the weights in effect (see merge_weights).
PriorityWeightsIn = Annotated[dict[str, Weight], AfterValidator(_known_keys(PRIORITY_DEFAULTS))]
ScorecardWeightsIn = Annotated[dict[str, Weight], AfterValidator(_known_keys(SCORECARD_DEFAULTS))]


def effective_weights(stored: Mapping[str, float] | None, defaults: Mapping[str, float]) -> dict[str, float]:
    """The weights in effect: what is stored (known keys only), the default for anything missing."""
    stored = stored or {}
    return {key: float(stored.get(key, default)) for key, default in defaults.items()}


def merge_weights(
    stored: Mapping[str, float] | None, changes: Mapping[str, float], defaults: Mapping[str, float]
) -> dict[str, float]:
    """The complete set after applying `changes`; ValueError when every weight would be zero."""
    merged = {**effective_weights(stored, defaults), **{k: float(v) for k, v in changes.items()}}
    if not any(merged.values()):
        raise ValueError("at least one weight must be above zero")
    return merged
