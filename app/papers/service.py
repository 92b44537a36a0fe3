"""Papers: attach a file to an agenda item, a report, an AOB item or an initiative; read and archive it."""

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.archived import INCLUDE_ARCHIVED
from app.models import Paper
from app.papers.store import paper_store


def contents(session: Session, paper_ids: Iterable[int]) -> dict[int, bytes]:
    """The bytes of each paper by id, archived ones included (a circulated pack still lists them).

    Ids not found are left out. One query for the papers and one for their bytes.
    """
    ids = sorted({int(i) for i in paper_ids})
    if not ids:
        return {}
    keys = dict(
        session.exec(
            select(Paper.id, Paper.storage_key).where(col(Paper.id).in_(ids)).execution_options(**INCLUDE_ARCHIVED)
        ).all()
    )
    found = paper_store(session).get_many(keys.values())
    return {paper_id: found[key] for paper_id, key in keys.items() if key in found}
