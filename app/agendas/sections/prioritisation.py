"""Section 7: proposed initiatives ranked by the council's priority weights."""

from app.agendas import model as m
from app.agendas.built import built, real
from app.agendas.data import AgendaData
from app.agendas.sections.rows import NameOf
from app.common import made
from app.initiatives.economics import initiative_economics
from app.initiatives.priorities import Candidate, Criteria, rank_initiatives
from app.models import InitiativeStatus
from app.scoring import PRIORITY_DEFAULTS, effective_weights


def build_prioritisation(data: AgendaData, base: dict, name_of: NameOf) -> m.PrioritisationSection:
    """The proposals waiting for a decision, best first, each with its score's breakdown and economics."""
    proposed = [i for i in data.initiatives if i.status == InitiativeStatus.proposed]
    economics = {
        i.id: initiative_economics(
            failure_volume_per_year=i.failure_volume_per_year,
            unit_cost=i.unit_cost,
            implementation_cost=i.implementation_cost,
        )
        for i in proposed
    }
    ranked = rank_initiatives(
        [
            # The frozen dataclasses made with every field given, without their per-field setattr calls.
            made(
                Candidate,
                {
                    "id": i.id,
                    "created_at": i.created_at,
                    "criteria": made(
                        Criteria,
                        {
                            "customer_impact": i.customer_impact,
                            "yearly_saving": economics[i.id].yearly_saving,
                            "effort": i.effort,
                            "strategic_fit": i.strategic_fit,
                            "confidence": i.confidence,
                        },
                    ),
                },
            )
            for i in proposed
        ],
        effective_weights(data.council.priority_weights, PRIORITY_DEFAULTS),
    )
    by_id = {i.id: i for i in proposed}
    # Made, not validated again: each float field is given a float (real), the rest their own types.
    proposals = [
        built(
            m.Proposal,
            {
                "rank": r.rank,
                "id": r.candidate.id,
                "title": by_id[r.candidate.id].title,
                "proposed_by": name_of(by_id[r.candidate.id].proposed_by_id),
                "score": round(float(r.score.total), 1),
                "breakdown": [
                    built(
                        m.PriorityComponent,
                        {
                            "criterion": p.criterion,
                            "raw": real(p.raw),
                            "normalised": round(float(p.normalised), 2),
                            "weight": float(p.weight),
                            "points": round(float(p.points), 1),
                        },
                    )
                    for p in r.score.breakdown
                ],
                "yearly_saving": float(economics[r.candidate.id].yearly_saving),
                "net_saving": float(economics[r.candidate.id].net_first_year),
                "payback_months": real(economics[r.candidate.id].payback_months),
            },
        )
        for r in ranked
    ]
    return m.PrioritisationSection(
        **base,
        notes=[] if proposals else ["No proposed initiatives waiting for a decision."],
        proposals=proposals,
    )
