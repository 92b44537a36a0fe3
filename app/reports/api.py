"""JSON routes: department reports to meetings, and the department scorecard."""

from fastapi import APIRouter, Response

from app.auth import CouncilAccess, MeetingDep
from app.common import IdPath, IdQuery, IfMatch, check_if_match, etag
from app.db import SessionDep
from app.reports import service
from app.reports.schemas import ReportCreate, ReportList, ReportPublic, ReportUpdate, Scorecard
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["reports"], route_class=CreateRoute)


@router.get("/meetings/{meeting_id}/reports", response_model=ReportList)
def list_reports(session: SessionDep, found: MeetingDep) -> ReportList:
    """Every department of the council with its report to the meeting, or `submitted: false` (everyone on the
    council sees which departments have not reported)."""
    return service.list_reports(session=session, access=found.access, meeting=found.meeting)


@router.post(
    "/meetings/{meeting_id}/reports",
    response_model=ReportPublic,
    status_code=201,
    responses={409: {"description": "The department has already reported to this meeting: PATCH that report"}},
)
def create_report(session: SessionDep, found: MeetingDep, report_in: ReportCreate, response: Response):
    """Submit a department's report to the meeting (its members or the chair); one per department."""
    report = service.create_report(session=session, access=found.access, meeting=found.meeting, report_in=report_in)
    response.headers["ETag"] = etag(report.version)
    return service.report_public(session=session, access=found.access, report=report)


@router.get("/meetings/{meeting_id}/reports/{report_id}", response_model=ReportPublic)
def get_report(session: SessionDep, found: MeetingDep, report_id: IdPath, response: Response):
    """One department's report; its ETag guards later updates."""
    report = service.get_report(session=session, meeting=found.meeting, report_id=report_id)
    response.headers["ETag"] = etag(report.version)
    return service.report_public(session=session, access=found.access, report=report)


@router.patch(
    "/meetings/{meeting_id}/reports/{report_id}",
    response_model=ReportPublic,
    responses={412: {"description": "Stale If-Match: someone changed the report since you loaded it"}},
)
def update_report(
    session: SessionDep,
    found: MeetingDep,
    report_id: IdPath,
    report_in: ReportUpdate,
    response: Response,
    if_match: IfMatch,
):
    """Change a department's report (its members or the chair)."""
    report = service.get_report(session=session, meeting=found.meeting, report_id=report_id)
    check_if_match(if_match, report.version)
    report = service.update_report(
        session=session, access=found.access, meeting=found.meeting, report=report, report_in=report_in
    )
    response.headers["ETag"] = etag(report.version)
    return service.report_public(session=session, access=found.access, report=report)


@router.get("/councils/{council_id}/scorecard", response_model=Scorecard)
def get_scorecard(
    session: SessionDep,
    access: CouncilAccess,
    department_id: IdQuery = None,
) -> Scorecard:
    """Each department's score out of 100 (action plan, comment-theme trend, survey ratings) with its breakdown."""
    return service.scorecard(session=session, council=access.council, department_id=department_id)
