"""Importing a survey export: all or nothing, in bulk, then the whole history re-themed.

The same rules and error shape as the readings import (app/measures/imports.py): any
problem in any row answers 422 listing every problem by row and column, and nothing is
written; a response id already stored is updated, never duplicated.
"""

from collections.abc import Callable
from typing import BinaryIO

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, select

from app.auth import Access
from app.common import today_in
from app.feedback.counts import retheme_council
from app.feedback.csvfile import MAX_BYTES, MAX_ROWS, FileTooLarge, Row, Scale, parse_feedback_csv, read_limited
from app.feedback.schemas import FeedbackImportResult
from app.feedback.service import WRITERS, get_settings
from app.feedback.themes import sentiment
from app.measures.imports import ImportRejected, reject_file
from app.models import Council, Department, FeedbackResponse, Journey, utcnow
from app.revision import in_council

BATCH = 2000

__all__ = ["ImportRejected", "import_feedback", "read_feedback_upload"]


def check_may_import(access: Access) -> None:
    access.require(*WRITERS, doing="import feedback")


def read_feedback_upload(stream: BinaryIO) -> bytes:
    """An uploaded export's bytes; 413 as soon as it passes the limit."""
    try:
        return read_limited(stream, MAX_BYTES)
    except FileTooLarge:
        raise reject_file(
            f"The file is over {MAX_BYTES // (1024 * 1024)} MB. Import at most {MAX_ROWS:,} responses at a time: "
            "split the file and import each part.",
            status_code=413,
        ) from None


def _names(session: Session, model, council_id: int) -> dict[str, int]:
    rows = session.exec(select(model.id, model.name).where(model.council_id == council_id))
    return {name: ident for ident, name in rows}


def _values(row: Row, scores: dict[str, float | None], now) -> dict:
    return {
        "responded_on": row.responded_on,
        "department_id": row.department_id,
        "journey_id": row.journey_id,
        "channel": row.channel,
        "goal_rating": row.goal_rating,
        "helped": row.helped,
        "hindered": row.hindered,
        "comment": row.comment,
        "comment_sentiment": scores.get(row.comment),
        "updated_at": now,
    }


def import_feedback(
    *,
    session: Session,
    council: Council,
    data: bytes,
    access: Access | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> FeedbackImportResult:
    """Check every row, write them all (or nothing: ImportRejected), then re-theme the history.

    `access` None is the command line (any council, no role check). `on_progress(phase,
    done, total)` hears about "check" (lines), "write" (rows) and "theme" (once, at the end).
    """
    if access is not None:
        check_may_import(access)
    settings = get_settings(session=session, council_id=council.id)
    parsed, rows = parse_feedback_csv(
        data,
        departments=_names(session, Department, council.id),
        journeys=_names(session, Journey, council.id),
        scale=Scale(settings.rating_min, settings.rating_max),
        column_map=dict(settings.column_map or {}),
        today=today_in(council.timezone),
        on_progress=(lambda done, total: on_progress("check", done, total)) if on_progress else None,
    )
    if parsed.problems or parsed.more_problems:
        raise ImportRejected(parsed.report())
    existing = dict(
        session.exec(
            select(FeedbackResponse.response_ref, FeedbackResponse.id).where(FeedbackResponse.council_id == council.id)
        ).all()
    )
    # Each distinct comment scored once.
    scores = {text: sentiment(text) for text in {r.comment for r in rows}}
    now = utcnow()
    inserts, updates = [], []
    for row in rows:
        values = _values(row, scores, now)
        ident = existing.get(row.ref)
        if ident is None:
            inserts.append({"council_id": council.id, "response_ref": row.ref, "created_at": now, **values})
        else:
            updates.append({"row_id": ident, **values})
    table = FeedbackResponse.__table__
    statements = (
        (insert(table), inserts),
        (update(table).where(table.c.id == bindparam("row_id")), updates),
    )
    done = 0
    for statement, batch_rows in statements:
        for start in range(0, len(batch_rows), BATCH):
            batch = batch_rows[start : start + BATCH]
            session.execute(statement, batch, execution_options=in_council(council.id))
            done += len(batch)
            if on_progress:
                on_progress("write", done, len(rows))
    themed = retheme_council(session=session, council_id=council.id)
    if on_progress:
        on_progress("theme", 1, 1)
    return FeedbackImportResult(imported=len(inserts), updated=len(updates), mentions=themed.mentions)
