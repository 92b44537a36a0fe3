"""The agenda pack as a file: in Word, and as PDF with the PDF papers appended; what GET /agenda shows."""

from sqlmodel import Session

from app.agendas.service import get_agenda
from app.auth import Access
from app.charts import measure_chart_png
from app.common import FileOut
from app.councils.template_service import template_for_export
from app.docx.agenda import build_agenda_docx
from app.models import Meeting
from app.papers.service import contents
from app.pdf.agenda import render_agenda_pdf
from app.pdf.theme import theme_from_template
from app.web.downloads import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, content_disposition


def agenda_docx(*, session: Session, access: Access, meeting: Meeting) -> FileOut:
    """The agenda pack: what GET /agenda shows (the snapshot once published), in the council's Word styles."""
    agenda = get_agenda(session=session, access=access, meeting=meeting)
    template = template_for_export(session=session, council_id=access.council.id)
    content = build_agenda_docx(agenda, template=template, charts=measure_chart_png)
    disposition = content_disposition(agenda.meeting.council_name, f"-agenda-{agenda.meeting.date.isoformat()}.docx")
    return FileOut(content=content, media_type=DOCX_MEDIA_TYPE, disposition=disposition)


def agenda_pdf(*, session: Session, access: Access, meeting: Meeting) -> FileOut:
    """The agenda pack as PDF: what GET /agenda shows (a published agenda with the papers it was published
    with), in the council's colours, each PDF paper appended after it."""
    agenda = get_agenda(session=session, access=access, meeting=meeting)
    template = template_for_export(session=session, council_id=access.council.id)
    papers = contents(session, [listing.paper.id for listing in agenda.paper_listing() if listing.paper.is_pdf])
    content = render_agenda_pdf(agenda, theme=theme_from_template(template), charts=measure_chart_png, papers=papers)
    disposition = content_disposition(agenda.meeting.council_name, f"-agenda-{agenda.meeting.date.isoformat()}.pdf")
    return FileOut(content=content, media_type=PDF_MEDIA_TYPE, disposition=disposition)
