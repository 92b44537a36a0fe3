"""Pages: a council's initiatives, one initiative, and the prioritisation of proposals."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlmodel import select

from app.common import IdPath, parse_decimal
from app.councils.schemas import CouncilUpdate
from app.councils.service import list_departments, list_members, update_council
from app.db import SessionDep
from app.display import CRITERIA_LABELS as CRITERIA
from app.display import INITIATIVE_STATUSES as STATUSES
from app.initiatives import service
from app.initiatives.schemas import InitiativeCreate, InitiativeUpdate
from app.models import Department, Journey, Measure, Role
from app.papers import view as paper_view
from app.scoring import PRIORITY_DEFAULTS, effective_weights
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import attempt, number_or_text, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


def _page_initiative(initiative_id: IdPath, user: PageUser, session: SessionDep) -> service.InitiativeAccess:
    """The initiative in the path and my seat on its council."""
    return service.load_initiative_access(session=session, user=user, initiative_id=initiative_id)


PageInitiative = Annotated[service.InitiativeAccess, Depends(_page_initiative)]

RATINGS = ("customer_impact", "effort", "strategic_fit", "confidence")
INT_FIELDS = frozenset({*RATINGS, "failure_volume_per_year", "percent_complete", "owner_id"})
FLOAT_FIELDS = frozenset({"unit_cost", "implementation_cost"})
TEXT_FIELDS = frozenset({"title", "description"})
STALE = "Someone changed this initiative since you opened the page, so nothing was saved. Check it and try again."


def _typed(form: dict[str, str | None]) -> dict:
    """Form strings as the schema's types; a field the form did not carry is left out, a blank one is null."""
    data: dict = {}
    for field, raw in form.items():
        if raw is None:
            continue
        value = raw.strip()
        if field in TEXT_FIELDS:
            data[field] = raw.replace("\r\n", "\n").strip()
        elif value == "":
            data[field] = 0 if field in FLOAT_FIELDS or field == "failure_volume_per_year" else None
        elif field in INT_FIELDS:
            data[field] = whole_or_text(value)
        elif field in FLOAT_FIELDS:
            number = parse_decimal(value.replace(",", "").removeprefix("£"))
            data[field] = value if number is None else number
        else:
            data[field] = value
    return data


@router.get("/councils/{council_id}/initiatives")
def initiatives_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """The council's initiatives with status, owner, RAG, progress and economics; a form to propose one."""
    council = access.council
    initiatives = service.list_initiatives(session=session, council=council)
    live = [i for i in initiatives if i.status in ("approved", "in_progress")]
    return render(
        request,
        "initiatives.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "initiatives": initiatives,
            "live_saving": sum(i.yearly_saving for i in live),
            "live_count": len(live),
            "can_propose": not access.is_(Role.observer),
            "departments": list_departments(session=session, council=council),
            "ratings": RATINGS,
            "nav": nav(session=session, council=council, here="initiatives"),
        },
    )


@router.post("/councils/{council_id}/initiatives", dependencies=[CsrfChecked])
def propose_initiative_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    title: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    failure_volume_per_year: Annotated[str, Form()] = "",
    unit_cost: Annotated[str, Form()] = "",
    implementation_cost: Annotated[str, Form()] = "",
    customer_impact: Annotated[str, Form()] = "",
    effort: Annotated[str, Form()] = "",
    strategic_fit: Annotated[str, Form()] = "",
    confidence: Annotated[str, Form()] = "",
    department_ids: Annotated[list[str] | None, Form()] = None,
):
    """Propose an initiative from the form."""
    data = _typed(
        {
            "title": title,
            "description": description,
            "failure_volume_per_year": failure_volume_per_year,
            "unit_cost": unit_cost,
            "implementation_cost": implementation_cost,
            "customer_impact": customer_impact,
            "effort": effort,
            "strategic_fit": strategic_fit,
            "confidence": confidence,
        }
    )
    data["department_ids"] = [whole_or_text(d) for d in department_ids or [] if d.strip()]
    ok, initiative = attempt(
        request,
        session,
        lambda: service.create_initiative(
            session=session, access=access, initiative_in=InitiativeCreate.model_validate(data)
        ),
        success=lambda initiative: f"Initiative “{initiative.title}” proposed.",
    )
    return redirect(f"/initiatives/{initiative.id}" if ok else f"/councils/{access.council.id}/initiatives#propose")


@router.get("/initiatives/{initiative_id}")
def initiative_page(request: Request, session: SessionDep, user: PageUser, found: PageInitiative):
    """One initiative: its case, progress, linked measures, and the chair's status buttons."""
    council = found.access.council
    initiative = service.get_initiative_public(session=session, council=council, initiative=found.initiative)
    return render(
        request,
        "initiative.html",
        {
            "user": user,
            "access": found.access,
            "council": council,
            "i": initiative,
            "is_chair": found.access.is_(Role.chair),
            "can_edit": service.check_may_edit(found=found),
            "members": [m for m in list_members(session=session, council=council) if m.role != Role.observer],
            "ratings": RATINGS,
            "nav": nav(session=session, council=council, here="initiatives"),
            "journey": session.get(Journey, initiative.journey_id) if initiative.journey_id else None,
            "all_journeys": list(session.exec(select(Journey).where(Journey.council_id == council.id))),
            "all_departments": list(session.exec(select(Department).where(Department.council_id == council.id))),
            "all_measures": list(session.exec(select(Measure).where(Measure.council_id == council.id))),
            "papers_view": paper_view.initiative_page_papers(
                session=session, access=found.access, initiative=found.initiative, back=f"/initiatives/{initiative.id}"
            ),
        },
    )


@router.post("/initiatives/{initiative_id}/status", dependencies=[CsrfChecked])
def move_initiative_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageInitiative,
    status: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
):
    """Move an initiative to another status (chair)."""
    found.access.require(Role.chair, doing="move an initiative to another status")
    if version != str(found.initiative.version):
        flash(request, STALE, "error")
    elif attempt(
        request,
        session,
        lambda: service.update_initiative(
            session=session, found=found, initiative_in=InitiativeUpdate.model_validate({"status": status})
        ),
    )[0]:
        flash(request, f"Now {STATUSES.get(found.initiative.status, status).lower()}.")
    return redirect(f"/initiatives/{found.initiative.id}")


@router.post("/initiatives/{initiative_id}", dependencies=[CsrfChecked])
def edit_initiative_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageInitiative,
    version: Annotated[str, Form()] = "",
    title: Annotated[str | None, Form()] = None,
    description: Annotated[str | None, Form()] = None,
    owner_id: Annotated[str | None, Form()] = None,
    rag: Annotated[str | None, Form()] = None,
    percent_complete: Annotated[str | None, Form()] = None,
    start_on: Annotated[str | None, Form()] = None,
    target_on: Annotated[str | None, Form()] = None,
    failure_volume_per_year: Annotated[str | None, Form()] = None,
    unit_cost: Annotated[str | None, Form()] = None,
    implementation_cost: Annotated[str | None, Form()] = None,
    customer_impact: Annotated[str | None, Form()] = None,
    effort: Annotated[str | None, Form()] = None,
    strategic_fit: Annotated[str | None, Form()] = None,
    confidence: Annotated[str | None, Form()] = None,
):
    """Save progress or the case from a form (owner or chair; the proposer while proposed)."""
    typed = _typed(
        {
            "title": title,
            "description": description,
            "owner_id": owner_id,
            "rag": rag,
            "percent_complete": percent_complete,
            "start_on": start_on,
            "target_on": target_on,
            "failure_volume_per_year": failure_volume_per_year,
            "unit_cost": unit_cost,
            "implementation_cost": implementation_cost,
            "customer_impact": customer_impact,
            "effort": effort,
            "strategic_fit": strategic_fit,
            "confidence": confidence,
        }
    )
    # Only what differs from the stored record is written, so an unchanged form is no change.
    current = found.initiative.model_dump()
    data = {k: v for k, v in typed.items() if str(current.get(k)) != str(v) and current.get(k) != v}
    if version != str(found.initiative.version):
        flash(request, STALE, "error")
    elif not data:
        flash(request, "Nothing to save: nothing was changed.", "error")
    elif attempt(
        request,
        session,
        lambda: service.update_initiative(
            session=session, found=found, initiative_in=InitiativeUpdate.model_validate(data)
        ),
    )[0]:
        flash(request, "Saved.")
    return redirect(f"/initiatives/{found.initiative.id}")


@router.post("/initiatives/{initiative_id}/links", dependencies=[CsrfChecked])
def link_initiative_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageInitiative,
    version: Annotated[str, Form()] = "",
    journey_id: Annotated[str, Form()] = "",
    department_ids: Annotated[list[str], Form()] = [],  # noqa: B006  (FastAPI copies defaults)
    measure_ids: Annotated[list[str], Form()] = [],  # noqa: B006
):
    """Link the journey, departments and measures from the page (owner or chair; the proposer while proposed).

    A measure already linked keeps its baseline; a newly linked one takes its latest reading.
    """
    current = service.get_initiative_public(session=session, council=found.access.council, initiative=found.initiative)
    baselines = {m.measure_id: m.baseline_value for m in current.measures}

    def ids(values: list[str]) -> list:
        return [whole_or_text(v, blank=v) for v in values]

    data = {
        "journey_id": whole_or_text(journey_id),
        "department_ids": ids(department_ids),
        "measures": [
            {"measure_id": m, "baseline_value": baselines[m]} if baselines.get(m) is not None else {"measure_id": m}
            for m in ids(measure_ids)
        ],
    }
    if version != str(found.initiative.version):
        flash(request, STALE, "error")
    elif attempt(
        request,
        session,
        lambda: service.update_initiative(
            session=session, found=found, initiative_in=InitiativeUpdate.model_validate(data)
        ),
    )[0]:
        flash(request, "Links saved.")
    return redirect(f"/initiatives/{found.initiative.id}#measures-h")


@router.get("/councils/{council_id}/priorities")
def priorities_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """Proposals ranked by the council's weighted criteria, each with its breakdown."""
    council = access.council
    priorities = service.list_priorities(session=session, council=council)
    total_weight = sum(priorities.weights.values())
    return render(
        request,
        "priorities.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "ranked": priorities.data,
            "weights": priorities.weights,
            # The most points each criterion can give, out of 100.
            "ceilings": {c: w / total_weight * 100 for c, w in priorities.weights.items()},
            "is_chair": access.is_(Role.chair),
            "custom": council.priority_weights is not None,
            "nav": nav(session=session, council=council, here="priorities"),
        },
    )


@router.post("/councils/{council_id}/priorities/weights", dependencies=[CsrfChecked])
def priority_weights_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    customer_impact: Annotated[str, Form()] = "",
    saving: Annotated[str, Form()] = "",
    effort: Annotated[str, Form()] = "",
    strategic_fit: Annotated[str, Form()] = "",
    confidence: Annotated[str, Form()] = "",
    reset: Annotated[str, Form()] = "",
):
    """Set the council's prioritisation weights, or restore the defaults (chair)."""
    access.require(Role.chair, doing="set the prioritisation weights")
    given = {
        "customer_impact": customer_impact,
        "saving": saving,
        "effort": effort,
        "strategic_fit": strategic_fit,
        "confidence": confidence,
    }
    weights = None if reset else {k: number_or_text(v, blank=0) for k, v in given.items()}
    if attempt(
        request,
        session,
        lambda: update_council(
            session=session,
            council=access.council,
            council_in=CouncilUpdate.model_validate({"priority_weights": weights}),
        ),
    )[0]:
        shown = effective_weights(access.council.priority_weights, PRIORITY_DEFAULTS)
        flash(request, "Weights saved: " + ", ".join(f"{CRITERIA[k].lower()} {v:g}" for k, v in shown.items()) + ".")
    return redirect(f"/councils/{access.council.id}/priorities")
