"""Pages: the chair's agenda template — the running order (up/down buttons that work without script),
minutes per item, and the council's standing items."""

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.common import IdPath
from app.councils import agenda_template as service
from app.councils import service as council_service
from app.councils.agenda_template_schemas import (
    AgendaTemplateIn,
    StandingItemCreate,
    StandingItemUpdate,
    TemplateEntryIn,
)
from app.db import SessionDep
from app.errors import Conflict
from app.models import Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import attempt, whole_or_text
from app.web.navigation import nav
from app.web.render import redirect, render

router = APIRouter(include_in_schema=False)


def _here(council_id: int, anchor: str = "") -> str:
    return f"/councils/{council_id}/agenda-template" + (f"#{anchor}" if anchor else "")


@router.get("/councils/{council_id}/agenda-template")
def agenda_template_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """The running order new agendas follow; the chair changes it here, every seat may read it."""
    template = service.get_template(session=session, council=access.council)
    members = council_service.list_members(session=session, council=access.council)
    return render(
        request,
        "agenda_template.html",
        {
            "user": user,
            "access": access,
            "council": access.council,
            "nav": nav(session=session, council=access.council, here="council"),
            "template": template,
            "total": sum(e.minutes for e in template.entries),
            "members": members,
            "is_chair": access.is_(Role.chair),
        },
    )


@router.post("/councils/{council_id}/agenda-template/move", dependencies=[CsrfChecked])
def move_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    ref: Annotated[str, Form()] = "",
    direction: Annotated[str, Form()] = "",
):
    """Move one item up or down the running order."""
    step = {"up": -1, "down": 1}.get(direction, 0)
    attempt(
        request,
        session,
        lambda: service.move(session=session, access=access, ref=ref[:40], step=step),
        success=lambda title: f"“{title}” moved {direction}." if step else None,
    )
    # Back to the row moved: only a ref that names an item (never what else a form might send) goes in the address.
    named = re.fullmatch(r"[a-z_]{1,30}|standing-[0-9]{1,12}", ref)
    return redirect(_here(access.council.id, f"entry-{ref}" if named else ""))


@router.post("/councils/{council_id}/agenda-template", dependencies=[CsrfChecked])
async def minutes_form(request: Request, session: SessionDep, access: PageCouncil):
    """Save the minutes of every item, in the order shown (fields `minutes-<ref>`)."""
    form = await request.form()
    current = service.get_template(session=session, council=access.council)
    version = whole_or_text(str(form.get("version", "")))

    def save():
        if version != current.version:
            raise Conflict("Someone changed the agenda template since this page was opened; nothing was saved.")
        entries = [
            TemplateEntryIn(ref=e.ref, minutes=whole_or_text(str(form.get(f"minutes-{e.ref}", e.minutes))))
            for e in current.entries
        ]
        return service.save_template(session=session, access=access, template_in=AgendaTemplateIn(entries=entries))

    attempt(request, session, save, success="Minutes saved: new agendas share the meeting's time in these proportions.")
    return redirect(_here(access.council.id))


def _owner(owner_id: str) -> int | str | None:
    return whole_or_text(owner_id) if owner_id.strip() else None


@router.post("/councils/{council_id}/standing-items", dependencies=[CsrfChecked])
def create_item_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    title: Annotated[str, Form()] = "",
    details: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
    minutes: Annotated[str, Form()] = "10",
):
    """Add a standing item."""
    attempt(
        request,
        session,
        lambda: service.create_item(
            session=session,
            access=access,
            item_in=StandingItemCreate(
                title=title, details=details, owner_id=_owner(owner_id), minutes=whole_or_text(minutes)
            ),
        ),
        success=lambda item: f"Standing item “{item.title}” added before any other business.",
    )
    return redirect(_here(access.council.id, "standing"))


@router.post("/councils/{council_id}/standing-items/{item_id}", dependencies=[CsrfChecked])
def update_item_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    item_id: IdPath,
    title: Annotated[str, Form()] = "",
    details: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
    minutes: Annotated[str, Form()] = "",
):
    """Change a standing item (every field is on the form, so all are saved)."""

    def save():
        item = service.get_item(session=session, council=access.council, item_id=item_id)
        changes = StandingItemUpdate(
            title=title, details=details, owner_id=_owner(owner_id), minutes=whole_or_text(minutes)
        )
        return service.update_item(session=session, access=access, item=item, item_in=changes)

    attempt(request, session, save, success=lambda item: f"Standing item “{item.title}” saved.")
    return redirect(_here(access.council.id, f"entry-standing-{item_id}"))


@router.post("/councils/{council_id}/standing-items/{item_id}/remove", dependencies=[CsrfChecked])
def remove_item_form(request: Request, session: SessionDep, access: PageCouncil, item_id: IdPath):
    """Take a standing item off future agendas."""

    def remove():
        item = service.get_item(session=session, council=access.council, item_id=item_id)
        archived = service.remove_item(session=session, access=access, item=item)
        return item.title, archived

    attempt(
        request,
        session,
        remove,
        success=lambda result: (
            f"“{result[0]}” taken off future agendas"
            + (" (archived: minutes recorded under it keep it)." if result[1] else ".")
        ),
    )
    return redirect(_here(access.council.id, "standing"))
