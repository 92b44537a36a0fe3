"""Sections 3 and 4: each department's measures, scorecard and report, and the best
practice those reports offer."""

from app.agendas import model as m
from app.agendas.built import built
from app.agendas.data import AgendaData
from app.agendas.sections.rows import measure_rows as all_measure_rows
from app.agendas.voice import department_entry_voice, loop_facts, plan_metrics_by_department
from app.models import Measure
from app.reports.facts import LoopFacts
from app.reports.score_parts import measure_fact
from app.reports.scorecard import left_out_note, score_department
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
    the measures' agenda rows, `measure_rows`, when the caller has made them already)."""
    rows = all_measure_rows(data) if rows is None else rows
    comment_measures, survey_measures = [], []
    for x in measures:
        category = x.category
        if category == "survey_rating":
            # Scored on its latest reading alone (survey_measure_score), which the row has found already:
            # the fact carries that one rather than every reading for the part to search again.
            latest = rows[x.id].latest
            survey_measures.append(measure_fact(x.name, x.direction, x.target, () if latest is None else (latest,)))
        elif category == "comment_theme":
            # Scored on its trend, the last TREND_PERIODS readings by period (theme_measure_score): the row's.
            comment_measures.append(measure_fact(x.name, x.direction, x.target, tuple(rows[x.id].trend)))
    loop = loop or data.loop or loop_facts(data)
    score = score_department(
        plan_metrics=loop.plan_metrics.get(department_id, ()),
        feedback=loop.feedback.get(department_id),
        action_counts=data.department_action_counts.get(department_id),
        comment_measures=comment_measures,
        survey_measures=survey_measures,
        weights=weights,
        today=data.today,
    )
    # Every value below is of its field's type (the score's figures are floats): made, not validated again.
    return built(
        m.AgendaScorecard,
        {
            "total": round(score.total, 1) if score.total is not None else None,
            "components": [
                built(
                    m.AgendaScoreComponent,
                    {
                        "component": c.component,
                        "label": c.label,
                        "value": round(float(c.value), 1) if c.value is not None else None,
                        "weight": c.weight,
                        "points": round(float(c.points), 1),
                        "detail": "; ".join(c.inputs),
                    },
                )
                for c in score.components
            ],
            "note": " ".join(score.notes),
            "delivery": score.delivery,
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
