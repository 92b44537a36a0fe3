"""A council's cadence: its meetings as a recurrence rule (RFC 5545 RRULE)."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, CheckConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow

DEFAULT_AHEAD = 6


class MeetingSeries(SQLModel, table=True):
    """One cadence per council; its meetings are created ahead (app/meetings/series.py)."""

    __tablename__ = "meeting_series"
    __table_args__ = (
        CheckConstraint("duration_minutes BETWEEN 5 AND 720", name="duration_minutes"),
        CheckConstraint("ahead BETWEEN 1 AND 24", name="ahead"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", unique=True)
    # The RRULE without DTSTART, e.g. "FREQ=MONTHLY;BYDAY=2MO"; expanded from starts_on at
    # start_time in the council's own time zone, so 10:00 stays 10:00 across clock changes.
    rule: str = Field(max_length=500)
    starts_on: date
    start_time: time
    duration_minutes: int = Field(default=120)
    location: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=200)
    # How many meetings to keep created ahead of today.
    ahead: int = Field(default=DEFAULT_AHEAD)
    # No meeting after this local date (None: the series goes on).
    until: date | None = Field(default=None)
    # Local dates of occurrences skipped before their meeting was created (EXDATEs), ISO text.
    skipped: list[Any] = Field(default_factory=list, sa_type=JSON)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}
