"""API shapes for customer research and five-whys root-cause analyses."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from app.actions.schemas import ActionCreate
from app.common import DbId, InputModel, Name, Text
from app.measures.schemas import MeasureCreate

MAX_LINKS = 100
MAX_WHYS = 5


class ResearchMethod(StrEnum):
    survey = "survey"
    interviews = "interviews"
    focus_group = "focus_group"
    mystery_shopping = "mystery_shopping"
    complaints_analysis = "complaints_analysis"
    analytics = "analytics"
    social_listening = "social_listening"
    other = "other"


def _web_address(value: str) -> str:
    # Shown as a link on every page: anything but a plain web address (javascript:, data:,
    # file:, a bare word) could run script or mislead when clicked.
    if not value:
        return value
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        raise ValueError("must be a web address without spaces")
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValueError("must be an http:// or https:// address, such as https://example.com/report")
    return value


WebLink = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_web_address)]


def _distinct(ids: list[int]) -> list[int]:
    return list(dict.fromkeys(ids))


IdList = Annotated[list[DbId], Field(max_length=MAX_LINKS), AfterValidator(_distinct)]
# Research from before 1900 is not customer research this council will discuss.
ConductedOn = Annotated[date, Field(ge=date(1900, 1, 1))]


class ResearchCreate(InputModel):
    title: Name(200)
    conducted_on: ConductedOn
    method: ResearchMethod
    summary: Text(5000) = ""
    findings: Text(10000) = ""
    link: WebLink = ""
    measure_ids: IdList = []
    initiative_ids: IdList = []


class ResearchUpdate(InputModel):
    """Fields not sent stay as they are; id lists, when sent, replace the links."""

    title: Name(200) | None = None
    conducted_on: ConductedOn | None = None
    method: ResearchMethod | None = None
    summary: Text(5000) | None = None
    findings: Text(10000) | None = None
    link: WebLink | None = None
    measure_ids: IdList | None = None
    initiative_ids: IdList | None = None


class LinkedRecord(BaseModel):
    id: int
    name: str


class ResearchPublic(BaseModel):
    id: int
    council_id: int
    title: str
    conducted_on: date
    method: str
    summary: str
    findings: str
    link: str
    measure_ids: list[int]
    measures: list[LinkedRecord]
    initiative_ids: list[int]
    initiatives: list[LinkedRecord]
    created_by_id: int | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime


Why = Annotated[Name(1000), Field(description="One answer to 'why?'")]
Whys = Annotated[list[Why], Field(min_length=1, max_length=MAX_WHYS, description="1 to 5 answers, in order")]


MAX_NEW_ACTIONS = 20
NewActions = Annotated[
    list[ActionCreate],
    Field(max_length=MAX_NEW_ACTIONS, description="Actions and standards raised: put on the action log and linked"),
]
NewMetric = Annotated[
    MeasureCreate | None,
    Field(description="A new action-plan metric: created (chair), needs department_id and target, and linked"),
]
PlanMetricIds = Annotated[
    IdList, Field(description="Existing measures (each with a department and a target) that track the root cause")
]


class RootCauseCreate(InputModel):
    theme: Name(200)
    whys: Whys
    # Omitted or empty: the last why, which is where five whys end.
    root_cause: Text(2000) | None = None
    research_id: DbId | None = None
    # The feedback theme the workshop started from.
    theme_id: DbId | None = None
    action_ids: IdList = []
    initiative_ids: IdList = []
    action_plan_measure_ids: PlanMetricIds = []
    new_measure: NewMetric = None
    new_actions: NewActions = []


class RootCauseUpdate(InputModel):
    """Fields not sent stay as they are; id lists, when sent, replace the links."""

    theme: Name(200) | None = None
    whys: Whys | None = None
    root_cause: Text(2000) | None = None
    research_id: DbId | None = None
    theme_id: DbId | None = None
    action_ids: IdList | None = None
    initiative_ids: IdList | None = None
    action_plan_measure_ids: PlanMetricIds | None = None
    # Added to what is linked (new_actions too), never replacing it.
    new_measure: NewMetric = None
    new_actions: NewActions = []


class RootCausePublic(BaseModel):
    id: int
    council_id: int
    theme: str
    whys: list[str]
    root_cause: str
    research_id: int | None
    research_title: str | None
    theme_id: int | None
    theme_name: str | None
    action_ids: list[int]
    actions: list[LinkedRecord]
    initiative_ids: list[int]
    initiatives: list[LinkedRecord]
    # The action-plan metrics: measures the workshop picked, each owned by a department.
    action_plan_measure_ids: list[int]
    action_plan_measures: list[LinkedRecord]
    created_by_id: int | None
    created_by_name: str | None
    created_at: datetime
    updated_at: datetime
