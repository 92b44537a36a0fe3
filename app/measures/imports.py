"""Importing and exporting a council's readings as CSV: all or nothing, in bulk."""

from collections.abc import Callable
from typing import BinaryIO

from sqlalchemy import insert, update
from sqlmodel import Session, col, func, select

from app.auth import Access
from app.common import today_in
from app.errors import AppError, Forbidden
from app.measures.crossing import mail_if_crossed, statuses_now
from app.measures.csvfile import (
    MAX_BYTES,
    ExportRow,
    FileTooLarge,
    MeasureRef,
    parse_readings_csv,
    read_limited,
    readings_csv,
)
from app.measures.schemas import ImportProblem, ImportResult
from app.measures.service import writable_measure_ids
from app.models import Council, Measure, Reading, Role, utcnow
from app.revision import in_council

# Rows per INSERT/UPDATE statement: well under SQLite's and PostgreSQL's parameter limits.
BATCH = 1000


class ImportRejected(AppError):
    """The file has problems; nothing was written. `detail` lists them, row by row."""

    status_code = 422

    def __init__(self, problems: list[ImportProblem], status_code: int = 422) -> None:
        super().__init__(problems[0].message if problems else "The file was not imported.")
        self.status_code = status_code
        self.problems = problems
        # The JSON error body is {"detail": [{"row", "column", "message"}, …]}.
        self.detail = [p.model_dump() for p in problems]


def reject_file(message: str, *, status_code: int = 422) -> ImportRejected:
    """A problem with the whole file (its size, its encoding), not one row."""
    return ImportRejected([ImportProblem(row=None, column=None, message=message)], status_code=status_code)


def check_may_import(access: Access) -> None:
    """Anyone on the council but an observer may import; each row is then checked against what they may record."""
    if access.is_(Role.observer):
        raise Forbidden("Observers cannot import readings.")


def read_upload(stream: BinaryIO, limit: int = MAX_BYTES) -> bytes:
    """An uploaded file's bytes, read in chunks and refused (413) as soon as it passes the limit."""
    try:
        return read_limited(stream, limit)
    except FileTooLarge as exc:
        raise reject_file(str(exc), status_code=413) from None


def _measure_refs(session: Session, council: Council, writable: set[int] | None) -> dict[str, MeasureRef]:
    rows = session.exec(select(Measure.id, Measure.name).where(Measure.council_id == council.id))
    return {
        name.strip().lower(): MeasureRef(id=id_, name=name, writable=writable is None or id_ in writable)
        for id_, name in rows
    }


def import_readings(
    *,
    session: Session,
    council: Council,
    data: bytes,
    access: Access | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> ImportResult:
    """Check every row, then write them all in one transaction, or nothing (ImportRejected).

    `access` limits the rows to measures that seat may record readings for; None (the
    command line) may record any. A period already stored for a measure is updated.
    `on_progress(phase, done, total)` hears about "check" (lines) and "write" (rows).
    """
    writable = None
    if access is not None:
        check_may_import(access)
        writable = writable_measure_ids(session=session, access=access)
    parsed = parse_readings_csv(
        data,
        measures=_measure_refs(session, council, writable),
        today=today_in(council.timezone),
        on_progress=(lambda done, total: on_progress("check", done, total)) if on_progress else None,
    )
    if parsed.problems or parsed.more_problems:
        raise ImportRejected(parsed.report())
    rows = parsed.rows
    existing: dict[tuple[int, object], int] = {}
    measure_ids = sorted({r.measure_id for r in rows})
    measures = list(session.exec(select(Measure).where(col(Measure.id).in_(measure_ids))))
    before = statuses_now(session, measures)
    first, last = min(r.period for r in rows), max(r.period for r in rows)
    for reading_id, measure_id, period in session.exec(
        select(Reading.id, Reading.measure_id, Reading.period).where(
            col(Reading.measure_id).in_(measure_ids), Reading.period >= first, Reading.period <= last
        )
    ):
        existing[(measure_id, period)] = reading_id
    now = utcnow()
    inserts, updates = [], []
    for r in rows:
        values = {"value": r.value, "sample_size": r.sample_size, "note": r.note, "updated_at": now}
        reading_id = existing.get((r.measure_id, r.period))
        if reading_id is None:
            inserts.append({"measure_id": r.measure_id, "period": r.period, "created_at": now, **values})
        else:
            updates.append({"id": reading_id, **values})
    done = 0
    for statement, batch_rows in ((insert(Reading), inserts), (update(Reading), updates)):
        for start in range(0, len(batch_rows), BATCH):
            batch = batch_rows[start : start + BATCH]
            session.exec(statement, params=batch, execution_options=in_council(council.id))
            done += len(batch)
            if on_progress:
                on_progress("write", done, len(rows))
    session.flush()
    after = statuses_now(session, measures)
    for measure in measures:
        mail_if_crossed(
            session=session,
            council=council,
            measure=measure,
            before=before[measure.id],
            after=after[measure.id],
            periods={r.period for r in rows if r.measure_id == measure.id},
        )
    return ImportResult(imported=len(inserts), updated=len(updates))


def export_readings(*, session: Session, council: Council, measure_id: int | None = None) -> str:
    """The council's readings (or one measure's) as CSV, by measure name then period."""
    query = (
        select(Measure.name, Measure.unit, Measure.target, Reading)
        .join(Reading, Reading.measure_id == Measure.id)
        .where(Measure.council_id == council.id)
        .order_by(func.lower(Measure.name), col(Measure.id), col(Reading.period))
    )
    if measure_id is not None:
        query = query.where(Measure.id == measure_id)
    return readings_csv(
        ExportRow(
            measure=name,
            period=reading.period,
            value=reading.value,
            sample_size=reading.sample_size,
            unit=unit,
            target=target,
            note=reading.note,
        )
        for name, unit, target, reading in session.exec(query)
    )
