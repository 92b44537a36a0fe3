"""The pieces of the agenda that need more than a line: measures, actions, scorecards,
initiatives and journeys. Pure, like build_agenda, which assembles them."""

from datetime import date
from zoneinfo import ZoneInfo

from app.agendas import model as m
from app.agendas.data import AgendaData
from app.agendas.voice import loop_facts
from app.initiatives.economics import initiative_economics
from app.journeys.matrix import MatrixDepartment, MatrixStep, journey_matrix
from app.measures.stats import is_better, measure_stats
from app.models import CLOSED_STATUSES, Measure
from app.reports.scorecard import MeasureFact, score_department


def name_of_seat(data: AgendaData):
    """seat id → the person's name (None for no seat)."""
    seats = {s.id: s for s in data.seats}
    return lambda seat_id: seats[seat_id].name if seat_id in seats else None


def measure_rows(data: AgendaData) -> dict[int, m.MeasureRow]:
    name_of = name_of_seat(data)
    departments = {d.id: d.name for d in data.departments}
    journeys = {j.id: j.name for j in data.journeys}
    stats = {
        measure.id: measure_stats(
            direction=measure.direction,
            target=measure.target,
            readings=data.readings.get(measure.id, ()),
        )
        for measure in data.measures
    }
    # "Stale": no reading for the council's latest period.
    latest_period = max((s.latest.period for s in stats.values() if s.latest), default=None)
    rows = {}
    for measure in data.measures:
        s = stats[measure.id]

        # The trend's points are the stats' own frozen Points (m.Point is the same
        # class): validation accepts them as they are, shared rather than copied.
        # (Validating in pydantic-core is faster than model_construct's Python loop.)
        rows[measure.id] = m.MeasureRow(
            id=measure.id,
            name=measure.name,
            kind=measure.kind,
            category=measure.category,
            unit=measure.unit,
            direction=measure.direction,
            target=measure.target,
            owner_name=name_of(measure.owner_id),
            scope=measure.scope,
            department=departments.get(measure.department_id),
            journey=journeys.get(measure.journey_id),
            latest=s.latest,
            previous=s.previous,
            change=s.change,
            on_target=s.on_target,
            movement=s.movement,
            status=s.status,
            stale=s.latest is None or (latest_period is not None and s.latest.period < latest_period),
            trend=list(s.trend),
            chart_url=f"/api/measures/{measure.id}/chart.svg",
        )
    return rows


def action_row(fact, today: date, zone: ZoneInfo) -> m.ActionRow:
    action = fact.action
    closed = action.status in CLOSED_STATUSES
    overdue = not closed and action.due_on < today
    closed_on = action.closed_at.astimezone(zone).date() if action.closed_at else None
    return m.ActionRow(
        id=action.id,
        title=action.title,
        owner_name=fact.owner_name,
        department=None,
        due_on=action.due_on,
        status=action.status,
        percent_complete=action.percent_complete,
        overdue=overdue,
        days_overdue=(today - action.due_on).days if overdue else 0,
        closed_at=action.closed_at,
        closed_on_time=(action.status == "done" and closed_on is not None and closed_on <= action.due_on)
        if closed
        else None,
    )


def actions_section(data: AgendaData, base: dict, zone: ZoneInfo) -> m.ActionsSection:
    departments = {d.id: d.name for d in data.departments}
    rows = []
    for fact in data.actions:
        row = action_row(fact, data.today, zone)
        row.department = departments.get(fact.action.department_id)
        rows.append(row)
    open_rows = [r for r in rows if r.status not in CLOSED_STATUSES]
    closed_rows = [r for r in rows if r.status in CLOSED_STATUSES]
    done_rows = [r for r in closed_rows if r.status == "done"]
    on_time = sum(1 for r in done_rows if r.closed_on_time)
    notes = []
    overdue = [r for r in open_rows if r.overdue]
    if overdue:
        notes.append(f"{len(overdue)} open action{'s are' if len(overdue) != 1 else ' is'} overdue.")
    if not rows:
        notes.append("No actions on the log yet.")
    previous = data.previous
    if previous:
        held_on = previous.scheduled_at.astimezone(zone).strftime("%-d %B %Y")
        minutes = f"Approve the minutes of meeting {previous.number}, held on {held_on}."
    else:
        minutes = "This is the council's first meeting: there are no previous minutes to approve."
    return m.ActionsSection(
        **base,
        notes=notes,
        previous_minutes=minutes,
        open_actions=open_rows,
        closed_since_previous=closed_rows,
        on_time_rate=round(on_time / len(done_rows) * 100, 1) if done_rows else None,
        closed_on_time=on_time,
        closed_count=len(done_rows),
    )


def department_scorecard(data: AgendaData, department_id: int, measures: list[Measure], weights) -> m.Scorecard:
    def fact(measure: Measure) -> MeasureFact:
        return MeasureFact(
            name=measure.name,
            direction=measure.direction,
            target=measure.target,
            readings=tuple(data.readings.get(measure.id, ())),
        )

    loop = data.loop or loop_facts(data)
    score = score_department(
        plan_metrics=loop.plan_metrics.get(department_id, ()),
        feedback=loop.feedback.get(department_id),
        action_counts=data.department_action_counts.get(department_id),
        comment_measures=[fact(x) for x in measures if x.category == "comment_theme"],
        survey_measures=[fact(x) for x in measures if x.category == "survey_rating"],
        weights=weights,
        today=data.today,
    )
    return m.Scorecard(
        total=round(score.total, 1) if score.total is not None else None,
        components=[
            m.ScoreComponent(
                component=c.component,
                label=c.label,
                value=round(c.value, 1) if c.value is not None else None,
                weight=c.weight,
                points=round(c.points, 1),
                detail="; ".join(c.inputs),
            )
            for c in score.components
        ],
        note=" ".join(score.notes),
        delivery=score.delivery,
    )


def links_by_initiative(data: AgendaData) -> dict[int, list]:
    """initiative id → its measure links, grouped once rather than searched per initiative."""
    links: dict[int, list] = {}
    for link in data.initiative_measures:
        links.setdefault(link.initiative_id, []).append(link)
    return links


def initiative_row(data: AgendaData, initiative, links: list, measure_rows, name_of) -> m.InitiativeRow:
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
        linked.append(
            m.LinkedMeasure(
                measure_id=row.id,
                name=row.name,
                unit=row.unit,
                baseline=baseline,
                current=current,
                change=change,
                movement=movement,
            )
        )
    economics = initiative_economics(
        failure_volume_per_year=initiative.failure_volume_per_year,
        unit_cost=initiative.unit_cost,
        implementation_cost=initiative.implementation_cost,
    )
    return m.InitiativeRow(
        id=initiative.id,
        title=initiative.title,
        status=initiative.status,
        owner_name=name_of(initiative.owner_id),
        rag=initiative.rag,
        percent_complete=initiative.percent_complete,
        start_on=initiative.start_on,
        target_on=initiative.target_on,
        overdue=bool(initiative.target_on and initiative.target_on < data.today),
        yearly_saving=economics.yearly_saving,
        measures=linked,
    )


def journey_issues(data: AgendaData, name_of) -> tuple[list[m.JourneyIssue], list[str]]:
    departments = [MatrixDepartment(id=d.id, name=d.name, is_external=d.is_external) for d in data.departments]
    responsibilities: dict[int, dict[int, str]] = {}
    for link in data.step_departments:
        responsibilities.setdefault(link.step_id, {})[link.department_id] = link.responsibility
    steps_of: dict[int, list[MatrixStep]] = {}
    for s in data.steps:
        steps_of.setdefault(s.journey_id, []).append(
            MatrixStep(
                id=s.id,
                position=s.position,
                name=s.name,
                channel=s.channel,
                responsibilities=responsibilities.get(s.id, {}),
            )
        )
    issues, notes = [], []
    for journey in data.journeys:
        steps = steps_of.get(journey.id, [])
        if not steps:
            notes.append(f"Journey “{journey.name}” has no steps mapped yet.")
            continue
        matrix = journey_matrix(steps, departments)
        if matrix.gaps or matrix.overlaps:
            issues.append(
                m.JourneyIssue(
                    journey_id=journey.id,
                    name=journey.name,
                    owner_name=name_of(journey.owner_id),
                    gaps=[g.step.name for g in matrix.gaps],
                    overlaps=[f"{o.step.name} ({', '.join(d.name for d in o.owners)})" for o in matrix.overlaps],
                )
            )
        if journey.owner_id is None:
            notes.append(f"Journey “{journey.name}” has no journey owner.")
    return issues, notes
