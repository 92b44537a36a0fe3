"""API shapes for actions and their history."""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from app.common import DbId, InputModel, Name, Text
from app.models import ActionStatus

NOTE_MAX = 2000


class ActionCreate(InputModel):
    title: Name(200)
    description: Text(5000) = ""
    owner_id: DbId
    # Defaults to the owner's department.
    department_id: DbId | None = None
    due_on: date
    status: ActionStatus = ActionStatus.open
    raised_at_meeting_id: DbId | None = None


class ActionUpdate(InputModel):
    """Owners may send status, due_on and note; chair and secretary any field."""

    title: Name(200) | None = None
    description: Text(5000) | None = None
    owner_id: DbId | None = None
    department_id: DbId | None = None
    due_on: date | None = None
    status: ActionStatus | None = None
    raised_at_meeting_id: DbId | None = None
    note: Text(NOTE_MAX) | None = None


class ActionPublic(BaseModel):
    id: int
    council_id: int
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
    version: int
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ActionChange(BaseModel):
    field: str
    old: Any
    new: Any


class ActionHistoryEntry(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    user_name: str | None
    kind: Literal["created", "updated", "note"]
    changes: list[ActionChange]
    note: str
