"""JSON routes: survey feedback (settings, import, the responses list), themes, suggestions and trends."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile

from app.auth import CouncilAccess, CurrentUser
from app.common import MAX_ID, IdPath, IdQuery, IfMatch, ListOf, WholeQuery, check_if_match, etag, list_of
from app.db import SessionDep
from app.errors import ValidationErrors
from app.feedback import discovery, imports, service, trends
from app.feedback.schemas import (
    DepartmentTrendsPublic,
    FeedbackImportResult,
    FeedbackPage,
    FeedbackSettingsPublic,
    FeedbackSettingsUpdate,
    RatingTrendPublic,
    SuggestionPublic,
    ThemeCreate,
    ThemePublic,
    ThemeTrendPublic,
    ThemeUpdate,
    TrendsPublic,
)
from app.feedback.service import FeedbackFilters, ThemeAccess
from app.measures.schemas import ImportProblem
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["feedback"], route_class=CreateRoute)
PolarityName = Literal["negative", "neutral", "positive"]
POLARITY = {"negative": -1, "neutral": 0, "positive": 1}
Period = Annotated[str | None, Query(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$", description="A month, YYYY-MM")]
PROBLEMS = {"model": dict[str, list[ImportProblem]], "description": "Nothing imported: every problem, row by row"}
IMPORT_INVALID = {
    "model": dict[str, list[ImportProblem]] | ValidationErrors,
    "description": "Nothing imported: every problem by row and column, or the request itself is invalid",
}


def get_theme_access(theme_id: IdPath, user: CurrentUser, session: SessionDep) -> ThemeAccess:
    return service.get_theme_access(session=session, user=user, theme_id=theme_id)


ThemeDep = Annotated[ThemeAccess, Depends(get_theme_access)]


def feedback_filters(
    department_id: IdQuery = None,
    theme_id: IdQuery = None,
    period: Period = None,
    polarity: PolarityName | None = None,
) -> FeedbackFilters:
    return FeedbackFilters(
        department_id=department_id,
        theme_id=theme_id,
        period=date.fromisoformat(period + "-01") if period else None,
        polarity=POLARITY[polarity] if polarity else None,
    )


def settings_public(settings) -> FeedbackSettingsPublic:
    return FeedbackSettingsPublic.model_validate(settings, from_attributes=True)


@router.get("/councils/{council_id}/feedback/settings", response_model=FeedbackSettingsPublic)
def get_feedback_settings(session: SessionDep, access: CouncilAccess, response: Response):
    """The council's rating scale and the vendor's column names (version 0: the defaults, never saved)."""
    settings = service.get_settings(session=session, council_id=access.council.id)
    response.headers["ETag"] = etag(settings.version)
    return settings_public(settings)


@router.put("/councils/{council_id}/feedback/settings", response_model=FeedbackSettingsPublic)
def update_feedback_settings(
    session: SessionDep,
    access: CouncilAccess,
    settings_in: FeedbackSettingsUpdate,
    response: Response,
    if_match: IfMatch,
):
    """Save the rating scale (1–5 by default, 0–10 allowed) and the column mapping (chair or secretary)."""
    current = service.get_settings(session=session, council_id=access.council.id)
    check_if_match(if_match, current.version)
    settings = service.update_settings(session=session, access=access, settings_in=settings_in)
    response.headers["ETag"] = etag(settings.version)
    return settings_public(settings)


@router.post(
    "/councils/{council_id}/feedback/import",
    response_model=FeedbackImportResult,
    responses={413: PROBLEMS, 422: IMPORT_INVALID},
)
def import_feedback(
    session: SessionDep,
    access: CouncilAccess,
    file: Annotated[
        UploadFile,
        File(description="CSV UTF-8: response_id,responded_on,department,goal_rating,helped,hindered[,journey,…]"),
    ],
) -> FeedbackImportResult:
    """Import survey responses from CSV, all or nothing (chair or secretary): any problem answers 422 listing
    every problem by row and column and writes nothing. A stored response id is updated; the history is
    re-themed."""
    imports.check_may_import(access)
    data = imports.read_feedback_upload(file.file)
    return imports.import_feedback(session=session, council=access.council, data=data, access=access)


@router.get("/councils/{council_id}/feedback", response_model=FeedbackPage)
def list_feedback(
    session: SessionDep,
    access: CouncilAccess,
    filters: Annotated[FeedbackFilters, Depends(feedback_filters)],
    offset: WholeQuery(ge=0, le=MAX_ID) = 0,
    limit: WholeQuery(ge=1, le=200) = 50,
) -> dict:
    """Responses, newest first, with their theme mentions; free text is masked. `count` is every match."""
    data, count = service.list_responses(
        session=session, council=access.council, filters=filters, offset=offset, limit=limit
    )
    return {"data": data, "count": count}


# Themes


@router.get("/councils/{council_id}/themes", response_model=ListOf[ThemePublic])
def list_themes(session: SessionDep, access: CouncilAccess) -> dict:
    """The council's theme list, by name."""
    return list_of(service.list_themes(session=session, council=access.council))


@router.post("/councils/{council_id}/themes", response_model=ThemePublic, status_code=201)
def create_theme(session: SessionDep, access: CouncilAccess, theme_in: ThemeCreate, response: Response):
    """Add a theme (chair), e.g. by accepting a suggestion with its phrases; the whole history is re-themed."""
    theme = service.create_theme(session=session, access=access, theme_in=theme_in)
    response.headers["ETag"] = etag(theme.version)
    return theme


@router.get("/councils/{council_id}/themes/suggestions", response_model=ListOf[SuggestionPublic])
def list_theme_suggestions(session: SessionDep, access: CouncilAccess) -> dict:
    """Suggested themes: clusters of the texts no theme matches, each with top terms and three examples."""
    found = discovery.council_suggestions(session=session, council_id=access.council.id)
    return list_of([SuggestionPublic(**vars(s)) for s in found])


@router.get("/councils/{council_id}/themes/trends", response_model=TrendsPublic)
def get_theme_trends(session: SessionDep, access: CouncilAccess, months: WholeQuery(ge=1, le=36) = 12) -> TrendsPublic:
    """Per theme and month: negative mentions and their share of responses, the change over the window and
    its direction; the goal-support rating; the same per department. Read from stored counts only."""
    found = trends.council_trends(session=session, council_id=access.council.id, months=months)
    return TrendsPublic(
        months=list(found.months),
        themes=[theme_trend_public(t) for t in found.themes],
        rating=rating_public(found.rating),
        departments=[
            DepartmentTrendsPublic(
                department_id=d,
                name=found.department_names[d],
                themes=[theme_trend_public(t) for t in themes],
            )
            for d, themes in found.departments.items()
        ],
    )


def theme_trend_public(trend: trends.ThemeTrend) -> ThemeTrendPublic:
    return ThemeTrendPublic(
        **{k: v for k, v in vars(trend).items() if k != "points"}, points=[vars(p) for p in trend.points]
    )


def rating_public(trend: trends.RatingTrend) -> RatingTrendPublic:
    return RatingTrendPublic(
        **{k: v for k, v in vars(trend).items() if k != "points"}, points=[vars(p) for p in trend.points]
    )


@router.get("/themes/{theme_id}", response_model=ThemePublic)
def get_theme(found: ThemeDep, response: Response):
    """One theme; its ETag guards later changes."""
    response.headers["ETag"] = etag(found.theme.version)
    return found.theme


@router.patch(
    "/themes/{theme_id}",
    response_model=ThemePublic,
    responses={412: {"description": "Stale If-Match: someone changed the theme since you loaded it"}},
)
def update_theme(session: SessionDep, found: ThemeDep, theme_in: ThemeUpdate, response: Response, if_match: IfMatch):
    """Rename a theme or change its phrases or scope (chair); the whole history is re-themed. Send If-Match."""
    check_if_match(if_match, found.theme.version)
    theme = service.update_theme(session=session, found=found, theme_in=theme_in)
    response.headers["ETag"] = etag(theme.version)
    return theme


@router.delete("/themes/{theme_id}", status_code=204)
def delete_theme(session: SessionDep, found: ThemeDep, if_match: IfMatch) -> None:
    """Remove a theme with its mentions and counts (chair)."""
    check_if_match(if_match, found.theme.version)
    service.delete_theme(session=session, found=found)
