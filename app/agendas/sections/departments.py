"""Sections 3 and 4: each department's measures, scorecard and report, and the best
practice those reports offer."""

from app.agendas import model as m
from app.agendas.built import built
from app.agendas.data import AgendaData
from app.agendas.sections.rows import measure_rows as all_measure_rows
from app.agendas.voice import department_entry_voice, loop_facts, plan_metrics_by_department
from app.models import Measure
from app.reports.facts import LoopFacts
from app.reports.score_parts import (
    average,
    comment_trend_from_feedback,
    latest_survey_score,
    measure_fact,
    plan_metric_score,
)
from app.reports.scorecard import (
    LABELS,
    NO_PLAN_METRIC,
    comment_trend_part,
    delivery_line,
    left_out_note,
    survey_part,
    weigh,
)
from app.scoring import SCORECARD_DEFAULTS, effective_weights


def department_scorecard(
    data: AgendaData,
    department_id: int,
    measures: list[Measure],
    weights,
    loop: LoopFacts | None = None,
    rows: dict[int, m.MeasureRow] | None = None,
) -> m.AgendaScorecard:
    """The department's scorecard from its action counts and its comment and survey measures (`rows`:
    the measures' agenda rows, `measure_rows`, when the caller has made them already).

    `score_department`'s scorecard as the agenda shows it, made straight from the parts (`weigh`) without
    its `Component`s and `DepartmentScore` on the way, and the survey measures scored on their rows' latest
    readings without a `MeasureFact` each: forty departments a build (tests/agendas/test_agenda_built.py
    checks it against `score_department` on generated facts)."""
    rows = all_measure_rows(data) if rows is None else rows
    loop = loop or data.loop or loop_facts(data)
    feedback = loop.feedback.get(department_id)
    today = data.today
    comment_measures, survey_results = [], []
    for x in measures:
        category = x.category
        if category == "survey_rating":
            # Scored on its latest reading alone (survey_measure_score), which the row has found already.
            survey_results.append(latest_survey_score(x.name, x.direction, x.target, rows[x.id].latest))
        elif category == "comment_theme":
            comment_measures.append(x)
    if feedback is not None and feedback.themes:
        comment = comment_trend_from_feedback(feedback, today=today)
    else:
        # Scored on its trend, the last TREND_PERIODS readings by period (theme_measure_score): the row's.
        facts = [measure_fact(x.name, x.direction, x.target, tuple(rows[x.id].trend)) for x in comment_measures]
        comment = comment_trend_part(feedback, facts, today)
    values = {
        "action_plan": average(
            [plan_metric_score(fact) for fact in loop.plan_metrics.get(department_id, ())], NO_PLAN_METRIC
        ),
        "comment_trend": comment,
        "survey_rating": survey_part(feedback, survey_results, today),
    }
    parts, total, notes = weigh(values, weights)
    # Every value below is of its field's type (the parts' figures are floats): made, not validated again.
    return built(
        m.AgendaScorecard,
        {
            "total": round(total, 1) if total is not None else None,
            "components": [
                built(
                    m.AgendaScoreComponent,
                    {
                        "component": c,
                        "label": LABELS[c],
                        "value": round(float(value), 1) if value is not None else None,
                        "weight": weight,
                        "points": round(float(points), 1),
                        "detail": "; ".join(inputs),
                    },
                )
                for c, value, weight, _, points, inputs, _ in parts
            ],
            "note": " ".join(notes),
            "delivery": delivery_line(data.department_action_counts.get(department_id)),
        },
    )


def build_department_reports(
    data: AgendaData, base: dict, measure_rows: dict[int, m.MeasureRow]
) -> m.DepartmentReportsSection:
    """One entry a department, with a note naming those that have not reported yet."""
    weights = effective_weights(data.council.scorecard_weights, SCORECARD_DEFAULTS)
    reports = {report.department_id: (report, author) for report, author in data.reports}
    department_measures: dict[int, list] = {}
    for x in data.measures:
        if x.scope == "department":
            department_measures.setdefault(x.department_id, []).append(x)
    # Grouped once: a pass over the seats or the measures per department grows as their product.
    presenters: dict[int, list[str]] = {}
    for s in data.seats:
        presenters.setdefault(s.department_id, []).append(s.name)
    plan_metrics = plan_metrics_by_department(data, measure_rows)
    loop = data.loop or loop_facts(data)
    entries, missing = [], []
    for department in data.departments:
        own_measures = department_measures.get(department.id, [])
        found = reports.get(department.id)
        if found is None:
            missing.append(department.name)
        # Made from values already of their fields' types (typed columns, the rows and models built above).
        entries.append(
            built(
                m.DepartmentEntry,
                {
                    "department_id": department.id,
                    "name": department.name,
                    "is_external": bool(department.is_external),
                    "presenters": presenters.get(department.id, []),
                    "measures": [measure_rows[x.id] for x in own_measures],
                    "scorecard": department_scorecard(data, department.id, own_measures, weights, loop, measure_rows),
                    "report": report_body(*found) if found else None,
                    "submitted": found is not None,
                    "voice": department_entry_voice(
                        data, department.id, measure_rows, plan_metrics.get(department.id, [])
                    ),
                    "papers": [],
                },
            )
        )
    notes = []
    if not data.departments:
        notes.append("No departments yet: add the departments that sit on the council.")
    elif missing:
        notes.append(f"Not submitted yet: {', '.join(missing)}.")
    if left_out := left_out_note({e.name: e.scorecard for e in entries if e.scorecard}):
        notes.append(left_out)  # once for every scorecard in the section
    return m.DepartmentReportsSection(**base, notes=notes, departments=entries)


def report_body(report, author_name: str | None) -> m.ReportBody:
    """A department's report as the agenda shows it."""
    fields = {
        "id": report.id,
        "summary": report.summary,
        "improvements": report.improvements,
        "best_practice": report.best_practice,
        "author_name": author_name,
        "updated_at": report.updated_at,
    }
    return built(m.ReportBody, fields)


def build_best_practice(base: dict, departments: list[m.DepartmentEntry]) -> m.BestPracticeSection:
    """The best practice offered in the department reports, one item a department."""
    # Made, not validated again: the entries' own name and report fields, already of these types.
    items = [
        built(m.BestPractice, {"department": e.name, "text": e.report.best_practice, "report_id": e.report.id})
        for e in departments
        if e.report and e.report.best_practice.strip()
    ]
    return m.BestPracticeSection(
        **base,
        notes=[] if items else ["No best practice offered in this meeting's department reports yet."],
        items=items,
    )
