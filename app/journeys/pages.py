"""Pages: a council's journeys, and one journey as a steps × departments grid."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlmodel import Session

from app.auth import load_access
from app.common import IdPath
from app.councils.service import list_members
from app.db import SessionDep
from app.errors import AppError
from app.initiatives.display import nav
from app.journeys import service
from app.journeys.matrix import JourneyMatrix
from app.journeys.schemas import JourneyCreate, JourneyUpdate, StepCreate, StepUpdate
from app.models import Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageUser
from app.web.forms import attempt
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)

TextField = Annotated[str, Form()]
ListField = Annotated[list[str], Form()]


def apply_form(
    request: Request,
    session: Session,
    build: Callable[[], Any],
    apply: Callable[[Any], Any],
    *,
    success: str,
    back: str,
):
    """Shared shape of a small form: validate, apply, flash the outcome, back to the page.

    403 and 404 stay errors; anything a person can fix is flashed and nothing is saved.
    """
    ok, result = attempt(request, session, lambda: apply(build()))
    if ok:
        flash(request, success.format(result=result))
    return redirect(back)


def _id_or_none(value: str) -> int | str | None:
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


def _departments(values: list[str]) -> list[dict]:
    """Each department select sends "<id>:owns", "<id>:contributes" or nothing."""
    result = []
    for value in values:
        department_id, _, responsibility = value.partition(":")
        if department_id:
            result.append({"department_id": _id_or_none(department_id), "responsibility": responsibility})
    return result


def _handoffs_before(matrix: JourneyMatrix) -> dict[int, Any]:
    """Each handoff keyed by the step it hands to, so the grid can draw it just above that row."""
    return {h.to_step.id: h for h in matrix.handoffs}


@router.get("/councils/{council_id}/journeys")
def journeys_page(request: Request, session: SessionDep, user: PageUser, council_id: IdPath):
    """The council's key journeys, each with its owner and where it breaks; the chair adds more."""
    access = load_access(session=session, user=user, council_id=council_id)
    return render(
        request,
        "journeys.html",
        {
            "user": user,
            "access": access,
            "council": access.council,
            "journeys": service.list_journeys(session=session, council=access.council),
            "members": list_members(session=session, council=access.council),
            "is_chair": access.is_(Role.chair),
            "nav": nav(session=session, council=access.council, here="journeys"),
        },
    )


@router.post("/councils/{council_id}/journeys", dependencies=[CsrfChecked])
def create_journey_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    council_id: IdPath,
    name: TextField = "",
    description: TextField = "",
    owner_id: TextField = "",
):
    """Add a journey from the journeys page (chair)."""
    access = load_access(session=session, user=user, council_id=council_id)
    access.require(Role.chair, doing="add journeys")
    created: list[int] = []

    def apply(journey_in):
        journey = service.create_journey(session=session, access=access, journey_in=journey_in)
        created.append(journey.id)
        return journey

    response = apply_form(
        request,
        session,
        lambda: JourneyCreate(name=name, description=description, owner_id=_id_or_none(owner_id)),
        apply,
        success="Journey “{result.name}” added: now map its steps.",
        back=f"/councils/{council_id}/journeys",
    )
    return redirect(f"/journeys/{created[0]}") if created else response


@router.get("/journeys/{journey_id}")
def journey_page(request: Request, session: SessionDep, user: PageUser, journey_id: IdPath):
    """One journey: the steps × departments grid, its gaps, overlaps and handoffs, and (for the chair and the
    owner) the forms that shape it."""
    found = service.load_journey_access(session=session, user=user, journey_id=journey_id)
    council = found.access.council
    matrix = service.build_matrix(session=session, council=council, journey=found.journey)
    steps = service.list_steps(session=session, journey=found.journey)
    involved = {d.id for row in matrix.rows for d in (*row.owners, *row.contributors)}
    return render(
        request,
        "journey.html",
        {
            "user": user,
            "access": found.access,
            "council": council,
            "journey": service.get_journey_public(session=session, council=council, journey=found.journey),
            "matrix": matrix,
            "handoff_before": _handoffs_before(matrix),
            "steps": steps,
            "descriptions": {s.id: s.description for s in steps},
            "roles": {s.id: {d.department_id: d.responsibility for d in s.departments} for s in steps},
            "uninvolved": {d.id for d in matrix.departments} - involved if matrix.rows else set(),
            "members": list_members(session=session, council=council),
            "may_edit": found.may_edit,
            "is_chair": found.access.is_(Role.chair),
        },
    )


@router.post("/journeys/{journey_id}/edit", dependencies=[CsrfChecked])
def update_journey_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    journey_id: IdPath,
    name: TextField = "",
    description: TextField = "",
    owner_id: Annotated[str | None, Form()] = None,
):
    """Rename or describe the journey (chair or owner); the chair's form also names the owner."""
    found = service.load_journey_access(session=session, user=user, journey_id=journey_id)
    service.check_may_edit(found=found)

    def build():
        data: dict = {"name": name, "description": description}
        if owner_id is not None:
            data["owner_id"] = _id_or_none(owner_id)
        return JourneyUpdate.model_validate(data)

    return apply_form(
        request,
        session,
        build,
        lambda journey_in: service.update_journey(session=session, found=found, journey_in=journey_in),
        success="Journey saved.",
        back=f"/journeys/{journey_id}",
    )


@router.post("/journeys/{journey_id}/delete", dependencies=[CsrfChecked])
def delete_journey_form(request: Request, session: SessionDep, user: PageUser, journey_id: IdPath):
    """Delete the journey and its steps (chair)."""
    found = service.load_journey_access(session=session, user=user, journey_id=journey_id)
    council_id, name = found.journey.council_id, found.journey.name
    try:
        service.delete_journey(session=session, found=found)
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        session.rollback()
        flash(request, exc.detail, "error")
        return redirect(f"/journeys/{journey_id}")
    flash(request, f"Journey “{name}” deleted.")
    return redirect(f"/councils/{council_id}/journeys")


@router.post("/journeys/{journey_id}/steps", dependencies=[CsrfChecked])
def create_step_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    journey_id: IdPath,
    name: TextField = "",
    position: TextField = "",
    channel: TextField = "",
    description: TextField = "",
    departments: ListField = [],  # noqa: B006 (FastAPI copies defaults)
):
    """Add a step with the departments that serve it (chair or owner)."""
    found = service.load_journey_access(session=session, user=user, journey_id=journey_id)
    service.check_may_edit(found=found)
    return apply_form(
        request,
        session,
        lambda: StepCreate.model_validate(
            {
                "name": name,
                "position": _id_or_none(position),
                "channel": channel,
                "description": description,
                "departments": _departments(departments),
            }
        ),
        lambda step_in: service.create_step(session=session, found=found, step_in=step_in),
        success="Step {result.position} “{result.name}” added.",
        back=f"/journeys/{journey_id}#matrix",
    )


@router.post("/journeys/{journey_id}/steps/{step_id}", dependencies=[CsrfChecked])
def update_step_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    journey_id: IdPath,
    step_id: IdPath,
    name: TextField = "",
    position: TextField = "",
    channel: TextField = "",
    description: TextField = "",
    departments: ListField = [],  # noqa: B006
):
    """Save a step: its details, its place in the journey and its departments (chair or owner)."""
    found = service.load_journey_access(session=session, user=user, journey_id=journey_id)
    service.check_may_edit(found=found)
    step = service.get_step(session=session, journey=found.journey, step_id=step_id)
    return apply_form(
        request,
        session,
        lambda: StepUpdate.model_validate(
            {
                "name": name,
                "position": _id_or_none(position) or step.position,
                "channel": channel,
                "description": description,
                "departments": _departments(departments),
            }
        ),
        lambda step_in: service.update_step(session=session, found=found, step=step, step_in=step_in),
        success="Step {result.position} “{result.name}” saved.",
        back=f"/journeys/{journey_id}#matrix",
    )


@router.post("/journeys/{journey_id}/steps/{step_id}/delete", dependencies=[CsrfChecked])
def delete_step_form(request: Request, session: SessionDep, user: PageUser, journey_id: IdPath, step_id: IdPath):
    """Remove a step (chair or owner); the later steps move up."""
    found = service.load_journey_access(session=session, user=user, journey_id=journey_id)
    step = service.get_step(session=session, journey=found.journey, step_id=step_id)
    name = step.name
    service.delete_step(session=session, found=found, step=step)
    flash(request, f"Step “{name}” removed.")
    return redirect(f"/journeys/{journey_id}#matrix")
