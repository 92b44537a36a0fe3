"""The agenda pack as a file: in Word, and as PDF with the PDF papers appended; what GET /agenda shows.

Both are rendered from the agenda entry the page and the JSON share (service.agenda_entry), and the
bytes of an unchanged meeting are kept in the same cache (app/agendas/cache.py): the key adds the
council's Word template (its upload time), the one input that is not in the agenda. A circulated
agenda's are also kept on disk, where the publish job leaves the pack it mailed for every worker. The PDF papers
appended are the council's data, so the agenda's stamp covers them.
"""

import time
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, select

from app.agendas.cache import AgendaCache, AgendaEntry, PackKey, PackOut, strong_etag
from app.agendas.service import agenda_entry
from app.auth import Access
from app.charts import measure_chart_png
from app.councils.template_service import template_for_export
from app.docx.agenda import build_agenda_docx
from app.models import CouncilTemplate, Job, JobStatus, Meeting
from app.papers.service import contents
from app.pdf.agenda import render_agenda_pdf
from app.pdf.theme import theme_from_template
from app.web.downloads import DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE, content_disposition


def agenda_docx(
    *, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None = None, download: bool = False
) -> PackOut:
    """The agenda pack: what GET /agenda shows (the snapshot once published), in the council's Word styles.

    `download`: for a person, who waits for the pack a publish job is building rather than build it again."""

    def build(entry: AgendaEntry) -> bytes:
        template = template_for_export(session=session, council_id=access.council.id)
        return build_agenda_docx(entry.agenda, template=template, charts=measure_chart_png)

    return _pack("docx", build, session=session, access=access, meeting=meeting, cache=cache, download=download)


def agenda_pdf(*, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None = None) -> PackOut:
    """The agenda pack as PDF: what GET /agenda shows (a published agenda with the papers it was published
    with), in the council's colours, each PDF paper appended after it."""

    def build(entry: AgendaEntry) -> bytes:
        agenda = entry.agenda
        template = template_for_export(session=session, council_id=access.council.id)
        papers = contents(session, [listing.paper.id for listing in agenda.paper_listing() if listing.paper.is_pdf])
        return render_agenda_pdf(agenda, theme=theme_from_template(template), charts=measure_chart_png, papers=papers)

    return _pack("pdf", build, session=session, access=access, meeting=meeting, cache=cache)


MEDIA_TYPES = {"docx": DOCX_MEDIA_TYPE, "pdf": PDF_MEDIA_TYPE}
# The publish job of a version (app/agendas/publish.py), which builds its Word pack first.
JOB_KEY = "agenda-mail:{meeting_id}:v{version}"
# How long a download waits for the pack a publish job is building before building it too.
JOB_PACK_WAIT_SECONDS = 20.0


def _pack(
    kind: str,
    build: Callable[[AgendaEntry], bytes],
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    cache: AgendaCache | None,
    download: bool = False,
) -> PackOut:
    entry = agenda_entry(session=session, access=access, meeting=meeting, cache=cache)
    key = None
    if cache is not None and entry.key is not None:
        key = PackKey(kind=kind, agenda=entry.key, template_at=_template_at(session, access.council.id))
        if (hit := cache.get_pack(key)) is not None:
            return hit
    # A circulated agenda's pack as the publish job built it (on disk, for every worker), else built here.
    kept = cache.pack_file(key, MEDIA_TYPES[kind]) if cache is not None and key is not None else None
    if kept is None and download and cache is not None and key is not None and cache.files is not None:
        kept = _job_pack(session, cache, key, entry)
    content = kept if kept is not None else build(entry)
    h = entry.agenda.meeting
    disposition = content_disposition(h.council_name, f"-agenda-{h.date.isoformat()}.{kind}")
    pack = PackOut(content=content, media_type=MEDIA_TYPES[kind], disposition=disposition, etag=strong_etag(content))
    if cache is not None and key is not None:
        cache.put_pack(key, pack, on_disk=kept is None)
    return pack


def _job_pack(session: Session, cache: AgendaCache, key: PackKey, entry: AgendaEntry) -> bytes | None:
    """The Word pack of a circulated version whose publish job is building it right now, once it is on disk
    (at most JOB_PACK_WAIT_SECONDS): building it here too would cost the worker CPU, and every request it serves
    would wait on it. None when no job is under way for it (or it took longer).

    A job still queued has not started the pack: its runner is busy with another job, or starved (it runs at low
    priority: app/jobs.py JOB_NICENESS), so nobody knows when it will. The pack is then built here, at the
    worker's priority, and left on disk, where the job finds it (app/agendas/publish.py prepare_agenda_mail reads
    the file before building): still one build, and the chair does not wait for the job's turn."""
    agenda = entry.agenda
    if agenda.status != "published" or not cache.files.keeps(key):
        return None
    job_key = JOB_KEY.format(meeting_id=key.agenda.meeting_id, version=agenda.version)
    status = session.exec(select(Job.status).where(Job.key == job_key)).first()
    if status != JobStatus.running:
        return None
    deadline = time.monotonic() + JOB_PACK_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.2)  # no GIL held: the worker's other requests go on
        if (content := cache.pack_file(key, MEDIA_TYPES["docx"])) is not None:
            return content
    return None


def _template_at(session: Session, council_id: int) -> datetime | None:
    # The upload time only: the template itself (up to 5 MB) is read when a pack is built.
    return session.exec(select(CouncilTemplate.uploaded_at).where(CouncilTemplate.council_id == council_id)).first()
