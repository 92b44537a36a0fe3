"""Departments' reports to a meeting."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class DepartmentReport(SQLModel, table=True):
    """A department's report to one meeting: how it is doing and what it is changing."""

    __tablename__ = "department_reports"
    __table_args__ = (UniqueConstraint("meeting_id", "department_id", name="uq_department_reports_meeting_department"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    department_id: int = Field(foreign_key="departments.id", ondelete="CASCADE", index=True)
    author_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    summary: str = Field(default="", max_length=5000)
    improvements: str = Field(default="", max_length=5000)
    best_practice: str = Field(default="", max_length=5000)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}
