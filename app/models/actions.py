"""The action log and its history."""

from datetime import date, datetime
from enum import StrEnum
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint, event, false, inspect, text
from sqlalchemy.orm import Session, declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow
from app.models.councils import Council


class ActionStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    blocked = "blocked"
    done = "done"
    cancelled = "cancelled"


CLOSED_STATUSES = frozenset({ActionStatus.done, ActionStatus.cancelled})


class Action(SQLModel, table=True):
    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'in_progress', 'blocked', 'done', 'cancelled')", name="status"),
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_complete"),
        CheckConstraint("raised_at_item BETWEEN 1 AND 9", name="raised_at_item"),
        Index("ix_actions_council_status_due_on", "council_id", "status", "due_on"),
        # The agenda's reads: actions closed since the last meeting, and the scorecard's
        # year of due dates. Without them both walk the council's whole history.
        Index("ix_actions_council_closed_at", "council_id", "closed_at"),
        Index("ix_actions_council_due_on", "council_id", "due_on"),
        # The scorecard's delivery counts read only these columns: from the index alone, not
        # from rows spread among every other council's (issue 17, many councils).
        Index(
            "ix_actions_council_due_on_delivery",
            "council_id",
            "due_on",
            "department_id",
            "status",
            "closed_on",
            "archived_at",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE")
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    # One owner per action: a seat on the council, not just a person.
    owner_id: int = Field(foreign_key="memberships.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="departments.id", index=True)
    due_on: date
    status: str = Field(default=ActionStatus.open, max_length=20)
    raised_at_meeting_id: int | None = Field(default=None, foreign_key="meetings.id", ondelete="SET NULL", index=True)
    # The number (1–9) of the standard agenda item under which it was raised.
    raised_at_item: int | None = Field(default=None)
    initiative_id: int | None = Field(default=None, foreign_key="initiatives.id", ondelete="SET NULL", index=True)
    journey_id: int | None = Field(default=None, foreign_key="journeys.id", ondelete="SET NULL", index=True)
    percent_complete: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    version: int = Field(default=1)
    closed_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    # The day closed_at fell on in the council's time zone at the time of closing, kept
    # with closed_at by every ORM write (_keep_closed_on below), so that on-time counts
    # compare two dates in SQL. A writer that bypasses the ORM must set both.
    closed_on: date | None = Field(default=None)
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


def closing_day(closed_at: datetime | None, timezone: str) -> date | None:
    """The council's calendar date of a closing moment (None while open)."""
    return closed_at.astimezone(ZoneInfo(timezone)).date() if closed_at is not None else None


@event.listens_for(Session, "before_flush")
def _keep_closed_on(session: Session, _context, _instances) -> None:
    # One place no writer can forget (API, pages, minutes, five whys, demo, tests): a new
    # action, or one whose closed_at moved, gets the day of its closing on the council's
    # calendar. The council is usually in the identity map already (the request loaded it).
    for action in chain(session.new, session.dirty):
        if not isinstance(action, Action):
            continue
        state = inspect(action)
        if state.pending or state.attrs.closed_at.history.has_changes():
            # An archived council's too (app/archived.py hides it from other reads).
            council = session.get(Council, action.council_id, execution_options={"include_archived": True})
            action.closed_on = closing_day(action.closed_at, council.timezone) if council else None


class ActionEvent(SQLModel, table=True):
    """One accepted write to an action: who, when, which fields moved, and why."""

    __tablename__ = "action_updates"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="actions.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # {"field": [old, new], …}; {} for a note-only update.
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    note: str = Field(default="", max_length=2000)
    # The writer sent no If-Match: the write was accepted without proof it saw the latest.
    without_if_match: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # A comment in the action's thread (its text in `note`, no changes): written once, never edited.
    is_comment: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class ReminderDigest(SQLModel, table=True):
    """One reminder digest sent to one person on one day, so none goes out twice."""

    __tablename__ = "reminder_digests"
    __table_args__ = (UniqueConstraint("user_id", "sent_on", name="uq_reminder_digests_user_sent_on"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    sent_on: date
    action_count: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class DueRequestStatus(StrEnum):
    pending = "pending"  # waiting for the chair
    approved = "approved"  # the chair agreed: the action's due date moved
    refused = "refused"  # the chair said no: the due date stayed
    replaced = "replaced"  # the owner asked again before the chair decided; the newer request stands


class ActionDueRequest(SQLModel, table=True):
    """An owner's request to move an action's due date, where the council wants the chair to approve such moves
    (`councils.due_moves_need_approval`). At most one is pending per action."""

    __tablename__ = "action_due_requests"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'refused', 'replaced')", name="status"),
        # The chair's "Waiting for you" list: the council's pending requests.
        Index("ix_action_due_requests_council_status", "council_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE")
    action_id: int = Field(foreign_key="actions.id", ondelete="CASCADE", index=True)
    requested_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    from_date: date
    to_date: date
    reason: str = Field(default="", max_length=2000)
    status: str = Field(default=DueRequestStatus.pending, max_length=20)
    decided_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    # The chair's note with the decision (why refused, usually).
    note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
