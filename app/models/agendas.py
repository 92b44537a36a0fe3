"""What a meeting's agenda needs beyond the council's data: AOB, apologies, snapshots, templates."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class AttendanceStatus(StrEnum):
    present = "present"
    apologies = "apologies"
    absent = "absent"
    delegate = "delegate"


class Attendance(SQLModel, table=True):
    """One seat at one meeting: apologies sent ahead, or what the secretary recorded."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "membership_id", name="uq_attendance_meeting_membership"),
        CheckConstraint("status IN ('present', 'apologies', 'absent', 'delegate')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    membership_id: int = Field(foreign_key="memberships.id", ondelete="CASCADE", index=True)
    status: str = Field(max_length=20)
    delegate_name: str = Field(default="", max_length=120)
    note: str = Field(default="", max_length=500)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class AobItem(SQLModel, table=True):
    """Any other business a member asks to raise at a meeting."""

    __tablename__ = "aob_items"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    submitted_by_id: int | None = Field(default=None, foreign_key="memberships.id", ondelete="SET NULL")
    title: str = Field(max_length=200)
    details: str = Field(default="", max_length=5000)
    # What the meeting decided about it, recorded in the minutes.
    outcome: str = Field(default="", max_length=5000, sa_column_kwargs={"server_default": text("''")})
    # Carried from an unfinished item of an earlier meeting (once: unique), "carried from Meeting N".
    carried_from_id: int | None = Field(
        default=None, foreign_key="aob_items.id", ondelete="SET NULL", unique=True, index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class AgendaSnapshot(SQLModel, table=True):
    """The agenda as circulated: one row per publication, the newest is in force."""

    __tablename__ = "agenda_snapshots"
    __table_args__ = (UniqueConstraint("meeting_id", "version", name="uq_agenda_snapshots_meeting_version"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    version: int
    content: dict[str, Any] = Field(sa_type=JSON)
    published_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    published_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class CouncilTemplate(SQLModel, table=True):
    """A council's own Word template (styles, fonts, logo) for every export."""

    __tablename__ = "council_templates"

    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", primary_key=True)
    filename: str = Field(max_length=200)
    content: bytes = Field(sa_type=LargeBinary)
    uploaded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
