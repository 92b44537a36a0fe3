"""A measure's readings: listing, recording, correcting and deleting them (who may is in
`app.measures.service`)."""

from datetime import date, timedelta

from sqlmodel import Session, col, select

from app.common import today_in
from app.errors import Conflict, Invalid, NotFound
from app.measures.crossing import mail_if_crossed, status_now
from app.measures.schemas import ReadingCreate, ReadingUpdate
from app.measures.service import MeasureAccess, check_may_write_readings
from app.models import Measure, Reading, utcnow

# A period this far ahead is a typing slip, not a forecast.
MAX_DAYS_AHEAD = 366
EARLIEST_PERIOD = date(1900, 1, 1)


def list_readings(*, session: Session, measure: Measure) -> list[Reading]:
    """A measure's readings, oldest first."""
    return list(session.exec(select(Reading).where(Reading.measure_id == measure.id).order_by(col(Reading.period))))


def check_period(period: date, *, today: date, field: str = "period") -> None:
    """A period is a real date and not beyond a year ahead."""
    if period > today + timedelta(days=MAX_DAYS_AHEAD):
        raise Invalid(f"{period.isoformat()} is more than a year ahead; check the date.", field=field)
    if period < EARLIEST_PERIOD:
        raise Invalid(f"{period.isoformat()} is before 1900; check the date.", field=field)


def get_reading(*, session: Session, measure: Measure, period: date) -> Reading:
    """The measure's reading for `period`, or 404."""
    reading = session.exec(select(Reading).where(Reading.measure_id == measure.id, Reading.period == period)).first()
    if reading is None:
        raise NotFound(f"No reading for {period.isoformat()}.")
    return reading


def record_reading(*, session: Session, found: MeasureAccess, reading_in: ReadingCreate) -> tuple[Reading, bool]:
    """Store a reading; one already there for that period is replaced. True when it is new."""
    check_may_write_readings(found)
    check_period(reading_in.period, today=today_in(found.access.council.timezone))
    measure = found.measure
    before = status_now(session, measure)
    reading = session.exec(
        select(Reading).where(Reading.measure_id == measure.id, Reading.period == reading_in.period)
    ).first()
    created = reading is None
    if reading is None:
        reading = Reading.model_validate(reading_in, update={"measure_id": measure.id})
    else:
        reading.value, reading.sample_size, reading.note = reading_in.value, reading_in.sample_size, reading_in.note
        reading.updated_at = utcnow()
    session.add(reading)
    session.flush()
    mail_if_crossed(
        session=session,
        council=found.access.council,
        measure=measure,
        before=before,
        after=status_now(session, measure),
        periods={reading.period},
    )
    return reading, created


def update_reading(*, session: Session, found: MeasureAccess, period: date, reading_in: ReadingUpdate) -> Reading:
    """Correct a reading's value, sample size, note or period."""
    check_may_write_readings(found)
    reading = get_reading(session=session, measure=found.measure, period=period)
    changes = reading_in.model_dump(exclude_unset=True)
    for field in ("period", "value"):
        if field in changes and changes[field] is None:
            raise Invalid(f"{field} cannot be empty.", field=field)
    if changes.get("note", "") is None:
        changes["note"] = ""
    new_period = changes.get("period")
    if new_period is not None and new_period != reading.period:
        check_period(new_period, today=today_in(found.access.council.timezone))
        clash = session.exec(
            select(Reading.id).where(Reading.measure_id == found.measure.id, Reading.period == new_period)
        ).first()
        if clash is not None:
            raise Conflict(f"There is already a reading for {new_period.isoformat()}; change or delete that one.")
    for field, value in changes.items():
        setattr(reading, field, value)
    reading.updated_at = utcnow()
    session.add(reading)
    session.flush()
    return reading


def delete_reading(*, session: Session, found: MeasureAccess, period: date) -> None:
    """Remove the reading for one period."""
    check_may_write_readings(found)
    session.delete(get_reading(session=session, measure=found.measure, period=period))
    session.flush()
