"""API shapes for journeys, their steps and the steps × departments matrix."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from app.common import DbId, InputModel, Name, Text
from app.models import Responsibility

# A step may be served by at most this many departments (a council rarely has 20).
MAX_STEP_DEPARTMENTS = 50


class JourneyCreate(InputModel):
    name: Name(120)
    description: Text(2000) = ""
    # The journey owner: a seat on this council. May be named later, but the journey is
    # flagged until it has one.
    owner_id: DbId | None = None


class JourneyUpdate(InputModel):
    """The owner may change name and description; only the chair names a new owner."""

    name: Name(120) | None = None
    description: Text(2000) | None = None
    owner_id: DbId | None = None


class JourneyPublic(BaseModel):
    id: int
    council_id: int
    name: str
    description: str
    owner_id: int | None
    owner_name: str | None
    step_count: int
    gap_count: int
    overlap_count: int
    handoff_count: int
    created_at: datetime
    updated_at: datetime


class StepDepartmentIn(InputModel):
    department_id: DbId
    responsibility: Responsibility


def _each_department_once(items: list[StepDepartmentIn]) -> list[StepDepartmentIn]:
    seen: set[int] = set()
    for item in items:
        if item.department_id in seen:
            raise ValueError(f"department {item.department_id} is listed twice; give each department once")
        seen.add(item.department_id)
    return items


StepDepartments = Annotated[
    list[StepDepartmentIn], Field(max_length=MAX_STEP_DEPARTMENTS), AfterValidator(_each_department_once)
]
Position = Annotated[int, Field(ge=1, le=10_000, strict=True, description="1 is the first step")]


class StepCreate(InputModel):
    name: Name(120)
    # Where the step goes; the steps from there on move down one. Omitted: at the end.
    position: Position | None = None
    channel: Text(60) = ""
    description: Text(2000) = ""
    departments: StepDepartments = []


class StepUpdate(InputModel):
    """Fields not sent stay as they are; `departments`, when sent, replaces the list."""

    name: Name(120) | None = None
    position: Position | None = None
    channel: Text(60) | None = None
    description: Text(2000) | None = None
    departments: StepDepartments | None = None


class StepDepartmentPublic(BaseModel):
    department_id: int
    department_name: str
    responsibility: str


class StepPublic(BaseModel):
    id: int
    journey_id: int
    position: int
    name: str
    channel: str
    description: str
    departments: list[StepDepartmentPublic]
