"""API shapes for department reports to meetings and the department scorecard."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.common import DbId, InputModel, Name, Text

# A report without a summary says nothing; the other two may wait.
Summary = Name(5000)


class ReportCreate(InputModel):
    department_id: DbId | None = Field(default=None, description="Defaults to the caller's own department")
    summary: Summary = Field(description="How the department's customer measures stand")
    improvements: Text(5000) = Field(default="", description="What the department is doing to improve")
    best_practice: Text(5000) = Field(default="", description="Something that worked, to share with the others")


class ReportUpdate(InputModel):
    summary: Summary | None = None
    improvements: Text(5000) | None = None
    best_practice: Text(5000) | None = None


class ReportPublic(BaseModel):
    id: int
    meeting_id: int
    department_id: int
    department_name: str
    author_id: int | None
    author_name: str | None
    summary: str
    improvements: str
    best_practice: str
    version: int
    created_at: datetime
    updated_at: datetime
    # Whether the caller may change it (its department's members and the chair).
    can_edit: bool


class DepartmentReportRow(BaseModel):
    """One department of the council and its report to the meeting, if any."""

    department_id: int
    department_name: str
    is_external: bool
    submitted: bool
    # Whether the caller may submit or change this department's report.
    can_submit: bool
    report: ReportPublic | None


class ReportList(BaseModel):
    data: list[DepartmentReportRow]
    count: int
    submitted: int
    missing: int


class ScoreComponent(BaseModel):
    component: str
    label: str
    value: float | None
    weight: float
    share: float
    points: float
    included: bool
    # What the part measures, in one line; `inputs` are the figures behind its value.
    explains: str
    inputs: list[str]


class DepartmentScorePublic(BaseModel):
    department_id: int
    department_name: str
    is_external: bool
    total: float | None
    components: list[ScoreComponent]
    notes: list[str]
    # Actions closed on time, shown beside the score (not part of it); None with none due.
    delivery: str | None


class Scorecard(BaseModel):
    data: list[DepartmentScorePublic]
    count: int
    weights: dict[str, float]
    # "Today" in the council's time zone: what fell due is judged against it.
    as_of: date
    # Said once for the whole scorecard: which parts had no data where, and were left out.
    notes: list[str]
