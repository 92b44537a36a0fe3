"""API shapes for councils, departments and members."""

from datetime import datetime
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, Field

from app.common import DbId, InputModel, Name, Text
from app.councils.sections import SECTION_KEYS
from app.models import Role
from app.scoring import PriorityWeightsIn, ScorecardWeightsIn


def _known_timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("must be an IANA time zone such as Europe/London")
    return value


TimeZone = Annotated[str, AfterValidator(_known_timezone)]


class CouncilCreate(InputModel):
    name: Name(120)
    description: Text(2000) = ""
    timezone: TimeZone = "Europe/London"


WEIGHTS_HELP = "Keys given replace those weights, the rest stay; null restores the defaults. Numbers 0 to 1000."


def _agenda_keys(value: dict[str, int]) -> dict[str, int]:
    unknown = sorted(set(value) - set(SECTION_KEYS))
    if unknown:
        raise ValueError(f"unknown section(s) {', '.join(unknown)}; use {', '.join(SECTION_KEYS)}")
    if value and not any(value.values()):
        raise ValueError("at least one section needs some time")
    return value


AgendaMinutes = Annotated[dict[str, Annotated[int, Field(ge=0, le=600, strict=True)]], AfterValidator(_agenda_keys)]
QuorumNumber = Annotated[int, Field(ge=1, le=1000, strict=True)]


class CouncilSettingsUpdate(InputModel):
    """Meeting settings: null puts a setting back to its default."""

    agenda_minutes: AgendaMinutes | None = Field(
        default=None,
        description="Relative time per agenda section by key (scaled to each meeting's length); null: defaults",
    )
    quorum_members: QuorumNumber | None = Field(
        default=None, description="Seats that must be present; null: more than half of the voting seats"
    )
    quorum_departments: QuorumNumber | None = Field(
        default=None, description="Departments that must be represented; null: no minimum"
    )
    members_raise_actions: bool | None = Field(
        default=None,
        description="Members may raise actions between meetings for their own department (chair and secretary "
        "always may); off by default",
    )


class CouncilUpdate(CouncilSettingsUpdate):
    name: Name(120) | None = None
    description: Text(2000) | None = None
    timezone: TimeZone | None = None
    priority_weights: PriorityWeightsIn | None = Field(
        default=None,
        description="Prioritising initiatives: customer_impact, saving, effort, strategic_fit, confidence. "
        + WEIGHTS_HELP,
    )
    scorecard_weights: ScorecardWeightsIn | None = Field(
        default=None,
        description="Department scorecard: action_plan, comment_trend, survey_rating. " + WEIGHTS_HELP,
    )


class CouncilPublic(BaseModel):
    id: int
    name: str
    description: str
    timezone: str
    # The weights in effect (the defaults unless the chair chose others).
    priority_weights: dict[str, float]
    scorecard_weights: dict[str, float]
    agenda_minutes: dict[str, int]
    quorum_members: int | None
    quorum_departments: int | None
    members_raise_actions: bool
    version: int
    created_at: datetime
    updated_at: datetime
    my_role: str
    my_membership_id: int


class DepartmentCreate(InputModel):
    name: Name(120)
    description: Text(2000) = ""
    is_external: bool = False


class DepartmentUpdate(InputModel):
    name: Name(120) | None = None
    description: Text(2000) | None = None
    is_external: bool | None = None


class DepartmentPublic(BaseModel):
    id: int
    council_id: int
    name: str
    description: str
    is_external: bool


class MemberUpdate(InputModel):
    role: Role | None = None
    department_id: DbId | None = None


class MemberPublic(BaseModel):
    id: int
    user_id: int
    email: str
    name: str
    role: str
    department_id: int | None
    department_name: str | None = None
    is_external: bool = False
