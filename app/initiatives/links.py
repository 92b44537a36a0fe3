"""An initiative's links: the departments taking part and the measures it should move."""

from sqlmodel import Session, col, func, select

from app.common import today_in
from app.councils.service import check_department
from app.errors import Invalid
from app.initiatives.schemas import LinkedMeasure, MeasureLinkIn
from app.measures.stats import is_better
from app.models import Council, Initiative, InitiativeDepartment, InitiativeMeasure, Measure, Reading


def latest_readings(*, session: Session, measure_ids: list[int]) -> dict[int, Reading]:
    """Each measure's most recent reading, in one query."""
    if not measure_ids:
        return {}
    latest = (
        select(Reading.measure_id, func.max(Reading.period).label("period"))
        .where(col(Reading.measure_id).in_(measure_ids))
        .group_by(col(Reading.measure_id))
        .subquery()
    )
    rows = session.exec(
        select(Reading).join(latest, (Reading.measure_id == latest.c.measure_id) & (Reading.period == latest.c.period))
    )
    return {r.measure_id: r for r in rows}


def linked_measure(*, link: InitiativeMeasure, measure: Measure, current: Reading | None) -> LinkedMeasure:
    """Baseline against now, and whether the move is good news given the measure's direction."""
    change = movement = None
    if current is not None and link.baseline_value is not None:
        change = current.value - link.baseline_value
        if change == 0:
            movement = "flat"
        else:
            movement = "improving" if is_better(measure.direction, current.value, link.baseline_value) else "worsening"
    return LinkedMeasure(
        measure_id=measure.id,
        name=measure.name,
        unit=measure.unit,
        direction=measure.direction,
        baseline_value=link.baseline_value,
        baseline_on=link.baseline_on,
        current_value=current.value if current else None,
        current_on=current.period if current else None,
        change=change,
        movement=movement,
    )


def set_departments(*, session: Session, council: Council, initiative: Initiative, department_ids: list[int]) -> bool:
    """Replace the departments taking part; True when the set changed."""
    wanted = list(dict.fromkeys(department_ids))
    for department_id in wanted:
        check_department(session=session, council=council, department_id=department_id, field="department_ids")
    existing = {
        link.department_id: link
        for link in session.exec(
            select(InitiativeDepartment).where(InitiativeDepartment.initiative_id == initiative.id)
        )
    }
    for department_id, link in existing.items():
        if department_id not in wanted:
            session.delete(link)
    for department_id in wanted:
        if department_id not in existing:
            session.add(InitiativeDepartment(initiative_id=initiative.id, department_id=department_id))
    return set(existing) != set(wanted)


def set_measures(*, session: Session, council: Council, initiative: Initiative, links_in: list[MeasureLinkIn]) -> bool:
    """Replace the linked measures (True when anything changed); a linked measure keeps its baseline unless given."""
    seen: set[int] = set()
    for link_in in links_in:
        if link_in.measure_id in seen:
            raise Invalid(f"Measure {link_in.measure_id} is listed twice.", field="measures")
        seen.add(link_in.measure_id)
        measure = session.get(Measure, link_in.measure_id)
        if measure is None or measure.council_id != council.id:
            raise Invalid(f"Measure {link_in.measure_id} is not a measure of this council.", field="measures")
    existing = {
        link.measure_id: link
        for link in session.exec(select(InitiativeMeasure).where(InitiativeMeasure.initiative_id == initiative.id))
    }
    changed = set(existing) != seen
    for measure_id, link in existing.items():
        if measure_id not in seen:
            session.delete(link)
    latest = latest_readings(session=session, measure_ids=[m for m in seen if m not in existing])
    today = today_in(council.timezone)
    for link_in in links_in:
        given = "baseline_value" in link_in.model_fields_set
        link = existing.get(link_in.measure_id)
        if link is not None and (not given or link.baseline_value == link_in.baseline_value):
            continue
        changed = True
        if link is None:
            link = InitiativeMeasure(initiative_id=initiative.id, measure_id=link_in.measure_id)
        if given:
            link.baseline_value = link_in.baseline_value
            link.baseline_on = today if link_in.baseline_value is not None else None
        else:
            reading = latest.get(link_in.measure_id)
            link.baseline_value = reading.value if reading else None
            link.baseline_on = reading.period if reading else None
        session.add(link)
    return changed
