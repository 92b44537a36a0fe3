"""Improvement initiatives: proposals, their economics and their links."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class InitiativeStatus(StrEnum):
    proposed = "proposed"
    approved = "approved"
    in_progress = "in_progress"
    done = "done"
    rejected = "rejected"
    on_hold = "on_hold"


class Rag(StrEnum):
    green = "green"
    amber = "amber"
    red = "red"


class Initiative(SQLModel, table=True):
    __tablename__ = "initiatives"
    __table_args__ = (
        CheckConstraint(
            "status IN ('proposed', 'approved', 'in_progress', 'done', 'rejected', 'on_hold')", name="status"
        ),
        CheckConstraint("rag IS NULL OR rag IN ('green', 'amber', 'red')", name="rag"),
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    status: str = Field(default=InitiativeStatus.proposed, max_length=20)
    proposed_by_id: int | None = Field(default=None, foreign_key="memberships.id", ondelete="SET NULL")
    owner_id: int | None = Field(default=None, foreign_key="memberships.id", ondelete="SET NULL", index=True)
    journey_id: int | None = Field(default=None, foreign_key="journeys.id", ondelete="SET NULL", index=True)
    start_on: date | None = Field(default=None)
    target_on: date | None = Field(default=None)
    rag: str | None = Field(default=None, max_length=10)
    percent_complete: int = Field(default=0)
    # Failure-demand economics: contacts or visits a year that the change removes,
    # what each costs, and what the change costs once.
    failure_volume_per_year: int = Field(default=0)
    unit_cost: float = Field(default=0)
    implementation_cost: float = Field(default=0)
    # Prioritisation criteria, each 1 (low) to 5 (high); effort counts inverted.
    customer_impact: int | None = Field(default=None)
    effort: int | None = Field(default=None)
    strategic_fit: int | None = Field(default=None)
    confidence: int | None = Field(default=None)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class InitiativeDepartment(SQLModel, table=True):
    __tablename__ = "initiative_departments"

    initiative_id: int = Field(foreign_key="initiatives.id", ondelete="CASCADE", primary_key=True)
    department_id: int = Field(foreign_key="departments.id", ondelete="CASCADE", primary_key=True, index=True)


class InitiativeMeasure(SQLModel, table=True):
    """A measure the initiative should move, with where it stood when the work began."""

    __tablename__ = "initiative_measures"

    initiative_id: int = Field(foreign_key="initiatives.id", ondelete="CASCADE", primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", ondelete="CASCADE", primary_key=True, index=True)
    baseline_value: float | None = Field(default=None)
    baseline_on: date | None = Field(default=None)
