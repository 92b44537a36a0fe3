"""JSON routes: papers attached to a meeting's items, reports and AOB, and to initiatives; their downloads."""

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Response, UploadFile

from app.auth import MeetingDep
from app.common import IdForm, ListOf, list_of
from app.db import SessionDep
from app.models import Role
from app.papers import service
from app.papers.deps import InitiativeTargetDep, PaperDep, read_upload
from app.papers.schemas import PaperPublic
from app.papers.sniff import BY_MEDIA_TYPE
from app.web.downloads import file_disposition
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["papers"], route_class=CreateRoute)
# What a download may be: the kinds of paper taken, by the type read from their content.
MEDIA_TYPES = list(BY_MEDIA_TYPE)
BINARY = {"schema": {"type": "string", "format": "binary"}}

UPLOAD_RESPONSES = {
    403: {"description": "This seat may not attach papers to that"},
    413: {"description": "Over the council's limit a file, or the meeting's papers over their limit"},
    422: {"description": "Not a PDF, Word, Excel, PowerPoint, PNG or JPEG file, or not what its name says"},
}
PaperFile = Annotated[UploadFile, File(description="PDF, .docx, .xlsx, .pptx, PNG or JPEG; its type is read from it")]


@router.get("/meetings/{meeting_id}/papers", response_model=ListOf[PaperPublic])
def list_meeting_papers(session: SessionDep, found: MeetingDep) -> dict:
    """The papers attached to the meeting's items, department reports and AOB items (observers once
    the agenda is published); removed papers are not listed."""
    if found.access.is_(Role.observer) and not service.published(session, found.meeting.id):
        service.refuse_observer()
    return list_of([PaperPublic.of(p) for p in service.meeting_papers(session, found.meeting.id)])


@router.post("/meetings/{meeting_id}/papers", response_model=PaperPublic, status_code=201, responses=UPLOAD_RESPONSES)
def create_meeting_paper(
    session: SessionDep,
    found: MeetingDep,
    file: PaperFile,
    attached_to: Annotated[Literal["item", "report", "aob"], Form(description="What the paper is for")],
    section_key: Annotated[
        str | None, Form(max_length=40, description="attached_to=item: a section key or standing-<id>")
    ] = None,
    report_id: IdForm = None,  # attached_to=report: the department report
    aob_item_id: IdForm = None,  # attached_to=aob: the AOB item
) -> PaperPublic:
    """Attach a paper to an agenda item (chair, secretary), a department report (also its department's
    members) or an AOB item (also whoever submitted it). Papers never change: a new version is a new paper."""
    target = service.meeting_target(
        session=session,
        meeting=found.meeting,
        attached_to=attached_to,
        section_key=section_key,
        report_id=report_id,
        aob_item_id=aob_item_id,
    )
    content = read_upload(file, found.access.council.paper_max_file_mb)
    paper = service.attach_paper(
        session=session, access=found.access, target=target, filename=file.filename, content=content
    )
    return PaperPublic.of(paper)


@router.get("/initiatives/{initiative_id}/papers", response_model=ListOf[PaperPublic])
def list_initiative_papers(session: SessionDep, found: InitiativeTargetDep) -> dict:
    """The papers attached to an initiative (any seat)."""
    target, _ = found
    return list_of([PaperPublic.of(p) for p in service.initiative_papers(session, [target.initiative.id])])


@router.post(
    "/initiatives/{initiative_id}/papers", response_model=PaperPublic, status_code=201, responses=UPLOAD_RESPONSES
)
def create_initiative_paper(session: SessionDep, found: InitiativeTargetDep, file: PaperFile) -> PaperPublic:
    """Attach a paper to an initiative (chair, secretary, its owner)."""
    target, access = found
    content = read_upload(file, access.council.paper_max_file_mb)
    paper = service.attach_paper(session=session, access=access, target=target, filename=file.filename, content=content)
    return PaperPublic.of(paper)


@router.get(
    "/papers/{paper_id}",
    response_class=Response,
    responses={200: {"content": dict.fromkeys(MEDIA_TYPES, BINARY), "description": "The file, as uploaded"}},
)
def get_paper(session: SessionDep, found: PaperDep) -> Response:
    """Download a paper (removed ones too: circulated packs list them), always as an attachment under its
    own name and with the type read from its content."""
    paper = found.paper
    return Response(
        service.content_of(session, paper),
        media_type=paper.media_type,
        headers={
            "Content-Disposition": file_disposition(paper.name),
            "X-Content-Type-Options": "nosniff",
            # A paper never changes, but whoever may read it can: kept by the browser only.
            "Cache-Control": "private, no-cache",
        },
    )


@router.get("/papers/{paper_id}/about", response_model=PaperPublic)
def get_paper_about(found: PaperDep) -> PaperPublic:
    """What a paper is: name, size, kind, what it is attached to, and whether it was removed."""
    return PaperPublic.of(found.paper)


@router.delete("/papers/{paper_id}", status_code=204, responses={403: {"description": "Not yours to remove"}})
def delete_paper(session: SessionDep, found: PaperDep) -> None:
    """Remove a paper from the agenda (chair, secretary, whoever attached it, or whoever may attach to what
    it is on). It is archived: its bytes stay, for the packs circulated with it."""
    service.archive_paper(session=session, found=found)
