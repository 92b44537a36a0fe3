"""Minutes: what happened at a meeting, against the agenda it followed."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, UniqueConstraint, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class MinutesStatus(StrEnum):
    draft = "draft"
    circulated = "circulated"
    approved = "approved"


class Minutes(SQLModel, table=True):
    __tablename__ = "minutes"
    __table_args__ = (CheckConstraint("status IN ('draft', 'circulated', 'approved')", name="status"),)

    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", primary_key=True)
    status: str = Field(default=MinutesStatus.draft, max_length=20)
    # The published agenda version the meeting followed (0: none was published).
    agenda_version: int = Field(default=0)
    # Item 1: were the previous meeting's minutes approved as a true record?
    previous_minutes_approved: bool | None = Field(default=None)
    previous_minutes_note: str = Field(default="", max_length=2000)
    next_meeting_note: str = Field(default="", max_length=500)
    circulated_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    approved_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # The correction round: set when circulated (the end of the last working day of the
    # council's window); None for minutes circulated before the round existed.
    corrections_close_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    # Why the chair approved before the window closed ("" when approved after it).
    approved_early_reason: str = Field(default="", max_length=2000, sa_column_kwargs={"server_default": text("''")})
    # Who took the minutes: a person with an account (by default whoever started them) or,
    # when `taken_by_name` is set, that name (a minute-taker without an account).
    taken_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    taken_by_name: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": text("''")})
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class CorrectionStatus(StrEnum):
    proposed = "proposed"
    accepted = "accepted"
    rejected = "rejected"
    withdrawn = "withdrawn"


class MinutesCorrection(SQLModel, table=True):
    """A correction an attendee proposes to circulated minutes, under one agenda item, and the
    secretary's decision on it. Kept after approval: the record of changes prints them."""

    __tablename__ = "minutes_corrections"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'accepted', 'rejected', 'withdrawn')", name="status"),
        CheckConstraint("item_number BETWEEN 1 AND 9 OR item_number > 100", name="item_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    item_number: int
    proposed_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # The corrected wording, and why.
    text: str = Field(max_length=5000)
    reason: str = Field(max_length=2000)
    # The version of the item's notes the proposer read: applying the text on acceptance
    # checks it, so a later edit is never overwritten unseen.
    item_version: int = Field(default=0)
    status: str = Field(default=CorrectionStatus.proposed, max_length=20)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    decision_note: str = Field(default="", max_length=2000)
    # Accepted and written into the item's notes (False: accepted, the secretary edits by hand).
    applied: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class MinutesItem(SQLModel, table=True):
    """The notes taken under one agenda item: 1–9 a standard section, above 100 a standing item
    (STANDING_ITEM_BASE + its id, app/councils/sections.py)."""

    __tablename__ = "minutes_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number", name="uq_minutes_items_meeting_number"),
        CheckConstraint("number BETWEEN 1 AND 9 OR number > 100", name="number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    number: int
    notes: str = Field(default="", max_length=20000)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # Per item, so two people writing under different items never collide; an item not yet
    # written is version 0. Moves with every save of the notes (the item's ETag).
    version: int = Field(default=1)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class Decision(SQLModel, table=True):
    """A decision, numbered 1, 2, 3 … within its meeting."""

    __tablename__ = "decisions"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number", name="uq_decisions_meeting_number"),
        CheckConstraint("item_number BETWEEN 1 AND 9 OR item_number > 100", name="item_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    number: int
    item_number: int
    text: str = Field(max_length=5000)
    # A decision can record that the council reviewed a feedback theme (kept if the theme goes).
    theme_id: int | None = Field(default=None, foreign_key="themes.id", ondelete="SET NULL", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class MinutesAmendment(SQLModel, table=True):
    """A correction to approved minutes: who, when, why. Approved minutes never change otherwise."""

    __tablename__ = "minutes_amendments"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    item_number: int | None = Field(default=None)
    text: str = Field(max_length=5000)
    reason: str = Field(max_length=2000)
    made_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    made_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class MinutesEvent(SQLModel, table=True):
    """The audit history of a meeting's minutes: every change, by whom, when."""

    __tablename__ = "minutes_events"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    kind: str = Field(max_length=40)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
