"""Settings, read once from the environment and an optional `.env` file."""

import ipaddress
import os
import tempfile
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Only ever accepted with ENVIRONMENT=development (what `make run` sets).
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-change-me"


class InsecureSettings(ValueError):
    """Settings that must not be used outside development."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    ENVIRONMENT: Literal["development", "test", "production"] = "production"
    DATABASE_URL: str = "sqlite:///council.db"
    SECRET_KEY: str = DEVELOPMENT_SECRET_KEY
    # smtp://host[:port], smtp+starttls://user:pass@host[:port] or smtps://… (see app/mail.py).
    SMTP_URL: str | None = None
    MAIL_FROM: str = "CX Council <council@localhost>"
    BASE_URL: str = "http://127.0.0.1:8000"
    ACCESS_TOKEN_MINUTES: int = 8 * 60
    SESSION_MAX_AGE_SECONDS: int = 14 * 24 * 3600
    # How long an API Idempotency-Key (and a page form's spent one-time token) is remembered:
    # a retry within this window replays the first answer; after it the key may be used afresh.
    IDEMPOTENCY_KEY_HOURS: int = Field(default=24, ge=1, le=24 * 30)
    # Cookies travel over HTTPS only; on by default outside development.
    COOKIE_SECURE: bool | None = None
    SQL_ECHO: bool = False
    # Who may start a council: "allowed" = site admins and the accounts a site admin has
    # flagged (users.can_create_councils); "everyone" = any signed-in person.
    COUNCIL_CREATORS: Literal["allowed", "everyone"] = "allowed"
    # Days an emailed invitation link stays valid; the chair can resend to renew it.
    INVITATION_DAYS: int = Field(default=14, ge=1, le=365)
    # The home page's "changed since your last visit": views closer together than this are one
    # visit, so reloading the page keeps showing the same changes.
    HOME_VISIT_GAP_MINUTES: int = Field(default=30, ge=1, le=1440)
    # Where `council db backup`/`restore` find pg_dump and pg_restore for PostgreSQL; unset: the newest
    # under /usr/lib/postgresql/*/bin, else PATH; none found: backups use the project's own verified copy.
    PG_BIN_DIR: str | None = None
    # /docs, /redoc and /openapi.json for anyone (True) or for signed-in people only (False);
    # unset: public in development and test, signed-in only in production.
    API_DOCS_PUBLIC: bool | None = None
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: comma-separated IPs
    # or CIDRs (e.g. "127.0.0.1,10.0.0.0/8"). Empty (the default): no header is believed
    # and the client address is the direct peer, so clients cannot pick their own address
    # to dodge sign-in throttling. Applies however the app is served (app/main.py).
    FORWARDED_ALLOW_IPS: str = ""
    # The largest request body, in bytes, on every route but file uploads (which have their
    # own limits, listed in app/main.py); larger ones are refused with 413 while reading.
    MAX_BODY_BYTES: int = 1024 * 1024
    # The outbox deliverer (app/outbox/deliver.py, `council deliver`). A message is tried this
    # many times before it is given up (status failed, shown on the council's Mail page).
    OUTBOX_MAX_ATTEMPTS: int = Field(default=8, ge=1, le=100)
    # How long a deliverer's claim on a batch lasts: a killed deliverer's messages are taken
    # again after it. Longer than a batch takes to send through a slow relay.
    OUTBOX_LEASE_SECONDS: int = Field(default=300, ge=1, le=24 * 3600)
    # The wait after the first failure; it doubles after each further one (at most 6 hours).
    OUTBOX_FIRST_RETRY_SECONDS: int = Field(default=60, ge=1, le=24 * 3600)
    # Run the deliverer (and the periodic jobs, app/jobs.py) in a thread of every `council
    # serve` worker, so no cron job or service is needed; leases make any number safe.
    DELIVER_IN_SERVE: bool = False
    # Seconds between two passes of that loop (and the default of `council deliver --loop`).
    DELIVER_INTERVAL_SECONDS: int = Field(default=30, ge=1, le=3600)
    # Built agendas each worker keeps (app/agendas/cache.py), least recently used going first: a
    # five-year council's is about 1.8 MB as objects plus 0.8 MB of JSON, so 32 is at most ~85 MB.
    AGENDA_CACHE_ENTRIES: int = Field(default=32, ge=0, le=10_000)
    # Megabytes of agenda packs (Word and PDF) each worker keeps for meetings whose data is unchanged
    # (app/agendas/cache.py); the least recently used go first, a pack larger than this is never kept.
    # A five-year council's Word pack is about 1 MB, its PDF about 2 MB. 0 keeps none.
    PACK_CACHE_MB: int = Field(default=64, ge=0, le=4096)
    # Where drawn trend charts are kept for every worker and the next start (app/charts.py), one
    # PNG or SVG file (~30-90 KB) per chart content; unset: a folder in the system's temporary
    # folder; empty: none kept on disk (each worker draws its own). The oldest go beyond CHART_CACHE_FILES.
    CHART_CACHE_DIR: str | None = None
    CHART_CACHE_FILES: int = Field(default=2000, ge=1, le=1_000_000)
    # Where the Word and PDF packs of circulated agendas are kept for every worker (app/agendas/cache.py): the
    # pack the publish job built is what people download. Unset: a folder in the system's temporary folder;
    # empty: none kept on disk. The least recently used go beyond PACK_CACHE_FILES (~1-2 MB each).
    PACK_CACHE_DIR: str | None = None
    PACK_CACHE_FILES: int = Field(default=200, ge=1, le=100_000)
    # A folder the workers of one `council serve --workers N` share built agendas in (app/agendas/cache.py
    # AgendaFiles), so each change costs one build per server, not one per worker. `council serve` makes one for
    # its own lifetime when it starts more than one worker and removes it when it stops (so no file outlives the
    # code or the database that built it); set it empty to have each worker build its own.
    AGENDA_SHARE_DIR: str | None = None
    # Soon after `council serve` starts, one of its job processes builds, in the background, the agenda of each
    # council's current meeting (the next not yet held, else the latest) into AGENDA_SHARE_DIR, so the first people
    # to open it do not each pay its build (app/agendas/warm.py): at most AGENDA_WARM_MEETINGS meetings within
    # AGENDA_WARM_DAYS of now, the nearest first. 0 turns it off; it needs the shared folder (more than one worker).
    AGENDA_WARM_MEETINGS: int = Field(default=24, ge=0, le=64)
    AGENDA_WARM_DAYS: int = Field(default=45, ge=0, le=366)
    # Who runs the jobs requests hand on (an agenda's pack and mail, app/jobs.py): "process", one job process
    # per `council serve` worker (what `council serve` sets when unset); "inline", after the response in the
    # same process; "off", only the delivery passes (`council deliver`, DELIVER_IN_SERVE).
    JOBS_RUN_IN: Literal["process", "inline", "off"] = "inline"
    # Each worker readies itself before it takes a request (app/main.py): it builds the app's routes
    # (app/web/routing.py build_routes) and opens the PostgreSQL pool's connections (app/db.py fill_pool), which the
    # first people to arrive after a start otherwise waited for.
    # `council serve` turns it on; off by default, so an app that a test or a script builds starts at once.
    PREPARE_WORKERS: bool = False
    # A job is tried this many times (then failed, shown on the agenda page with "Send again"); a runner's claim
    # on it lasts JOBS_LEASE_SECONDS (a killed runner's job is taken again after it); the job process also
    # looks for due jobs every JOBS_POLL_SECONDS (retries, and jobs another worker left).
    JOBS_MAX_ATTEMPTS: int = Field(default=5, ge=1, le=100)
    JOBS_LEASE_SECONDS: int = Field(default=600, ge=10, le=24 * 3600)
    JOBS_POLL_SECONDS: int = Field(default=30, ge=1, le=3600)

    @model_validator(mode="after")
    def refuse_default_secret(self) -> "Settings":
        if self.SECRET_KEY == DEVELOPMENT_SECRET_KEY and self.ENVIRONMENT != "development":
            raise InsecureSettings(
                "SECRET_KEY is the built-in development key; set SECRET_KEY "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
                "or ENVIRONMENT=development for a local demo."
            )
        if len(self.SECRET_KEY) < 32:
            raise InsecureSettings("SECRET_KEY must be at least 32 characters long.")
        return self

    @field_validator("FORWARDED_ALLOW_IPS")
    @classmethod
    def proxies_are_addresses(cls, value: str) -> str:
        # uvicorn quietly treats a typo as a host name that never matches; say so instead.
        for item in _split(value):
            try:
                ipaddress.ip_network(item)  # strict, as uvicorn reads it: 10.0.0.1/8 is refused
            except ValueError:
                raise ValueError(f"FORWARDED_ALLOW_IPS: {item!r} is not an IP address or network (CIDR).") from None
        return value

    @property
    def forwarded_allow_ips(self) -> list[str]:
        return _split(self.FORWARDED_ALLOW_IPS)

    @property
    def cookie_secure(self) -> bool:
        if self.COOKIE_SECURE is not None:
            return self.COOKIE_SECURE
        return self.ENVIRONMENT == "production"

    @property
    def api_docs_public(self) -> bool:
        if self.API_DOCS_PUBLIC is not None:
            return self.API_DOCS_PUBLIC
        return self.ENVIRONMENT != "production"

    @property
    def pack_folder(self) -> str | None:
        if self.PACK_CACHE_DIR is None:
            return os.path.join(tempfile.gettempdir(), f"cx-council-packs-{os.getuid()}")
        return self.PACK_CACHE_DIR or None

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
