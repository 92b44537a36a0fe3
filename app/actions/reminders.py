"""Reminder digests: one mail a day to each owner with their overdue and soon-due actions.

The logic is pure (`collect_digests`, `render_digest`) and tested on plain objects; the
edge, `queue_digests` (run by app/jobs.py), reads the database and queues each digest on
the outbox with a record of the day, so nobody gets two on the same day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from functools import cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, TextIO

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.actions.service import overdue_days
from app.common import today_in
from app.display import plural
from app.models import CLOSED_STATUSES, Action, Council, Membership, ReminderDigest, User
from app.notifications.compose import render_mail
from app.notifications.kinds import KINDS
from app.notifications.preferences import is_required, unsubscribe_url, wants
from app.notifications.service import Recipient, build_message, notify

if TYPE_CHECKING:
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
    council_id: int = 0


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
            CouncilDigest(
                name,
                overdue=[i for i in items if i.overdue],
                due_soon=[i for i in items if not i.overdue],
                council_id=council_id,
            )
            for (council_id, name), items in by_council.items()
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


def _sections(digest_days: int) -> Callable[[CouncilDigest], list[tuple[str, list[DigestItem]]]]:
    def sections(council: CouncilDigest) -> list[tuple[str, list[DigestItem]]]:
        pairs = [("Overdue", council.overdue), (f"Due {_window(digest_days)}", council.due_soon)]
        return [(heading, items) for heading, items in pairs if items]

    return sections


def digest_context(digest: Digest, *, base_url: str) -> dict:
    """What templates/mail/action_digest.* need besides the layout's own names."""
    counts = []
    if digest.overdue_count:
        counts.append(plural(digest.overdue_count, "overdue action"))
    if digest.due_soon_count:
        counts.append(f"{plural(digest.due_soon_count, 'action')} due {_window(digest.days)}")
    link = base_url.rstrip("/") + "/actions/{}"
    return {
        "digest": digest,
        "intro": f"You have {' and '.join(counts)}.",
        "footer": "Open an action to update its progress or status, or to move its due date with a note saying why.",
        "sections": _sections(digest.days),
        "when": _when,
        "one_line": _one_line,
        "action_url": lambda item: link.format(item.action_id),
        "other_councils": [],
    }


def render_digest(digest: Digest, *, base_url: str, sender: str | None = None) -> EmailMessage:
    """The digest as a mail (what a dry run prints): plain text, and HTML in which all user text is escaped."""
    council = SimpleNamespace(name=digest.councils[0].council_name if digest.councils else "CX Council")
    recipient = Recipient(digest.user_id, digest.name, digest.email)
    context = {
        **digest_context(digest, base_url=base_url),
        "recipient": recipient,
        "council": council,
        "link": base_url,
        "kind": KINDS["action_digest"],
        "preferences_url": base_url.rstrip("/") + "/notifications",
        "unsubscribe_url": None,
    }
    text, html = render_mail("action_digest", context)
    message = build_message(recipient=recipient, subject=digest_subject(digest), text=text, html=html)
    if sender:
        message["From"] = sender
    return message


# -- the edge: database, the outbox, the once-a-day rule --------------------------------


@dataclass
class ReminderRun:
    sending: bool
    sent: int = 0
    actions: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        done = f"{plural(self.sent, 'digest')} ({plural(self.actions, 'action')})"
        skipped = f"skipped {self.skipped} already queued today"
        if not self.sending:
            return f"Would queue {done}; {skipped}. Nothing was queued or recorded."
        return f"Queued {done}; {skipped}."


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


def due_digests(
    *, session: Session, today: date | None, days: int, now: datetime | None = None
) -> tuple[date, list[Digest]]:
    """(the day the once-a-day rule counts under, each person's digest).

    What is overdue follows each council's own date unless `today` is given for all. The
    day is `today`, else the date in UTC, so a job run at any hour queues one a day.
    """
    sent_on = today or (now or datetime.now(UTC)).astimezone(UTC).date()
    today_for: Callable[[str], date] = cache(today_in) if today is None else (lambda _timezone: today)
    # A council's date is at most a day ahead of UTC's; collect_digests applies the exact window.
    rows = read_reminder_rows(session=session, until=sent_on + timedelta(days=days + 1))
    return sent_on, collect_digests(rows, today_for=today_for, days=days)


def _wanted(session: Session, settings: Settings, digest: Digest) -> tuple[Digest, list[Council]]:
    """The digest cut to the councils whose digest the person wants, and those councils."""
    councils = [session.get(Council, c.council_id) for c in digest.councils]
    kept = [
        (part, council)
        for part, council in zip(digest.councils, councils, strict=True)
        if council is not None and wants(session, user_id=digest.user_id, council=council, kind="action_digest")
    ]
    return replace(digest, councils=[part for part, _ in kept]), [council for _, council in kept]


def _not_yet_sent(
    session: Session, settings: Settings, digests: list[Digest], *, sent_on: date, run: ReminderRun
) -> Iterator[tuple[Digest, list[Council]]]:
    """Each digest not yet sent on `sent_on` (counted in `run.skipped`), cut to the councils it is wanted from."""
    already = set(session.exec(select(ReminderDigest.user_id).where(ReminderDigest.sent_on == sent_on)))
    for whole in digests:
        if whole.user_id in already:
            run.skipped += 1
            continue
        digest, councils = _wanted(session, settings, whole)
        if councils:
            yield digest, councils


def queue_digests(
    session: Session, settings: Settings, *, today: date | None = None, days: int = 7, now: datetime | None = None
) -> ReminderRun:
    """Queue one digest per person for today (each in its own savepoint), never two on one day.

    The digest spans the person's councils (one mail a day, as the README promises); its
    footer names the first council and links to stop the digest of each. A person's
    `ReminderDigest` row and the outbox's unique dedupe key `digest:<user>:<date>` decide
    "already today": a run that loses a race to a concurrent one skips that person and
    keeps everyone else. The caller commits.
    """
    sent_on, digests = due_digests(session=session, today=today, days=days, now=now)
    run = ReminderRun(sending=True)
    for digest, councils in _not_yet_sent(session, settings, digests, sent_on=sent_on, run=run):
        try:
            with session.begin_nested():
                session.add(ReminderDigest(user_id=digest.user_id, sent_on=sent_on, action_count=digest.action_count))
                session.flush()
                queued = _queue_one(session, settings, digest, councils, sent_on=sent_on, now=now)
        except IntegrityError:
            # A concurrent run queued this person's digest first: theirs stands.
            run.skipped += 1
            continue
        if queued:
            run.sent += 1
            run.actions += digest.action_count
        else:
            run.skipped += 1
    return run


def _queue_one(
    session: Session,
    settings: Settings,
    digest: Digest,
    councils: list[Council],
    *,
    sent_on: date,
    now: datetime | None,
) -> bool:
    first, *others = councils
    context = digest_context(digest, base_url=settings.BASE_URL)
    context["other_councils"] = [
        SimpleNamespace(
            name=c.name,
            unsubscribe_url=unsubscribe_url(settings, user_id=digest.user_id, council_id=c.id, kind="action_digest"),
        )
        for c in others
        if c.id is not None and not is_required(c, "action_digest")
    ]
    rows = notify(
        session,
        settings,
        kind="action_digest",
        council=first,
        recipients=[Recipient(digest.user_id, digest.name, digest.email)],
        subject=digest_subject(digest),
        template="action_digest",
        context=context,
        link="/",
        dedupe_key=lambda r: f"digest:{r.user_id}:{sent_on.isoformat()}",
        now=now,
    )
    session.flush()
    return bool(rows)


def print_digests(*, session: Session, settings: Settings, today: date | None, days: int, out: TextIO) -> ReminderRun:
    """Print what `queue_digests` would queue today; queue and record nothing (a dry run)."""
    sent_on, digests = due_digests(session=session, today=today, days=days)
    run = ReminderRun(sending=False)
    for digest, _ in _not_yet_sent(session, settings, digests, sent_on=sent_on, run=run):
        _print(out, render_digest(digest, base_url=settings.BASE_URL, sender=settings.MAIL_FROM))
        run.sent += 1
        run.actions += digest.action_count
    return run


def _print(out: TextIO, message: EmailMessage) -> None:
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    out.write(f"To: {message['To']}\nSubject: {message['Subject']}\n\n{text}{'-' * 72}\n")
