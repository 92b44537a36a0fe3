"""JSON routes: customer measures, their readings, CSV import and export, and charts."""

import hashlib
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Header, Query, Response, UploadFile

from app.archive import load_for_restore
from app.archived import INCLUDE_ARCHIVED
from app.auth import CouncilAccess, CurrentUser
from app.common import IdPath, IdQuery, IfMatch, ListOf, check_if_match, entity_tags, etag, list_of, today_in
from app.db import SessionDep
from app.errors import ValidationErrors
from app.measures import figures, imports, readings, service
from app.measures.deps import MeasureDep
from app.measures.figures import MeasureFilters
from app.measures.schemas import (
    ImportProblem,
    ImportResult,
    MeasureCreate,
    MeasurePublic,
    MeasureUpdate,
    ReadingCreate,
    ReadingPublic,
    ReadingUpdate,
)
from app.measures.service import MeasureAccess
from app.models import Council, Measure, MeasureScope
from app.web.downloads import content_disposition
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["measures"], route_class=CreateRoute)
Status = Literal["green", "amber", "red"]
PROBLEMS = {"model": dict[str, list[ImportProblem]], "description": "Nothing imported: every problem, row by row"}
# A request without the file is refused by FastAPI's validation, in its own shape.
IMPORT_INVALID = {
    "model": dict[str, list[ImportProblem]] | ValidationErrors,
    "description": "Nothing imported: every problem, row by row, or the request itself is invalid",
}


def measure_filters(
    scope: MeasureScope | None = None,
    department_id: IdQuery = None,
    journey_id: IdQuery = None,
    status: Status | None = None,
) -> MeasureFilters:
    return MeasureFilters(scope=scope, department_id=department_id, journey_id=journey_id, status=status)


@router.get("/councils/{council_id}/measures", response_model=ListOf[MeasurePublic])
def list_measures(
    session: SessionDep, access: CouncilAccess, filters: Annotated[MeasureFilters, Depends(measure_filters)]
) -> dict:
    """The council's measures, overall first, then by department and journey, each with its latest reading, change,
    target, status and trend."""
    return list_of(figures.list_measures(session=session, council=access.council, filters=filters))


@router.post("/councils/{council_id}/measures", response_model=MeasurePublic, status_code=201)
def create_measure(session: SessionDep, access: CouncilAccess, measure_in: MeasureCreate, response: Response):
    """Add a measure (chair). Category and direction default from kind; scope from the ids sent."""
    measure = service.create_measure(session=session, access=access, measure_in=measure_in)
    response.headers["ETag"] = etag(measure.version)
    return figures.get_measure_public(session=session, measure=measure, council=access.council)


@router.get("/measures/{measure_id}", response_model=MeasurePublic)
def get_measure(session: SessionDep, found: MeasureDep, response: Response):
    """One measure with its figures; its ETag guards later changes."""
    response.headers["ETag"] = etag(found.measure.version)
    return figures.get_measure_public(session=session, measure=found.measure, council=found.access.council)


@router.patch(
    "/measures/{measure_id}",
    response_model=MeasurePublic,
    responses={412: {"description": "Stale If-Match: someone changed the measure since you loaded it"}},
)
def update_measure(
    session: SessionDep, found: MeasureDep, measure_in: MeasureUpdate, response: Response, if_match: IfMatch
):
    """Change a measure: the chair any field, its owner the target and description. Send the ETag as If-Match."""
    check_if_match(if_match, found.measure.version)
    measure = service.update_measure(session=session, found=found, measure_in=measure_in)
    response.headers["ETag"] = etag(measure.version)
    return figures.get_measure_public(session=session, measure=measure, council=found.access.council)


@router.delete("/measures/{measure_id}", status_code=204)
def delete_measure(session: SessionDep, found: MeasureDep, if_match: IfMatch) -> None:
    """Delete a measure (chair): one with readings is archived (hidden, readings kept, restorable); one with none
    is removed."""
    check_if_match(if_match, found.measure.version)
    service.delete_measure(session=session, access=found.access, measure=found.measure)


@router.post("/measures/{measure_id}/restore", response_model=MeasurePublic)
def restore_measure(session: SessionDep, user: CurrentUser, measure_id: IdPath, response: Response):
    """Bring an archived measure back with its readings (the council's chair or a site admin)."""
    measure = load_for_restore(session=session, user=user, model=Measure, record_id=measure_id, label="Measure")
    measure = service.restore_measure(session=session, user=user, measure=measure)
    council = session.get(Council, measure.council_id, execution_options=INCLUDE_ARCHIVED)
    response.headers["ETag"] = etag(measure.version)
    return figures.get_measure_public(session=session, measure=measure, council=council)


# Readings


@router.get("/measures/{measure_id}/readings", response_model=ListOf[ReadingPublic])
def list_readings(session: SessionDep, found: MeasureDep) -> dict:
    """The measure's readings, oldest first."""
    return list_of(readings.list_readings(session=session, measure=found.measure))


@router.post(
    "/measures/{measure_id}/readings",
    response_model=ReadingPublic,
    status_code=201,
    responses={200: {"model": ReadingPublic, "description": "The period already had a reading; it was replaced"}},
)
def create_reading(session: SessionDep, found: MeasureDep, reading_in: ReadingCreate, response: Response):
    """Record a reading (chair, secretary, the measure's owner, members of its department). 201 when new; 200 when
    it replaced the reading already stored for that period."""
    reading, created = readings.record_reading(session=session, found=found, reading_in=reading_in)
    response.status_code = 201 if created else 200
    return reading


@router.patch("/measures/{measure_id}/readings/{period}", response_model=ReadingPublic)
def update_reading(session: SessionDep, found: MeasureDep, period: date, reading_in: ReadingUpdate):
    """Correct the reading for a period (YYYY-MM-DD): its value, sample size, note or period."""
    return readings.update_reading(session=session, found=found, period=period, reading_in=reading_in)


@router.delete("/measures/{measure_id}/readings/{period}", status_code=204)
def delete_reading(session: SessionDep, found: MeasureDep, period: date) -> None:
    """Delete the reading for a period (YYYY-MM-DD)."""
    readings.delete_reading(session=session, found=found, period=period)


# CSV


@router.post(
    "/councils/{council_id}/readings/import",
    response_model=ImportResult,
    responses={413: PROBLEMS, 422: IMPORT_INVALID},
)
def import_readings(
    session: SessionDep,
    access: CouncilAccess,
    file: Annotated[UploadFile, File(description="CSV UTF-8 with a header row: measure,period,value[,sample_size]")],
) -> ImportResult:
    """Import readings from CSV, all or nothing: any problem in any row answers 422 listing every problem by row
    (the header is row 1) and writes nothing. Measures are matched by name; a stored period is updated."""
    imports.check_may_import(access)
    data = imports.read_upload(file.file)
    return imports.import_readings(session=session, council=access.council, data=data, access=access)


@router.get(
    "/councils/{council_id}/readings.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "Readings as CSV; imports back unchanged"}},
)
def export_readings(session: SessionDep, access: CouncilAccess, measure_id: IdQuery = None) -> Response:
    """The council's readings (or one measure's) as CSV: measure, period, value, sample_size, unit, target, note."""
    name = access.council.name
    if measure_id is not None:
        measure = service.get_council_measure(session=session, council=access.council, measure_id=measure_id)
        name = f"{name} {measure.name}"
    body = imports.export_readings(session=session, council=access.council, measure_id=measure_id)
    today = today_in(access.council.timezone).isoformat()
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(name, f"-readings-{today}.csv")},
    )


# Charts


def _chart(session, found: MeasureAccess, fmt: str, if_none_match: str | None, compact: bool) -> Response:
    from app.charts import MEDIA_TYPES, trend_chart

    measure = found.measure
    public = figures.get_measure_public(session=session, measure=measure, council=found.access.council)
    points = tuple((p.period, p.value) for p in public.trend)
    key = repr((points, measure.target, measure.name, measure.unit, measure.direction, fmt, compact))
    tag = '"' + hashlib.sha256(key.encode()).hexdigest()[:24] + '"'
    headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
    if if_none_match and tag in entity_tags(if_none_match):
        return Response(status_code=304, headers=headers)
    body = trend_chart(
        points,
        target=measure.target,
        title=measure.name,
        unit=measure.unit,
        direction=measure.direction,
        fmt=fmt,
        compact=compact,
    )
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


CHART_RESPONSES = {304: {"description": "Unchanged since the ETag sent as If-None-Match"}}
IfNoneMatch = Annotated[str | None, Header(description="ETag of a chart already held")]
Compact = Annotated[bool, Query(description="Narrower, for a phone's screen")]


@router.get(
    "/measures/{measure_id}/chart.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The trend chart as SVG"}, **CHART_RESPONSES},
)
def get_chart_svg(session: SessionDep, found: MeasureDep, if_none_match: IfNoneMatch = None, compact: Compact = False):
    """The last 12 readings as a line chart (SVG), the target dashed, the latest value labelled."""
    return _chart(session, found, "svg", if_none_match, compact)


@router.get(
    "/measures/{measure_id}/chart.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The trend chart as PNG"}, **CHART_RESPONSES},
)
def get_chart_png(session: SessionDep, found: MeasureDep, if_none_match: IfNoneMatch = None, compact: Compact = False):
    """The same chart as a PNG, for slides and documents."""
    return _chart(session, found, "png", if_none_match, compact)
