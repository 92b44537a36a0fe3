"""Customer measures and their readings."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class MeasureKind(StrEnum):
    nps = "nps"
    csat = "csat"
    ces = "ces"
    fcr = "fcr"
    repeat_contact = "repeat_contact"
    cost_to_serve = "cost_to_serve"
    custom = "custom"


class Direction(StrEnum):
    higher_is_better = "higher_is_better"
    lower_is_better = "lower_is_better"


class MeasureScope(StrEnum):
    overall = "overall"
    department = "department"
    journey = "journey"


class MeasureCategory(StrEnum):
    """What a measure is evidence of, for the department scorecard."""

    survey_rating = "survey_rating"  # what customers score us (NPS, CSAT, CES)
    comment_theme = "comment_theme"  # how often a negative theme comes up in comments
    operational = "operational"  # what we count ourselves (repeat contacts, cost to serve)


class Measure(SQLModel, table=True):
    __tablename__ = "measures"
    __table_args__ = (
        UniqueConstraint("council_id", "name", name="uq_measures_council_name"),
        CheckConstraint(
            "kind IN ('nps', 'csat', 'ces', 'fcr', 'repeat_contact', 'cost_to_serve', 'custom')", name="kind"
        ),
        CheckConstraint("direction IN ('higher_is_better', 'lower_is_better')", name="direction"),
        CheckConstraint("scope IN ('overall', 'department', 'journey')", name="scope"),
        CheckConstraint("category IN ('survey_rating', 'comment_theme', 'operational')", name="category"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    kind: str = Field(default=MeasureKind.custom, max_length=20)
    category: str = Field(default=MeasureCategory.operational, max_length=20)
    unit: str = Field(default="", max_length=20)
    direction: str = Field(default=Direction.higher_is_better, max_length=20)
    target: float | None = Field(default=None)
    owner_id: int | None = Field(default=None, foreign_key="memberships.id", ondelete="SET NULL", index=True)
    scope: str = Field(default=MeasureScope.overall, max_length=20)
    department_id: int | None = Field(default=None, foreign_key="departments.id", ondelete="CASCADE", index=True)
    journey_id: int | None = Field(default=None, foreign_key="journeys.id", ondelete="CASCADE", index=True)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # Archived instead of deleted (app/archive.py): hidden everywhere but the record.
    archived_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    archived_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class Reading(SQLModel, table=True):
    """One value of a measure for one period (the period's first day, or the day it was taken)."""

    __tablename__ = "readings"
    __table_args__ = (
        # Also the index that loads a measure's readings in period order.
        UniqueConstraint("measure_id", "period", name="uq_readings_measure_period"),
        # The trends' reads (measure, period, value) from the index alone: in a database of many
        # councils a council's readings are spread over the whole table (issue 17).
        Index("ix_readings_measure_period_value", "measure_id", "period", "value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", ondelete="CASCADE")
    period: date
    value: float
    sample_size: int | None = Field(default=None)
    note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
