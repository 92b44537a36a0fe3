"""Customer feedback: survey responses, the council's themes, and the counts computed from them.

The improvement loop's first two steps (DOMAIN.md): customers rate how well their goal was
supported and say what helped and what hindered; the council's themes are matched to
that text. Mentions are derived (re-computed whenever the theme list changes), and the
monthly counts (`ThemeMonth`, `FeedbackMonth`) are stored as computed, so trends, the
agenda and the scorecard never scan the verbatims.

Department convention of the monthly tables: one row per department (`department_id`
set) and one more row per month with `department_id` NULL meaning "all departments"
(responses without a department count there only). A NULL is never equal to another in
a UNIQUE constraint, on SQLite as on PostgreSQL, so the "all departments" rows get a
partial unique index of their own (`... WHERE department_id IS NULL`), which both
engines support.
"""

from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow

ALL_DEPARTMENTS = text("department_id IS NULL")
# A "hindered" answer short enough to quote on the agenda (app/agendas/voice_data.py): the
# condition of a partial index, so the query must say it in these words, numbers inline.
SHORT_ANSWER_CHARS = (10, 160)
SHORT_HINDERED = text(f"length(hindered) BETWEEN {SHORT_ANSWER_CHARS[0]} AND {SHORT_ANSWER_CHARS[1]}")


class MentionField(StrEnum):
    helped = "helped"
    hindered = "hindered"
    comment = "comment"


class Polarity(IntEnum):
    negative = -1
    neutral = 0
    positive = 1


class FeedbackSettings(SQLModel, table=True):
    """A council's survey settings: its rating scale and the vendor's column names."""

    __tablename__ = "feedback_settings"
    __table_args__ = (CheckConstraint("rating_min < rating_max", name="rating_scale"),)

    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", primary_key=True)
    rating_min: int = Field(default=1)
    rating_max: int = Field(default=5)
    # Our column name → the header the survey vendor writes (e.g. "goal_rating" → "Q3 Score").
    column_map: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    version: int = Field(default=1)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class FeedbackResponse(SQLModel, table=True):
    """One customer's answer to the goal-support survey; free text is stored masked."""

    __tablename__ = "feedback_responses"
    __table_args__ = (
        UniqueConstraint("council_id", "response_ref", name="uq_feedback_responses_council_ref"),
        Index("ix_feedback_responses_council_responded", "council_id", "responded_on"),
        # The agenda's example comments: a council's short "hindered" answers, newest first
        # (the id orders a day's answers on PostgreSQL too, so a walk can stop early).
        Index(
            "ix_feedback_responses_short_hindered",
            "council_id",
            "responded_on",
            "id",
            sqlite_where=SHORT_HINDERED,
            postgresql_where=SHORT_HINDERED,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    # The vendor's response id: importing it again updates this row.
    response_ref: str = Field(max_length=100)
    responded_on: date
    department_id: int | None = Field(default=None, foreign_key="departments.id", ondelete="SET NULL", index=True)
    journey_id: int | None = Field(default=None, foreign_key="journeys.id", ondelete="SET NULL", index=True)
    channel: str = Field(default="", max_length=60)
    goal_rating: int | None = Field(default=None)
    helped: str = Field(default="", max_length=2000)
    hindered: str = Field(default="", max_length=2000)
    comment: str = Field(default="", max_length=4000)
    # VADER's compound score of the comment, -1 to 1: shown as a number, not a verdict.
    comment_sentiment: float | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class Theme(SQLModel, table=True):
    """A theme the council tracks in what customers write, found by its phrases and keywords."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("council_id", "name", name="uq_themes_council_name"),)

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=120)
    phrases: list[str] = Field(default_factory=list, sa_type=JSON)
    # When set, only responses about this department (or journey) are matched.
    department_id: int | None = Field(default=None, foreign_key="departments.id", ondelete="SET NULL", index=True)
    journey_id: int | None = Field(default=None, foreign_key="journeys.id", ondelete="SET NULL", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    version: int = Field(default=1)

    @declared_attr
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class ThemeMention(SQLModel, table=True):
    """A theme found in one field of one response, with the polarity the question gives it."""

    __tablename__ = "theme_mentions"
    __table_args__ = (
        CheckConstraint("field IN ('helped', 'hindered', 'comment')", name="field"),
        CheckConstraint("polarity IN (-1, 0, 1)", name="polarity"),
    )

    response_id: int = Field(foreign_key="feedback_responses.id", ondelete="CASCADE", primary_key=True)
    theme_id: int = Field(foreign_key="themes.id", ondelete="CASCADE", primary_key=True, index=True)
    field: str = Field(max_length=10, primary_key=True)
    polarity: int


class ThemeMonth(SQLModel, table=True):
    """Responses mentioning a theme in one month, by polarity, per department and for all (NULL)."""

    __tablename__ = "theme_months"
    __table_args__ = (
        UniqueConstraint("theme_id", "department_id", "month", name="uq_theme_months_theme_department_month"),
        Index(
            "uq_theme_months_theme_month_all",
            "theme_id",
            "month",
            unique=True,
            sqlite_where=ALL_DEPARTMENTS,
            postgresql_where=ALL_DEPARTMENTS,
        ),
        Index("ix_theme_months_council_month", "council_id", "month"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="themes.id", ondelete="CASCADE")
    department_id: int | None = Field(default=None, foreign_key="departments.id", ondelete="CASCADE", index=True)
    month: date
    # Responses (not mentions): a response naming a theme under "hindered" and in its
    # comment counts once as negative, so a share of responses never passes 100%.
    negative: int = Field(default=0)
    positive: int = Field(default=0)
    neutral: int = Field(default=0)


class FeedbackMonth(SQLModel, table=True):
    """Responses and goal-support ratings in one month, per department and for all (NULL)."""

    __tablename__ = "feedback_months"
    __table_args__ = (
        UniqueConstraint("council_id", "department_id", "month", name="uq_feedback_months_council_department_month"),
        Index(
            "uq_feedback_months_council_month_all",
            "council_id",
            "month",
            unique=True,
            sqlite_where=ALL_DEPARTMENTS,
            postgresql_where=ALL_DEPARTMENTS,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE")
    department_id: int | None = Field(default=None, foreign_key="departments.id", ondelete="CASCADE", index=True)
    month: date
    responses: int = Field(default=0)
    rating_sum: int = Field(default=0)
    rating_count: int = Field(default=0)
