"""JSON routes: the council's Word template (the agenda and minutes downloads live with their domains)."""

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from app.auth import CouncilAccess
from app.councils import template_service as service
from app.councils.template_schemas import TemplatePublic
from app.db import SessionDep
from app.docx.template import MAX_TEMPLATE_BYTES
from app.web.downloads import DOCX_RESPONSE, download_headers
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["exports"], route_class=CreateRoute)


@router.get("/councils/{council_id}/template", response_class=Response, responses={200: DOCX_RESPONSE})
def get_template(session: SessionDep, access: CouncilAccess) -> Response:
    """Download the Word template the council's documents use: its own, or the default."""
    found = service.get_template_file(session=session, council=access.council)
    return Response(found.content, media_type=found.media_type, headers=download_headers(found.disposition))


@router.put(
    "/councils/{council_id}/template",
    response_model=TemplatePublic,
    responses={
        413: {"description": "Over 5 MB"},
        422: {"description": "Not a Word .docx, or one that cannot be cleaned"},
    },
)
def update_template(
    session: SessionDep,
    access: CouncilAccess,
    file: Annotated[UploadFile, File(description="A Word .docx (or .dotx) whose styles, header and margins to use")],
) -> TemplatePublic:
    """Use the council's own Word template for agenda packs and minutes (chair). The file is cleaned first:
    `removed` lists what was taken out (macros, links outside the file, embedded objects, custom XML)."""
    # One byte over the limit is enough to refuse it, without reading the rest.
    content = file.file.read(MAX_TEMPLATE_BYTES + 1)
    stored, removed = service.save_template(session=session, access=access, filename=file.filename, content=content)
    return service.template_public(council=access.council, stored=stored, removed=removed)


@router.delete("/councils/{council_id}/template", status_code=204)
def delete_template(session: SessionDep, access: CouncilAccess) -> None:
    """Go back to the default Word template (chair)."""
    service.delete_template(session=session, access=access)
