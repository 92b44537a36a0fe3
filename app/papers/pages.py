"""Page forms: attach a paper under an agenda item, a report, an AOB item or an initiative, and remove one.

Each form comes back to the page it was on (`back`, a path of this site), with what went
wrong named on that page: the file, its size against the limit, what it really is.
"""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile

from app.auth import load_record_access
from app.common import MAX_ID, IdPath
from app.db import SessionDep
from app.display import file_size
from app.errors import Invalid
from app.models import Initiative
from app.papers import service
from app.papers.deps import read_upload
from app.web.csrf import CsrfChecked
from app.web.deps import PageMeeting, PageUser, safe_next
from app.web.forms import attempt, whole_or_text
from app.web.render import redirect

router = APIRouter(include_in_schema=False)

# The routes that take a file (app/main.py gives them the papers' body limit), API and pages alike.
PAPER_UPLOAD_ROUTES = (
    "/api/meetings/{meeting_id}/papers",
    "/api/initiatives/{initiative_id}/papers",
    "/meetings/{meeting_id}/papers",
    "/initiatives/{initiative_id}/papers",
)
TextField = Annotated[str, Form()]
FileField = Annotated[UploadFile | None, File()]


def _back(back: str, fallback: str) -> str:
    path = safe_next(back)
    return path if path != "/home" else fallback


def _attached(paper) -> str:
    return f"Attached “{paper.name}” ({paper.kind}, {file_size(paper.size)})."


def _id(value: str, field: str) -> int | None:
    number = whole_or_text(value)
    if number is None:
        return None
    if not isinstance(number, int) or not 1 <= number <= MAX_ID:
        raise Invalid(f"{field.replace('_', ' ')}: '{value[:20]}' is not an id.", field=field)
    return number


@router.post("/meetings/{meeting_id}/papers", dependencies=[CsrfChecked])
def attach_meeting_paper_form(
    request: Request,
    session: SessionDep,
    found: PageMeeting,
    file: FileField = None,
    attached_to: TextField = "",
    section_key: TextField = "",
    report_id: TextField = "",
    aob_item_id: TextField = "",
    back: TextField = "",
):
    """Attach a paper to an item, a report or an AOB item of the meeting; back to the page it was on."""
    meeting = found.meeting

    def apply():
        if file is None or not file.filename:
            raise Invalid("Choose a file to attach.", field="file")
        target = service.meeting_target(
            session=session,
            meeting=meeting,
            attached_to=attached_to,
            section_key=section_key[:40],
            report_id=_id(report_id, "report_id"),
            aob_item_id=_id(aob_item_id, "aob_item_id"),
        )
        content = read_upload(file, found.access.council.paper_max_file_mb)
        return service.attach_paper(
            session=session, access=found.access, target=target, filename=file.filename, content=content
        )

    attempt(request, session, apply, keep=(404,), success=_attached)
    return redirect(_back(back, f"/meetings/{meeting.id}/agenda"))


@router.post("/initiatives/{initiative_id}/papers", dependencies=[CsrfChecked])
def attach_initiative_paper_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    initiative_id: IdPath,
    file: FileField = None,
    back: TextField = "",
):
    """Attach a paper to an initiative (chair, secretary, its owner); back to the page it was on."""
    initiative, access = load_record_access(
        session=session, user=user, model=Initiative, record_id=initiative_id, label="Initiative"
    )

    def apply():
        if file is None or not file.filename:
            raise Invalid("Choose a file to attach.", field="file")
        content = read_upload(file, access.council.paper_max_file_mb)
        target = service.initiative_target(initiative)
        name = file.filename
        return service.attach_paper(session=session, access=access, target=target, filename=name, content=content)

    attempt(request, session, apply, keep=(404,), success=_attached)
    return redirect(_back(back, f"/initiatives/{initiative.id}"))


@router.post("/papers/{paper_id}/remove", dependencies=[CsrfChecked])
def remove_paper_form(request: Request, session: SessionDep, user: PageUser, paper_id: IdPath, back: TextField = ""):
    """Remove a paper (archived: the packs circulated with it keep it); back to the page it was on."""
    found = service.load_paper_access(session=session, user=user, paper_id=paper_id)
    attempt(
        request,
        session,
        lambda: service.archive_paper(session=session, found=found),
        keep=(404,),
        success="Removed “{result.name}”: it is no longer on the agenda (packs already circulated keep it).",
    )
    return redirect(_back(back, "/home"))
