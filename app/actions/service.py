"""The action log: creating, listing, updating with history, deleting."""

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam, func
from sqlalchemy.orm import aliased, load_only
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from app.actions import due_requests
from app.actions.mail import mail_assigned, mail_due_moved
from app.actions.schemas import (
    ActionChange,
    ActionCreate,
    ActionHistoryEntry,
    ActionPublic,
    ActionUpdate,
    CommentCreate,
    CommentPublic,
    DueRequestPublic,
)
from app.archive import archive_record, restore_record
from app.archived import INCLUDE_ARCHIVED
from app.auth import Access, ActionAccess, action_access, record_access_query, sign_in_query
from app.common import today_in
from app.councils.service import check_department
from app.errors import Conflict, Forbidden, Invalid
from app.models import (
    CLOSED_STATUSES,
    Action,
    ActionDueRequest,
    ActionEvent,
    ActionStatus,
    Council,
    Department,
    DueRequestStatus,
    Initiative,
    Journey,
    Meeting,
    Membership,
    Minutes,
    Role,
    TZDateTime,
    User,
    UserSession,
    utcnow,
)
from app.models.actions import closing_day
from app.revision import new_stamp, replace_stamp_from, touch

# What an action's owner may change themselves; chair and secretary may change anything.
OWNER_FIELDS = frozenset({"status", "due_on", "percent_complete", "note"})
MANAGERS = (Role.chair, Role.secretary)
# Fields that may be cleared with null; the rest always hold a value.
NULLABLE_FIELDS = frozenset(
    {"department_id", "raised_at_meeting_id", "raised_at_item", "initiative_id", "journey_id", "note"}
)


def overdue_days(*, due_on: date, status: str, today: date) -> int:
    """Days past due for an open action; 0 when not overdue."""
    if status in CLOSED_STATUSES or due_on >= today:
        return 0
    return (today - due_on).days


@dataclass(frozen=True)
class ActionFilters:
    status: str | None = None
    owner_id: int | None = None
    department_id: int | None = None
    overdue: bool | None = None
    raised_at_meeting_id: int | None = None


def list_actions(*, session: Session, access: Access, filters: ActionFilters) -> list[ActionPublic]:
    """The council's action log (see log_order: open first, overdue leading); observers see only their own."""
    query = _public_query().where(*log_conditions(access=access, filters=filters))
    return sorted(_publics(session, query.order_by(col(Action.due_on), col(Action.id))), key=log_order)


def log_conditions(*, access: Access, filters: ActionFilters) -> list:
    """The WHERE conditions of the council's log with `filters` (the pages' paged log uses them too)."""
    conditions = [Action.council_id == access.council.id]
    if access.is_(Role.observer):
        conditions.append(Action.owner_id == access.membership.id)
    for field in ("status", "owner_id", "department_id", "raised_at_meeting_id"):
        value = getattr(filters, field)
        if value is not None:
            conditions.append(getattr(Action, field) == value)
    if filters.overdue is not None:
        is_overdue = (col(Action.due_on) < today_in(access.council.timezone)) & col(Action.status).not_in(
            list(CLOSED_STATUSES)
        )
        conditions.append(is_overdue if filters.overdue else ~is_overdue)
    return conditions


def log_order(action: ActionPublic) -> tuple:
    """The log's order: open actions first, overdue leading (soonest due first), then closed, latest closed first."""
    if action.status not in CLOSED_STATUSES:
        return (0, action.due_on.toordinal(), action.id)
    closed = action.closed_at or action.updated_at
    return (1, -closed.timestamp(), action.id)


def list_my_actions(
    *, session: Session, user: User, status: str | None = None, overdue: bool | None = None
) -> list[ActionPublic]:
    """Every action I own, in every council, soonest due first."""
    query = _public_query().where(Membership.user_id == user.id)
    if status is not None:
        query = query.where(Action.status == status)
    actions = _publics(session, query.order_by(col(Action.due_on), col(Action.id)))
    # Each council has its own "today", so this filter runs after the dates are known.
    if overdue is not None:
        actions = [a for a in actions if a.overdue == overdue]
    return actions


def get_action_public(*, session: Session, action: Action) -> ActionPublic:
    """One action with its owner's, department's and council's names (archived too: its page and history stay)."""
    # The pending due-date request comes with the names: one query on every read and write of an action.
    query = (
        _public_query()
        .add_columns(ActionDueRequest)
        .outerjoin(
            ActionDueRequest,
            (col(ActionDueRequest.action_id) == Action.id) & (ActionDueRequest.status == DueRequestStatus.pending),
        )
        .where(Action.id == action.id)
        .execution_options(**INCLUDE_ARCHIVED)
    )
    row = session.exec(query).first()
    return _with_pending(_public(row, today=today_in(row[4])), row[6])


def _with_pending(public: ActionPublic, pending: ActionDueRequest | None) -> ActionPublic:
    if pending is not None:
        public.pending_due_change = DueRequestPublic.model_validate(pending, from_attributes=True)
    return public


def _with_shown(query):
    """`query` joined to what get_action_public adds to an action: its owner's and department's names, the
    meeting's number and any pending due-date request (the columns are the caller's to add)."""
    owner_seat, owner_user = aliased(Membership), aliased(User)
    joined = (
        query.outerjoin(owner_seat, owner_seat.id == Action.owner_id)
        .outerjoin(owner_user, owner_user.id == owner_seat.user_id)
        .outerjoin(Department, Department.id == Action.department_id)
        .outerjoin(Meeting, Meeting.id == Action.raised_at_meeting_id)
        .outerjoin(
            ActionDueRequest,
            (col(ActionDueRequest.action_id) == Action.id) & (ActionDueRequest.status == DueRequestStatus.pending),
        )
    )
    return joined, owner_user


def _build_shown_query():
    query, owner_user = _with_shown(record_access_query(Action, include_archived=True))
    return query.add_columns(owner_user.name, Department.name, Meeting.number, ActionDueRequest)


# The action, the caller's seat, and what get_action_public adds (owner, department, meeting,
# pending due request): the one read of GET of an action, built once.
_SHOWN_QUERY = _build_shown_query()


# What a write of an action reads of the sign-in, the person, the council and the seat: what the
# sign-in check, the permission rules, the history, the answer and the mail an update may queue use.
# The council's settings for other pages (weights, agenda order: four of them JSON) and the secrets
# stay unread: every column read is a column psycopg describes and SQLAlchemy maps on each update
# (there were 83). Anything else asked of these objects later is read then, as a deferred column is.
_WRITE_LOADS = (
    load_only(UserSession.user_id, UserSession.last_seen_at, UserSession.expires_at, UserSession.revoked_at),
    load_only(User.email, User.name, User.is_active, User.is_site_admin),
    load_only(
        Council.name,
        Council.timezone,
        Council.members_raise_actions,
        Council.due_moves_need_approval,
        Council.required_notifications,
        Council.version,
        Council.archived_at,
    ),
    load_only(Membership.council_id, Membership.user_id, Membership.role, Membership.department_id),
)


def _build_write_query():
    query, owner_user = _with_shown(
        sign_in_query()
        .add_columns(Action, Council, Membership)
        .outerjoin(Action, Action.id == bindparam("record_id"))
        # As record_access_query(Action, include_archived=True): archived actions, not archived councils.
        .outerjoin(Council, (Council.id == Action.council_id) & col(Council.archived_at).is_(None))
        .outerjoin(Membership, (Membership.council_id == Council.id) & (Membership.user_id == User.id))
    )
    return query.add_columns(owner_user.name, Department.name, Meeting.number, ActionDueRequest).options(*_WRITE_LOADS)


# The PATCH of an action reads its sign-in with all of that: (sign-in, person, then as _SHOWN_QUERY).
WRITE_QUERY = _build_write_query()
# Writes that change what those names or the pending request show: get_action_public reads them afresh.
_RESHOWN = frozenset({"owner_id", "department_id", "raised_at_meeting_id", "due_on"})


def load_action_shown(*, session: Session, user: User, action_id: int) -> ActionAccess:
    """The action and the user's seat (as get_action_access), with what its public shape shows, in one query."""
    return action_access(session=session, user=user, action_id=action_id, query=_SHOWN_QUERY)


def shown_public(*, session: Session, found: ActionAccess, written: frozenset[str] = frozenset()) -> ActionPublic:
    """What get_action_public answers for an action from load_action_shown, from the row read with it.

    After update_action wrote the fields `written`, the same, unless they change the names or
    the pending due-date request that row holds: then they are read again.
    """
    if written & _RESHOWN or len(found.extra) != 4:  # noqa: PLR2004
        return get_action_public(session=session, action=found.action)
    owner_name, department_name, meeting_number, pending = found.extra
    council = found.access.council
    row = (found.action, owner_name, department_name, council.name, council.timezone, meeting_number)
    return _with_pending(_public(row, today=today_in(council.timezone)), pending)


_OWNER_USER = aliased(User)
# The names beside the action in every row of _public_query: owner, department, council, its time zone, meeting number.
_NAMES = (_OWNER_USER.name, Department.name, Council.name, Council.timezone, Meeting.number)


def _build_public_query():
    return (
        select(Action, *_NAMES)
        .join(Council, Council.id == Action.council_id)
        .join(Membership, Membership.id == Action.owner_id)
        .join(_OWNER_USER, _OWNER_USER.id == Membership.user_id)
        .outerjoin(Department, Department.id == Action.department_id)
        .outerjoin(Meeting, Meeting.id == Action.raised_at_meeting_id)
    )


# Built once: a select is immutable (each .where makes a new one), and building this one
# took about a twentieth of an action update's time.
_PUBLIC_QUERY = _build_public_query()
# The action's columns an ActionPublic shows (every other one of its fields is computed or named beside it).
_PUBLIC_FIELDS = tuple(name for name in ActionPublic.model_fields if name in Action.model_fields)
_PUBLIC_COLUMNS = (*(getattr(Action, name) for name in _PUBLIC_FIELDS), *_NAMES)


def _public_query():
    return _PUBLIC_QUERY


def _publics(session: Session, query) -> list[ActionPublic]:
    """The actions `query` (_public_query, narrowed and ordered) finds, as the API shows them.

    Read as plain columns, not Action objects: the lists (the log's pages, my actions on the home page) show
    read-only copies, and building and dumping an ORM object per row was most of their cost."""
    todays: dict[str, date] = {}
    result = []
    n = len(_PUBLIC_FIELDS)
    for row in session.exec(query.with_only_columns(*_PUBLIC_COLUMNS)):
        fields = dict(zip(_PUBLIC_FIELDS, row[:n], strict=True))
        names = row[n:]
        timezone = names[3]
        result.append(_action_public(fields, names, today=todays.setdefault(timezone, today_in(timezone))))
    return result


def _public(row: tuple, *, today: date) -> ActionPublic:
    """One row of _public_query (action, owner, department, council, timezone, meeting number) as the API shows it."""
    return _action_public(row[0].model_dump(), row[1:6], today=today)


def _action_public(fields: dict, names: tuple, *, today: date) -> ActionPublic:
    """An action's fields and the names beside it (owner, department, council, timezone, meeting number)."""
    owner_name, department_name, council_name, _timezone, meeting_number = names
    days = overdue_days(due_on=fields["due_on"], status=fields["status"], today=today)
    return ActionPublic(
        **fields,
        council_name=council_name,
        owner_name=owner_name,
        department_name=department_name,
        raised_at_meeting_number=meeting_number,
        overdue=days > 0,
        days_overdue=days,
    )


def _check_owner(session: Session, council: Council, owner_id: int) -> Membership:
    seat = session.get(Membership, owner_id)
    if seat is None or seat.council_id != council.id:
        raise Invalid(f"Member {owner_id} is not a member of this council.", field="owner_id")
    return seat


# Links an action may carry, each to a record of the same council.
LINKS = {
    "raised_at_meeting_id": (Meeting, "meeting"),
    "initiative_id": (Initiative, "initiative"),
    "journey_id": (Journey, "journey"),
}


def _check_links(session: Session, council: Council, values: dict) -> None:
    for field, (model, noun) in LINKS.items():
        record_id = values.get(field)
        if record_id is None:
            continue
        record = session.get(model, record_id)
        if record is None or record.council_id != council.id:
            article = "an" if noun[0] in "aeiou" else "a"
            raise Invalid(f"{noun.capitalize()} {record_id} is not {article} {noun} of this council.", field=field)


def may_raise_actions(*, access: Access) -> bool:
    """Whether this seat may raise actions at all: chair and secretary; members when the council allows it."""
    if access.is_(*MANAGERS):
        return True
    return access.is_(Role.member) and access.council.members_raise_actions


def require_raiser(*, access: Access) -> None:
    """Refuse (403) a seat that may not raise actions at all."""
    if may_raise_actions(access=access):
        return
    if access.is_(Role.member):
        raise Forbidden("Only the council's chair or secretary can raise actions; the chair can let members too.")
    access.require(*MANAGERS, doing="create actions")


def _check_member_scope(access: Access, action_in: ActionCreate, owner: Membership) -> None:
    """A member raises actions for their own department only, owned within it, and not as if at a meeting."""
    if access.is_(*MANAGERS):
        return
    own = access.membership.department_id
    if own is None:
        raise Forbidden(
            "You sit on the council without a department, so only the chair or secretary can raise actions."
        )
    if action_in.raised_at_meeting_id is not None or action_in.raised_at_item is not None:
        raise Forbidden("Actions raised at a meeting go in its minutes, which the secretary or chair records.")
    if (action_in.department_id or owner.department_id) != own:
        raise Invalid("You can raise actions for your own department only.", field="department_id")
    if owner.department_id != own:
        raise Invalid("Choose an owner from your own department.", field="owner_id")


def create_action(*, session: Session, access: Access, action_in: ActionCreate) -> Action:
    """Put an action on the log (chair, secretary, or a member for their department), with a 'created' entry."""
    require_raiser(access=access)
    council = access.council
    owner = _check_owner(session, council, action_in.owner_id)
    _check_member_scope(access, action_in, owner)
    check_department(session=session, council=council, department_id=action_in.department_id, field="department_id")
    _check_links(session, council, action_in.model_dump())
    done = action_in.status == ActionStatus.done
    action = Action.model_validate(
        action_in,
        update={
            "council_id": council.id,
            "department_id": action_in.department_id or owner.department_id,
            "closed_at": utcnow() if action_in.status in CLOSED_STATUSES else None,
            "percent_complete": 100 if done else action_in.percent_complete,
        },
    )
    session.add(action)
    session.flush()
    session.add(ActionEvent(action_id=action.id, user_id=access.user.id, changes={"created": [None, action.title]}))
    session.flush()
    mail_assigned(session=session, council=council, action=action, by=access.user, reassigned=False)
    return action


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _check_may_update(access: Access, action: Action, requested: dict) -> None:
    if access.is_(*MANAGERS):
        return
    if access.is_(Role.observer):
        raise Forbidden("Observers can read their actions; ask the chair or secretary to update them.")
    if action.owner_id != access.membership.id:
        raise Forbidden("Only the action's owner, the chair or the secretary can update it.")
    refused = sorted(set(requested) - OWNER_FIELDS)
    if refused:
        raise Forbidden(
            "As the owner you can change status, due_on, percent_complete and note; "
            f"ask the chair or secretary to change {', '.join(refused)}."
        )


def check_may_update(*, access: Access, action: Action | ActionPublic) -> None:
    """Refuse (403) anyone who may not write to this action at all; fields are checked on write."""
    _check_may_update(access, action, {})


def update_action(
    *, session: Session, access: Access, action: Action, action_in: ActionUpdate, with_if_match: bool = True
) -> Action:
    """Apply an accepted write: permissions, rules, one history row, one version bump."""
    requested = action_in.model_dump(exclude_unset=True)
    _check_may_update(access, action, requested)
    if action.archived_at is not None:
        raise Conflict("This action is archived: the chair or a site admin can restore it first.")
    for field, value in requested.items():
        if value is None and field not in NULLABLE_FIELDS:
            raise Invalid(f"{field} cannot be empty.", field=field)
    note = requested.pop("note", None) or ""
    council = access.council
    if "owner_id" in requested:
        _check_owner(session, council, requested["owner_id"])
    if "department_id" in requested:
        check_department(
            session=session, council=council, department_id=requested["department_id"], field="department_id"
        )
    _check_links(session, council, requested)
    if requested.get("status") == ActionStatus.done and action.status != ActionStatus.done:
        requested.setdefault("percent_complete", 100)
    changes = {
        field: [_jsonable(getattr(action, field)), _jsonable(value)]
        for field, value in requested.items()
        if getattr(action, field) != value
    }
    if "due_on" in changes and not note:
        raise Invalid("Say why the due date moves: add a note.", field="note")
    if "due_on" in changes and due_requests.needs_approval(access=access):
        # The owner's new date waits for the chair; the rest of the write applies now.
        due_requests.ask_due_move(
            session=session, access=access, action=action, to_date=requested.pop("due_on"), reason=note
        )
        del changes["due_on"]
        if not changes:
            return action
    if not changes and not note:
        return action
    if "due_on" in changes:
        # Before the action changes: the lookup would flush it, a version too many.
        due_requests.settle_pending(session=session, action=action)
    now = utcnow()
    values = {field: requested[field] for field in changes} | {"updated_at": now}
    if "status" in changes:
        closed_at = now if values["status"] in CLOSED_STATUSES else None
        # closed_on as the before_flush listener (app/models/actions.py) keeps it for ORM writes.
        values |= {"closed_at": closed_at, "closed_on": closing_day(closed_at, council.timezone)}
    event = {
        "action_id": action.id,
        "user_id": access.user.id,
        "created_at": now,
        "changes": changes,
        "note": note,
        "without_if_match": not with_if_match,
        "is_comment": False,
    }
    _write_update(session, action, values, event)
    _mail_changes(session, access, action, changes, note)
    return action


_ACTIONS = Action.__table__
# The columns to set come with the values (the SET clause is compiled once per set of columns).
_UPDATE_ACTION = _ACTIONS.update().where(
    _ACTIONS.c.id == bindparam("where_id"), _ACTIONS.c.version == bindparam("where_version")
)
_INSERT_EVENT = ActionEvent.__table__.insert()


@cache
def _update_with_history(columns: tuple[str, ...]):
    """PostgreSQL: the UPDATE, its history row and its council's new stamp in one statement (a data-modifying
    WITH), answering how many actions it updated (0: the version moved on, and nothing else was written either)."""
    events = ActionEvent.__table__
    moved = (
        _ACTIONS.update()
        .where(_ACTIONS.c.id == bindparam("where_id"), _ACTIONS.c.version == bindparam("where_version"))
        .values({name: bindparam(f"set_{name}", type_=_ACTIONS.c[name].type) for name in columns})
        .returning(_ACTIONS.c.id, _ACTIONS.c.council_id)
        .cte("moved")
    )
    names = [c.name for c in events.c if c.name not in ("id", "action_id")]
    history = events.insert().from_select(
        ["action_id", *names],
        select(moved.c.id, *(bindparam(f"event_{name}", type_=events.c[name].type) for name in names)),
    )
    stamped = replace_stamp_from(
        select(moved.c.council_id, bindparam("stamp", type_=String()), bindparam("changed_at", type_=TZDateTime()))
    )
    return select(func.count()).select_from(moved).add_cte(history.cte("history"), stamped.cte("stamped"))


def _write_update(session: Session, action: Action, values: dict, event: dict) -> None:
    """The action's new values and version, its history row and its council's new stamp, without the unit of
    work: one statement on PostgreSQL; on SQLite two, and the stamp at commit.

    An action update is the commonest write there is; the ORM's flush of the same UPDATE and
    INSERT cost about a fifth of the request, and the stamp's own statement at commit one more
    trip to the database. What the ORM would do stays: the version check in the WHERE clause
    (a concurrent writer from the same version makes this a StaleDataError, 412, as a flush
    would), the loaded action shows the stored values afterwards, and the council's stamp is
    replaced in the same transaction (Core statements pass by app/revision.py's events).
    """
    connection = session.connection()
    version = action.version
    values = values | {"version": version + 1}
    where = {"where_id": action.id, "where_version": version}
    if connection.dialect.name == "postgresql":
        statement = _update_with_history(tuple(sorted(values)))
        params = {f"set_{name}": value for name, value in values.items()} | where
        params |= {f"event_{k}": v for k, v in event.items()}
        params |= {"stamp": new_stamp(), "changed_at": event["created_at"]}
        matched = connection.execute(statement, params).scalar_one()
    else:
        matched = connection.execute(_UPDATE_ACTION, values | where).rowcount
        if matched == 1:
            connection.execute(_INSERT_EVENT, event)
            touch(session, action.council_id)
    if matched != 1:
        raise StaleDataError(f"UPDATE of action {action.id} at version {version} matched {matched} rows.")
    for field, value in values.items():
        set_committed_value(action, field, value)


def _mail_changes(session: Session, access: Access, action: Action, changes: dict, note: str) -> None:
    """A new owner hears the action is theirs; the chair and secretary hear when an owner moved its due date."""
    if "owner_id" in changes:
        mail_assigned(session=session, council=access.council, action=action, by=access.user, reassigned=True)
    if "due_on" in changes and not access.is_(*MANAGERS):
        old, new = changes["due_on"]
        mail_due_moved(
            session=session,
            council=access.council,
            action=action,
            by=access.user,
            from_date=date.fromisoformat(old),
            to_date=date.fromisoformat(new),
            reason=note,
        )


def has_history(*, session: Session, action: Action) -> bool:
    """Anything on record beyond its creation: a later write, or minutes of the meeting it was raised at."""
    events = session.exec(select(ActionEvent.changes).where(ActionEvent.action_id == action.id))
    if any("created" not in changes for changes in events):
        return True
    if action.raised_at_meeting_id is None:
        return False
    return session.get(Minutes, action.raised_at_meeting_id) is not None


def delete_action(*, session: Session, access: Access, action: Action) -> None:
    """Delete an action (chair): archived when it has history (app/archive.py), removed when just created."""
    access.require(Role.chair, doing="delete actions")
    if action.archived_at is not None:
        return
    if not has_history(session=session, action=action):
        session.delete(action)
        session.flush()
        return
    archive_record(session=session, record=action, user=access.user, detail={"title": action.title})
    session.add(
        ActionEvent(
            action_id=action.id,
            user_id=access.user.id,
            changes={"archived": [None, action.archived_at.isoformat()]},
            note="Archived: hidden from the log; the chair or a site admin can restore it.",
        )
    )
    session.flush()


def restore_action(*, session: Session, user: User, action: Action) -> Action:
    """Bring an archived action back onto the log, with a line in its history."""
    archived_at = action.archived_at
    if archived_at is None:
        return action
    restore_record(session=session, record=action, user=user, detail={"title": action.title})
    session.add(
        ActionEvent(
            action_id=action.id,
            user_id=user.id,
            changes={"archived": [archived_at.isoformat(), None]},
            note="Restored from the archive.",
        )
    )
    session.flush()
    return action


def list_history(*, session: Session, action: Action) -> list[ActionHistoryEntry]:
    """Every accepted write to an action, oldest first."""
    rows = session.exec(
        select(ActionEvent, User.name)
        .outerjoin(User, User.id == ActionEvent.user_id)
        .where(ActionEvent.action_id == action.id)
        .order_by(col(ActionEvent.created_at), col(ActionEvent.id))
    )
    entries = []
    for update, user_name in rows:
        created = "created" in update.changes
        kind = "created" if created else ("comment" if update.is_comment else ("updated" if update.changes else "note"))
        entries.append(
            ActionHistoryEntry(
                id=update.id,
                at=update.created_at,
                user_id=update.user_id,
                user_name=user_name,
                kind=kind,
                changes=[]
                if created
                else [ActionChange(field=f, old=o, new=n) for f, (o, n) in update.changes.items()],
                note=update.note,
                without_if_match=update.without_if_match,
            )
        )
    return entries


def _comment_public(event: ActionEvent, user_name: str | None) -> CommentPublic:
    return CommentPublic(
        id=event.id,
        action_id=event.action_id,
        user_id=event.user_id,
        user_name=user_name,
        at=event.created_at,
        text=event.note,
    )


def list_comments(*, session: Session, action: Action) -> list[CommentPublic]:
    """The action's comment thread, oldest first."""
    rows = session.exec(
        select(ActionEvent, User.name)
        .outerjoin(User, User.id == ActionEvent.user_id)
        .where(ActionEvent.action_id == action.id, col(ActionEvent.is_comment))
        .order_by(col(ActionEvent.created_at), col(ActionEvent.id))
    )
    return [_comment_public(event, name) for event, name in rows]


def may_comment(*, access: Access) -> bool:
    """Anyone with a voice on the council comments; observers read."""
    return not access.is_(Role.observer)


def add_comment(*, session: Session, access: Access, action: Action, comment_in: CommentCreate) -> CommentPublic:
    """Add a comment to the action's thread: a line of its history, never edited (the action's version stays)."""
    if not may_comment(access=access):
        raise Forbidden("Observers can read the comments; members of the council write them.")
    if action.archived_at is not None:
        raise Conflict("This action is archived: the chair or a site admin can restore it first.")
    event = ActionEvent(action_id=action.id, user_id=access.user.id, note=comment_in.text, is_comment=True)
    session.add(event)
    session.flush()
    return _comment_public(event, access.user.name)
