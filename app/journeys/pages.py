"""Pages: a council's journeys, and one journey as a steps × departments grid."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request

from app.common import IdPath
from app.councils.service import list_members
from app.db import SessionDep
from app.journeys import service
from app.journeys.matrix import JourneyMatrix
from app.journeys.schemas import JourneyCreate, JourneyUpdate, StepCreate, StepUpdate
from app.models import Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import ListField, TextField, attempt, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


def _page_journey(journey_id: IdPath, user: PageUser, session: SessionDep) -> service.JourneyAccess:
    """The journey in the path and my seat on its council."""
    return service.load_journey_access(session=session, user=user, journey_id=journey_id)


PageJourney = Annotated[service.JourneyAccess, Depends(_page_journey)]


def _departments(values: list[str]) -> list[dict]:
    """Each department select sends "<id>:owns", "<id>:contributes" or nothing."""
    result = []
    for value in values:
        department_id, _, responsibility = value.partition(":")
        if department_id:
            result.append({"department_id": whole_or_text(department_id), "responsibility": responsibility})
    return result


def _handoffs_before(matrix: JourneyMatrix) -> dict[int, Any]:
    """Each handoff keyed by the step it hands to, so the grid can draw it just above that row."""
    return {h.to_step.id: h for h in matrix.handoffs}


@router.get("/councils/{council_id}/journeys")
def journeys_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """The council's key journeys, each with its owner and where it breaks; the chair adds more."""
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
    access: PageCouncil,
    name: TextField = "",
    description: TextField = "",
    owner_id: TextField = "",
):
    """Add a journey from the journeys page (chair)."""
    access.require(Role.chair, doing="add journeys")
    ok, journey = attempt(
        request,
        session,
        lambda: service.create_journey(
            session=session,
            access=access,
            journey_in=JourneyCreate.model_validate(
                {"name": name, "description": description, "owner_id": whole_or_text(owner_id)}
            ),
        ),
        success="Journey “{result.name}” added: now map its steps.",
    )
    return redirect(f"/journeys/{journey.id}" if ok else f"/councils/{access.council.id}/journeys")


@router.get("/journeys/{journey_id}")
def journey_page(request: Request, session: SessionDep, user: PageUser, found: PageJourney):
    """One journey: the steps × departments grid, its gaps, overlaps and handoffs, and (for the chair and the
    owner) the forms that shape it."""
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
            "nav": nav(session=session, council=council, here="journeys"),
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
    found: PageJourney,
    name: TextField = "",
    description: TextField = "",
    owner_id: Annotated[str | None, Form()] = None,
):
    """Rename or describe the journey (chair or owner); the chair's form also names the owner."""
    service.check_may_edit(found=found)

    def build():
        data: dict = {"name": name, "description": description}
        if owner_id is not None:
            data["owner_id"] = whole_or_text(owner_id)
        return JourneyUpdate.model_validate(data)

    attempt(
        request,
        session,
        lambda: service.update_journey(session=session, found=found, journey_in=build()),
        success="Journey saved.",
    )
    return redirect(f"/journeys/{found.journey.id}")


@router.post("/journeys/{journey_id}/delete", dependencies=[CsrfChecked])
def delete_journey_form(request: Request, session: SessionDep, user: PageUser, found: PageJourney):
    """Delete the journey and its steps (chair)."""
    journey_id, council_id, name = found.journey.id, found.journey.council_id, found.journey.name
    ok, _ = attempt(
        request,
        session,
        lambda: service.delete_journey(session=session, found=found),
        success=lambda _: f"Journey “{name}” deleted.",
    )
    return redirect(f"/councils/{council_id}/journeys" if ok else f"/journeys/{journey_id}")


@router.post("/journeys/{journey_id}/steps", dependencies=[CsrfChecked])
def create_step_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageJourney,
    name: TextField = "",
    position: TextField = "",
    channel: TextField = "",
    description: TextField = "",
    departments: ListField = [],  # noqa: B006 (FastAPI copies defaults)
):
    """Add a step with the departments that serve it (chair or owner)."""
    service.check_may_edit(found=found)
    attempt(
        request,
        session,
        lambda: service.create_step(
            session=session,
            found=found,
            step_in=StepCreate.model_validate(
                {
                    "name": name,
                    "position": whole_or_text(position),
                    "channel": channel,
                    "description": description,
                    "departments": _departments(departments),
                }
            ),
        ),
        success="Step {result.position} “{result.name}” added.",
    )
    return redirect(f"/journeys/{found.journey.id}#matrix")


@router.post("/journeys/{journey_id}/steps/{step_id}", dependencies=[CsrfChecked])
def update_step_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageJourney,
    step_id: IdPath,
    name: TextField = "",
    position: TextField = "",
    channel: TextField = "",
    description: TextField = "",
    departments: ListField = [],  # noqa: B006
):
    """Save a step: its details, its place in the journey and its departments (chair or owner)."""
    service.check_may_edit(found=found)
    step = service.get_step(session=session, journey=found.journey, step_id=step_id)
    attempt(
        request,
        session,
        lambda: service.update_step(
            session=session,
            found=found,
            step=step,
            step_in=StepUpdate.model_validate(
                {
                    "name": name,
                    "position": whole_or_text(position) or step.position,
                    "channel": channel,
                    "description": description,
                    "departments": _departments(departments),
                }
            ),
        ),
        success="Step {result.position} “{result.name}” saved.",
    )
    return redirect(f"/journeys/{found.journey.id}#matrix")


@router.post("/journeys/{journey_id}/steps/{step_id}/delete", dependencies=[CsrfChecked])
def delete_step_form(request: Request, session: SessionDep, user: PageUser, found: PageJourney, step_id: IdPath):
    """Remove a step (chair or owner); the later steps move up."""
    step = service.get_step(session=session, journey=found.journey, step_id=step_id)
    name = step.name
    service.delete_step(session=session, found=found, step=step)
    flash(request, f"Step “{name}” removed.")
    return redirect(f"/journeys/{found.journey.id}#matrix")
