"""The customer's voice on the agenda, typed: sections 2, 3 and 6's pieces, built in app/agendas/voice.py.

Pure models (pydantic only), so the Agenda and the Word renderer can hold them without
importing the builders, the feedback trends or the reports' facts behind them.
"""

from datetime import date

from pydantic import BaseModel, Field


class VoiceTheme(BaseModel):
    theme_id: int
    name: str
    negative: int  # responses naming it under what hindered, over the window
    share: float | None  # of the responses, over the window
    change: float | None  # fitted change of the monthly share over the window
    direction: str  # rising | falling | steady | no data
    has_workshop: bool
    examples: list[str] = Field(default_factory=list)


class RatingMonth(BaseModel):
    month: date
    average: float | None
    rated: int


class CustomerVoice(BaseModel):
    """Section 2: what customers said about how well their goals were supported."""

    months: int
    rating_min: int
    rating_max: int
    rating: list[RatingMonth]
    rating_average: float | None
    rating_change: float | None
    rating_direction: str
    themes: list[VoiceTheme]
    notes: list[str] = Field(default_factory=list)


class PlanMetric(BaseModel):
    measure_id: int
    name: str
    unit: str
    direction: str
    target: float | None
    latest: float | None
    on_target: bool | None
    status: str | None
    since: date | None  # the first workshop that picked it


class DepartmentVoice(BaseModel):
    """Section 3, per department: its own top negative themes and action-plan metrics."""

    themes: list[VoiceTheme]
    plan_metrics: list[PlanMetric]


class ThemeFlags(BaseModel):
    """Section 6: themes to act on."""

    rising: list[VoiceTheme]
    no_workshop: list[VoiceTheme]
