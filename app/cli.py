"""The `council` command: serve, migrate, load the demo, manage admins, deliver mail, send reminders."""

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from app import logs
from app.config import InsecureSettings, get_settings

app = typer.Typer(help="CX Council: run Customer Experience Councils.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _settings():
    try:
        return get_settings()
    except (InsecureSettings, ValueError) as exc:
        typer.secho(f"Configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


def _engine():
    from app.db import make_engine

    return make_engine(_settings().DATABASE_URL)


@contextmanager
def _exits(*rules: tuple[type[Exception], str, int]) -> Iterator[None]:
    """Turn the named failures into a red one-line message and an exit code: (kind, label, code), first match wins.

    A database error prints the driver's own message (`exc.orig`), not SQLAlchemy's wrapper.
    """
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except Exception as exc:
        for kind, label, code in (*rules, (OperationalError, "Database error", 1)):
            if isinstance(exc, kind):
                detail = exc.orig if isinstance(exc, OperationalError) else exc
                typer.secho(f"{label}: {detail}", fg="red", err=True)
                raise typer.Exit(code) from None
        raise


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Bring the database schema up to date."""
    from app.migrate import upgrade

    settings = _settings()
    upgrade(settings.DATABASE_URL, revision)
    typer.echo(f"Database {_redacted(settings.DATABASE_URL)} is at {revision}.")


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and the code's."""
    from app.migrate import revisions

    current, head = revisions(_engine(), _settings().DATABASE_URL)
    typer.echo(f"database: {current or 'empty'}  code: {head}")


@db_app.command("copy")
def db_copy(
    to: Annotated[str, typer.Option("--to", help="Target URL, e.g. postgresql+psycopg://user:pass@host/db")],
    source: Annotated[
        str | None, typer.Option("--from", help="Source URL (default: DATABASE_URL)", show_default=False)
    ] = None,
) -> None:
    """Copy this instance into another, empty database (schema by migrations, then data), and verify it.

    Exit codes: 0 copied and verified, 1 a table's count or checksum differs, 3 refused
    (the target is not empty, or the source is not up to date); nothing is written when refused.
    """
    from sqlalchemy.exc import ArgumentError

    from app.copy import CopyRefused, copy_database

    source_url = source or _settings().DATABASE_URL
    typer.echo(f"Copying {_redacted(source_url)} to {_redacted(to)} …")
    with _exits((CopyRefused, "Refused", 3), (ArgumentError, "Not a database URL", 2)):
        checks = copy_database(source_url, to, progress=lambda table, rows: typer.echo(f"  {table:<26} {rows:>8}"))
    typer.echo(f"\n{'table':<26} {'source':>8} {'target':>8}  check")
    for check in checks:
        verdict = "OK" if check.ok else "MISMATCH"
        line = f"{check.table:<26} {check.source_rows:>8} {check.target_rows:>8}  {verdict}"
        typer.secho(line, fg=None if check.ok else "red")
    bad = [c.table for c in checks if not c.ok]
    if bad:
        typer.secho(f"Verification failed for {', '.join(bad)}.", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"Copied and verified {len(checks)} tables, {sum(c.target_rows for c in checks)} rows.")


def _print_counts(counts) -> None:
    typer.echo(f"\n{'table':<26} {'rows':>8}")
    for count in counts:
        if count.expected is None:
            typer.echo(f"{count.table:<26} {count.rows:>8}")
        else:
            verdict = "OK" if count.ok else f"MISMATCH (backup: {count.expected} rows)"
            typer.secho(f"{count.table:<26} {count.rows:>8}  {verdict}", fg=None if count.ok else "red")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write (a manifest is written beside it)")],
    portable: Annotated[
        bool, typer.Option("--portable", help="PostgreSQL: the project's own copy into a SQLite file, not pg_dump")
    ] = False,
) -> None:
    """Back up the database while the server runs: SQLite's online backup, or pg_dump for PostgreSQL.

    Exit codes: 0 written, 1 failed, 3 refused (the file exists, or the database has no schema).
    """

    from app.backup import BackupError, BackupFailed, backup, manifest_path

    settings = _settings()
    typer.echo(f"Backing up {_redacted(settings.DATABASE_URL)} to {file} …")
    with _exits((BackupFailed, "Failed", 1), (BackupError, "Refused", 3)):
        counts = backup(settings.DATABASE_URL, file, portable=portable, pg_bin_dir=settings.PG_BIN_DIR)
    _print_counts(counts)
    typer.echo(f"Backed up {len(counts)} tables, {sum(c.rows for c in counts)} rows; manifest {manifest_path(file)}.")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A file written by `council db backup` (its manifest beside it)")],
    force: Annotated[bool, typer.Option("--force", help="Replace what the target database holds")] = False,
) -> None:
    """Restore a backup into DATABASE_URL, then check every table's rows and checksum against the manifest.

    Exit codes: 0 restored and verified, 1 a table differs or the restore failed, 3 refused (the
    target holds rows without --force, or the file does not match its manifest); nothing is
    written when refused.
    """

    from app.backup import BackupError, BackupFailed, restore

    settings = _settings()
    with _exits((BackupFailed, "Failed", 1), (BackupError, "Refused", 3)):
        counts = restore(file, settings.DATABASE_URL, force=force, pg_bin_dir=settings.PG_BIN_DIR, progress=typer.echo)
    _print_counts(counts)
    bad = [c.table for c in counts if not c.ok]
    if bad:
        typer.secho(f"Verification failed for {', '.join(bad)}.", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"Restored and verified {len(counts)} tables, {sum(c.rows for c in counts)} rows.")


def check_schema() -> None:
    """Stop with a clear message when the database is behind the code."""
    from sqlalchemy.exc import OperationalError

    from app.migrate import revisions

    settings = _settings()
    try:
        current, head = revisions(_engine(), settings.DATABASE_URL)
    except OperationalError as exc:
        typer.secho(f"Cannot reach the database {_redacted(settings.DATABASE_URL)}: {exc.orig}", fg="red", err=True)
        raise typer.Exit(1) from None
    if current != head:
        typer.secho(
            f"The database schema is at {current or 'nothing (empty database)'} but this code needs {head}.\n"
            "Run `council db upgrade` first.",
            fg="red",
            err=True,
        )
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT", help="Port (env PORT)")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (use PostgreSQL for more than one)")] = 1,
    upgrade: Annotated[bool, typer.Option("--upgrade", help="First bring the schema up to date (db upgrade)")] = False,
    with_demo: Annotated[
        bool, typer.Option("--demo-if-empty", help="Then load the demo council when there is none (demo --if-empty)")
    ] = False,
) -> None:
    """Serve the web app and the API."""
    import uvicorn

    # `make run` does all three in this one process: each Python process would import the
    # app again (about a third of a fresh machine's first run, after the install).
    if upgrade:
        typer.echo("==> migrating the database")
        db_upgrade()  # the schema is then at head: nothing left to check
    else:
        check_schema()
    if with_demo:
        typer.echo("==> loading the demo council (when the database has none)")
        _load_demo(if_empty=True)
    if upgrade or with_demo:
        typer.echo("==> starting the server")
    typer.echo(f"CX Council on http://{host}:{port}/  (API docs at /docs)")
    # Each worker runs the jobs its requests hand on (an agenda's pack and mail) in a job process of its own,
    # so a publish answers at once and never holds the worker (app/jobs.py); JOBS_RUN_IN chooses otherwise.
    os.environ.setdefault("JOBS_RUN_IN", "process")
    # Each worker builds its routes and opens its database connections before it takes a request (app/main.py).
    os.environ.setdefault("PREPARE_WORKERS", "true")
    get_settings.cache_clear()
    # uvicorn's own proxy handling is off: by default it believes X-Forwarded-For from
    # 127.0.0.1. The app applies the FORWARDED_ALLOW_IPS setting itself (app/main.py), one
    # rule whatever serves it; that setting also names uvicorn's option of the same name.
    shared = None
    if workers > 1 and "AGENDA_SHARE_DIR" not in os.environ:
        # The workers share each built agenda (one build per change, not one per worker: app/agendas/cache.py),
        # in a private folder of this server's own, removed when it stops.
        shared = os.environ["AGENDA_SHARE_DIR"] = tempfile.mkdtemp(prefix="cx-council-agendas-")
        get_settings.cache_clear()
    try:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=False,
            log_config=logs.serve_config(),
        )
    finally:
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)
            os.environ.pop("AGENDA_SHARE_DIR", None)


@app.command()
def demo(
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when a council already exists")] = False,
) -> None:
    """Load the demo council (a utility with call centre, engineers, billing, digital and a supplier)."""
    check_schema()
    _load_demo(if_empty=if_empty)


def _load_demo(*, if_empty: bool) -> None:
    from sqlmodel import Session

    from app.demo.council import DEMO_PASSWORD, PEOPLE, has_data, load_demo
    from app.demo.mail import load_mail_demo

    with Session(_engine()) as session:
        if if_empty and has_data(session):
            typer.echo("Database already has a council; demo not loaded.")
        else:
            council = load_demo(session=session, today=date.today())
            queued = load_mail_demo(session=session, settings=_settings(), council=council)
            session.commit()
            typer.echo(f"Loaded demo council “{council.name}”.")
            typer.echo(
                f"{queued} mails queued (the agenda to every seat, a report reminder): council deliver sends them."
            )
    typer.echo(f"Demo logins (password {DEMO_PASSWORD!r}):")
    for person in PEOPLE:
        typer.echo(f"  {person.email:<26} {person.role.value:<10} {person.department or ''}")


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Argument(help="The admin's email")],
    name: Annotated[str, typer.Option(help="Display name")] = "Site administrator",
) -> None:
    """Create a site administrator (password from COUNCIL_ADMIN_PASSWORD or a prompt)."""
    from pydantic import ValidationError
    from sqlmodel import Session

    from app.accounts.schemas import UserCreate
    from app.accounts.service import create_user
    from app.errors import AppError

    check_schema()
    password = os.environ.get("COUNCIL_ADMIN_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            typer.secho("Set COUNCIL_ADMIN_PASSWORD or run in a terminal to be asked.", fg="red", err=True)
            raise typer.Exit(2)
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user_in = UserCreate(email=email, name=name, password=password, is_site_admin=True)
    except ValidationError as exc:
        for error in exc.errors():
            typer.secho(f"{'.'.join(map(str, error['loc']))}: {error['msg']}", fg="red", err=True)
        raise typer.Exit(2) from None
    with Session(_engine()) as session:
        try:
            user = create_user(session=session, user_in=user_in)
        except AppError as exc:
            typer.secho(exc.detail, fg="red", err=True)
            raise typer.Exit(1) from None
        session.commit()
        typer.echo(f"Site administrator {user.email} created.")


@app.command("purge")
def purge(
    by: Annotated[str, typer.Option("--by", help="Your email: a site admin's account, written to the audit log")],
    council: Annotated[int | None, typer.Option("--council", min=1, help="An archived council's id")] = None,
    action: Annotated[int | None, typer.Option("--action", min=1, help="An archived action's id")] = None,
    measure: Annotated[int | None, typer.Option("--measure", min=1, help="An archived measure's id")] = None,
) -> None:
    """Remove one ARCHIVED council, action or measure for good (site admins), and write what went to the audit log.

    Exit codes: 0 purged, 1 not found, 2 usage, 3 refused (a live record, or --by is not a site admin).
    """
    from sqlmodel import Session

    from app.errors import NotFound
    from app.purge import PurgeRefused
    from app.purge import purge as run_purge

    chosen = [
        (kind, value) for kind, value in (("council", council), ("action", action), ("measure", measure)) if value
    ]
    if len(chosen) != 1:
        typer.secho("Give exactly one of --council, --action or --measure.", fg="red", err=True)
        raise typer.Exit(2)
    kind, record_id = chosen[0]
    check_schema()
    with Session(_engine()) as session:
        try:
            entry = run_purge(session=session, kind=kind, record_id=record_id, by=by)
        except NotFound as exc:
            typer.secho(exc.detail, fg="red", err=True)
            raise typer.Exit(1) from None
        except PurgeRefused as exc:
            typer.secho(f"Refused: {exc.detail}", fg="red", err=True)
            raise typer.Exit(3) from None
        entry_id, counts = entry.id, entry.detail["counts"]
        session.commit()
    listed = ", ".join(f"{table} {n}" for table, n in counts.items()) or "nothing else"
    typer.echo(f"Purged {kind} {record_id} (with {listed}); audit log entry {entry_id}.")


@app.command("schedule")
def schedule() -> None:
    """Keep every council's cadence its `ahead` meetings ahead (run daily from cron); run twice, nothing more."""
    from sqlmodel import Session

    from app.meetings.series import keep_every_council_ahead

    check_schema()
    with Session(_engine()) as session:
        done = keep_every_council_ahead(session)
        session.commit()
    for name, created in done.items():
        typer.echo(f"{name}: {created} meeting{'' if created == 1 else 's'} created")
    typer.echo(f"{len(done)} council{'' if len(done) == 1 else 's'} with a cadence checked.")


def _smtp_settings(*, required: bool):
    """The settings, with SMTP_URL checked: exit 2 when it is malformed, or missing and `required`."""
    from app.mail import parse_smtp_url

    settings = _settings()
    if settings.SMTP_URL:
        try:
            parse_smtp_url(settings.SMTP_URL)
        except ValueError as exc:
            typer.secho(f"Configuration error: {exc}", fg="red", err=True)
            raise typer.Exit(2) from None
    elif required:
        typer.secho(
            "Configuration error: SMTP_URL is not set, so there is nothing to deliver with.", fg="red", err=True
        )
        raise typer.Exit(2)
    return settings


def _deliver_pass(engine, settings, *, batch: int) -> None:
    """One pass: the periodic jobs, then every due message; prints what it did."""
    from app.jobs import deliver_pass

    jobs, run = deliver_pass(engine, settings, batch=batch)
    queued = ", ".join(f"{name} {count if count >= 0 else 'FAILED'}" for name, count in jobs.items())
    typer.echo(f"{datetime.now():%H:%M:%S} jobs: {queued}; {run.summary()}")
    for error in run.errors:
        typer.secho(f"  {error}", fg="yellow", err=True)


@app.command("deliver")
def deliver(
    loop: Annotated[bool, typer.Option("--loop/--once", help="Keep delivering (a service) or one pass (cron)")] = False,
    interval: Annotated[
        int | None, typer.Option(min=1, max=3600, help="Seconds between passes with --loop (DELIVER_INTERVAL_SECONDS)")
    ] = None,
    batch: Annotated[int, typer.Option(min=1, max=1000, help="Messages claimed at a time")] = 50,
) -> None:
    """Send the queued mail: run the periodic jobs (digests …), then deliver everything due.

    --once (the default) is for cron every minute; --loop for a service. Any number may run
    at once: each message is leased to one deliverer. Exit codes: 0 ran (even if some mail
    was refused: it is retried, and shown on the council's Mail page), 1 the database could
    not be reached, 2 SMTP_URL is missing or malformed.
    """
    import signal
    import threading

    check_schema()
    settings = _smtp_settings(required=True)
    engine = _engine()
    pause = interval or settings.DELIVER_INTERVAL_SECONDS
    stop = threading.Event()
    if loop:
        # systemd stops a service with SIGTERM: finish the pass under way (never cut a message
        # off between the server's acceptance and marking it sent), then exit.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
    with _exits():
        while not stop.is_set():
            _deliver_pass(engine, settings, batch=batch)
            if not loop:
                return
            stop.wait(pause)
    typer.echo("Stopped.")


@app.command("send-reminders")
def send_reminders(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the digests; queue and record nothing")] = False,
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Act as if today were this date (YYYY-MM-DD), in every council"),
    ] = None,
    days: Annotated[int, typer.Option(min=0, max=366, help="Include actions due within this many days")] = 7,
) -> None:
    """Queue each action owner one digest of their overdue and soon-due actions, then deliver what is due.

    `council deliver` queues the digests by itself; this command stays for existing crontabs.
    Without SMTP_URL the digests are printed instead, and nothing is queued or recorded.
    """
    from app.actions.reminders import print_digests, queue_digests
    from app.db import open_session
    from app.outbox.deliver import deliver_all

    check_schema()
    settings = _smtp_settings(required=False)
    if not settings.SMTP_URL and not dry_run:
        typer.echo("SMTP_URL is not set: printing the digests instead of sending them.")
    engine = _engine()
    day = today.date() if today else None
    with _exits(), open_session(engine, write=not dry_run and bool(settings.SMTP_URL)) as session:
        if dry_run or not settings.SMTP_URL:
            run = print_digests(session=session, settings=settings, today=day, days=days, out=sys.stdout)
        else:
            run = queue_digests(session, settings, today=day, days=days)
            session.commit()
    typer.echo(run.summary())
    if run.sending:
        delivered = deliver_all(engine, settings)
        for error in delivered.errors:
            typer.secho(f"Mail to {error}", fg="red", err=True)
        typer.echo(f"Delivered: {delivered.summary()}.")


def _import_csv(file: Path, council: int, *, read, run, rejected: type[Exception], labels: dict[str, str]):
    """Run one all-or-nothing CSV import for a council with a progress bar a phase: (result, council name).

    On refusal, every problem is listed by row and column, nothing is written and the exit code is 1.
    """
    from sqlmodel import Session

    from app.models import Council

    check_schema()
    bars: dict = {}

    def finish_bar() -> None:
        bar = bars.pop("current", None)
        if bar is not None:
            bar.render_finish()

    def progress(phase: str, done: int, total: int) -> None:
        if bars.get("phase") != phase:
            finish_bar()
            bars["phase"] = phase
            bars["current"] = typer.progressbar(length=total, label=labels[phase], file=sys.stderr)
            bars["current"].__enter__()
        bar = bars["current"]
        bar.update(done - bar.pos)

    with Session(_engine()) as session:
        target = session.get(Council, council)
        if target is None:
            typer.secho(f"No council with id {council}.", fg="red", err=True)
            raise typer.Exit(1)
        try:
            with file.open("rb") as stream:
                data = read(stream)
            result = run(session=session, council=target, data=data, on_progress=progress)
        except rejected as exc:
            finish_bar()
            count = len(exc.problems)
            typer.secho(f"{file.name} was not imported ({count} problem(s)); nothing was written.", fg="red", err=True)
            for p in exc.problems:
                where = ", ".join(part for part in (f"row {p.row}" if p.row else "", p.column or "") if part)
                typer.echo(f"  {where or 'file'}: {p.message}", err=True)
            raise typer.Exit(1) from None
        name = target.name
        session.commit()
    finish_bar()
    return result, name


@app.command("import-readings")
def import_readings(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV UTF-8 file")],
    council: Annotated[int, typer.Option("--council", min=1, help="The council's id")],
) -> None:
    """Import a council's readings from CSV, all or nothing: the same checks as the web import.

    Columns measure, period, value and optionally sample_size and note; measures are matched
    by name. On any problem, every problem is listed, nothing is written and the exit code is 1.
    """
    from app.measures.imports import ImportRejected, read_upload
    from app.measures.imports import import_readings as run_import

    result, name = _import_csv(
        file,
        council,
        read=read_upload,
        run=run_import,
        rejected=ImportRejected,
        labels={"check": "Checking rows   ", "write": "Writing readings"},
    )
    typer.echo(f"Imported {result.imported} new reading(s), updated {result.updated} into “{name}”.")


@app.command("import-feedback")
def import_feedback(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV UTF-8 survey export")],
    council: Annotated[int, typer.Option("--council", min=1, help="The council's id")],
) -> None:
    """Import a council's survey responses from CSV, all or nothing: the same checks as the web import.

    Columns response_id, responded_on, department, goal_rating, helped, hindered and optionally
    journey, channel, comment (or the vendor's names saved in the council's column mapping).
    On any problem, every problem is listed, nothing is written and the exit code is 1.
    """
    from app.feedback.imports import ImportRejected, read_feedback_upload
    from app.feedback.imports import import_feedback as run_import

    result, name = _import_csv(
        file,
        council,
        read=read_feedback_upload,
        run=run_import,
        rejected=ImportRejected,
        labels={"check": "Checking rows     ", "write": "Writing responses ", "theme": "Theming history   "},
    )
    typer.echo(
        f"Imported {result.imported} new response(s), updated {result.updated} into “{name}”; "
        f"{result.mentions} theme mention(s) in its history."
    )
