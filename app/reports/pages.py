"""Pages: the departments' reports to a meeting, and the department scorecard."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.councils.schemas import CouncilUpdate
from app.councils.service import update_council
from app.db import SessionDep
from app.meetings.service import list_meetings, meeting_public
from app.models import MeetingStatus, Role
from app.papers import view as paper_view
from app.reports import service
from app.reports.schemas import ReportCreate, ReportUpdate
from app.reports.scorecard import LABELS as COMPONENTS
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageMeeting, PageUser
from app.web.forms import attempt, number_or_text, query_id, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/meetings/{meeting_id}/reports")
def reports_page(request: Request, session: SessionDep, user: PageUser, found: PageMeeting):
    """Each department's report to the meeting, the missing ones highlighted; a form for my department's."""
    access, council = found.access, found.access.council
    reports = service.list_reports(session=session, access=access, meeting=found.meeting)
    meetings = [m for m in list_meetings(session=session, council=council) if m.status != MeetingStatus.cancelled]
    mine = access.membership.department_id
    return render(
        request,
        "reports.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "meeting": meeting_public(found.meeting, council),
            "meetings": [meeting_public(m, council) for m in meetings],
            # The departments still to report first, so the gaps are the first thing seen.
            "rows": sorted(reports.data, key=lambda r: r.submitted),
            "submitted": reports.submitted,
            "missing": reports.missing,
            # My own department first, so the form I need is at the top.
            "mine": next((r for r in reports.data if r.department_id == mine), None),
            "best_practice": [r for r in reports.data if r.report and r.report.best_practice],
            "is_chair": access.is_(Role.chair),
            "nav": nav(session=session, council=council, here="reports"),
            "papers_view": paper_view.meeting_page_papers(
                session=session, access=access, meeting=found.meeting, back=f"/meetings/{found.meeting.id}/reports"
            ),
        },
    )


@router.post("/meetings/{meeting_id}/reports", dependencies=[CsrfChecked])
def save_report_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeeting,
    department_id: Annotated[str, Form()] = "",
    report_id: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
    summary: Annotated[str, Form()] = "",
    improvements: Annotated[str, Form()] = "",
    best_practice: Annotated[str, Form()] = "",
):
    """Submit or change a department's report from the form (its members or the chair)."""
    fields = {
        "summary": summary.replace("\r\n", "\n"),
        "improvements": improvements.replace("\r\n", "\n"),
        "best_practice": best_practice.replace("\r\n", "\n"),
    }
    back = f"/meetings/{found.meeting.id}/reports"
    if report_id.strip():
        # A hidden field: anything but one of this meeting's reports is no report at all.
        report = service.get_report(session=session, meeting=found.meeting, report_id=query_id(report_id) or 0)
        if version != str(report.version):
            flash(request, "Someone changed this report since you opened the page; check it and try again.", "error")
            return redirect(f"{back}#department-{report.department_id}")

        def apply():
            return service.update_report(
                session=session,
                access=found.access,
                meeting=found.meeting,
                report=report,
                report_in=ReportUpdate.model_validate(fields),
            )
    else:

        def apply():
            return service.create_report(
                session=session,
                access=found.access,
                meeting=found.meeting,
                report_in=ReportCreate.model_validate({**fields, "department_id": whole_or_text(department_id)}),
            )

    ok, report = attempt(request, session, apply, success="Report saved.")
    return redirect(f"{back}#department-{report.department_id}" if ok else back)


@router.get("/councils/{council_id}/scorecard")
def scorecard_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """Every department's score out of 100 with its breakdown."""
    council = access.council
    card = service.scorecard(session=session, council=council)
    total_weight = sum(card.weights.values())
    return render(
        request,
        "scorecard.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "cards": card.data,
            "weights": card.weights,
            "shares": {c: w / total_weight * 100 for c, w in card.weights.items()},
            "as_of": card.as_of,
            "notes": card.notes,
            "components": COMPONENTS,
            "is_chair": access.is_(Role.chair),
            "custom": council.scorecard_weights is not None,
            "nav": nav(session=session, council=council, here="scorecard"),
        },
    )


@router.post("/councils/{council_id}/scorecard/weights", dependencies=[CsrfChecked])
def scorecard_weights_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    action_plan: Annotated[str, Form()] = "",
    comment_trend: Annotated[str, Form()] = "",
    survey_rating: Annotated[str, Form()] = "",
    reset: Annotated[str, Form()] = "",
):
    """Set the scorecard weights, or restore the defaults (chair)."""
    access.require(Role.chair, doing="set the scorecard weights")
    given = {"action_plan": action_plan, "comment_trend": comment_trend, "survey_rating": survey_rating}
    weights = None if reset else {k: number_or_text(v, blank=0) for k, v in given.items()}
    attempt(
        request,
        session,
        lambda: update_council(
            session=session,
            council=access.council,
            council_in=CouncilUpdate.model_validate({"scorecard_weights": weights}),
        ),
        success="Scorecard weights saved.",
    )
    return redirect(f"/councils/{access.council.id}/scorecard")
