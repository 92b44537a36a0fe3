"""Every committed write replaces the data revision's stamp, in the same transaction.

Session events, so every writer is covered (requests, CLI commands, the demo, tests):
a flush that inserted, changed or deleted a row (or an ORM bulk UPDATE/DELETE/INSERT)
marks the session; before its commit the stamp is replaced. A reader that sees stamp
S sees exactly the data committed with S, so a document derived from the data can be
reused for as long as the stamp reads S (app/meetings/agenda_cache.py).

Only bookkeeping (login failures, sign-in sessions, idempotency keys, spent form tokens, home
page visits) is left out: it changes no document.
"""

import secrets
from itertools import chain

from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from app.models import DataRevision, HomeVisit, IdempotencyKey, LoginFailure, UsedFormToken, UserSession, utcnow

CHANGED = "cxc_data_changed"
UNTRACKED = (LoginFailure, DataRevision, UserSession, IdempotencyKey, UsedFormToken, HomeVisit)


def new_stamp() -> str:
    return secrets.token_hex(16)


def current_stamp(session: Session) -> str | None:
    """The stamp as this transaction sees it (None on a database without the row)."""
    query = select(DataRevision.stamp).where(DataRevision.id == 1)
    return session.connection().execute(query).scalar_one_or_none()


def stamp_for(session: Session, council_id: int) -> str | None:
    """What a document about council `council_id` is cached under (None: do not cache).

    It changes with every committed write to the council's data, and to the site-wide
    data its documents show (people's names). Caches call this, never current_stamp.
    """
    return current_stamp(session)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context) -> None:
    # During after_flush, new/dirty/deleted still list what this flush wrote.
    if any(not isinstance(o, UNTRACKED) for o in chain(session.new, session.dirty, session.deleted)):
        session.info[CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        mapper = state.bind_mapper
        if mapper is None or not issubclass(mapper.class_, UNTRACKED):
            state.session.info[CHANGED] = True


@event.listens_for(Session, "before_commit")
def _replace_stamp(session: Session) -> None:
    session.flush()  # the commit would flush anyway; do it now so its changes are noted
    if session.info.pop(CHANGED, False):
        session.connection().execute(
            update(DataRevision).where(DataRevision.id == 1).values(stamp=new_stamp(), changed_at=utcnow())
        )


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    # Only when the whole transaction ends (a rollback: a commit has taken the mark
    # already). A savepoint rolled back inside it leaves the outer changes, and the mark.
    if transaction.parent is None:
        session.info.pop(CHANGED, None)
