"""`council purge`: the one way an archived record leaves the database, for site admins.

A request never removes a record with history (app/archive.py archives it). A purge
removes an archived council, action or measure and everything under it, and first
writes to the audit log what went: the table and id, a summary of the record, how many
rows of each table went with it, who ran it and when. The audit log has no foreign
keys, so it outlives what it describes. Live records are refused: archive them first.
"""

from typing import Any

from sqlalchemy import delete, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from app.archive import write_audit
from app.archived import INCLUDE_ARCHIVED
from app.errors import AppError, NotFound
from app.models import Action, ActionEvent, AuditEntry, Council, Measure, Paper, PaperBlob, Reading, User, metadata


class PurgeRefused(AppError):
    status_code = 409


KINDS: dict[str, type] = {"council": Council, "action": Action, "measure": Measure}


def _counts(session: Session, record: Any) -> dict[str, int]:
    """How many rows of each table go with the record (the database cascades them)."""
    if isinstance(record, Council):
        counts = {}
        for table in metadata.sorted_tables:
            # Its revision row (app/revision.py) goes too, but is no record of the council's: not counted.
            if "council_id" in table.c and table.name not in {"councils", "council_revisions"}:
                n = session.execute(sa_select(func.count()).select_from(table).where(table.c.council_id == record.id))
                counts[table.name] = n.scalar_one()
        return {name: n for name, n in counts.items() if n}
    if isinstance(record, Action):
        child, key = ActionEvent, ActionEvent.action_id
    else:
        child, key = Reading, Reading.measure_id
    n = session.execute(sa_select(func.count()).select_from(child).where(key == record.id)).scalar_one()
    return {child.__tablename__: n}


def _is_archived(session: Session, record: Any) -> bool:
    if record.archived_at is not None:
        return True
    if isinstance(record, Council):
        return False
    council = session.get(Council, record.council_id, execution_options=INCLUDE_ARCHIVED)
    return council is not None and council.archived_at is not None  # inside an archived council


def purge(*, session: Session, kind: str, record_id: int, by: str) -> AuditEntry:
    """Remove one archived council, action or measure for good, recorded in the audit log first."""
    admin = session.exec(select(User).where(User.email == by.strip().lower())).first()
    if admin is None or not admin.is_site_admin or not admin.is_active:
        raise PurgeRefused(f"--by {by}: only an active site admin's account can purge.")
    model = KINDS[kind]
    record = session.get(model, record_id, execution_options=INCLUDE_ARCHIVED)
    if record is None:
        raise NotFound(f"No {kind} with id {record_id}.")
    if not _is_archived(session, record):
        raise PurgeRefused(
            f"{kind.capitalize()} {record_id} is live: archive it first (purge removes archived records only)."
        )
    entry = write_audit(
        session=session,
        actor=admin.email,
        action="purge",
        subject=f"{model.__tablename__}:{record_id}",
        detail={
            "table": model.__tablename__,
            "id": record_id,
            "summary": record.model_dump(mode="json"),
            "counts": _counts(session, record),
        },
    )
    session.delete(record)
    session.flush()
    if isinstance(record, Council):
        # Its papers went with it (the database cascades them); their bytes go too, but for a file
        # another council's paper holds as well (the store keeps each file once).
        held = sa_select(Paper.__table__.c.storage_key)
        session.execute(delete(PaperBlob).where(PaperBlob.__table__.c.key.not_in(held)))
    return entry
