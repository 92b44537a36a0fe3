"""Feedback settings, the responses list, and the theme list: flush, never commit.

Every change to the theme list re-themes the council's whole history in the same
transaction (app/feedback/counts.py), so this month and last year are counted by the
same list and a trend compares like with like.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists
from sqlmodel import Session, col, func, select

from app.auth import Access, load_access
from app.errors import Conflict, Invalid, NotFound
from app.feedback.counts import retheme_council
from app.feedback.schemas import (
    FeedbackResponsePublic,
    FeedbackSettingsUpdate,
    MentionPublic,
    ThemeCreate,
    ThemeUpdate,
)
from app.feedback.trends import add_months
from app.models import (
    Council,
    Department,
    FeedbackResponse,
    FeedbackSettings,
    Journey,
    Role,
    Theme,
    ThemeMention,
    User,
    utcnow,
)

WRITERS = (Role.chair, Role.secretary)


def get_settings(*, session: Session, council_id: int) -> FeedbackSettings:
    """The council's feedback settings; the defaults (1–5, no mapping) until the chair saves some."""
    settings = session.get(FeedbackSettings, council_id)
    return settings or FeedbackSettings(council_id=council_id, rating_min=1, rating_max=5, column_map={}, version=0)


def update_settings(*, session: Session, access: Access, settings_in: FeedbackSettingsUpdate) -> FeedbackSettings:
    """Save the rating scale and the column mapping (chair or secretary)."""
    access.require(*WRITERS, doing="change the feedback settings")
    council_id = access.council.id
    settings = session.get(FeedbackSettings, council_id)
    values = {
        "rating_min": settings_in.rating_min,
        "rating_max": settings_in.rating_max,
        "column_map": {str(k): v for k, v in settings_in.column_map.items()},
    }
    outside = session.exec(
        select(func.count())
        .select_from(FeedbackResponse)
        .where(
            FeedbackResponse.council_id == council_id,
            (col(FeedbackResponse.goal_rating) < values["rating_min"])
            | (col(FeedbackResponse.goal_rating) > values["rating_max"]),
        )
    ).one()
    if outside:
        raise Invalid(
            f"{outside} stored response(s) have ratings outside {values['rating_min']}–{values['rating_max']}; "
            "keep a scale that holds them.",
            field="rating_max",
        )
    if settings is None:
        settings = FeedbackSettings(council_id=council_id, **values)
    else:
        for key, value in values.items():
            setattr(settings, key, value)
    session.add(settings)
    session.flush()
    return settings


# Responses


@dataclass(frozen=True)
class FeedbackFilters:
    department_id: int | None = None
    theme_id: int | None = None
    period: date | None = None  # a month's first day
    polarity: int | None = None


def _filtered(query, council_id: int, filters: FeedbackFilters):
    query = query.where(FeedbackResponse.council_id == council_id)
    if filters.department_id is not None:
        query = query.where(FeedbackResponse.department_id == filters.department_id)
    if filters.period is not None:
        query = query.where(
            FeedbackResponse.responded_on >= filters.period,
            FeedbackResponse.responded_on < add_months(filters.period, 1),
        )
    if filters.theme_id is not None or filters.polarity is not None:
        mention = select(ThemeMention.response_id).where(ThemeMention.response_id == FeedbackResponse.id)
        if filters.theme_id is not None:
            mention = mention.where(ThemeMention.theme_id == filters.theme_id)
        if filters.polarity is not None:
            mention = mention.where(ThemeMention.polarity == filters.polarity)
        query = query.where(exists(mention))
    return query


def list_responses(
    *, session: Session, council: Council, filters: FeedbackFilters, offset: int = 0, limit: int = 50
) -> tuple[list[FeedbackResponsePublic], int]:
    """One page of responses (newest first) with their mentions, and how many match in all."""
    total = session.exec(_filtered(select(func.count()).select_from(FeedbackResponse), council.id, filters)).one()
    rows = session.exec(
        _filtered(select(FeedbackResponse), council.id, filters)
        .order_by(col(FeedbackResponse.responded_on).desc(), col(FeedbackResponse.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [r.id for r in rows]
    mentions: dict[int, list[MentionPublic]] = {i: [] for i in ids}
    if ids:
        for response_id, theme_id, name, field, polarity in session.exec(
            select(
                ThemeMention.response_id, ThemeMention.theme_id, Theme.name, ThemeMention.field, ThemeMention.polarity
            )
            .join(Theme, Theme.id == ThemeMention.theme_id)
            .where(col(ThemeMention.response_id).in_(ids))
            .order_by(col(Theme.name), col(ThemeMention.field))
        ):
            mentions[response_id].append(
                MentionPublic(theme_id=theme_id, theme_name=name, field=field, polarity=polarity)
            )
    names = dict(session.exec(select(Department.id, Department.name).where(Department.council_id == council.id)).all())
    data = [
        FeedbackResponsePublic(
            **r.model_dump(include=set(FeedbackResponsePublic.model_fields) - {"department_name", "mentions"}),
            department_name=names.get(r.department_id),
            mentions=mentions[r.id],
        )
        for r in rows
    ]
    return data, total


# Themes


@dataclass(frozen=True)
class ThemeAccess:
    theme: Theme
    access: Access


def get_theme_access(*, session: Session, user: User, theme_id: int) -> ThemeAccess:
    """A theme of a council this person sits on, or 404."""
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFound("Theme not found.")
    try:
        access = load_access(session=session, user=user, council_id=theme.council_id)
    except NotFound:
        raise NotFound("Theme not found.") from None
    return ThemeAccess(theme=theme, access=access)


def list_themes(*, session: Session, council: Council) -> list[Theme]:
    return list(session.exec(select(Theme).where(Theme.council_id == council.id).order_by(func.lower(Theme.name))))


def _check_links(session: Session, council: Council, department_id: int | None, journey_id: int | None) -> None:
    for model, ident, name in ((Department, department_id, "department_id"), (Journey, journey_id, "journey_id")):
        if ident is not None:
            row = session.get(model, ident)
            if row is None or row.council_id != council.id:
                raise Invalid(f"No such {name.removesuffix('_id')} in this council.", field=name)


def _check_name(session: Session, council: Council, name: str, theme_id: int | None = None) -> None:
    query = select(Theme.id).where(Theme.council_id == council.id, func.lower(Theme.name) == name.lower())
    if theme_id is not None:
        query = query.where(Theme.id != theme_id)
    if session.exec(query).first() is not None:
        raise Conflict(f"The council already has a theme called “{name}”.")


def _clean(phrases: list[str]) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in phrases))


def create_theme(*, session: Session, access: Access, theme_in: ThemeCreate) -> Theme:
    """Add a theme (chair) and re-theme the council's history with the new list."""
    access.require(Role.chair, doing="change the theme list")
    council = access.council
    _check_links(session, council, theme_in.department_id, theme_in.journey_id)
    _check_name(session, council, theme_in.name)
    theme = Theme.model_validate(theme_in, update={"council_id": council.id, "phrases": _clean(theme_in.phrases)})
    session.add(theme)
    session.flush()
    retheme_council(session=session, council_id=council.id)
    return theme


def update_theme(*, session: Session, found: ThemeAccess, theme_in: ThemeUpdate) -> Theme:
    """Rename a theme or change its phrases or scope (chair); the history is re-themed."""
    found.access.require(Role.chair, doing="change the theme list")
    theme, council = found.theme, found.access.council
    changes = theme_in.model_dump(exclude_unset=True)
    if "name" in changes:
        _check_name(session, council, changes["name"], theme.id)
    _check_links(session, council, changes.get("department_id"), changes.get("journey_id"))
    if "phrases" in changes:
        if changes["phrases"] is None:
            raise Invalid("A theme needs at least one phrase.", field="phrases")
        changes["phrases"] = _clean(changes["phrases"])
    if changes.get("name", "") is None:
        raise Invalid("A theme needs a name.", field="name")
    for key, value in changes.items():
        setattr(theme, key, value)
    theme.updated_at = utcnow()
    session.add(theme)
    session.flush()
    retheme_council(session=session, council_id=council.id)
    return theme


def delete_theme(*, session: Session, found: ThemeAccess) -> None:
    """Remove a theme, its mentions and its counts (chair)."""
    found.access.require(Role.chair, doing="change the theme list")
    session.delete(found.theme)
    session.flush()
    retheme_council(session=session, council_id=found.access.council.id)
