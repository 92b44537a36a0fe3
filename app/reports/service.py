"""Department reports to meetings, and the department scorecard."""

from collections import defaultdict
from datetime import date
from functools import cache

from sqlalchemy import bindparam, case, func
from sqlmodel import Session, col, select

from app.auth import Access
from app.common import made, today_in
from app.councils.service import get_department, list_departments
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.measures.stats import Point
from app.models import (
    Action,
    ActionStatus,
    Council,
    Department,
    DepartmentReport,
    Measure,
    MeasureCategory,
    Meeting,
    MeetingStatus,
    Reading,
    Role,
    User,
    utcnow,
)
from app.reports.facts import load_loop_facts
from app.reports.schemas import (
    DepartmentReportRow,
    DepartmentScorePublic,
    ReportCreate,
    ReportList,
    ReportPublic,
    ReportUpdate,
    Scorecard,
    ScoreComponent,
)
from app.reports.scorecard import (
    ActionCounts,
    DepartmentScore,
    MeasureFact,
    action_window_start,
    left_out_note,
    score_department,
)
from app.scoring import SCORECARD_DEFAULTS, effective_weights


def may_report(access: Access, department_id: int) -> bool:
    """The chair, or anyone but an observer who sits for that department."""
    if access.is_(Role.chair):
        return True
    return not access.is_(Role.observer) and access.membership.department_id == department_id


def _public(access: Access, report: DepartmentReport, department: Department, author: str | None) -> ReportPublic:
    return ReportPublic(
        **report.model_dump(),
        department_name=department.name,
        author_name=author,
        can_edit=may_report(access, report.department_id),
    )


def list_reports(*, session: Session, access: Access, meeting: Meeting) -> ReportList:
    """Every department of the council with its report to the meeting, or `submitted: false`."""
    rows = session.exec(
        select(DepartmentReport, User.name)
        .outerjoin(User, User.id == DepartmentReport.author_id)
        .where(DepartmentReport.meeting_id == meeting.id)
    )
    reports = {report.department_id: (report, author) for report, author in rows}
    result = []
    for department in list_departments(session=session, council=access.council):
        found = reports.get(department.id)
        result.append(
            DepartmentReportRow(
                department_id=department.id,
                department_name=department.name,
                is_external=department.is_external,
                submitted=found is not None,
                can_submit=may_report(access, department.id) and meeting.status != MeetingStatus.cancelled,
                report=_public(access, found[0], department, found[1]) if found else None,
            )
        )
    submitted = sum(r.submitted for r in result)
    return ReportList(data=result, count=len(result), submitted=submitted, missing=len(result) - submitted)


def get_report(*, session: Session, meeting: Meeting, report_id: int) -> DepartmentReport:
    """A report to this meeting, or 404 (also for a report to another meeting)."""
    report = session.get(DepartmentReport, report_id)
    if report is None or report.meeting_id != meeting.id:
        raise NotFound("Report not found.")
    return report


def report_public(*, session: Session, access: Access, report: DepartmentReport) -> ReportPublic:
    """One report with its department's and author's names."""
    department = session.get(Department, report.department_id)
    author = session.get(User, report.author_id) if report.author_id else None
    return _public(access, report, department, author.name if author else None)


def _check_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.cancelled:
        raise Conflict(f"Meeting {meeting.number} was cancelled; report to the next meeting instead.")


def create_report(*, session: Session, access: Access, meeting: Meeting, report_in: ReportCreate) -> DepartmentReport:
    """Submit a department's report to a meeting: one per department, by its members or the chair."""
    if access.is_(Role.observer):
        raise Forbidden("Observers cannot submit department reports.")
    department_id = report_in.department_id or access.membership.department_id
    if department_id is None:
        raise Invalid("You sit for no department: say which department this report is for.", field="department_id")
    department = session.get(Department, department_id)
    if department is None or department.council_id != access.council.id:
        raise Invalid(f"Department {department_id} is not a department of this council.", field="department_id")
    if not may_report(access, department_id):
        raise Forbidden(f"Only {department.name}'s members or the chair can submit its report.")
    _check_open(meeting)
    existing = session.exec(
        select(DepartmentReport.id).where(
            DepartmentReport.meeting_id == meeting.id, DepartmentReport.department_id == department_id
        )
    ).first()
    if existing is not None:
        raise Conflict(
            f"{department.name} has already reported to meeting {meeting.number}; change that report with "
            f"PATCH /api/meetings/{meeting.id}/reports/{existing}."
        )
    report = DepartmentReport.model_validate(
        report_in.model_dump(exclude={"department_id"}),
        update={"meeting_id": meeting.id, "department_id": department_id, "author_id": access.user.id},
    )
    session.add(report)
    session.flush()
    return report


def update_report(
    *, session: Session, access: Access, meeting: Meeting, report: DepartmentReport, report_in: ReportUpdate
) -> DepartmentReport:
    """Change a report: its department's members or the chair. The last writer becomes its author."""
    if not may_report(access, report.department_id):
        raise Forbidden("Only the department's members or the chair can change its report.")
    _check_open(meeting)
    changes = report_in.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise Invalid(f"{field} cannot be empty.", field=field)
    changes = {field: value for field, value in changes.items() if getattr(report, field) != value}
    if not changes:
        return report
    for field, value in changes.items():
        setattr(report, field, value)
    report.author_id = access.user.id
    report.updated_at = utcnow()
    session.add(report)
    session.flush()
    return report


# The scorecard


def count_department_actions(
    *, session: Session, council: Council, today: date, department_ids: list[int] | None = None
) -> dict[int, ActionCounts]:
    """department id → delivery's counts of its actions (app/reports/scorecard.py count_actions's rules),
    counted by the database in one GROUP BY over the closing and due dates. The agenda reads them too."""
    # Core rows on the connection (cheaper than the ORM's); archived actions are left out here (app/archived.py).
    values = {"council_id": council.id, "today": today, "window_start": action_window_start(today)}
    if department_ids is None:
        rows = session.connection().execute(_department_counts(every=True), values)
    else:
        rows = session.connection().execute(_department_counts(every=False), {**values, "ids": department_ids})
    # As ActionCounts(...) makes them (every field given, whole counts), without its frozen __init__'s setattr a field.
    return {
        department_id: made(
            ActionCounts, {"counted": counted, "on_time": on_time, "withdrawn": withdrawn, "not_yet": not_yet}
        )
        for department_id, counted, on_time, withdrawn, not_yet in rows.all()
    }


@cache
def _department_counts(*, every: bool):
    """The GROUP BY, built once for every department (`every`) or those in the `ids` parameter."""
    in_departments = (
        col(Action.department_id).is_not(None)
        if every
        else col(Action.department_id).in_(bindparam("ids", expanding=True))
    )
    today = bindparam("today")
    fell_due = col(Action.due_on) <= today
    # Cancelled on or before the due date (or with no closing day): withdrawn, not missed.
    withdrawn = (col(Action.status) == ActionStatus.cancelled) & (
        col(Action.closed_on).is_(None) | (col(Action.closed_on) <= col(Action.due_on))
    )
    on_time = (col(Action.status) == ActionStatus.done) & (col(Action.closed_on) <= col(Action.due_on))

    def number(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        select(
            Action.department_id,
            number(fell_due & ~withdrawn),
            number(fell_due & on_time),
            number(fell_due & withdrawn),
            number(col(Action.due_on) > today),
        )
        .where(
            Action.council_id == bindparam("council_id"),
            col(Action.archived_at).is_(None),
            in_departments,
            Action.due_on >= bindparam("window_start"),
        )
        .group_by(col(Action.department_id))
    )


def scorecard(
    *, session: Session, council: Council, department_id: int | None = None, today: date | None = None
) -> Scorecard:
    """Every department's (or one's) score, with its breakdown, from actions and measures."""
    today = today or today_in(council.timezone)
    if department_id is not None:
        departments = [get_department(session=session, council=council, department_id=department_id)]
    else:
        departments = list_departments(session=session, council=council)
    ids = [d.id for d in departments]
    weights = effective_weights(council.scorecard_weights, SCORECARD_DEFAULTS)
    action_counts = count_department_actions(session=session, council=council, today=today, department_ids=ids)
    loop = load_loop_facts(session=session, council=council, today=today)
    measures = list(
        session.exec(
            select(Measure)
            .where(
                Measure.council_id == council.id,
                col(Measure.department_id).in_(ids),
                col(Measure.category).in_([MeasureCategory.comment_theme, MeasureCategory.survey_rating]),
            )
            .order_by(col(Measure.name))
        )
    )
    readings: dict[int, list[Point]] = defaultdict(list)
    if measures:
        for reading in session.exec(
            select(Reading).where(col(Reading.measure_id).in_([m.id for m in measures])).order_by(col(Reading.period))
        ):
            readings[reading.measure_id].append(Point(reading.period, reading.value))
    facts: dict[tuple[int, str], list[MeasureFact]] = defaultdict(list)
    for m in measures:
        fact = MeasureFact(name=m.name, direction=m.direction, target=m.target, readings=tuple(readings[m.id]))
        facts[(m.department_id, m.category)].append(fact)
    scores = {
        department.name: score_department(
            plan_metrics=loop.plan_metrics.get(department.id, ()),
            feedback=loop.feedback.get(department.id),
            action_counts=action_counts.get(department.id),
            comment_measures=facts[(department.id, MeasureCategory.comment_theme)],
            survey_measures=facts[(department.id, MeasureCategory.survey_rating)],
            weights=weights,
            today=today,
        )
        for department in departments
    }
    result = [_score_public(department, scores[department.name]) for department in departments]
    note = left_out_note(scores)
    return Scorecard(data=result, count=len(result), weights=weights, as_of=today, notes=[note] if note else [])


def _score_public(department: Department, score: DepartmentScore) -> DepartmentScorePublic:
    return DepartmentScorePublic(
        department_id=department.id,
        department_name=department.name,
        is_external=department.is_external,
        total=None if score.total is None else round(score.total, 1),
        components=[
            ScoreComponent(
                component=c.component,
                label=c.label,
                value=None if c.value is None else round(c.value, 1),
                weight=c.weight,
                share=round(c.share, 1),
                points=round(c.points, 1),
                included=c.included,
                explains=c.explains,
                inputs=list(c.inputs),
            )
            for c in score.components
        ],
        notes=list(score.notes),
        delivery=score.delivery,
    )
