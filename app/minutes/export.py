"""The minutes as a file, in Word or PDF: what GET /minutes answers, in the council's styles."""

from sqlmodel import Session

from app.auth import Access
from app.charts import measure_chart_png
from app.common import FileOut
from app.councils.template_service import template_for_export
from app.docx.minutes import build_minutes_docx
from app.minutes.service import load_minutes
from app.models import Meeting
from app.pdf.minutes import render_minutes_pdf
from app.pdf.theme import theme_from_template
from app.web.downloads import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, content_disposition


def minutes_docx(*, session: Session, access: Access, meeting: Meeting) -> FileOut:
    """The minutes: what GET /minutes answers (as approved, with amendments, once approved), in the council's
    Word styles; observers once approved only."""
    minutes = load_minutes(session=session, access=access, meeting=meeting)
    template = template_for_export(session=session, council_id=access.council.id)
    content = build_minutes_docx(minutes, template=template, charts=measure_chart_png)
    disposition = content_disposition(minutes.meeting.council_name, f"-minutes-{minutes.meeting.date.isoformat()}.docx")
    return FileOut(content=content, media_type=DOCX_MEDIA_TYPE, disposition=disposition)


def minutes_pdf(*, session: Session, access: Access, meeting: Meeting) -> FileOut:
    """The minutes as PDF, as minutes_docx answers them, in the council's colours and paper size."""
    minutes = load_minutes(session=session, access=access, meeting=meeting)
    template = template_for_export(session=session, council_id=access.council.id)
    content = render_minutes_pdf(minutes, theme=theme_from_template(template), charts=measure_chart_png)
    disposition = content_disposition(minutes.meeting.council_name, f"-minutes-{minutes.meeting.date.isoformat()}.pdf")
    return FileOut(content=content, media_type=PDF_MEDIA_TYPE, disposition=disposition)
