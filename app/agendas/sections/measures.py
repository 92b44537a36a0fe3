"""Sections 2 and 6: the overall measures, and the review of every measure and journey."""

from app.agendas import model as m
from app.agendas.built import built
from app.agendas.data import AgendaData
from app.agendas.sections.rows import NameOf
from app.agendas.voice import flag_notes, overall_voice, theme_flags
from app.common import made
from app.journeys.matrix import MatrixDepartment, MatrixStep, gaps_and_overlaps


def build_overall_measures(data: AgendaData, base: dict, rows: list[m.MeasureRow]) -> m.OverallMeasuresSection:
    """The council-wide measures (NPS, satisfaction) and the customer's voice: the goal-support rating
    and the top negative themes; a note when there are none to show."""
    overall = [r for r in rows if r.scope == "overall"]
    notes = [] if overall else ["No overall measures yet: add NPS or satisfaction measures to report here."]
    if overall and not any(r.latest for r in overall):
        notes.append("No readings yet for the overall measures.")
    return m.OverallMeasuresSection(
        **base, notes=notes, measures=overall, voice=overall_voice(data.voice) if data.voice else None
    )


def journey_issues(data: AgendaData, name_of: NameOf) -> tuple[list[m.JourneyIssue], list[str]]:
    """Journeys whose steps nobody serves or several departments claim, and notes on unmapped ones."""
    departments = [MatrixDepartment(id=d.id, name=d.name, is_external=d.is_external) for d in data.departments]
    responsibilities: dict[int, dict[int, str]] = {}
    for link in data.step_departments:
        responsibilities.setdefault(link.step_id, {})[link.department_id] = link.responsibility
    steps_of: dict[int, list[MatrixStep]] = {}
    for s in data.steps:
        # Hundreds of steps: the frozen dataclass made without its per-field setattr calls.
        steps_of.setdefault(s.journey_id, []).append(
            made(
                MatrixStep,
                {
                    "id": s.id,
                    "position": s.position,
                    "name": s.name,
                    "channel": s.channel,
                    "responsibilities": responsibilities.get(s.id, {}),
                },
            )
        )
    issues, notes = [], []
    for journey in data.journeys:
        steps = steps_of.get(journey.id, [])
        if not steps:
            notes.append(f"Journey “{journey.name}” has no steps mapped yet.")
            continue
        gaps, overlaps = gaps_and_overlaps(steps, departments)
        if gaps or overlaps:
            # Made, not validated again: the journey's and steps' own names, lists of str.
            fields = {
                "journey_id": journey.id,
                "name": journey.name,
                "owner_name": name_of(journey.owner_id),
                "gaps": [g.name for g in gaps],
                "overlaps": [f"{o.step.name} ({', '.join(d.name for d in o.owners)})" for o in overlaps],
            }
            issues.append(built(m.JourneyIssue, fields))
        if journey.owner_id is None:
            notes.append(f"Journey “{journey.name}” has no journey owner.")
    return issues, notes


def build_measures_review(
    data: AgendaData, base: dict, rows: list[m.MeasureRow], name_of: NameOf
) -> m.MeasuresReviewSection:
    """Measures off target, worsening, stale or without a target or owner; journey gaps and overlaps."""
    journeys, journey_notes = journey_issues(data, name_of)
    notes = [] if data.measures else ["No customer measures yet."]
    notes += journey_notes
    if not data.journeys:
        notes.append("No customer journeys mapped yet: gaps and overlaps cannot be checked.")
    flags = theme_flags(data.voice) if data.voice else None
    # The five lists in one pass over the rows (each in the rows' order, as five passes made them).
    off_target, worsening, stale, missing_target, missing_owner = [], [], [], [], []
    for r in rows:
        if r.on_target is False:
            off_target.append(r)
        if r.movement == "worsening":
            worsening.append(r)
        if r.stale:
            stale.append(r)
        if r.target is None:
            missing_target.append(r)
        if r.owner_name is None:
            missing_owner.append(r)
    return m.MeasuresReviewSection(
        **base,
        notes=notes + flag_notes(flags),
        themes=flags,
        journeys=journeys,
        off_target=off_target,
        worsening=worsening,
        stale=stale,
        missing_target=missing_target,
        missing_owner=missing_owner,
    )
