"""Pages: the council's customer research, and its five-whys root causes."""

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session, col, select

from app.auth import Access
from app.common import IdPath, IdQuery, today_in
from app.db import SessionDep
from app.display import enum_labels
from app.models import Action, Initiative, Measure, Meeting, MeetingStatus, Role, utcnow
from app.research import service
from app.research.schemas import (
    MAX_WHYS,
    ResearchCreate,
    ResearchMethod,
    ResearchUpdate,
    RootCauseCreate,
    RootCauseUpdate,
)
from app.research.workshop_pages import WorkshopForm, workshop_choices
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import ListField, TextField, attempt, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


def _page_research(research_id: IdPath, user: PageUser, session: SessionDep) -> service.RecordAccess:
    """The research item in the path and my seat on its council."""
    return service.load_research_access(session=session, user=user, research_id=research_id)


PageResearch = Annotated[service.RecordAccess, Depends(_page_research)]


def _page_root_cause(root_cause_id: IdPath, user: PageUser, session: SessionDep) -> service.RecordAccess:
    """The root cause in the path and my seat on its council."""
    return service.load_root_cause_access(session=session, user=user, root_cause_id=root_cause_id)


PageRootCause = Annotated[service.RecordAccess, Depends(_page_root_cause)]

METHODS = enum_labels(ResearchMethod)


def _ids(values: list[str]) -> list[int | str]:
    # A number becomes an id; anything else is passed on for the schema to refuse by name.
    return [whole_or_text(v) for v in values if v.strip()]


def _choices(session: Session, model, name_col, council_id: int) -> list[tuple[int, str]]:
    """(id, name) of a council's measures, initiatives or actions, for checkboxes."""
    rows = session.exec(select(model.id, name_col).where(model.council_id == council_id).order_by(col(name_col)))
    return list(rows.all())


def _action_choices(session: Session, access: Access) -> list[tuple[int, str]]:
    query = select(Action.id, Action.title).where(Action.council_id == access.council.id)
    if access.is_(Role.observer):
        query = query.where(Action.owner_id == access.membership.id)
    return list(session.exec(query.order_by(col(Action.title))).all())


def _previous_meeting(session: Session, council) -> tuple[int, date] | None:
    """The number and local date of the last meeting held before now, for "research since the last meeting"."""
    meeting = session.exec(
        select(Meeting)
        .where(
            Meeting.council_id == council.id,
            Meeting.scheduled_at < utcnow(),
            Meeting.status != MeetingStatus.cancelled,
        )
        .order_by(col(Meeting.scheduled_at).desc())
    ).first()
    if meeting is None:
        return None
    return meeting.number, meeting.scheduled_at.astimezone(ZoneInfo(council.timezone)).date()


def _since_param(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/councils/{council_id}/research")
def research_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil, since: str = ""):
    """The council's research, newest first, with a form to add more (not observers)."""
    council = access.council
    since_day = _since_param(since)
    items = service.list_research(session=session, council=council, since=since_day)
    may_edit = {
        r.id
        for r in items
        if access.is_(Role.chair) or (r.created_by_id == user.id and access.is_(*service.CONTRIBUTORS))
    }
    return render(
        request,
        "research.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "items": items,
            "since": since_day,
            "previous_meeting": _previous_meeting(session, council),
            "may_add": access.is_(*service.CONTRIBUTORS),
            "may_edit": may_edit,
            "methods": METHODS,
            "today": today_in(council.timezone),
            "measures": _choices(session, Measure, Measure.name, council.id),
            "initiatives": _choices(session, Initiative, Initiative.title, council.id),
            "nav": nav(session=session, council=council, here="research"),
        },
    )


def _research_data(title, conducted_on, method, summary, findings, link, measure_ids, initiative_ids) -> dict:
    return {
        "title": title,
        "conducted_on": conducted_on or None,
        "method": method or None,
        "summary": summary.replace("\r\n", "\n"),
        "findings": findings.replace("\r\n", "\n"),
        "link": link,
        "measure_ids": _ids(measure_ids),
        "initiative_ids": _ids(initiative_ids),
    }


@router.post("/councils/{council_id}/research", dependencies=[CsrfChecked])
def create_research_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    title: TextField = "",
    conducted_on: TextField = "",
    method: TextField = "",
    summary: TextField = "",
    findings: TextField = "",
    link: TextField = "",
    measure_ids: ListField = [],  # noqa: B006 (FastAPI copies defaults)
    initiative_ids: ListField = [],  # noqa: B006
):
    """Record research from the research page (chair, secretary or member)."""
    access.require(*service.CONTRIBUTORS, doing="add research")
    data = _research_data(title, conducted_on, method, summary, findings, link, measure_ids, initiative_ids)
    attempt(
        request,
        session,
        lambda: service.create_research(
            session=session, access=access, research_in=ResearchCreate.model_validate(data)
        ),
        success="Research “{result.title}” added.",
    )
    return redirect(f"/councils/{access.council.id}/research")


@router.post("/research/{research_id}/edit", dependencies=[CsrfChecked])
def update_research_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageResearch,
    title: TextField = "",
    conducted_on: TextField = "",
    method: TextField = "",
    summary: TextField = "",
    findings: TextField = "",
    link: TextField = "",
    measure_ids: ListField = [],  # noqa: B006
    initiative_ids: ListField = [],  # noqa: B006
):
    """Save a corrected research item (its author or the chair)."""
    service.check_may_edit(found=found, what="research")
    data = _research_data(title, conducted_on, method, summary, findings, link, measure_ids, initiative_ids)
    attempt(
        request,
        session,
        lambda: service.update_research(session=session, found=found, research_in=ResearchUpdate.model_validate(data)),
        success="Research “{result.title}” saved.",
    )
    return redirect(f"/councils/{found.record.council_id}/research#research-{found.record.id}")


@router.post("/research/{research_id}/delete", dependencies=[CsrfChecked])
def delete_research_form(request: Request, session: SessionDep, user: PageUser, found: PageResearch):
    """Delete a research item (its author or the chair)."""
    council_id, title = found.record.council_id, found.record.title
    service.delete_research(session=session, found=found)
    flash(request, f"Research “{title}” deleted.")
    return redirect(f"/councils/{council_id}/research")


# Root causes


@router.get("/councils/{council_id}/root-causes")
def root_causes_page(
    request: Request, session: SessionDep, user: PageUser, access: PageCouncil, theme_id: IdQuery = None
):
    """The council's five-whys analyses, each a numbered chain ending in its root cause; `theme_id` starts a
    workshop from that feedback theme."""
    council = access.council
    items = service.list_root_causes(session=session, access=access)
    may_edit = {
        r.id
        for r in items
        if access.is_(Role.chair) or (r.created_by_id == user.id and access.is_(*service.CONTRIBUTORS))
    }
    return render(
        request,
        "root_causes.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "items": items,
            "may_add": access.is_(*service.CONTRIBUTORS),
            "may_edit": may_edit,
            "max_whys": MAX_WHYS,
            "research": [(r.id, r.title) for r in service.list_research(session=session, council=council)],
            "actions": _action_choices(session, access),
            "initiatives": _choices(session, Initiative, Initiative.title, council.id),
            "workshop": workshop_choices(session=session, access=access),
            "start_theme_id": theme_id,
            "nav": nav(session=session, council=council, here="root_causes"),
        },
    )


def _root_cause_data(theme, whys, root_cause, research_id, action_ids, initiative_ids) -> dict:
    return {
        "theme": theme,
        # Blank boxes are whys not asked; the rest keep their order.
        "whys": [w for w in whys if w.strip()],
        "root_cause": root_cause.replace("\r\n", "\n"),
        "research_id": whole_or_text(research_id),
        "action_ids": _ids(action_ids),
        "initiative_ids": _ids(initiative_ids),
    }


@router.post("/councils/{council_id}/root-causes", dependencies=[CsrfChecked])
def create_root_cause_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    workshop: WorkshopForm,
    theme: TextField = "",
    whys: ListField = [],  # noqa: B006
    root_cause: TextField = "",
    research_id: TextField = "",
    action_ids: ListField = [],  # noqa: B006
    initiative_ids: ListField = [],  # noqa: B006
):
    """Record a five-whys analysis from the root-causes page (chair, secretary or member)."""
    access.require(*service.CONTRIBUTORS, doing="add root causes")
    data = _root_cause_data(theme, whys, root_cause, research_id, action_ids, initiative_ids) | workshop
    attempt(
        request,
        session,
        lambda: service.create_root_cause(
            session=session, access=access, root_cause_in=RootCauseCreate.model_validate(data)
        ),
        success="Root cause for “{result.theme}” recorded.",
    )
    return redirect(f"/councils/{access.council.id}/root-causes")


@router.post("/root-causes/{root_cause_id}/edit", dependencies=[CsrfChecked])
def update_root_cause_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageRootCause,
    workshop: WorkshopForm,
    theme: TextField = "",
    whys: ListField = [],  # noqa: B006
    root_cause: TextField = "",
    research_id: TextField = "",
    action_ids: ListField = [],  # noqa: B006
    initiative_ids: ListField = [],  # noqa: B006
):
    """Save a revised analysis (its author or the chair)."""
    service.check_may_edit(found=found, what="root cause")
    data = _root_cause_data(theme, whys, root_cause, research_id, action_ids, initiative_ids) | workshop
    attempt(
        request,
        session,
        lambda: service.update_root_cause(
            session=session, found=found, root_cause_in=RootCauseUpdate.model_validate(data)
        ),
        success="Root cause for “{result.theme}” saved.",
    )
    return redirect(f"/councils/{found.record.council_id}/root-causes#root-cause-{found.record.id}")


@router.post("/root-causes/{root_cause_id}/delete", dependencies=[CsrfChecked])
def delete_root_cause_form(request: Request, session: SessionDep, user: PageUser, found: PageRootCause):
    """Delete a five-whys analysis (its author or the chair)."""
    council_id, theme = found.record.council_id, found.record.theme
    service.delete_root_cause(session=session, found=found)
    flash(request, f"Root cause for “{theme}” deleted.")
    return redirect(f"/councils/{council_id}/root-causes")
