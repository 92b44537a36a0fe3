"""API shapes for meetings."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field

from app.common import InputModel, Name, Text
from app.models import MeetingStatus

Duration = Annotated[int, Field(ge=5, le=720, strict=True, description="Minutes, 5 to 720")]


def _plausible_year(value: datetime) -> datetime:
    # Far-off years are typos, and near the calendar's ends UTC conversion overflows.
    if not 2000 <= value.year <= 2200:
        raise ValueError("must be a date between the years 2000 and 2200")
    return value


Start = Annotated[AwareDatetime, AfterValidator(_plausible_year), Field(description="Start, with its UTC offset")]


class MeetingCreate(InputModel):
    scheduled_at: Start
    duration_minutes: Duration = 120
    location: Text(200) = ""
    title: Text(200) = ""


class MeetingUpdate(InputModel):
    scheduled_at: Start | None = None
    duration_minutes: Duration | None = None
    location: Text(200) | None = None
    title: Text(200) | None = None
    status: MeetingStatus | None = None
    # Why it was cancelled, shown in the council's history: only with status "cancelled".
    cancel_reason: Text(500) | None = None


class MeetingPublic(BaseModel):
    id: int
    council_id: int
    number: int
    title: str
    scheduled_at: datetime
    ends_at: datetime
    # The start in the council's own time zone, for display.
    local_start: datetime
    duration_minutes: int
    location: str
    status: str
    # Why and when it was cancelled ("" and null unless it is).
    cancel_reason: str
    cancelled_at: datetime | None
    # Where it stands by the clock: scheduled, in progress, held or cancelled.
    state: str
    version: int
    # The council's cadence made it (app/meetings/series.py); null for one scheduled by hand.
    series_id: int | None = None


class AobCreate(InputModel):
    title: Name(200)
    details: Text(5000) = ""


class AobPublic(BaseModel):
    id: int
    meeting_id: int
    title: str
    details: str
    submitted_by_id: int | None
    submitted_by: str | None
    created_at: datetime


class ApologiesIn(InputModel):
    note: Text(500) = ""
