"""The demo's department reports: to the last meeting held, and (one department still
missing) to the next one."""

from datetime import date, timedelta

from sqlmodel import Session

from app.demo.people import BILLING, CALL, DIGITAL, FIELD, SUPPLIER, noon
from app.models import Department, DepartmentReport, Meeting, MeetingStatus, Membership

# (department, summary, improvements, best practice) for the last held meeting, then the next.
# The figures quoted are the demo's readings (app/demo/measures.py): the held meeting (three
# weeks ago) quotes the month before last, the next meeting quotes last month.
HELD_REPORTS = [
    (
        CALL,
        "First-contact resolution up from 71% to 74% on the quarter; calls about faults down 4%.",
        "Trialling the fault-diagnosis checklist with one team before rolling it out.",
        "Agents read the engineer's note back to the customer before ending the call.",
    ),
    (
        FIELD,
        "Repeat visits up to 11.5% of jobs; 'wrong part' is the top reason.",
        "Sharing 'no access' and 'wrong part' reasons with the call centre every week.",
        "",
    ),
    (
        BILLING,
        "Comments about estimated bills down to 13.9% of negative comments.",
        "Drafting a plain-English explanation for the first bill after a move.",
        "",
    ),
    (
        SUPPLIER,
        "86% of overflow calls answered within 60 seconds, above the 80% target.",
        "Moving agents' measure from average call time to first-contact resolution.",
        "",
    ),
]
NEXT_REPORTS = [
    (
        CALL,
        "First-contact resolution 76%, above the 75% target for the first time.",
        "The checklist is live for 3 of 5 teams; the rest follow this month.",
        "",
    ),
    (
        FIELD,
        "Repeat visits still rising, now 11.8% of jobs; the checklist teams' jobs are at 9%.",
        "Proposing van stock for the new boiler model; the worst-hit patch first.",
        "Before a visit we ask the customer by SMS for a photo of the boiler's data plate: most reply within "
        "minutes, and the right part is on the van.",
    ),
    (
        BILLING,
        "Comments about estimated bills down to 13.5%, still above the 10% target.",
        "Plain-English explanation proposed to the council; meter-read reminders by SMS.",
        "",
    ),
    (
        DIGITAL,
        "App rating 4.3; 'where is my engineer' is the top app review theme.",
        "Arrival window by SMS and in the app is approved and starts next week.",
        "",
    ),
]


def load_reports_demo(
    *,
    session: Session,
    seats: dict[str, Membership],
    departments: dict[str, Department],
    meetings: list[Meeting],
    today: date,
) -> dict[int, list[DepartmentReport]]:
    """Department reports to the last held meeting and the next one: {meeting_id: [DepartmentReport]}."""
    held = [m for m in meetings if m.status == MeetingStatus.held]
    upcoming = [m for m in meetings if m.status == MeetingStatus.scheduled and m.scheduled_at.date() >= today]
    authors = {seat.department_id: seat.user_id for seat in seats.values() if seat.department_id is not None}
    reports: dict[int, list[DepartmentReport]] = {}
    for meeting, specs in [
        (max(held, key=lambda m: m.scheduled_at) if held else None, HELD_REPORTS),
        (min(upcoming, key=lambda m: m.scheduled_at) if upcoming else None, NEXT_REPORTS),
    ]:
        if meeting is None:
            continue
        written_at = meeting.scheduled_at - timedelta(days=3)
        reports[meeting.id] = []
        for name, summary, improvements, best_practice in specs:
            department = departments[name]
            report = DepartmentReport(
                meeting_id=meeting.id,
                department_id=department.id,
                author_id=authors.get(department.id),
                summary=summary,
                improvements=improvements,
                best_practice=best_practice,
                created_at=min(written_at, noon(today)),
                updated_at=min(written_at, noon(today)),
            )
            session.add(report)
            reports[meeting.id].append(report)
    session.flush()
    return reports
