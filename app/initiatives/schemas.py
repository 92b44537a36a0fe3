"""API shapes for initiatives and their prioritisation."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from app.common import DbId, InputModel, Name, Text
from app.models import InitiativeStatus, Rag


def _plausible_date(value: date) -> date:
    # Far-off years are typos.
    if not 2000 <= value.year <= 2200:
        raise ValueError("must be a date between the years 2000 and 2200")
    return value


Day = Annotated[date, AfterValidator(_plausible_date)]
Rating = Annotated[int, Field(ge=1, le=5, strict=True, description="1 (low) to 5 (high)")]
Percent = Annotated[int, Field(ge=0, le=100, strict=True, description="0 to 100")]
Volume = Annotated[int, Field(ge=0, le=1_000_000_000, strict=True, description="Contacts or visits a year")]
Money = Annotated[float, Field(ge=0, le=1_000_000_000_000, strict=True, allow_inf_nan=False)]
Ids = Annotated[list[DbId], Field(max_length=100)]


class MeasureLinkIn(InputModel):
    measure_id: DbId
    baseline_value: float | None = Field(
        default=None,
        strict=True,
        allow_inf_nan=False,
        description="Where the measure stood when the work began; omit it to take the latest reading",
    )


MeasureLinks = Annotated[list[MeasureLinkIn], Field(max_length=100)]


class InitiativeCreate(InputModel):
    """A proposal: it starts as `proposed`, proposed by the caller's seat."""

    title: Name(200)
    description: Text(5000) = ""
    owner_id: DbId | None = None
    journey_id: DbId | None = None
    start_on: Day | None = None
    target_on: Day | None = None
    failure_volume_per_year: Volume = 0
    unit_cost: Money = 0
    implementation_cost: Money = 0
    customer_impact: Rating | None = None
    effort: Rating | None = None
    strategic_fit: Rating | None = None
    confidence: Rating | None = None
    department_ids: Ids = Field(default_factory=list, description="Departments of this council taking part")
    measures: MeasureLinks = Field(default_factory=list, description="Measures the initiative should move")


class InitiativeUpdate(InputModel):
    """Chair: status (and anything). Owner: anything but status and owner_id. Lists replace the links."""

    title: Name(200) | None = None
    description: Text(5000) | None = None
    status: InitiativeStatus | None = None
    owner_id: DbId | None = None
    journey_id: DbId | None = None
    start_on: Day | None = None
    target_on: Day | None = None
    rag: Rag | None = None
    percent_complete: Percent | None = None
    failure_volume_per_year: Volume | None = None
    unit_cost: Money | None = None
    implementation_cost: Money | None = None
    customer_impact: Rating | None = None
    effort: Rating | None = None
    strategic_fit: Rating | None = None
    confidence: Rating | None = None
    department_ids: Ids | None = None
    measures: MeasureLinks | None = None


class DepartmentRef(BaseModel):
    id: int
    name: str


class LinkedMeasure(BaseModel):
    measure_id: int
    name: str
    unit: str
    direction: str
    baseline_value: float | None
    baseline_on: date | None
    current_value: float | None
    current_on: date | None
    # current − baseline, and whether that is good news given the measure's direction.
    change: float | None
    movement: str | None


class InitiativePublic(BaseModel):
    id: int
    council_id: int
    title: str
    description: str
    status: str
    # Where the chair may move it next.
    next_statuses: list[str]
    proposed_by_id: int | None
    proposed_by_name: str | None
    owner_id: int | None
    owner_name: str | None
    journey_id: int | None
    start_on: date | None
    target_on: date | None
    rag: str | None
    percent_complete: int
    failure_volume_per_year: int
    unit_cost: float
    implementation_cost: float
    yearly_saving: float
    net_first_year_saving: float
    payback_months: float | None
    customer_impact: int | None
    effort: int | None
    strategic_fit: int | None
    confidence: int | None
    departments: list[DepartmentRef]
    measures: list[LinkedMeasure]
    version: int
    created_at: datetime
    updated_at: datetime


class PriorityPart(BaseModel):
    criterion: str
    label: str
    raw: float | None
    normalised: float
    weight: float
    points: float
    note: str


class PriorityPublic(BaseModel):
    rank: int
    initiative_id: int
    title: str
    status: str
    owner_name: str | None
    proposed_by_name: str | None
    score: float
    yearly_saving: float
    payback_months: float | None
    breakdown: list[PriorityPart]


class PriorityList(BaseModel):
    data: list[PriorityPublic]
    count: int
    # The weights in effect for this council.
    weights: dict[str, float]
