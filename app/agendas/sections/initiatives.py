"""Section 5: the approved and in-progress initiatives, with their linked measures."""

from datetime import date

from app.agendas import model as m
from app.agendas.built import built, real
from app.agendas.data import AgendaData
from app.agendas.sections.actions import counted_to
from app.agendas.sections.rows import NameOf
from app.display import RAG_HEADING, status_word
from app.initiatives.economics import initiative_economics
from app.measures.stats import is_better
from app.models import InitiativeStatus


def links_by_initiative(data: AgendaData) -> dict[int, list]:
    """initiative id → its measure links, grouped once rather than searched per initiative."""
    links: dict[int, list] = {}
    for link in data.initiative_measures:
        links.setdefault(link.initiative_id, []).append(link)
    return links


def initiative_row(
    data: AgendaData, initiative, links: list, measure_rows, name_of: NameOf, day: date | None = None
) -> m.InitiativeRow:
    """One initiative: owner, RAG, progress, saving, and its measures against their baselines (`day`:
    counted_to(data), given by a caller making many rows)."""
    day = day or counted_to(data)
    linked = []
    for link in links:
        if link.measure_id not in measure_rows:
            continue
        row = measure_rows[link.measure_id]
        current = row.latest.value if row.latest else None
        baseline = link.baseline_value
        change = current - baseline if current is not None and baseline is not None else None
        movement = None
        if change is not None:
            direction = row.direction
            movement = "flat" if change == 0 else ("better" if is_better(direction, current, baseline) else "worse")
        # Made, not validated again: the row's and the link's values are already of these types.
        linked.append(
            built(
                m.AgendaLinkedMeasure,
                {
                    "measure_id": row.id,
                    "name": row.name,
                    "unit": row.unit,
                    "baseline": real(baseline),
                    "current": real(current),
                    "direction": row.direction,
                    "change": real(change),
                    "movement": movement,
                },
            )
        )
    economics = initiative_economics(
        failure_volume_per_year=initiative.failure_volume_per_year,
        unit_cost=initiative.unit_cost,
        implementation_cost=initiative.implementation_cost,
    )
    return built(
        m.InitiativeRow,
        {
            "id": initiative.id,
            "title": initiative.title,
            "status": initiative.status,
            "owner_name": name_of(initiative.owner_id),
            "rag": initiative.rag,
            "percent_complete": initiative.percent_complete,
            "start_on": initiative.start_on,
            "target_on": initiative.target_on,
            "overdue": bool(initiative.target_on and initiative.target_on < day),
            "yearly_saving": float(economics.yearly_saving),
            "measures": linked,
            "papers": [],
        },
    )


def build_initiatives(
    data: AgendaData, base: dict, measure_rows: dict[int, m.MeasureRow], name_of: NameOf
) -> m.InitiativesSection:
    """Current initiatives, with notes on those past their target date or off track."""
    links = links_by_initiative(data)
    day = counted_to(data)
    current = [
        initiative_row(data, i, links.get(i.id, []), measure_rows, name_of, day)
        for i in data.initiatives
        if i.status in (InitiativeStatus.approved, InitiativeStatus.in_progress)
    ]
    notes = [] if current else ["No approved or in-progress initiatives."]
    late = [i.title for i in current if i.overdue]
    if late:
        notes.append(f"Past their target date: {', '.join(late)}.")
    red = [i.title for i in current if i.rag == "red"]
    if red:
        notes.append(f"{RAG_HEADING} {status_word('red').lower()}: {', '.join(red)}.")
    return m.InitiativesSection(**base, notes=notes, initiatives=current)
