"""API shapes for actions and their history."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from app.common import DbId, InputModel, Name, Text
from app.models import ActionStatus

NOTE_MAX = 2000
Percent = Annotated[int, Field(ge=0, le=100, strict=True, description="0 to 100")]
AgendaItem = Annotated[int, Field(ge=1, le=9, strict=True, description="Standard agenda item, 1 to 9")]


class ActionCreate(InputModel):
    title: Name(200)
    description: Text(5000) = ""
    owner_id: DbId
    # Defaults to the owner's department.
    department_id: DbId | None = None
    due_on: date
    status: ActionStatus = ActionStatus.open
    raised_at_meeting_id: DbId | None = None
    raised_at_item: AgendaItem | None = None
    percent_complete: Percent = 0
    initiative_id: DbId | None = None
    journey_id: DbId | None = None


class ActionUpdate(InputModel):
    """Owners may send status, due_on (with a note), percent_complete and note; chair and secretary any field."""

    title: Name(200) | None = None
    description: Text(5000) | None = None
    owner_id: DbId | None = None
    department_id: DbId | None = None
    due_on: date | None = None
    status: ActionStatus | None = None
    raised_at_meeting_id: DbId | None = None
    raised_at_item: AgendaItem | None = None
    percent_complete: Percent | None = None
    initiative_id: DbId | None = None
    journey_id: DbId | None = None
    note: Text(NOTE_MAX) | None = Field(default=None, description="A progress note; required when due_on moves")


class DueRequestPublic(BaseModel):
    """An owner's move of the due date waiting for (or decided by) the chair, where the council asks for approval."""

    id: int
    action_id: int
    requested_by_id: int | None
    from_date: date
    to_date: date
    reason: str
    status: Literal["pending", "approved", "refused", "replaced"]
    decided_by_id: int | None
    decided_at: datetime | None
    note: str
    created_at: datetime


class DueDecision(InputModel):
    note: Text(NOTE_MAX) = Field(default="", description="Why (optional): the owner reads it in the mail")


class ActionPublic(BaseModel):
    id: int
    council_id: int
    council_name: str
    title: str
    description: str
    owner_id: int
    owner_name: str
    department_id: int | None
    department_name: str | None
    due_on: date
    status: str
    overdue: bool
    days_overdue: int
    raised_at_meeting_id: int | None
    raised_at_meeting_number: int | None
    raised_at_item: int | None
    percent_complete: int
    initiative_id: int | None
    journey_id: int | None
    version: int
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    # Set when archived (hidden from the log, kept with its history; restorable).
    archived_at: datetime | None = None
    # On one action's reads and writes: an owner's new due date waiting for the chair (the
    # council's due_moves_need_approval); `due_on` stays as it was until the chair approves.
    pending_due_change: DueRequestPublic | None = None


class ActionChange(BaseModel):
    field: str
    old: Any
    new: Any


class ActionHistoryEntry(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    user_name: str | None
    kind: Literal["created", "updated", "note", "comment"]
    changes: list[ActionChange]
    note: str
    # True when the writer sent no If-Match, so it may not have seen the latest version.
    without_if_match: bool


class CommentCreate(InputModel):
    text: Name(NOTE_MAX) = Field(description="The comment; kept as written (comments are not edited)")


class CommentPublic(BaseModel):
    """One comment in an action's thread: who, when, what. It is also a line of the action's history."""

    id: int
    action_id: int
    user_id: int | None
    user_name: str | None
    at: datetime
    text: str
