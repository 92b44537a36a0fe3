"""JSON routes: councils, departments and members."""

from fastapi import APIRouter, Request, Response

from app import archive
from app.archive import ArchivedCouncil, ArchivedRow, load_council_for_archive
from app.auth import Access, CouncilAccess, CurrentUser
from app.common import IdPath, IfMatch, ListOf, check_if_match, etag, list_of
from app.councils import service
from app.councils.schemas import (
    CouncilCreate,
    CouncilPublic,
    CouncilUpdate,
    DepartmentCreate,
    DepartmentPublic,
    DepartmentUpdate,
    MemberPublic,
    MemberUpdate,
)
from app.councils.sections import DEFAULT_MINUTES
from app.db import SessionDep
from app.models import Role
from app.scoring import PRIORITY_DEFAULTS, SCORECARD_DEFAULTS, effective_weights
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["councils"], route_class=CreateRoute)


def council_public(access: Access) -> CouncilPublic:
    council = access.council
    return CouncilPublic(
        **council.model_dump(exclude={"priority_weights", "scorecard_weights", "agenda_minutes"}),
        agenda_minutes={**DEFAULT_MINUTES, **(council.agenda_minutes or {})},
        priority_weights=effective_weights(council.priority_weights, PRIORITY_DEFAULTS),
        scorecard_weights=effective_weights(council.scorecard_weights, SCORECARD_DEFAULTS),
        my_role=access.membership.role,
        my_membership_id=access.membership.id,
    )


@router.get("/councils", response_model=ListOf[CouncilPublic])
def list_councils(session: SessionDep, user: CurrentUser) -> dict:
    """The councils I sit on."""
    return list_of([council_public(a) for a in service.list_my_councils(session=session, user=user)])


@router.post(
    "/councils",
    response_model=CouncilPublic,
    status_code=201,
    responses={403: {"description": "Only site admins and the people they allow (COUNCIL_CREATORS)"}},
)
def create_council(
    request: Request, session: SessionDep, user: CurrentUser, council_in: CouncilCreate
) -> CouncilPublic:
    """Start a council; I become its chair (site admins and people they allow, unless COUNCIL_CREATORS=everyone)."""
    creators = request.app.state.settings.COUNCIL_CREATORS
    return council_public(
        service.create_council(session=session, council_in=council_in, creator=user, creators=creators)
    )


@router.get("/councils/{council_id}", response_model=CouncilPublic)
def get_council(access: CouncilAccess, response: Response) -> CouncilPublic:
    """One council I sit on."""
    response.headers["ETag"] = etag(access.council.version)
    return council_public(access)


@router.patch(
    "/councils/{council_id}", response_model=CouncilPublic, responses={412: {"description": "Stale If-Match"}}
)
def update_council(
    session: SessionDep, access: CouncilAccess, council_in: CouncilUpdate, response: Response, if_match: IfMatch
) -> CouncilPublic:
    """Rename the council, change its time zone or its scoring weights (chair)."""
    access.require(Role.chair, doing="change the council's settings")
    check_if_match(if_match, access.council.version)
    service.update_council(session=session, council=access.council, council_in=council_in)
    response.headers["ETag"] = etag(access.council.version)
    return council_public(access)


@router.delete("/councils/{council_id}", status_code=204)
def delete_council(session: SessionDep, access: CouncilAccess) -> None:
    """Delete the council (chair): it is archived, hidden from every member until the chair or a site admin
    restores it; only the site admin's `council purge` removes it."""
    access.require(Role.chair, doing="delete the council")
    service.delete_council(session=session, user=access.user, council=access.council)


@router.post("/councils/{council_id}/restore", status_code=204)
def restore_council(session: SessionDep, user: CurrentUser, council_id: IdPath) -> None:
    """Bring an archived council back to everyone who sits on it (its chair or a site admin)."""
    council = load_council_for_archive(session=session, user=user, council_id=council_id)
    service.restore_council(session=session, user=user, council=council)


@router.get("/councils/{council_id}/archive", response_model=ListOf[ArchivedRow])
def list_archived(session: SessionDep, user: CurrentUser, council_id: IdPath) -> dict:
    """The council's archived actions, measures and meetings, latest first (its chair or a site admin)."""
    council = load_council_for_archive(session=session, user=user, council_id=council_id)
    return list_of(archive.list_archived(session=session, council=council))


@router.get("/archived-councils", response_model=ListOf[ArchivedCouncil])
def list_archived_councils(session: SessionDep, user: CurrentUser) -> dict:
    """Archived councils I may restore: those I chair (every one, for a site admin)."""
    return list_of(archive.list_archived_councils(session=session, user=user))


@router.get("/councils/{council_id}/departments", response_model=ListOf[DepartmentPublic])
def list_departments(session: SessionDep, access: CouncilAccess) -> dict:
    """The council's departments and outsourced suppliers."""
    return list_of(service.list_departments(session=session, council=access.council))


@router.post("/councils/{council_id}/departments", response_model=DepartmentPublic, status_code=201)
def create_department(session: SessionDep, access: CouncilAccess, department_in: DepartmentCreate):
    """Add a department or supplier (chair)."""
    access.require(Role.chair, doing="add departments")
    return service.create_department(session=session, council=access.council, department_in=department_in)


@router.get("/councils/{council_id}/departments/{department_id}", response_model=DepartmentPublic)
def get_department(session: SessionDep, access: CouncilAccess, department_id: IdPath):
    """One department."""
    return service.get_department(session=session, council=access.council, department_id=department_id)


@router.patch("/councils/{council_id}/departments/{department_id}", response_model=DepartmentPublic)
def update_department(
    session: SessionDep, access: CouncilAccess, department_id: IdPath, department_in: DepartmentUpdate
):
    """Rename a department or mark it external (chair)."""
    access.require(Role.chair, doing="change departments")
    department = service.get_department(session=session, council=access.council, department_id=department_id)
    return service.update_department(
        session=session, department=department, council=access.council, department_in=department_in
    )


@router.delete("/councils/{council_id}/departments/{department_id}", status_code=204)
def delete_department(session: SessionDep, access: CouncilAccess, department_id: IdPath) -> None:
    """Remove a department nothing refers to (chair)."""
    access.require(Role.chair, doing="remove departments")
    department = service.get_department(session=session, council=access.council, department_id=department_id)
    service.delete_department(session=session, department=department)


@router.get("/councils/{council_id}/members", response_model=ListOf[MemberPublic])
def list_members(session: SessionDep, access: CouncilAccess) -> dict:
    """Everyone on the council, with role and department."""
    return list_of(service.list_members(session=session, council=access.council))


@router.get("/councils/{council_id}/members/{member_id}", response_model=MemberPublic)
def get_member(session: SessionDep, access: CouncilAccess, member_id: IdPath):
    """One member."""
    return service.get_member(session=session, council=access.council, membership_id=member_id)


@router.patch("/councils/{council_id}/members/{member_id}", response_model=MemberPublic)
def update_member(session: SessionDep, access: CouncilAccess, member_id: IdPath, member_in: MemberUpdate):
    """Change a member's role or department (chair)."""
    access.require(Role.chair, doing="change members")
    return service.update_member(session=session, council=access.council, membership_id=member_id, member_in=member_in)


@router.delete("/councils/{council_id}/members/{member_id}", status_code=204)
def delete_member(session: SessionDep, access: CouncilAccess, member_id: IdPath) -> None:
    """Take someone off the council (chair)."""
    access.require(Role.chair, doing="remove members")
    service.remove_member(session=session, council=access.council, membership_id=member_id)
