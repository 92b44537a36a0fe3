"""Pages: the council's feedback: top negative themes with their trend, the comments behind each
count, suggested themes, the theme list, the import form and the survey settings."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from sqlmodel import Session

from app.auth import Access, load_access
from app.common import MAX_ID, IdPath, IdQuery, WholeQuery
from app.councils.service import list_departments
from app.db import SessionDep
from app.display import bars
from app.feedback import discovery, imports, service, trends
from app.feedback.csvfile import COLUMNS, MAX_BYTES, REQUIRED
from app.feedback.schemas import FeedbackSettingsUpdate, ThemeCreate
from app.feedback.service import WRITERS, FeedbackFilters
from app.models import Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageUser
from app.web.forms import attempt, query_id, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 10
POLARITIES = {"negative": -1, "neutral": 0, "positive": 1}


def _id(value: str) -> int | None:
    return query_id(value)


def _filters(department_id: str, theme_id: str, period: str, polarity: str) -> FeedbackFilters:
    # An empty or malformed choice means "any", never an error page.
    try:
        month = date.fromisoformat(period + "-01") if len(period) == 7 else None
    except ValueError:
        month = None
    return FeedbackFilters(
        department_id=_id(department_id),
        theme_id=_id(theme_id),
        period=month,
        polarity=POLARITIES.get(polarity),
    )


def _render(
    request: Request,
    session: Session,
    user,
    access: Access,
    *,
    query: dict | None = None,
    offset: int = 0,
    suggest: bool = False,
    problems: list | None = None,
    filename: str = "",
    status_code: int = 200,
):
    council = access.council
    query = query or {}
    filters = _filters(**{k: query.get(k, "") for k in ("department_id", "theme_id", "period", "polarity")})
    found = trends.council_trends(session=session, council_id=council.id, months=12)
    responses, count = service.list_responses(
        session=session, council=council, filters=filters, offset=offset, limit=PAGE_SIZE
    )
    themes = service.list_themes(session=session, council=council)
    settings = service.get_settings(session=session, council_id=council.id)
    suggestions = discovery.council_suggestions(session=session, council_id=council.id) if suggest else None
    filtered = any(v is not None for v in vars(filters).values())
    top = [t for t in found.themes if t.negative][:8]
    return render(
        request,
        "feedback.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "nav": nav(session=session, council=council, here="feedback"),
            "trends": found,
            "top": [(t, bars([p.share for p in t.points], [p.month for p in t.points])) for t in top],
            "rating_bars": bars(
                [p.average for p in found.rating.points],
                [p.month for p in found.rating.points],
                low=found.rating.rating_min,
                high=found.rating.rating_max,
            ),
            "responses": responses,
            "count": count,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "filters": {k: query.get(k, "") for k in ("department_id", "theme_id", "period", "polarity")},
            "filtered": filtered,
            "themes": themes,
            "theme_names": {t.id: t.name for t in themes},
            "departments": list_departments(session=session, council=council),
            "settings": settings,
            "suggestions": suggestions,
            "is_chair": access.is_(Role.chair),
            "can_import": access.is_(*WRITERS),
            "problems": problems,
            "filename": filename,
            "required": REQUIRED,
            "columns": COLUMNS,
            "max_mb": MAX_BYTES // (1024 * 1024),
        },
        status_code=status_code,
    )


@router.get("/councils/{council_id}/feedback")
def feedback_page(
    request: Request,
    session: SessionDep,
    user: PageUser,
    council_id: IdPath,
    department_id: IdQuery = None,
    theme_id: IdQuery = None,
    period: str = "",
    polarity: str = "",
    offset: WholeQuery(ge=0, le=MAX_ID, blank=0) = 0,
    suggest: str = "",
):
    """Top negative themes and their trend, the comments behind them, suggestions, the theme list and import."""
    access = load_access(session=session, user=user, council_id=council_id)
    ids = {"department_id": department_id, "theme_id": theme_id}
    query = {**{k: "" if v is None else str(v) for k, v in ids.items()}, "period": period, "polarity": polarity}
    return _render(request, session, user, access, query=query, offset=offset, suggest=bool(suggest))


@router.post("/councils/{council_id}/feedback/import", dependencies=[CsrfChecked])
def import_feedback_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    council_id: IdPath,
    file: Annotated[UploadFile | None, File()] = None,
):
    """Import a survey export; on any problem, list them all and import nothing."""
    access = load_access(session=session, user=user, council_id=council_id)
    imports.check_may_import(access)
    back = f"/councils/{council_id}/feedback"
    if file is None or not file.filename:
        flash(request, "Choose a CSV file to import.", "error")
        return redirect(back)
    try:
        data = imports.read_feedback_upload(file.file)
        result = imports.import_feedback(session=session, council=access.council, data=data, access=access)
    except imports.ImportRejected as exc:
        session.rollback()
        return _render(
            request, session, user, access, problems=exc.problems, filename=file.filename, status_code=exc.status_code
        )
    parts = [f"{result.imported} new response{'s' if result.imported != 1 else ''}"]
    if result.updated:
        parts.append(f"{result.updated} updated")
    flash(request, f"Imported {file.filename}: {', '.join(parts)}. Every response is themed again.")
    return redirect(back)


@router.post("/councils/{council_id}/feedback/settings", dependencies=[CsrfChecked])
async def feedback_settings_form(request: Request, session: SessionDep, user: PageUser, council_id: IdPath):
    """Save the rating scale and the vendor's column names."""
    form = await request.form()
    access = load_access(session=session, user=user, council_id=council_id)

    def apply():
        mapping = {name: str(form.get(f"map_{name}", "")).strip() for name in COLUMNS}
        return service.update_settings(
            session=session,
            access=access,
            settings_in=FeedbackSettingsUpdate.model_validate(
                {
                    "rating_min": whole_or_text(str(form.get("rating_min", "")), blank=""),
                    "rating_max": whole_or_text(str(form.get("rating_max", "")), blank=""),
                    "column_map": {k: v for k, v in mapping.items() if v},
                }
            ),
        )

    ok, _ = attempt(request, session, apply)
    if ok:
        flash(request, "Survey settings saved.")
    return redirect(f"/councils/{council_id}/feedback#settings")


@router.post("/councils/{council_id}/themes", dependencies=[CsrfChecked])
def create_theme_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    council_id: IdPath,
    name: Annotated[str, Form()] = "",
    phrases: Annotated[str, Form()] = "",
    department_id: Annotated[str, Form()] = "",
):
    """Add a theme, or accept a suggested one (chair); the whole history is re-themed."""
    access = load_access(session=session, user=user, council_id=council_id)
    access.require(Role.chair, doing="change the theme list")

    def apply():
        listed = [p.strip() for p in phrases.replace("\n", ",").split(",") if p.strip()]
        theme_in = ThemeCreate.model_validate({"name": name, "phrases": listed, "department_id": _id(department_id)})
        return service.create_theme(session=session, access=access, theme_in=theme_in)

    ok, theme = attempt(request, session, apply)
    if ok:
        flash(request, f"Theme “{theme.name}” added; every response has been themed again.")
        return redirect(f"/councils/{council_id}/feedback?theme_id={theme.id}#comments")
    return redirect(f"/councils/{council_id}/feedback#themes")


@router.post("/themes/{theme_id}/delete", dependencies=[CsrfChecked])
def delete_theme_form(request: Request, session: SessionDep, user: PageUser, theme_id: IdPath):
    """Remove a theme with its mentions and counts (chair)."""
    found = service.get_theme_access(session=session, user=user, theme_id=theme_id)
    ok, _ = attempt(request, session, lambda: service.delete_theme(session=session, found=found))
    if ok:
        flash(request, f"Theme “{found.theme.name}” removed.")
    return redirect(f"/councils/{found.access.council.id}/feedback#themes")
