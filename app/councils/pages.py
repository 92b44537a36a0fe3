"""Pages: my councils, and the chair's council forms on a council's page (the page itself: app/home/pages.py)."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile

from app.auth import Access
from app.councils import invitation_service, service, template_service
from app.councils.schemas import CouncilCreate, CouncilUpdate, DepartmentCreate
from app.db import SessionDep
from app.docx.template import MAX_TEMPLATE_BYTES
from app.models import Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import attempt, whole_or_text
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/councils")
def councils_page(request: Request, session: SessionDep, user: PageUser):
    """The councils I sit on, invitations waiting for my answer, and (if I may) a form to start a council."""
    seats = service.list_my_councils(session=session, user=user)
    creators = request.app.state.settings.COUNCIL_CREATORS
    return render(
        request,
        "councils.html",
        {
            "user": user,
            "seats": seats,
            "invitations": invitation_service.list_my_invitations(session=session, user=user),
            "can_create": service.may_create_councils(user=user, creators=creators),
        },
    )


@router.post("/councils", dependencies=[CsrfChecked])
def create_council_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    name: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
):
    """Start a council from the form."""
    ok, access = attempt(
        request,
        session,
        lambda: service.create_council(
            session=session,
            council_in=CouncilCreate(name=name, description=description),
            creator=user,
            creators=request.app.state.settings.COUNCIL_CREATORS,
        ),
        success=lambda access: f"Council “{access.council.name}” created; you are its chair.",
    )
    return redirect(f"/councils/{access.council.id}" if ok else "/councils")


def _chair_only(access: Access) -> str:
    """The chair's small forms on the council page: refused for anyone else, and back to the council after."""
    access.require(Role.chair, doing="change the council")
    return f"/councils/{access.council.id}"


@router.post("/councils/{council_id}/departments", dependencies=[CsrfChecked])
def add_department_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    name: Annotated[str, Form()] = "",
    is_external: Annotated[bool, Form()] = False,
):
    """Add a department or supplier from the council page (chair)."""
    back = _chair_only(access)
    attempt(
        request,
        session,
        lambda: service.create_department(
            session=session, council=access.council, department_in=DepartmentCreate(name=name, is_external=is_external)
        ),
        success="Department “{result.name}” added.",
    )
    return redirect(back)


@router.post("/councils/{council_id}/settings", dependencies=[CsrfChecked])
def meeting_settings_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    quorum_members: Annotated[str, Form()] = "",
    quorum_departments: Annotated[str, Form()] = "",
):
    """Set the quorum from the council page (chair); an empty box means the default."""
    back = _chair_only(access)
    attempt(
        request,
        session,
        lambda: service.update_council(
            session=session,
            council=access.council,
            council_in=CouncilUpdate.model_validate(
                {
                    "quorum_members": whole_or_text(quorum_members),
                    "quorum_departments": whole_or_text(quorum_departments),
                }
            ),
        ),
        success="Quorum saved.",
    )
    return redirect(back)


@router.post("/councils/{council_id}/action-settings", dependencies=[CsrfChecked])
def action_settings_form(
    request: Request, session: SessionDep, access: PageCouncil, members_raise_actions: Annotated[str, Form()] = ""
):
    """Let members raise actions for their own department between meetings, or not (chair)."""
    back = _chair_only(access)
    allowed = members_raise_actions == "true"
    attempt(
        request,
        session,
        lambda: service.update_council(
            session=session, council=access.council, council_in=CouncilUpdate(members_raise_actions=allowed)
        ),
        success="Members can now raise actions for their own department."
        if allowed
        else "Only the chair and the secretary raise actions now.",
    )
    return redirect(back)


@router.post("/councils/{council_id}/template", dependencies=[CsrfChecked])
def update_template_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    file: Annotated[UploadFile | None, File()] = None,
):
    """Use a Word file's styles for the council's documents (chair); the flash says what cleaning took out."""
    back = _chair_only(access)
    if file is None or not file.filename:
        flash(request, "Choose a Word .docx file to upload.", "error")
        return redirect(back)
    content = file.file.read(MAX_TEMPLATE_BYTES + 1)  # one byte over is enough to refuse
    attempt(
        request,
        session,
        lambda: template_service.save_template(session=session, access=access, filename=file.filename, content=content),
        success=lambda saved: template_service.saved_message(*saved),
    )
    return redirect(back)
