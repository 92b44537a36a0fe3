"""API shapes for members' answers to a meeting's invitation."""

from datetime import datetime

from pydantic import BaseModel, Field

from app.common import DbId, InputModel, Text
from app.meetings.forecast import Forecast
from app.models import Answer


class ResponseIn(InputModel):
    """An answer: attending; apologies (with a reason); or a delegate attending in my place."""

    answer: Answer
    reason: Text(500) = Field(default="", description="Why, for apologies (required with them)")
    delegate_name: Text(120) = Field(default="", description="Who attends in my place, for a delegate")
    delegate_membership_id: DbId | None = Field(
        default=None, description="The delegate's seat, when they sit on this council (their name is then taken)"
    )


class ResponsePublic(BaseModel):
    membership_id: int
    name: str
    role: str
    department: str | None
    # null: the seat has not answered yet.
    answer: str | None
    reason: str
    delegate_name: str
    delegate_membership_id: int | None
    answered_at: datetime | None
    answered_by: str | None


class ResponsesPublic(BaseModel):
    items: list[ResponsePublic]
    forecast: Forecast
