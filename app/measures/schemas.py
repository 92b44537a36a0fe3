"""API shapes for measures and their readings."""

import math
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from app.common import DbId, InputModel, Name, Text
from app.models import Direction, MeasureCategory, MeasureKind, MeasureScope

# Sample sizes live in a 32-bit column on both engines.
MAX_SAMPLE = 2_147_483_647
# Far beyond any real measure, and small enough to chart and to print.
MAX_ABS_VALUE = 1e15


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number (not NaN or infinity)")
    if abs(value) > MAX_ABS_VALUE:
        raise ValueError("must be between -1e15 and 1e15")
    return value


# Strict: a JSON string or true is refused rather than read as a number.
Number = Annotated[float, Field(strict=True), AfterValidator(_finite)]
SampleSize = Annotated[int, Field(ge=0, le=MAX_SAMPLE, strict=True, description="How many responses or cases")]


class MeasureCreate(InputModel):
    name: Name(120)
    description: Text(2000) = ""
    kind: MeasureKind = MeasureKind.custom
    # Defaults from kind: nps, csat and ces are survey ratings, the rest operational.
    category: MeasureCategory | None = None
    unit: Text(20) = ""
    # Defaults from kind: repeat contacts and cost to serve are better lower.
    direction: Direction | None = None
    target: Number | None = None
    owner_id: DbId | None = None
    # Defaults from the ids sent: department_id → department, journey_id → journey, else overall.
    scope: MeasureScope | None = None
    department_id: DbId | None = None
    journey_id: DbId | None = None


class MeasureUpdate(InputModel):
    """The chair may send any field; the measure's owner only target and description."""

    name: Name(120) | None = None
    description: Text(2000) | None = None
    kind: MeasureKind | None = None
    category: MeasureCategory | None = None
    unit: Text(20) | None = None
    direction: Direction | None = None
    target: Number | None = None
    owner_id: DbId | None = None
    scope: MeasureScope | None = None
    department_id: DbId | None = None
    journey_id: DbId | None = None


class PointPublic(BaseModel):
    period: date
    value: float


class MeasurePublic(BaseModel):
    id: int
    council_id: int
    name: str
    description: str
    kind: str
    category: str
    unit: str
    direction: str
    target: float | None
    owner_id: int | None
    owner_name: str | None
    scope: str
    department_id: int | None
    department_name: str | None
    journey_id: int | None
    journey_name: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    # Derived from the readings (app/measures/stats.py).
    latest: PointPublic | None
    previous: PointPublic | None
    change: float | None
    on_target: bool | None
    movement: str | None
    status: str | None
    trend: list[PointPublic]
    slope: float | None
    reading_count: int
    # No reading for this month or the one before (in the council's time zone).
    stale: bool


class ReadingCreate(InputModel):
    """One reading; a period that already has one replaces it."""

    period: date = Field(description="The period's first day (monthly) or the day it was taken")
    value: Number
    sample_size: SampleSize | None = None
    note: Text(2000) = ""


class ReadingUpdate(InputModel):
    period: date | None = None
    value: Number | None = None
    sample_size: SampleSize | None = None
    note: Text(2000) | None = None


class ReadingPublic(BaseModel):
    id: int
    measure_id: int
    period: date
    value: float
    sample_size: int | None
    note: str
    created_at: datetime
    updated_at: datetime


class ImportProblem(BaseModel):
    # The line in the file (the header is row 1); null for a problem with the whole file.
    row: int | None
    column: str | None
    message: str


class ImportResult(BaseModel):
    imported: int
    updated: int
