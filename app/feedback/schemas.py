"""API shapes for feedback: settings, responses, themes, suggestions and trends."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from app.common import DbId, InputModel, Name
from app.feedback.csvfile import COLUMNS
from app.feedback.themes import phrase_words

MAX_PHRASES = 40
Rating = Annotated[int, Field(ge=0, le=10, strict=True)]


def _phrase(value: str) -> str:
    if not phrase_words(value):
        raise ValueError("needs at least one word that is not a filler word (the, and, of …)")
    return value


Phrase = Annotated[Name(80), AfterValidator(_phrase)]
ColumnName = Literal[COLUMNS]  # type: ignore[valid-type]


class FeedbackSettingsPublic(BaseModel):
    council_id: int
    rating_min: int
    rating_max: int
    column_map: dict[str, str] = Field(description="Our column name → the header in the vendor's export")
    version: int


class FeedbackSettingsUpdate(InputModel):
    """The rating scale (1–5 by default; 0–10 allowed) and the vendor's column names."""

    rating_min: Rating = 1
    rating_max: Rating = 5
    column_map: dict[ColumnName, Name(120)] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _scale(self):
        if self.rating_min >= self.rating_max:
            raise ValueError("rating_min must be below rating_max")
        return self


class FeedbackImportResult(BaseModel):
    imported: int
    updated: int
    mentions: int = Field(description="Theme mentions across the council's whole history after the import")


class MentionPublic(BaseModel):
    theme_id: int
    theme_name: str
    field: str
    polarity: int


class FeedbackResponsePublic(BaseModel):
    id: int
    response_ref: str
    responded_on: date
    department_id: int | None
    department_name: str | None
    journey_id: int | None
    channel: str
    goal_rating: int | None
    helped: str
    hindered: str
    comment: str
    comment_sentiment: float | None = Field(description="VADER compound score of the comment, -1 to 1")
    mentions: list[MentionPublic]


class FeedbackPage(BaseModel):
    data: list[FeedbackResponsePublic]
    count: int = Field(description="How many responses match the filters in all (not only this page)")


class ThemeCreate(InputModel):
    name: Name(120)
    phrases: list[Phrase] = Field(min_length=1, max_length=MAX_PHRASES)
    department_id: DbId | None = None
    journey_id: DbId | None = None


class ThemeUpdate(InputModel):
    name: Name(120) | None = None
    phrases: list[Phrase] | None = Field(default=None, min_length=1, max_length=MAX_PHRASES)
    department_id: DbId | None = None
    journey_id: DbId | None = None


class ThemePublic(BaseModel):
    id: int
    council_id: int
    name: str
    phrases: list[str]
    department_id: int | None
    journey_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class SuggestionPublic(BaseModel):
    name: str = Field(description="A name made of the top terms; the chair renames it on accepting")
    terms: list[str]
    phrases: list[str] = Field(description="Send these as a new theme's phrases to accept the suggestion")
    texts: int = Field(description="How many unmatched texts fall in this cluster")
    examples: list[str] = Field(description="Three example texts, masked")


class TrendPoint(BaseModel):
    month: date
    responses: int
    negative: int
    positive: int
    neutral: int
    share: float | None = Field(description="Negative mentions as a share of the month's responses, 0 to 1")


class ThemeTrendPublic(BaseModel):
    theme_id: int
    name: str
    department_id: int | None = Field(description="null: all departments")
    negative: int
    share: float | None
    change: float | None = Field(description="Fitted change of the share over the window, in points of 0 to 1")
    direction: Literal["rising", "falling", "steady", "no data"]
    points: list[TrendPoint]


class DepartmentTrendsPublic(BaseModel):
    department_id: int
    name: str
    themes: list[ThemeTrendPublic]


class RatingPointPublic(BaseModel):
    month: date
    responses: int
    rated: int
    average: float | None


class RatingTrendPublic(BaseModel):
    department_id: int | None
    rating_min: int
    rating_max: int
    average: float | None
    change: float | None
    direction: Literal["rising", "falling", "steady", "no data"]
    points: list[RatingPointPublic]


class TrendsPublic(BaseModel):
    months: list[date]
    themes: list[ThemeTrendPublic]
    rating: RatingTrendPublic
    departments: list[DepartmentTrendsPublic]
