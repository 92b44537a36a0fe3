"""Members' answers to a meeting's invitation, and when each person last looked at their home page.

An answer is what a member said before the meeting (attending, apologies, a delegate);
`attendance` is what the secretary recorded at it. They are kept apart so the record of
the meeting never rewrites what people said beforehand, and a late change of plan is
still visible next to what happened.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class Answer(StrEnum):
    attending = "attending"
    apologies = "apologies"
    delegate = "delegate"


class MeetingResponse(SQLModel, table=True):
    """One seat's answer to one meeting's invitation; no row means no answer yet."""

    __tablename__ = "meeting_responses"
    __table_args__ = (
        UniqueConstraint("meeting_id", "membership_id", name="uq_meeting_responses_meeting_membership"),
        CheckConstraint("answer IN ('attending', 'apologies', 'delegate')", name="answer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", ondelete="CASCADE", index=True)
    membership_id: int = Field(foreign_key="memberships.id", ondelete="CASCADE", index=True)
    answer: str = Field(max_length=20)
    # Apologies: why (shown to the council on the agenda).
    reason: str = Field(default="", max_length=500)
    # Delegate: who attends in the member's place; another seat-holder when they are one.
    delegate_name: str = Field(default="", max_length=120)
    delegate_membership_id: int | None = Field(default=None, foreign_key="memberships.id", ondelete="SET NULL")
    # Who gave the answer: the member, or the chair/secretary recording it for them.
    answered_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    answered_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class HomeVisit(SQLModel, table=True):
    """When a person last opened their home page, and the visit before (bookkeeping: changes no document)."""

    __tablename__ = "home_visits"

    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    seen_at: datetime = Field(sa_type=TZDateTime)
    # "What changed since my last visit" counts from here.
    previous_seen_at: datetime | None = Field(default=None, sa_type=TZDateTime)
