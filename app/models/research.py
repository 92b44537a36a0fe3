"""Customer research and root-cause analyses."""

from datetime import date, datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class Research(SQLModel, table=True):
    __tablename__ = "research"

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    conducted_on: date
    # survey, interviews, focus group, mystery shopping, complaints analysis …
    method: str = Field(default="", max_length=60)
    summary: str = Field(default="", max_length=5000)
    findings: str = Field(default="", max_length=10000)
    link: str = Field(default="", max_length=2000)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class ResearchMeasure(SQLModel, table=True):
    __tablename__ = "research_measures"

    research_id: int = Field(foreign_key="research.id", ondelete="CASCADE", primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", ondelete="CASCADE", primary_key=True, index=True)


class ResearchInitiative(SQLModel, table=True):
    __tablename__ = "research_initiatives"

    research_id: int = Field(foreign_key="research.id", ondelete="CASCADE", primary_key=True)
    initiative_id: int = Field(foreign_key="initiatives.id", ondelete="CASCADE", primary_key=True, index=True)


class RootCause(SQLModel, table=True):
    """Five whys on a theme from customer comments; the last answer is the root cause."""

    __tablename__ = "root_causes"

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    theme: str = Field(max_length=200)
    # Up to five answers to "why?", in order.
    whys: list[str] = Field(default_factory=list, sa_type=JSON)
    root_cause: str = Field(default="", max_length=2000)
    research_id: int | None = Field(default=None, foreign_key="research.id", ondelete="SET NULL")
    # The feedback theme the workshop started from; the theme text above stays if it is deleted.
    theme_id: int | None = Field(default=None, foreign_key="themes.id", ondelete="SET NULL", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class RootCauseMeasure(SQLModel, table=True):
    """An action-plan metric: the measure a workshop picked to track what it set against the root cause."""

    __tablename__ = "root_cause_measures"

    root_cause_id: int = Field(foreign_key="root_causes.id", ondelete="CASCADE", primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", ondelete="CASCADE", primary_key=True, index=True)


class RootCauseAction(SQLModel, table=True):
    __tablename__ = "root_cause_actions"

    root_cause_id: int = Field(foreign_key="root_causes.id", ondelete="CASCADE", primary_key=True)
    action_id: int = Field(foreign_key="actions.id", ondelete="CASCADE", primary_key=True, index=True)


class RootCauseInitiative(SQLModel, table=True):
    __tablename__ = "root_cause_initiatives"

    root_cause_id: int = Field(foreign_key="root_causes.id", ondelete="CASCADE", primary_key=True)
    initiative_id: int = Field(foreign_key="initiatives.id", ondelete="CASCADE", primary_key=True, index=True)
