"""Pages: the council's measures (with CSV import) and one measure (chart, readings, forms)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from sqlmodel import Session, col, select

from app.auth import Access
from app.common import IdPath, check_if_match, today_in
from app.councils.service import list_departments, list_members
from app.db import SessionDep
from app.display import MEASURE_STATUS_LABELS as STATUS_LABELS
from app.display import period_label, sparkline
from app.measures import figures, imports, service
from app.measures import readings as measure_readings
from app.measures.csvfile import EXPORT_COLUMNS, MAX_BYTES
from app.measures.figures import MeasureFilters, add_months
from app.measures.schemas import MeasureCreate, MeasurePublic, MeasureUpdate, ReadingCreate
from app.measures.service import MeasureAccess
from app.models import Journey, Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import attempt, number_or_text, query_id, whole_or_text
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


def _page_measure(measure_id: IdPath, user: PageUser, session: SessionDep) -> MeasureAccess:
    """The measure in the path and my seat on its council."""
    return service.get_measure_access(session=session, user=user, measure_id=measure_id)


PageMeasure = Annotated[MeasureAccess, Depends(_page_measure)]


def default_period(today: date, recorded: set[date]) -> date:
    """The month a new reading is most likely for: last month, or this month once last month is in.

    The form replaces a reading already recorded for the period, so it must not offer one
    that is already there: a value typed into the default would overwrite it silently.
    When both months are recorded, last month it is (the form says it replaces).
    """
    last_month, this_month = add_months(today, -1), add_months(today, 0)
    return next((month for month in (last_month, this_month) if month not in recorded), last_month)


def _journeys(session: Session, council_id: int) -> list[Journey]:
    return list(session.exec(select(Journey).where(Journey.council_id == council_id).order_by(col(Journey.name))))


def _applies_to(value: str) -> dict:
    """The form's one "applies to" choice ("overall", "d:ID" or "j:ID") as scope and ids."""
    kind, _, raw = value.partition(":")
    ident = query_id(raw)
    if kind == "d" and ident:
        return {"scope": "department", "department_id": ident}
    if kind == "j" and ident:
        return {"scope": "journey", "journey_id": ident}
    return {"scope": "overall"}


def _applies_value(m: MeasurePublic) -> str:
    if m.scope == "department":
        return f"d:{m.department_id}"
    if m.scope == "journey":
        return f"j:{m.journey_id}"
    return "overall"


def _filters(applies_to: str, status: str) -> MeasureFilters:
    # An empty or unknown choice is "everything", never an error page.
    chosen = _applies_to(applies_to)
    if chosen == {"scope": "overall"} and applies_to != "overall":
        chosen = {}
    return MeasureFilters(
        scope=chosen.get("scope"),
        department_id=chosen.get("department_id"),
        journey_id=chosen.get("journey_id"),
        status=status if status in STATUS_LABELS else None,
    )


def _render_list(
    request: Request,
    session: Session,
    user,
    access: Access,
    *,
    applies_to: str = "",
    status: str = "",
    problems: list | None = None,
    filename: str = "",
    status_code: int = 200,
):
    council = access.council
    filters = _filters(applies_to, status)
    measures = figures.list_measures(session=session, council=council, filters=filters)
    rows = [(m, sparkline([p.value for p in m.trend])) for m in measures]
    return render(
        request,
        "measures.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "rows": rows,
            "filters": {"applies_to": applies_to if any(vars(filters).values()) else "", "status": filters.status},
            "filtered": any(vars(filters).values()),
            "is_chair": access.is_(Role.chair),
            "can_import": not access.is_(Role.observer),
            "departments": list_departments(session=session, council=council),
            "journeys": _journeys(session, council.id),
            "members": list_members(session=session, council=council),
            "problems": problems,
            "filename": filename,
            "columns": EXPORT_COLUMNS,
            "max_mb": MAX_BYTES // (1024 * 1024),
            "red": sum(m.status == "red" for m in measures),
            "stale": sum(m.stale and m.reading_count > 0 for m in measures),
            "nav": nav(session=session, council=council, here="measures"),
        },
        status_code=status_code,
    )


@router.get("/councils/{council_id}/measures")
def measures_page(
    request: Request, session: SessionDep, user: PageUser, access: PageCouncil, applies_to: str = "", status: str = ""
):
    """The council's measures: latest figures, targets, RAG status and trends; CSV import and export."""
    return _render_list(request, session, user, access, applies_to=applies_to, status=status)


@router.post("/councils/{council_id}/measures", dependencies=[CsrfChecked])
def create_measure_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "custom",
    category: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    direction: Annotated[str, Form()] = "",
    target: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
    applies_to: Annotated[str, Form()] = "overall",
    description: Annotated[str, Form()] = "",
):
    """Add a measure from the measures page (chair)."""
    access.require(Role.chair, doing="add measures")

    def apply():
        measure_in = MeasureCreate.model_validate(
            {
                "name": name,
                "kind": kind,
                "category": category or None,
                "unit": unit,
                "direction": direction or None,
                "target": number_or_text(target),
                "owner_id": whole_or_text(owner_id),
                "description": description,
                **_applies_to(applies_to),
            }
        )
        return service.create_measure(session=session, access=access, measure_in=measure_in)

    ok, measure = attempt(
        request,
        session,
        apply,
        success=lambda measure: f"Measure “{measure.name}” added. Record its readings below or import them as CSV.",
    )
    return redirect(f"/measures/{measure.id}" if ok else f"/councils/{access.council.id}/measures")


@router.post("/councils/{council_id}/readings/import", dependencies=[CsrfChecked])
def import_readings_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    file: Annotated[UploadFile | None, File()] = None,
):
    """Import readings from a CSV file; on any problem, show them all and import nothing."""
    imports.check_may_import(access)
    if file is None or not file.filename:
        flash(request, "Choose a CSV file to import.", "error")
        return redirect(f"/councils/{access.council.id}/measures")
    try:
        data = imports.read_upload(file.file)
        result = imports.import_readings(session=session, council=access.council, data=data, access=access)
    except imports.ImportRejected as exc:
        session.rollback()
        return _render_list(
            request,
            session,
            user,
            access,
            problems=exc.problems,
            filename=file.filename,
            status_code=exc.status_code,
        )
    parts = [f"{result.imported} new reading{'s' if result.imported != 1 else ''}"]
    if result.updated:
        parts.append(f"{result.updated} updated")
    flash(request, f"Imported {file.filename}: {', '.join(parts)}.")
    return redirect(f"/councils/{access.council.id}/measures")


# One measure


def _render_measure(request: Request, session: Session, user, found: MeasureAccess, *, status_code: int = 200):
    council = found.access.council
    public = figures.get_measure_public(session=session, measure=found.measure, council=council)
    readings = list(reversed(measure_readings.list_readings(session=session, measure=found.measure)))
    today = today_in(council.timezone)
    return render(
        request,
        "measure.html",
        {
            "user": user,
            "access": found.access,
            "council": council,
            "nav": nav(session=session, council=council, here="measures"),
            "m": public,
            "readings": readings,
            "can_write": found.may_write_readings,
            "can_edit": found.may_edit,
            "is_chair": found.access.is_(Role.chair),
            "default_period": default_period(today, {r.period for r in readings}).isoformat(),
            "max_period": add_months(today, 13).isoformat(),
            "members": list_members(session=session, council=council) if found.access.is_(Role.chair) else [],
            "departments": list_departments(session=session, council=council),
            "journeys": _journeys(session, council.id),
            "applies_value": _applies_value(public),
        },
        status_code=status_code,
    )


@router.get("/measures/{measure_id}")
def measure_page(request: Request, session: SessionDep, user: PageUser, found: PageMeasure):
    """One measure: its trend chart, figures and readings, with forms for those who may write."""
    return _render_measure(request, session, user, found)


@router.post("/measures/{measure_id}/readings", dependencies=[CsrfChecked])
def add_reading_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeasure,
    period: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    sample_size: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
):
    """Record (or replace) the reading for a period."""

    def apply():
        reading_in = ReadingCreate.model_validate(
            {
                "period": period,
                "value": number_or_text(value),
                "sample_size": whole_or_text(sample_size),
                "note": note,
            }
        )
        return measure_readings.record_reading(session=session, found=found, reading_in=reading_in)

    attempt(
        request,
        session,
        apply,
        keep=(404,),
        success=lambda result: f"Reading for {period_label(result[0].period)} {'saved' if result[1] else 'replaced'}.",
    )
    return redirect(f"/measures/{found.measure.id}")


@router.post("/measures/{measure_id}/readings/{period}/delete", dependencies=[CsrfChecked])
def delete_reading_form(request: Request, session: SessionDep, user: PageUser, found: PageMeasure, period: date):
    """Delete the reading for a period."""
    attempt(
        request,
        session,
        lambda: measure_readings.delete_reading(session=session, found=found, period=period),
        keep=(404,),
        success=lambda _: f"Reading for {period_label(period)} deleted.",
    )
    return redirect(f"/measures/{found.measure.id}")


@router.post("/measures/{measure_id}", dependencies=[CsrfChecked])
def update_measure_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    found: PageMeasure,
    version: Annotated[int, Form()],
    target: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    name: Annotated[str | None, Form()] = None,
    unit: Annotated[str | None, Form()] = None,
    direction: Annotated[str | None, Form()] = None,
    owner_id: Annotated[str | None, Form()] = None,
    applies_to: Annotated[str | None, Form()] = None,
):
    """Change a measure: the chair its details, its owner the target and description."""

    def apply():
        check_if_match(f'"{version}"', found.measure.version)
        changes: dict = {"target": number_or_text(target), "description": description}
        if found.access.is_(Role.chair):
            extra = {"name": name, "unit": unit, "direction": direction}
            changes.update({k: v for k, v in extra.items() if v is not None})
            if owner_id is not None:
                changes["owner_id"] = whole_or_text(owner_id)
            if applies_to is not None:
                changes.update({"department_id": None, "journey_id": None, **_applies_to(applies_to)})
        return service.update_measure(session=session, found=found, measure_in=MeasureUpdate.model_validate(changes))

    attempt(request, session, apply, keep=(404,), success="Measure saved.")
    return redirect(f"/measures/{found.measure.id}")


@router.post("/measures/{measure_id}/delete", dependencies=[CsrfChecked])
def delete_measure_form(request: Request, session: SessionDep, user: PageUser, found: PageMeasure):
    """Delete a measure (chair): archived with its readings when it has any, removed when it has none."""
    service.delete_measure(session=session, access=found.access, measure=found.measure)
    if found.measure.archived_at is not None:
        flash(request, "Measure archived with its readings; the chair can restore it from the council's archive.")
    else:
        flash(request, "Measure deleted.")
    return redirect(f"/councils/{found.access.council.id}/measures")
