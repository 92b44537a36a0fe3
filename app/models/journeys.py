"""Customer journeys, their steps, and which departments serve each step."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class Responsibility(StrEnum):
    owns = "owns"
    contributes = "contributes"


class Journey(SQLModel, table=True):
    __tablename__ = "journeys"
    __table_args__ = (UniqueConstraint("council_id", "name", name="uq_journeys_council_name"),)

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    # The one journey owner, with authority over its design end to end.
    owner_id: int | None = Field(default=None, foreign_key="memberships.id", ondelete="SET NULL", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class JourneyStep(SQLModel, table=True):
    __tablename__ = "journey_steps"

    id: int | None = Field(default=None, primary_key=True)
    journey_id: int = Field(foreign_key="journeys.id", ondelete="CASCADE", index=True)
    position: int
    name: str = Field(max_length=120)
    # How the customer meets us at this step: phone, web, app, home visit, letter …
    channel: str = Field(default="", max_length=60)
    description: str = Field(default="", max_length=2000)


class StepDepartment(SQLModel, table=True):
    __tablename__ = "step_departments"
    __table_args__ = (CheckConstraint("responsibility IN ('owns', 'contributes')", name="responsibility"),)

    step_id: int = Field(foreign_key="journey_steps.id", ondelete="CASCADE", primary_key=True)
    department_id: int = Field(foreign_key="departments.id", ondelete="CASCADE", primary_key=True, index=True)
    responsibility: str = Field(default=Responsibility.contributes, max_length=20)
