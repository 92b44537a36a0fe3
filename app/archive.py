"""Archive and restore: records with history are hidden and kept, never removed by a request.

The rule (each domain's delete_* applies it; README "Security" says it for users):
- a council is always archived;
- a meeting with minutes is archived (one without is deleted as before);
- an action is archived when it has any history beyond its creation, or was raised at a
  meeting that has minutes; a just-created action with neither is deleted;
- a measure with readings is archived; a measure with none is deleted.
Archived rows vanish from every list, count, agenda and reminder (app/archived.py),
stay in the minutes, exports and histories that recorded them, and come back with
restore (the council's chair or a site admin). Every archive and restore is written
to the audit log; only `council purge` (app/purge.py) removes an archived row.
"""

from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.archived import INCLUDE_ARCHIVED
from app.errors import Forbidden, NotFound
from app.models import Action, AuditEntry, Council, Measure, Meeting, Membership, Role, User, utcnow


class Archivable(Protocol):
    id: int | None
    archived_at: datetime | None
    archived_by_id: int | None


A = TypeVar("A", bound=Archivable)


def write_audit(*, session: Session, actor: str, action: str, subject: str, detail: dict[str, Any]) -> AuditEntry:
    """One line of the audit log (archive, restore, purge)."""
    entry = AuditEntry(actor=actor, action=action, subject=subject, detail=detail)
    session.add(entry)
    session.flush()
    return entry


def subject_of(record: Archivable) -> str:
    return f"{type(record).__tablename__}:{record.id}"  # type: ignore[attr-defined]


def archive_record(*, session: Session, record: A, user: User, detail: dict[str, Any]) -> A:
    """Hide a record (kept whole, restorable) and say so in the audit log."""
    record.archived_at = utcnow()
    record.archived_by_id = user.id
    session.add(record)
    session.flush()
    write_audit(session=session, actor=user.email, action="archive", subject=subject_of(record), detail=detail)
    return record


def restore_record(*, session: Session, record: A, user: User, detail: dict[str, Any]) -> A:
    """Bring an archived record back; restoring a live record changes nothing."""
    if record.archived_at is None:
        return record
    record.archived_at = None
    record.archived_by_id = None
    session.add(record)
    session.flush()
    write_audit(session=session, actor=user.email, action="restore", subject=subject_of(record), detail=detail)
    return record


def load_council_for_archive(*, session: Session, user: User, council_id: int) -> Council:
    """An archived or live council whose archive this person may see: its chair or a site admin.

    Not found for anyone else without a seat (as everywhere); 403 for other seats.
    """
    council = session.get(Council, council_id, execution_options=INCLUDE_ARCHIVED)
    if council is None:
        raise NotFound("Council not found.")
    if user.is_site_admin:
        return council
    seat = session.exec(
        select(Membership).where(Membership.council_id == council_id, Membership.user_id == user.id)
    ).first()
    if seat is None:
        raise NotFound("Council not found.")
    if seat.role != Role.chair:
        raise Forbidden("Only the council's chair or a site admin can see and restore archived records.")
    return council


def load_for_restore(*, session: Session, user: User, model: type[A], record_id: int, label: str) -> A:
    """An archived (or live) record of a council, for its chair or a site admin to restore."""
    record = session.get(model, record_id, execution_options=INCLUDE_ARCHIVED)
    if record is None:
        raise NotFound(f"{label} not found.")
    try:
        load_council_for_archive(session=session, user=user, council_id=record.council_id)  # type: ignore[attr-defined]
    except NotFound:
        raise NotFound(f"{label} not found.") from None
    return record


class ArchivedRow(BaseModel):
    kind: Literal["action", "measure", "meeting"]
    id: int
    title: str
    archived_at: datetime
    archived_by: str | None  # the email of who archived it (None once that account is gone)


class ArchivedCouncil(BaseModel):
    id: int
    name: str
    archived_at: datetime


def list_archived(*, session: Session, council: Council) -> list[ArchivedRow]:
    """A council's archived actions, measures and meetings, most recently archived first."""
    rows: list[ArchivedRow] = []
    sources = (
        ("action", Action, Action.title),
        ("measure", Measure, Measure.name),
        ("meeting", Meeting, Meeting.number),
    )
    for kind, model, title in sources:
        found = session.exec(
            select(model.id, title, model.archived_at, User.email)
            .outerjoin(User, User.id == model.archived_by_id)
            .where(model.council_id == council.id, col(model.archived_at).is_not(None))
            .execution_options(**INCLUDE_ARCHIVED)
        )
        for record_id, name, at, by in found:
            label = f"Meeting {name}" if kind == "meeting" else name
            rows.append(ArchivedRow(kind=kind, id=record_id, title=label, archived_at=at, archived_by=by))
    return sorted(rows, key=lambda row: (row.archived_at, row.id), reverse=True)


def list_archived_councils(*, session: Session, user: User) -> list[ArchivedCouncil]:
    """Archived councils this person may restore: those they chair, or all for a site admin."""
    query = select(Council).where(col(Council.archived_at).is_not(None)).execution_options(**INCLUDE_ARCHIVED)
    if not user.is_site_admin:
        query = query.join(Membership, Membership.council_id == Council.id).where(
            Membership.user_id == user.id, Membership.role == Role.chair
        )
    councils = session.exec(query.order_by(col(Council.archived_at).desc(), col(Council.id)))
    return [ArchivedCouncil(id=c.id, name=c.name, archived_at=c.archived_at) for c in councils]
