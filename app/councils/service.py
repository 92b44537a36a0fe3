"""Councils, their departments and their members."""

from sqlmodel import Session, col, func, select

from app.archive import archive_record, restore_record
from app.archived import INCLUDE_ARCHIVED
from app.auth import Access
from app.councils.schemas import (
    CouncilCreate,
    CouncilUpdate,
    DepartmentCreate,
    DepartmentUpdate,
    MemberPublic,
    MemberUpdate,
)
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models import (
    CLOSED_STATUSES,
    Action,
    Council,
    Department,
    DepartmentReport,
    Measure,
    Membership,
    Role,
    User,
    utcnow,
)
from app.scoring import PRIORITY_DEFAULTS, SCORECARD_DEFAULTS, merge_weights


def may_create_councils(*, user: User, creators: str) -> bool:
    """Whether this person may start a council under the COUNCIL_CREATORS setting."""
    return creators == "everyone" or user.is_site_admin or user.can_create_councils


def create_council(*, session: Session, council_in: CouncilCreate, creator: User, creators: str) -> Access:
    """A new council; whoever creates it is its chair. `creators` is the COUNCIL_CREATORS setting."""
    if not may_create_councils(user=creator, creators=creators):
        raise Forbidden(
            "Only site administrators and the people they allow can start a council; "
            "ask a site administrator to allow you."
        )
    council = Council.model_validate(council_in)
    session.add(council)
    session.flush()
    seat = Membership(council_id=council.id, user_id=creator.id, role=Role.chair)
    session.add(seat)
    session.flush()
    return Access(user=creator, council=council, membership=seat)


def list_my_councils(*, session: Session, user: User) -> list[Access]:
    """The councils this person sits on, by name."""
    rows = session.exec(
        select(Council, Membership)
        .join(Membership, Membership.council_id == Council.id)
        .where(Membership.user_id == user.id)
        .order_by(col(Council.name), col(Council.id))
    )
    return [Access(user=user, council=c, membership=m) for c, m in rows]


# Weights merge over what is in effect; null puts the defaults back.
WEIGHT_DEFAULTS = {"priority_weights": PRIORITY_DEFAULTS, "scorecard_weights": SCORECARD_DEFAULTS}


def update_council(*, session: Session, council: Council, council_in: CouncilUpdate) -> Council:
    """Change a council's name, description, time zone or scoring weights."""
    changes = council_in.model_dump(exclude_unset=True)
    for field, defaults in WEIGHT_DEFAULTS.items():
        if field in changes:
            value = changes.pop(field)
            try:
                merged = None if value is None else merge_weights(getattr(council, field), value, defaults)
            except ValueError as exc:
                raise Invalid(f"{exc}.", field=field) from None
            setattr(council, field, merged)
    for field in ("agenda_minutes", "quorum_members", "quorum_departments"):
        if field in changes:
            setattr(council, field, changes.pop(field))  # null: back to the default
    if "members_raise_actions" in changes:
        council.members_raise_actions = bool(changes.pop("members_raise_actions"))  # null: off, the default
    for field, value in changes.items():
        if value is not None:
            setattr(council, field, value)
    council.updated_at = utcnow()
    session.add(council)
    session.flush()
    return council


def delete_council(*, session: Session, user: User, council: Council) -> None:
    """Archive a council (always: it holds the record): hidden from everyone until restored."""
    archive_record(session=session, record=council, user=user, detail={"name": council.name})


def restore_council(*, session: Session, user: User, council: Council) -> Council:
    """Bring an archived council back to everyone who sits on it (chair or site admin)."""
    return restore_record(session=session, record=council, user=user, detail={"name": council.name})


# Departments


def list_departments(*, session: Session, council: Council) -> list[Department]:
    """A council's departments, by name."""
    return list(
        session.exec(select(Department).where(Department.council_id == council.id).order_by(col(Department.name)))
    )


def get_department(*, session: Session, council: Council, department_id: int) -> Department:
    """A department of this council, or 404 (also for another council's department)."""
    department = session.get(Department, department_id)
    if department is None or department.council_id != council.id:
        raise NotFound("Department not found.")
    return department


def check_department(*, session: Session, council: Council, department_id: int | None, field: str) -> None:
    """A department id given in a body must belong to this council."""
    if department_id is None:
        return
    department = session.get(Department, department_id)
    if department is None or department.council_id != council.id:
        raise Invalid(f"Department {department_id} is not a department of this council.", field=field)


def _check_department_name(*, session: Session, council: Council, name: str, exclude_id: int | None = None) -> None:
    query = select(Department.id).where(
        Department.council_id == council.id, func.lower(Department.name) == name.lower()
    )
    if exclude_id is not None:
        query = query.where(Department.id != exclude_id)
    if session.exec(query).first() is not None:
        raise Conflict(f"This council already has a department called {name!r}.")


def create_department(*, session: Session, council: Council, department_in: DepartmentCreate) -> Department:
    """Add a department (or an outsourced supplier) to the council."""
    _check_department_name(session=session, council=council, name=department_in.name)
    department = Department.model_validate(department_in, update={"council_id": council.id})
    session.add(department)
    session.flush()
    return department


def update_department(
    *, session: Session, department: Department, council: Council, department_in: DepartmentUpdate
) -> Department:
    """Rename a department or mark it external."""
    changes = department_in.model_dump(exclude_unset=True, exclude_none=True)
    if "name" in changes:
        _check_department_name(session=session, council=council, name=changes["name"], exclude_id=department.id)
    for field, value in changes.items():
        setattr(department, field, value)
    session.add(department)
    session.flush()
    return department


def delete_department(*, session: Session, department: Department) -> None:
    """Remove a department nobody and nothing refers to any more.

    Refused while members or actions point at it, and while it has measures or reports
    to meetings: the database would delete those with it (readings and the record of
    past meetings included). Its places on journey maps and initiatives go with it.
    """

    def count(model) -> int:
        # Archived actions and measures count: the cascade would take them (and readings) too.
        query = select(func.count()).select_from(model).where(model.department_id == department.id)
        return session.exec(query.execution_options(**INCLUDE_ARCHIVED)).one()

    held = [
        (count(Membership), "member", "members"),
        (count(Action), "action", "actions"),
        (count(Measure), "measure", "measures"),
        (count(DepartmentReport), "report to a meeting", "reports to meetings"),
    ]
    if any(n for n, *_ in held):
        listed = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in held if n)
        raise Conflict(
            f"{department.name} still has {listed}; move or delete them first, "
            "so that nothing is lost with the department."
        )
    session.delete(department)
    session.flush()


# Members


def _member_rows(session: Session, council: Council, membership_id: int | None = None) -> list[MemberPublic]:
    # The columns a MemberPublic shows, not whole seats, people and departments (a page lists every seat).
    query = (
        select(
            Membership.id,
            User.id,
            User.email,
            User.name,
            Membership.role,
            Membership.department_id,
            Department.name,
            Department.is_external,
        )
        .join(User, User.id == Membership.user_id)
        .outerjoin(Department, Department.id == Membership.department_id)
        .where(Membership.council_id == council.id)
        .order_by(col(User.name), col(Membership.id))
    )
    if membership_id is not None:
        query = query.where(Membership.id == membership_id)
    return [
        MemberPublic(
            id=seat_id,
            user_id=user_id,
            email=email,
            name=name,
            role=role,
            department_id=department_id,
            department_name=department_name,
            is_external=bool(is_external),
        )
        for seat_id, user_id, email, name, role, department_id, department_name, is_external in session.exec(query)
    ]


def list_members(*, session: Session, council: Council) -> list[MemberPublic]:
    """Everyone on the council, by name, with role and department."""
    return _member_rows(session, council)


def get_member(*, session: Session, council: Council, membership_id: int) -> MemberPublic:
    """One seat on this council, or 404."""
    rows = _member_rows(session, council, membership_id)
    if not rows:
        raise NotFound("Member not found.")
    return rows[0]


def _get_seat(session: Session, council: Council, membership_id: int) -> Membership:
    seat = session.get(Membership, membership_id)
    if seat is None or seat.council_id != council.id:
        raise NotFound("Member not found.")
    return seat


def _chair_count(session: Session, council: Council) -> int:
    return session.exec(
        select(func.count())
        .select_from(Membership)
        .where(Membership.council_id == council.id, Membership.role == Role.chair)
    ).one()


def update_member(*, session: Session, council: Council, membership_id: int, member_in: MemberUpdate) -> MemberPublic:
    """Change a member's role or department; a council always keeps a chair."""
    seat = _get_seat(session, council, membership_id)
    changes = member_in.model_dump(exclude_unset=True)
    if "department_id" in changes:
        check_department(
            session=session, council=council, department_id=changes["department_id"], field="department_id"
        )
        seat.department_id = changes["department_id"]
    if changes.get("role") is not None and changes["role"] != seat.role:
        if seat.role == Role.chair and _chair_count(session, council) == 1:
            raise Conflict("A council needs a chair: appoint another chair before changing this one.")
        seat.role = changes["role"]
    session.add(seat)
    session.flush()
    return get_member(session=session, council=council, membership_id=seat.id)


def remove_member(*, session: Session, council: Council, membership_id: int) -> None:
    """Take a seat off the council, unless it is the last chair or owns actions."""
    seat = _get_seat(session, council, membership_id)
    if seat.role == Role.chair and _chair_count(session, council) == 1:
        raise Conflict("A council needs a chair: appoint another chair before removing this one.")
    owned = session.exec(select(func.count()).select_from(Action).where(Action.owner_id == seat.id)).one()
    if owned:
        open_owned = session.exec(
            select(func.count())
            .select_from(Action)
            .where(Action.owner_id == seat.id, col(Action.status).not_in(list(CLOSED_STATUSES)))
        ).one()
        raise Conflict(
            f"This member owns {owned} action(s) ({open_owned} still open); reassign them before removing the member."
        )
    session.delete(seat)
    session.flush()
