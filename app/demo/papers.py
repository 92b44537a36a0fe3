"""The demo's papers: two attached to the next meeting before its agenda is published, so the pack has them.

Field Engineering's report brings a PDF (app/demo/files, made once with WeasyPrint and kept
as it is: the demo stays fast), and the AOB item about winter storms a Word draft of the
storm script, written here with python-docx. Each is attached by whoever may attach it
(app/papers/service.py), as a person would.
"""

import io
from pathlib import Path

from docx import Document
from sqlmodel import Session, select

from app.auth import Access
from app.demo.people import FIELD
from app.models import AobItem, Council, Department, DepartmentReport, Meeting, Membership, User
from app.papers import service

FILES = Path(__file__).resolve().parent / "files"
FIELD_PAPER = "Repeat visits – what the vans carry.pdf"
STORM_PAPER = "Storm script – draft for the call centre.docx"


def storm_script() -> bytes:
    """A short Word draft of the call centre's storm script."""
    document = Document()
    document.core_properties.title = "Storm script – draft"
    document.core_properties.author = "Field Engineering"
    document.add_heading("Storm script – draft for the call centre", level=1)
    document.add_paragraph("For calls about a loss of heating or supply while the storm plan is in force.")
    for step in (
        "Check the customer is safe and warm: ask about anyone vulnerable in the home.",
        "Give the restoration time from the storm dashboard, not an estimate of your own.",
        "Offer a call back when an engineer is booked; note the best number to reach them.",
        "Log the call under 'storm' so the next day's rota sees the demand.",
    ):
        document.add_paragraph(step, style="List Number")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _access(session: Session, council: Council, seat: Membership) -> Access:
    return Access(user=session.get(User, seat.user_id), council=council, membership=seat)


def load_papers_demo(*, session: Session, council: Council, seats: dict[str, Membership], upcoming: Meeting) -> None:
    """Field Engineering's PDF on its report and the storm script on the AOB item, both to the next meeting."""
    field = _access(session, council, seats["field@example.com"])
    report = session.exec(
        select(DepartmentReport)
        .join(Department, Department.id == DepartmentReport.department_id)
        .where(DepartmentReport.meeting_id == upcoming.id, Department.name == FIELD)
    ).one()
    target = service.meeting_target(session=session, meeting=upcoming, attached_to="report", report_id=report.id)
    content = (FILES / "field-repeat-visits.pdf").read_bytes()
    service.attach_paper(session=session, access=field, target=target, filename=FIELD_PAPER, content=content)

    storm = session.exec(
        select(AobItem).where(AobItem.meeting_id == upcoming.id, AobItem.title == "Winter storm readiness")
    ).one()
    target = service.meeting_target(session=session, meeting=upcoming, attached_to="aob", aob_item_id=storm.id)
    service.attach_paper(session=session, access=field, target=target, filename=STORM_PAPER, content=storm_script())
