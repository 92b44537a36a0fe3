"""The application factory."""

import gc
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import __version__, charts
from app.accounts import api as accounts_api
from app.accounts import pages as accounts_pages
from app.actions import api as actions_api
from app.actions import pages as actions_pages
from app.agendas import api as agendas_api
from app.agendas import pages as agendas_pages
from app.agendas import pages_meeting
from app.agendas.cache import AgendaCache
from app.config import Settings, get_settings
from app.councils import agenda_template_api, agenda_template_pages, invitation_api, invitation_pages
from app.councils import api as councils_api
from app.councils import pages as councils_pages
from app.councils import template_api as exports_api
from app.db import fill_pool, make_engine
from app.docx.template import MAX_TEMPLATE_BYTES
from app.errors import ErrorMessage, document_error_responses, install_error_handlers
from app.feedback import api as feedback_api
from app.feedback import pages as feedback_pages
from app.feedback.csvfile import MAX_BYTES as FEEDBACK_MAX_BYTES
from app.home import archive as home_archive
from app.home import pages as home_pages
from app.home import personal as home_personal
from app.initiatives import api as initiatives_api
from app.initiatives import pages as initiatives_pages
from app.jobs import DeliveryLoop, Jobs, chart_folder
from app.journeys import api as journeys_api
from app.journeys import pages as journeys_pages
from app.measures import api as measures_api
from app.measures import pages as measures_pages
from app.measures.csvfile import MAX_BYTES as READINGS_MAX_BYTES
from app.meetings import api as meetings_api
from app.meetings import pages as meetings_pages
from app.meetings import responses_api, responses_pages, series_api, series_pages
from app.meetings.calendar_links import redact_feed_tokens_in_access_log
from app.minutes import api as minutes_api
from app.minutes import pages as minutes_pages
from app.minutes import pages_recording as minutes_recording_pages
from app.models.papers import PAPER_FILE_MB_CEILING
from app.notifications import api as notifications_api
from app.notifications import outbox_api, outbox_pages
from app.notifications import pages as notifications_pages
from app.papers import api as papers_api
from app.papers import pages as papers_pages
from app.papers.pages import PAPER_UPLOAD_ROUTES
from app.prepare import rehearse_pages
from app.reports import api as reports_api
from app.reports import pages as reports_pages
from app.research import api as research_api
from app.research import pages as research_pages
from app.web.csrf import configure_csrf
from app.web.deps import LoginRequired, login_redirect
from app.web.headers import SecurityHeaders
from app.web.limits import BodyLimit, BodyTooLarge, Upload, body_too_large
from app.web.render import STATIC_DIR, compile_page_templates, render_error, templates
from app.web.routing import build_routes, skip_unmatchable_routers

SESSION_COOKIE = "cxc_session"


# How many net allocations between collections of the youngest generation (CPython's default: 700).
YOUNG_COLLECTION_EVERY = 50_000


def settle_heap() -> None:
    """Move what start-up built (modules, routes, schemas) out of the collector's way.

    Those objects live as long as the process; without this every full collection
    walks all of them again, a pause of about 100 ms in the middle of a request.
    Objects freed later are still freed: freezing only spares the cycle collector.

    Then the youngest generation is collected every 50,000 net allocations instead of 700: a
    request builds tens of thousands of short-lived objects (rows, models, template output)
    that reference counting frees on its own, and at 700 the collector walked them about 50
    times in one agenda build, a third of its CPU. An agenda build holds about 15,000 to 20,000
    of them at its peak (both bench councils): at 10,000 the collector still walked them once a
    build (about 1 ms, and every tenth build the middle generation too, about 3.5 ms), freeing
    nothing; at 50,000 a build runs without a collection. Garbage in cycles is still collected,
    a little later (at most 50,000 objects wait for it); the older generations keep their
    default pace relative to the young one.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


HEALTH_503 = {"model": ErrorMessage, "description": "The database is unreachable"}
UNREACHABLE = "The database is unreachable."


def database_health(engine) -> Response:
    """200 with the version when the database answers; 503 with a JSON detail (as a load balancer expects: take
    this instance out) when it cannot be reached or opened, never a 500 and a stack trace. Logged once a failure,
    as one line: the engine's error names the host or file, not a password (the URL is not in it)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        logging.getLogger("council.db").warning("health: the database is unreachable (%s)", type(exc).__name__)
        return JSONResponse({"detail": UNREACHABLE}, status_code=503)
    return JSONResponse({"status": "ok", "version": __version__})


def start_delivery(engine, settings: Settings) -> DeliveryLoop | None:
    """The deliverer's loop in this worker when DELIVER_IN_SERVE is on (and mail is configured)."""
    if not settings.DELIVER_IN_SERVE:
        return None
    if not settings.SMTP_URL:
        logging.getLogger("council.jobs").warning("DELIVER_IN_SERVE is on but SMTP_URL is not set: not delivering")
        return None
    loop = DeliveryLoop(engine, settings)
    loop.start()
    return loop


class CouncilApp(FastAPI):
    """FastAPI with the security headers outside everything, the 500 handler included."""

    def build_middleware_stack(self):
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for `settings` (default: the environment's)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Before settle_heap: the compiled templates live as long as the process.
        await run_in_threadpool(compile_page_templates)
        if settings.PREPARE_WORKERS:
            # Also before settle_heap: the built routes live as long as the process.
            await run_in_threadpool(build_routes, app)
            await run_in_threadpool(fill_pool, app.state.engine)
            # Then the pages people open first, read once, so their statements are compiled (app/prepare.py).
            await run_in_threadpool(rehearse_pages, app)
        settle_heap()
        app.state.jobs.start()
        loop = start_delivery(app.state.engine, settings)
        yield
        if loop is not None:
            await run_in_threadpool(loop.stop)
        # The job under way is finished (its mail is committed whole or not at all, and retried then).
        await run_in_threadpool(app.state.jobs.stop)
        app.state.engine.dispose()

    # Outside development and test the API's documentation is for signed-in people only
    # (API_DOCS_PUBLIC): accounts_api.docs_router serves it behind sign-in instead.
    public_docs = settings.api_docs_public
    app = CouncilApp(
        title="CX Council",
        version=__version__,
        description="Run Customer Experience Councils: councils, departments, members, meetings and actions.",
        lifespan=lifespan,
        docs_url="/docs" if public_docs else None,
        redoc_url="/redoc" if public_docs else None,
        openapi_url="/openapi.json" if public_docs else None,
    )
    app.state.settings = settings
    # Outside development nothing edits a template while a worker runs, so Jinja does not look at each template's
    # file again on every render (a stat per template, the included ones too: about 6 % of a worker's CPU while
    # fifty people arrived at once in the load run). In development an edited template shows on the next render.
    templates.env.auto_reload = settings.ENVIRONMENT == "development"
    app.state.engine = make_engine(settings.DATABASE_URL, echo=settings.SQL_ECHO)
    app.state.agenda_cache = AgendaCache(
        max_entries=settings.AGENDA_CACHE_ENTRIES,
        pack_bytes=settings.PACK_CACHE_MB * 1024 * 1024,
        folder=settings.pack_folder,
        files=settings.PACK_CACHE_FILES,
        shared=settings.AGENDA_SHARE_DIR or None,
    )
    # Who runs the jobs a request hands on (JOBS_RUN_IN), after it has committed: app.state.jobs.after_commit.
    app.state.jobs = Jobs(app.state.engine, settings, app.state.agenda_cache)
    redact_feed_tokens_in_access_log()
    configure_csrf(settings)
    charts.use_disk_cache(chart_folder(settings), settings.CHART_CACHE_FILES)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.SECRET_KEY,
        session_cookie=SESSION_COOKIE,
        max_age=settings.SESSION_MAX_AGE_SECONDS,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    if settings.forwarded_allow_ips:
        # Outside the session middleware: the client address and scheme are settled first.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    app.add_middleware(
        BodyLimit,
        default=settings.MAX_BODY_BYTES,
        # The routes that take a file, each at its file limit and a little for the envelope.
        uploads={
            "/api/councils/{council_id}/template": Upload(MAX_TEMPLATE_BYTES),
            "/councils/{council_id}/template": Upload(MAX_TEMPLATE_BYTES),
            "/api/councils/{council_id}/readings/import": Upload(READINGS_MAX_BYTES, as_import_problems=True),
            "/councils/{council_id}/readings/import": Upload(READINGS_MAX_BYTES),
            "/api/councils/{council_id}/feedback/import": Upload(FEEDBACK_MAX_BYTES, as_import_problems=True),
            "/councils/{council_id}/feedback/import": Upload(FEEDBACK_MAX_BYTES),
            # Papers at the ceiling of the council setting; each route then applies the council's own limit.
            **dict.fromkeys(PAPER_UPLOAD_ROUTES, Upload(PAPER_FILE_MB_CEILING * 1024 * 1024)),
        },
    )
    install_error_handlers(app, render_error=render_error)
    app.add_exception_handler(BodyTooLarge, body_too_large)
    app.add_exception_handler(LoginRequired, login_redirect)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/health", tags=["health"], response_model=dict, responses={503: HEALTH_503})
    def health(request: Request) -> Response:
        """Liveness and database reachability."""
        return database_health(request.app.state.engine)

    # In this order: it is the order of the paths in /openapi.json.
    for router in (
        accounts_api.router,
        councils_api.router,
        agenda_template_api.router,
        invitation_api.router,
        meetings_api.router,
        agendas_api.router,
        meetings_api.after_agenda_router,
        responses_api.router,
        agendas_api.calendar_router,
        meetings_api.calendar_link_router,
        series_api.router,
        minutes_api.router,
        actions_api.router,
        accounts_pages.router,
        councils_pages.router,
        agenda_template_pages.router,
        invitation_pages.router,
        home_pages.router,
        home_personal.router,
        home_archive.router,
        meetings_pages.router,
        series_pages.router,
        responses_pages.router,
        actions_pages.router,
        agendas_pages.router,
        pages_meeting.router,
        minutes_pages.router,
        minutes_recording_pages.router,
        measures_api.router,
        measures_pages.router,
        feedback_api.router,
        feedback_pages.router,
        journeys_api.router,
        journeys_pages.router,
        initiatives_api.router,
        initiatives_pages.router,
        reports_api.router,
        reports_pages.router,
        research_api.router,
        research_pages.router,
        papers_api.router,
        papers_pages.router,
        exports_api.router,
        outbox_api.router,
        outbox_pages.router,
        notifications_api.router,
        notifications_pages.router,
    ):
        app.include_router(router)
    if not public_docs:
        app.include_router(accounts_api.docs_router)
    document_error_responses(app)
    skip_unmatchable_routers(app)
    return app
