"""Rows more than one section shows: who sits in a seat, and one row per measure.

build_agenda derives them once and hands them to the sections that need them.
"""

from collections.abc import Callable

from pydantic import TypeAdapter

from app.agendas import model as m
from app.agendas.data import AgendaData
from app.measures.stats import measure_stats

# seat id → the person's name (None for no seat)
NameOf = Callable[[int | None], str | None]


def name_of_seat(data: AgendaData) -> NameOf:
    """seat id → the person's name (None for no seat)."""
    seats = {s.id: s for s in data.seats}
    return lambda seat_id: seats[seat_id].name if seat_id in seats else None


# The measure rows validated as one list: one call into pydantic-core for hundreds of rows.
MEASURE_ROWS = TypeAdapter(list[m.MeasureRow])


def measure_rows(data: AgendaData) -> dict[int, m.MeasureRow]:
    """measure id → its agenda row: latest reading, change, status and trend."""
    name_of = name_of_seat(data)
    departments = {d.id: d.name for d in data.departments}
    journeys = {j.id: j.name for j in data.journeys}
    stats = {
        measure.id: measure_stats(
            direction=measure.direction,
            target=measure.target,
            readings=data.readings.get(measure.id, ()),
            presorted=True,  # load_agenda_data reads them by period
        )
        for measure in data.measures
    }
    # "Stale": no reading for the council's latest period.
    latest_period = max((s.latest.period for s in stats.values() if s.latest), default=None)
    fields = []
    for measure in data.measures:
        s = stats[measure.id]
        measure_id = measure.id
        # The trend's points are the stats' own frozen Points (m.Point is the same
        # class): validation accepts them as they are, shared rather than copied.
        # (Validating in pydantic-core is faster than model_construct's Python loop.)
        fields.append(
            {
                "id": measure_id,
                "name": measure.name,
                "kind": measure.kind,
                "category": measure.category,
                "unit": measure.unit,
                "direction": measure.direction,
                "target": measure.target,
                "owner_name": name_of(measure.owner_id),
                "scope": measure.scope,
                "department": departments.get(measure.department_id),
                "journey": journeys.get(measure.journey_id),
                "latest": s.latest,
                "previous": s.previous,
                "change": s.change,
                "on_target": s.on_target,
                "movement": s.movement,
                "status": s.status,
                "stale": s.latest is None or (latest_period is not None and s.latest.period < latest_period),
                "trend": list(s.trend),
                "chart_url": f"/api/measures/{measure_id}/chart.svg",
            }
        )
    return {row.id: row for row in MEASURE_ROWS.validate_python(fields)}
