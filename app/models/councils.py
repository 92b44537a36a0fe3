"""A council, its departments and who sits on it."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, UniqueConstraint, false, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class Role(StrEnum):
    chair = "chair"
    secretary = "secretary"
    member = "member"
    observer = "observer"


class Council(SQLModel, table=True):
    __tablename__ = "councils"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    # Meetings are shown and exported in the council's own time zone.
    timezone: str = Field(default="Europe/London", max_length=64)
    # Weights for the department scorecard and for prioritising initiatives;
    # null means the defaults (see app/scoring.py).
    scorecard_weights: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    priority_weights: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # Minutes per agenda section by key; null means the defaults (see app/meetings/agenda.py).
    agenda_minutes: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    # The running order: the nine section keys and "standing-<id>" for the council's standing
    # items (app/councils/agenda_template.py); null means the standard order.
    agenda_order: list[str] | None = Field(default=None, sa_type=JSON)
    # Quorum: at least this many seats present, and this many departments represented
    # (null: more than half of the voting seats, and no department minimum).
    quorum_members: int | None = Field(default=None)
    quorum_departments: int | None = Field(default=None)
    # Members may raise actions between meetings for their own department (chair and
    # secretary always may); off until the chair allows it.
    members_raise_actions: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Notifications (app/notifications): the kinds every member receives whatever their
    # preferences say (keys of app.notifications.kinds.KINDS); null means none required.
    required_notifications: list[str] | None = Field(default=None, sa_type=JSON)
    # The Word pack rides in the agenda mail up to this size, and is linked above it.
    pack_attach_limit_kb: int = Field(default=5120, sa_column_kwargs={"server_default": text("5120")})
    # Departments that have not submitted their report are reminded this many days before the meeting.
    report_reminder_days: int = Field(default=7, sa_column_kwargs={"server_default": text("7")})
    # An owner's move of an action's due date waits for the chair's approval.
    due_moves_need_approval: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # Circulated minutes take corrections for this many working days (Monday to Friday).
    correction_window_days: int = Field(default=5, sa_column_kwargs={"server_default": text("5")})
    # Papers (app/papers): the largest file, and the most all of one meeting's papers may take (MB).
    paper_max_file_mb: int = Field(default=20, sa_column_kwargs={"server_default": text("20")})
    paper_max_meeting_mb: int = Field(default=100, sa_column_kwargs={"server_default": text("100")})
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # Archived instead of deleted (app/archive.py): hidden everywhere but the record.
    archived_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    archived_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")

    # Optimistic locking: every UPDATE says "WHERE version = <the version I read>" and
    # bumps it, so of two concurrent writers from the same version exactly one wins.
    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class Department(SQLModel, table=True):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("council_id", "name", name="uq_departments_council_name"),)

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    # Outsourced suppliers sit on the council too; exports mark them.
    is_external: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("council_id", "user_id", name="uq_memberships_council_user"),
        CheckConstraint("role IN ('chair', 'secretary', 'member', 'observer')", name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    role: str = Field(default=Role.member, max_length=20)
    department_id: int | None = Field(default=None, foreign_key="departments.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # The secret in this seat's calendar subscription URL (/feeds/<token>.ics); None
    # until asked for. Replaced to reset the link; the seat's removal ends it.
    calendar_token: str | None = Field(default=None, max_length=64, unique=True, index=True)


class StandingItem(SQLModel, table=True):
    """An agenda item of the council's own (e.g. "Journey owner spotlight") on every agenda.

    Its place in the running order is in `Council.agenda_order`; the minutes key its notes
    as agenda item `STANDING_ITEM_BASE + id` (app/councils/sections.py). Archived, not
    deleted, once minutes refer to it.
    """

    __tablename__ = "standing_items"
    __table_args__ = (CheckConstraint("minutes BETWEEN 0 AND 600", name="minutes"),)

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    details: str = Field(default="", max_length=2000)
    # The seat that leads it; the item stays if the seat goes.
    owner_id: int | None = Field(default=None, foreign_key="memberships.id", ondelete="SET NULL")
    minutes: int = Field(default=10)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    archived_at: datetime | None = Field(default=None, sa_type=TZDateTime)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}
