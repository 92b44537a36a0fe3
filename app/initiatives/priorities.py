"""Prioritising proposed initiatives: a weighted score out of 100, and a ranking.

Pure. Every criterion is brought to the same 0–5 scale ("normalised"), then

    points = normalised / 5 × weight / (sum of weights) × 100

so the points add up to a total out of 100 whatever the weights sum to.

- customer impact, strategic fit, confidence: the 1–5 rating as it is;
- effort: inverted, 6 − effort, so the easiest change (1) scores 5;
- yearly saving (failure demand removed, in money): linear against the largest
  saving among the candidates ranked together, saving / max saving × 5. Linear keeps
  the scale honest (an initiative saving half as much earns half the points) and
  is checkable by hand; the price is that one very large saving squeezes the
  others towards 0, which is the point of a saving criterion.

A criterion that has not been rated (or a saving that has not been estimated)
counts as 0 and says so in its note, so an unfinished proposal cannot outrank a
complete one by omission.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.common import made
from app.scoring import PRIORITY_DEFAULTS

CRITERIA = tuple(PRIORITY_DEFAULTS)
SCALE = 5


@dataclass(frozen=True)
class Criteria:
    """What a proposal claims: ratings 1–5, and the yearly saving in money."""

    customer_impact: int | None = None
    yearly_saving: float | None = None
    effort: int | None = None
    strategic_fit: int | None = None
    confidence: int | None = None


@dataclass(frozen=True)
class Part:
    criterion: str
    raw: float | None
    normalised: float  # 0 to 5
    weight: float  # as configured
    points: float  # this criterion's share of the total out of 100
    note: str = ""


@dataclass(frozen=True)
class Score:
    total: float  # 0 to 100
    breakdown: tuple[Part, ...]


@dataclass(frozen=True)
class Candidate:
    id: int
    created_at: datetime
    criteria: Criteria


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate: Candidate
    score: Score


def _rating(value: int | None, *, inverted: bool = False) -> tuple[float, str]:
    if value is None:
        return 0.0, "not rated; counts as 0"
    if inverted:
        return float(SCALE + 1 - value), f"6 − {value}: less effort scores higher"
    return float(value), ""


def _saving(saving: float | None, max_saving: float) -> tuple[float, str]:
    if saving is None or saving <= 0:
        return 0.0, "no saving estimated; counts as 0"
    if max_saving <= 0:
        return 0.0, "no candidate has a saving to compare with"
    share = min(saving / max_saving, 1.0)
    return share * SCALE, f"{share:.0%} of the largest saving among the candidates (£{max_saving:,.0f})"


def score_initiative(criteria: Criteria, weights: Mapping[str, float], *, max_saving: float) -> Score:
    """The weighted score of one proposal; `max_saving` is the largest saving it is ranked against."""
    total_weight = sum(weights.get(c, 0) for c in CRITERIA)
    if total_weight <= 0:
        raise ValueError("at least one weight must be above zero")
    values = {
        "customer_impact": (criteria.customer_impact, _rating(criteria.customer_impact)),
        "saving": (criteria.yearly_saving, _saving(criteria.yearly_saving, max_saving)),
        "effort": (criteria.effort, _rating(criteria.effort, inverted=True)),
        "strategic_fit": (criteria.strategic_fit, _rating(criteria.strategic_fit)),
        "confidence": (criteria.confidence, _rating(criteria.confidence)),
    }
    parts = []
    for criterion in CRITERIA:
        raw, (normalised, note) = values[criterion]
        weight = float(weights.get(criterion, 0))
        points = normalised / SCALE * weight / total_weight * 100
        if weight == 0:
            note = "; ".join(n for n in (note, "weight 0: not counted") if n)
        # Part(...) with every field given, as its __init__ makes it but without the frozen per-field
        # setattr calls: five a proposal, every proposal of every agenda.
        fields = {
            "criterion": criterion,
            "raw": raw,
            "normalised": normalised,
            "weight": weight,
            "points": points,
            "note": note,
        }
        parts.append(made(Part, fields))
    return made(Score, {"total": sum(p.points for p in parts), "breakdown": tuple(parts)})  # as Score(...) makes it


def rank_initiatives(candidates: Sequence[Candidate], weights: Mapping[str, float]) -> list[Ranked]:
    """Highest score first; ties go to the larger saving, then the older proposal, then the lower id."""
    max_saving = max((c.criteria.yearly_saving or 0 for c in candidates), default=0)
    scored = [(c, score_initiative(c.criteria, weights, max_saving=max_saving)) for c in candidates]
    # Rounded, so two proposals with equal ratings tie exactly despite float noise.
    scored.sort(
        key=lambda cs: (-round(cs[1].total, 6), -(cs[0].criteria.yearly_saving or 0), cs[0].created_at, cs[0].id)
    )
    ranked = []
    for i, (c, s) in enumerate(scored, start=1):
        ranked.append(made(Ranked, {"rank": i, "candidate": c, "score": s}))  # as Ranked(...) makes it
    return ranked
