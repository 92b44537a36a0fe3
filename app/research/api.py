"""JSON routes: customer research and five-whys root causes."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from app.auth import CouncilAccess
from app.common import ListOf, list_of
from app.db import SessionDep
from app.research import service
from app.research.deps import ResearchDep, RootCauseDep
from app.research.schemas import (
    ResearchCreate,
    ResearchPublic,
    ResearchUpdate,
    RootCauseCreate,
    RootCausePublic,
    RootCauseUpdate,
)
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["research"], route_class=CreateRoute)


@router.get("/councils/{council_id}/research", response_model=ListOf[ResearchPublic])
def list_research(
    session: SessionDep,
    access: CouncilAccess,
    since: Annotated[date | None, Query(description="Only research conducted on or after this date")] = None,
) -> dict:
    """The council's customer research, newest first (e.g. `since` the previous meeting)."""
    return list_of(service.list_research(session=session, council=access.council, since=since))


@router.post("/councils/{council_id}/research", response_model=ResearchPublic, status_code=201)
def create_research(session: SessionDep, access: CouncilAccess, research_in: ResearchCreate) -> ResearchPublic:
    """Record research that has taken place, linked to this council's measures and initiatives (not observers)."""
    research = service.create_research(session=session, access=access, research_in=research_in)
    return service.get_research_public(session=session, research=research)


@router.get("/research/{research_id}", response_model=ResearchPublic)
def get_research(session: SessionDep, found: ResearchDep) -> ResearchPublic:
    """One research item."""
    return service.get_research_public(session=session, research=found.record)


@router.patch("/research/{research_id}", response_model=ResearchPublic)
def update_research(session: SessionDep, found: ResearchDep, research_in: ResearchUpdate) -> ResearchPublic:
    """Correct a research item (its author or the chair); id lists, when sent, replace the links."""
    research = service.update_research(session=session, found=found, research_in=research_in)
    return service.get_research_public(session=session, research=research)


@router.delete("/research/{research_id}", status_code=204)
def delete_research(session: SessionDep, found: ResearchDep) -> None:
    """Delete a research item (its author or the chair)."""
    service.delete_research(session=session, found=found)


@router.get("/councils/{council_id}/root-causes", response_model=ListOf[RootCausePublic])
def list_root_causes(session: SessionDep, access: CouncilAccess) -> dict:
    """The council's five-whys analyses, newest first."""
    return list_of(service.list_root_causes(session=session, access=access))


@router.post("/councils/{council_id}/root-causes", response_model=RootCausePublic, status_code=201)
def create_root_cause(session: SessionDep, access: CouncilAccess, root_cause_in: RootCauseCreate) -> RootCausePublic:
    """Record a five-whys analysis: 1 to 5 whys in order; the root cause defaults to the last (not observers)."""
    root_cause = service.create_root_cause(session=session, access=access, root_cause_in=root_cause_in)
    return service.get_root_cause_public(session=session, access=access, root_cause=root_cause)


@router.get("/root-causes/{root_cause_id}", response_model=RootCausePublic)
def get_root_cause(session: SessionDep, found: RootCauseDep) -> RootCausePublic:
    """One root-cause analysis."""
    return service.get_root_cause_public(session=session, access=found.access, root_cause=found.record)


@router.patch("/root-causes/{root_cause_id}", response_model=RootCausePublic)
def update_root_cause(session: SessionDep, found: RootCauseDep, root_cause_in: RootCauseUpdate) -> RootCausePublic:
    """Revise an analysis (its author or the chair); id lists, when sent, replace the links."""
    root_cause = service.update_root_cause(session=session, found=found, root_cause_in=root_cause_in)
    return service.get_root_cause_public(session=session, access=found.access, root_cause=root_cause)


@router.delete("/root-causes/{root_cause_id}", status_code=204)
def delete_root_cause(session: SessionDep, found: RootCauseDep) -> None:
    """Delete a root-cause analysis (its author or the chair)."""
    service.delete_root_cause(session=session, found=found)
