"""JSON routes: a council's cadence (its meeting series)."""

from fastapi import APIRouter, Response

from app.auth import CouncilAccess
from app.common import IfMatch, check_if_match, etag
from app.db import SessionDep
from app.errors import PreconditionFailed
from app.meetings import series as cadence
from app.meetings.series import Preview, PreviewIn, SeriesIn, SeriesPublic, SeriesSaved
from app.models import Role
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["meetings"], route_class=CreateRoute)


@router.get("/councils/{council_id}/series", response_model=SeriesPublic)
def get_series(session: SessionDep, access: CouncilAccess, response: Response) -> dict:
    """The council's cadence, in words, with its next dates and their meetings (404 until one is set)."""
    series = cadence.require_series(session, access.council)
    response.headers["ETag"] = etag(series.version)
    return cadence.series_public(session, access.council, series)


@router.put(
    "/councils/{council_id}/series", response_model=SeriesSaved, responses={412: {"description": "Stale If-Match"}}
)
def put_series(
    session: SessionDep, access: CouncilAccess, series_in: SeriesIn, response: Response, if_match: IfMatch
) -> dict:
    """Set or change the cadence (chair). The first time, send `If-Match: *`; after that the series' ETag.

    Meetings are created for the next `ahead` dates. Future meetings of the series that nobody
    has touched are replaced to fit a changed rule (or removed after `until`); those someone
    worked on are kept and listed in `kept` with the reason. `until` ends the series.
    """
    access.require(Role.chair, doing="change the council's cadence")
    series = cadence.get_series(session, access.council)
    if series is None and if_match.strip() != "*":
        raise PreconditionFailed("This council has no cadence yet: send If-Match: * to set the first one.")
    if series is not None:
        check_if_match(if_match, series.version)
    series, outcome = cadence.save_series(session=session, council=access.council, series_in=series_in, series=series)
    response.headers["ETag"] = etag(series.version)
    return {
        **cadence.series_public(session, access.council, series),
        "created": [m.number for m in outcome.created],
        "removed": outcome.removed,
        "kept": outcome.kept,
    }


@router.post("/councils/{council_id}/series/preview", response_model=Preview)
def preview_series(access: CouncilAccess, preview_in: PreviewIn) -> Preview:
    """A rule's next dates in words and dates, without saving anything (any seat)."""
    return cadence.preview(access.council, preview_in)
