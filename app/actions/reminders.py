"""Reminder digests: one mail a day to each owner with their overdue and soon-due actions.

The logic is pure (`collect_digests`, `render_digest`) and tested on plain objects; the
edge, `send_reminders`, reads the database, sends through `app.mail` and records each
digest sent, so nobody gets two on the same day.
"""

from __future__ import annotations

import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from functools import cache
from html import escape
from typing import TYPE_CHECKING, TextIO

from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlmodel import col, select

from app.actions.service import overdue_days
from app.common import today_in
from app.db import open_session
from app.display import plural, weekday_date
from app.mail import send_message
from app.models import CLOSED_STATUSES, Action, Council, Membership, ReminderDigest, User

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from app.config import Settings

# -- pure logic ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderRow:
    """One action with its council and its owner, as read from the database."""

    action_id: int
    title: str
    due_on: date
    status: str
    council_id: int
    council_name: str
    timezone: str
    user_id: int
    user_name: str
    email: str


@dataclass(frozen=True)
class DigestItem:
    action_id: int
    title: str
    due_on: date
    # Days from the council's today to the due date: negative when overdue.
    due_in: int
    overdue: bool


@dataclass(frozen=True)
class CouncilDigest:
    council_name: str
    overdue: list[DigestItem]
    due_soon: list[DigestItem]


@dataclass(frozen=True)
class Digest:
    """One person's mail: their actions grouped by council."""

    user_id: int
    name: str
    email: str
    days: int
    councils: list[CouncilDigest]

    @property
    def overdue_count(self) -> int:
        return sum(len(c.overdue) for c in self.councils)

    @property
    def due_soon_count(self) -> int:
        return sum(len(c.due_soon) for c in self.councils)

    @property
    def action_count(self) -> int:
        return self.overdue_count + self.due_soon_count


def collect_digests(rows: Iterable[ReminderRow], *, today_for: Callable[[str], date], days: int) -> list[Digest]:
    """Each owner's open actions that are overdue or due within `days`, grouped by council.

    `today_for(timezone)` is the date in a council's time zone: each council's own date
    decides what is overdue. Owners with nothing due get no digest.
    """
    by_person: dict[int, list[tuple[ReminderRow, DigestItem]]] = defaultdict(list)
    for row in rows:
        if row.status in CLOSED_STATUSES:
            continue
        today = today_for(row.timezone)
        due_in = (row.due_on - today).days
        if due_in <= days:
            overdue = overdue_days(due_on=row.due_on, status=row.status, today=today) > 0
            by_person[row.user_id].append((row, DigestItem(row.action_id, row.title, row.due_on, due_in, overdue)))

    digests = []
    for user_id, entries in by_person.items():
        entries.sort(key=lambda e: (e[0].council_name.casefold(), e[0].council_id, e[1].due_on, e[1].action_id))
        by_council: dict[tuple[int, str], list[DigestItem]] = defaultdict(list)
        for row, item in entries:
            by_council[(row.council_id, row.council_name)].append(item)
        councils = [
            CouncilDigest(name, overdue=[i for i in items if i.overdue], due_soon=[i for i in items if not i.overdue])
            for (_, name), items in by_council.items()
        ]
        person = entries[0][0]
        digests.append(Digest(user_id, person.user_name, person.email, days, councils))
    return sorted(digests, key=lambda d: (d.email, d.user_id))


def _window(days: int) -> str:
    return {0: "today", 7: "this week"}.get(days, f"within {plural(days, 'day')}")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _when(item: DigestItem) -> str:
    if item.overdue:
        return f"{plural(-item.due_in, 'day')} overdue"
    return {0: "today", 1: "tomorrow"}.get(item.due_in, f"in {item.due_in} days")


def digest_subject(digest: Digest) -> str:
    parts = []
    if digest.overdue_count:
        parts.append(f"{digest.overdue_count} overdue")
    if digest.due_soon_count:
        parts.append(f"{digest.due_soon_count} due {_window(digest.days)}")
    return "CX Council: " + ", ".join(parts)


def render_digest(digest: Digest, *, base_url: str, sender: str | None = None) -> EmailMessage:
    """The digest as a mail: plain text, with an HTML alternative in which all user text is escaped."""
    link = base_url.rstrip("/") + "/actions/{}"
    name = _one_line(digest.name)
    counts = []
    if digest.overdue_count:
        counts.append(plural(digest.overdue_count, "overdue action"))
    if digest.due_soon_count:
        counts.append(f"{plural(digest.due_soon_count, 'action')} due {_window(digest.days)}")
    intro = f"You have {' and '.join(counts)}."
    footer = "Open an action to update its progress or status, or to move its due date with a note saying why."
    sections = [("Overdue", "overdue"), (f"Due {_window(digest.days)}", "due_soon")]

    text = [f"Hello {name},", "", intro]
    html = [f"<p>Hello {escape(name)},</p>", f"<p>{escape(intro)}</p>"]
    for council in digest.councils:
        text += ["", _one_line(council.council_name)]
        html.append(f"<h2>{escape(council.council_name)}</h2>")
        for heading, attribute in sections:
            items: list[DigestItem] = getattr(council, attribute)
            if not items:
                continue
            text.append(f"  {heading}")
            html += [f"<h3>{escape(heading)}</h3>", "<ul>"]
            for item in items:
                url = link.format(item.action_id)
                text += [f"  - {_one_line(item.title)}: due {weekday_date(item.due_on)} ({_when(item)})", f"    {url}"]
                html.append(
                    f'<li><a href="{escape(url)}">{escape(item.title)}</a>: '
                    f"due {weekday_date(item.due_on)} (<strong>{_when(item)}</strong>)</li>"
                )
            html.append("</ul>")
    text += ["", footer, "", "-- ", "CX Council"]
    html.append(f"<p>{escape(footer)}</p>")

    message = EmailMessage()
    if sender:
        message["From"] = sender
    message["To"] = Address(display_name=name, addr_spec=digest.email)
    message["Subject"] = digest_subject(digest)
    message.set_content("\n".join(text) + "\n")
    body = "\n".join(html)
    message.add_alternative(
        f'<!DOCTYPE html>\n<html><body style="font-family: sans-serif">\n{body}\n</body></html>\n', subtype="html"
    )
    return message


# -- the edge: database, SMTP, the once-a-day record -----------------------------------


class ReminderFailed(Exception):
    """One person's digest could not be sent (or was sent but not recorded)."""


@dataclass
class ReminderRun:
    sending: bool
    sent: int = 0
    actions: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        done = f"{plural(self.sent, 'digest')} ({plural(self.actions, 'action')})"
        skipped = f"skipped {self.skipped} already sent today"
        if not self.sending:
            return f"Would send {done}; {skipped}. Nothing was sent or recorded."
        failed = f"; {len(self.failures)} failed" if self.failures else ""
        return f"Sent {done}; {skipped}{failed}."


def read_reminder_rows(*, session: Session, until: date) -> list[ReminderRow]:
    """Open actions of active owners due on or before `until`, in every council."""
    query = (
        select(
            Action.id,
            Action.title,
            Action.due_on,
            Action.status,
            Council.id,
            Council.name,
            Council.timezone,
            User.id,
            User.name,
            User.email,
        )
        .join(Council, col(Council.id) == Action.council_id)
        .join(Membership, col(Membership.id) == Action.owner_id)
        .join(User, col(User.id) == Membership.user_id)
        .where(col(User.is_active), col(Action.status).not_in(list(CLOSED_STATUSES)), col(Action.due_on) <= until)
    )
    return [ReminderRow(*row) for row in session.exec(query)]


def send_reminders(
    *, session: Session, settings: Settings, today: date | None, days: int, dry_run: bool, out: TextIO
) -> ReminderRun:
    """Mail each owner their digest, once a day; print it instead on a dry run or without SMTP_URL.

    What is overdue follows each council's own date unless `today` is given for all. The
    once-a-day record is kept under `today`, else under the date in UTC, so a cron job at a
    fixed hour sends one digest a day whatever the councils' time zones. Each person's
    record is committed with their send, so one failure loses no other record.
    """
    sending = bool(settings.SMTP_URL) and not dry_run
    sent_on = today or datetime.now(UTC).date()
    today_for: Callable[[str], date] = cache(today_in) if today is None else (lambda _timezone: today)
    # A council's date is at most a day ahead of UTC's; collect_digests applies the exact window.
    rows = read_reminder_rows(session=session, until=sent_on + timedelta(days=days + 1))
    digests = collect_digests(rows, today_for=today_for, days=days)
    already = set(session.exec(select(ReminderDigest.user_id).where(ReminderDigest.sent_on == sent_on)))
    run = ReminderRun(sending=sending)
    for digest in digests:
        if digest.user_id in already:
            run.skipped += 1
            continue
        try:
            message = render_digest(digest, base_url=settings.BASE_URL, sender=settings.MAIL_FROM)
            if not sending:
                _print(out, message)
            elif not _send_and_record(session.get_bind(), settings, digest, message, sent_on):
                run.skipped += 1
                continue
        except (ReminderFailed, ValueError) as exc:
            run.failures.append(f"{digest.email}: {exc}")
            continue
        run.sent += 1
        run.actions += digest.action_count
    return run


def _send_and_record(engine: Engine, settings: Settings, digest: Digest, message: EmailMessage, sent_on: date) -> bool:
    """Record and send in one transaction; False when another run has recorded this one."""
    with open_session(engine, write=True) as tx:
        tx.add(ReminderDigest(user_id=digest.user_id, sent_on=sent_on, action_count=digest.action_count))
        try:
            # The unique (user_id, sent_on) makes a concurrent run wait here, then step aside.
            tx.flush()
        except IntegrityError:
            tx.rollback()
            return False
        try:
            send_message(settings, message)
        except (smtplib.SMTPException, OSError) as exc:
            tx.rollback()
            raise ReminderFailed(_describe(exc)) from exc
        try:
            tx.commit()
        except SQLAlchemyError as exc:
            reason = getattr(exc, "orig", None) or exc
            raise ReminderFailed(f"sent, but not recorded, so the next run sends it again: {reason}") from exc
    return True


def _describe(exc: Exception) -> str:
    def reply(code: int, text: bytes | str) -> str:
        return f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "refused: " + "; ".join(reply(code, text) for code, text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return "refused: " + reply(exc.smtp_code, exc.smtp_error)
    return f"could not send: {exc or type(exc).__name__}"


def _print(out: TextIO, message: EmailMessage) -> None:
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    out.write(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text}{'-' * 72}\n")
