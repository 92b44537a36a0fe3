"""Rows more than one section shows: who sits in a seat, and one row per measure.

build_agenda derives them once and hands them to the sections that need them.
"""

from collections.abc import Callable

from app.agendas import model as m
from app.agendas.built import built
from app.agendas.data import AgendaData
from app.measures.stats import TREND_PERIODS, judge

# seat id → the person's name (None for no seat)
NameOf = Callable[[int | None], str | None]


def name_of_seat(data: AgendaData) -> NameOf:
    """seat id → the person's name (None for no seat)."""
    # The dict's own get: called for every measure, initiative and journey, a lambda costs more.
    return {s.id: s.name for s in data.seats}.get


def measure_rows(data: AgendaData) -> dict[int, m.MeasureRow]:
    """measure id → its agenda row: latest reading, change, status and trend."""
    name_of = name_of_seat(data)
    departments = {d.id: d.name for d in data.departments}
    journeys = {j.id: j.name for j in data.journeys}
    readings = data.readings  # measure id → its points, oldest first (load_agenda_data reads them by period)
    # "Stale": no reading for the council's latest period.
    latest_period = max((readings[x.id][-1].period for x in data.measures if readings.get(x.id)), default=None)
    rows = {}
    for measure in data.measures:
        measure_id, target = measure.id, measure.target
        ordered = readings.get(measure_id, ())
        latest = ordered[-1] if ordered else None
        previous = ordered[-2] if len(ordered) > 1 else None
        change, on_target, movement, status = judge(measure.direction, target, latest, previous)
        # The trend's points are the readings' own frozen Points (m.Point is the same class),
        # shared rather than copied; every value below is already of its field's type.
        rows[measure_id] = built(
            m.MeasureRow,
            {
                "id": measure_id,
                "name": measure.name,
                "kind": measure.kind,
                "category": measure.category,
                "unit": measure.unit,
                "direction": measure.direction,
                "target": None if target is None else float(target),
                "owner_name": name_of(measure.owner_id),
                "scope": measure.scope,
                "department": departments.get(measure.department_id),
                "journey": journeys.get(measure.journey_id),
                "latest": latest,
                "previous": previous,
                "change": None if change is None else float(change),
                "on_target": on_target,
                "movement": movement,
                "status": status,
                "stale": latest is None or (latest_period is not None and latest.period < latest_period),
                "trend": list(ordered[-TREND_PERIODS:]),
                "chart_url": f"/api/measures/{measure_id}/chart.svg",
            },
        )
    return rows
