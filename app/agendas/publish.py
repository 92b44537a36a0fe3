"""Publishing an agenda and telling every seat: the running order, what changed, the pack, the invite.

Publishing freezes the agenda (agenda_service.freeze_agenda) and, in the same
transaction, records a job (app/models/jobs.py, key `agenda-mail:<meeting>:v<version>`)
that queues one mail per seat of the council whose account is active (the people the
meeting request lists). A publish that is refused or rolled back records no job, so it
mails nothing. The request does no more: the pack, the invite and forty mails cost about
a second of CPU (and ~5 s more the first time a council's trend charts are drawn), which
run outside it (app/jobs.py: the job process of each `council serve` worker, or any
delivery pass), in their own transaction (`send_agenda_mail`), marked done in it.

A seat that sent apologies still receives the papers, as board portals send them:
members who cannot come read the pack and send comments through a colleague. The Word
pack and the invite are built once per publish and attached to every mail; a pack above
the council's `pack_attach_limit_kb` (0: any size) is linked instead.

Published again before the previous version's job ran: that job is superseded (it mails
nothing: seats would get two mails a minute apart, the first with a pack already out of
date), and the newer version's mail says what changed since the last version that was
actually mailed (or is the first mail, if none was). Each version is mailed at most once
to each seat (the outbox's dedupe key `agenda:<meeting>:v<version>:<user>`).

Everything is built once per mail, from the snapshot as every reader will read it: the
agenda (kept in the agenda cache under its snapshot), the Word pack (kept in the pack
cache, on disk for every worker: the chair's download after is not built again), the
invite, and the mail's shared parts (running order, what changed); the outbox stores the
attachments once for all the seats (app/outbox/queue.py).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.agendas import calendar, export
from app.agendas import service as agenda_service
from app.agendas.cache import AgendaCache
from app.agendas.calendar import agenda_path
from app.agendas.changes import agenda_changes, papers
from app.agendas.model import Agenda, BestPracticeSection, DepartmentReportsSection, StandingSection
from app.auth import Access
from app.config import Settings
from app.display import ascii_slug, local_time, long_date
from app.errors import Conflict
from app.meetings import responses
from app.models import (
    AgendaSnapshot,
    Answer,
    Council,
    Job,
    JobStatus,
    Meeting,
    Membership,
    OutboxMessage,
    Role,
    User,
    utcnow,
)
from app.notifications.service import Attachment, Recipient, absolute, notify

KIND = "agenda_published"
JOB_KIND = "agenda_mail"
INVITE_NAME = "invite.ics"
# What a seat's own answer says in the mail, so someone who sent apologies knows the papers are for reading.
ANSWER_WORDS = {
    Answer.attending: "You said you are attending.",
    Answer.apologies: "You sent apologies: the papers are for your information.",
    Answer.delegate: "You are sending a delegate: please pass the papers on.",
}


@dataclass(frozen=True)
class RunningItem:
    """One line of the running order in a mail."""

    position: int
    starts_at: str
    minutes: int
    title: str
    owner: str
    details: list[str]


def job_key(meeting_id: int, version: int) -> str:
    """The job that mails version `version` of a meeting's agenda: one per version."""
    return export.JOB_KEY.format(meeting_id=meeting_id, version=version)


def publish_agenda(*, session: Session, access: Access, meeting: Meeting, cache: AgendaCache | None = None) -> Agenda:
    """Freeze today's agenda as the one circulated (chair) and record the job that mails it to every seat.

    `cache` (the app's agenda cache) is given the agenda as readers will ask for it. The mail's links are made
    when the job runs, with the runner's settings."""
    previous = agenda_service.latest_snapshot(session=session, meeting=meeting)
    snapshot, frozen, copy = agenda_service.freeze_agenda(session=session, access=access, meeting=meeting, cache=cache)
    agenda = agenda_service.kept_entry(
        session=session,
        access=access,
        meeting=meeting,
        live=False,
        snapshot=snapshot,
        cache=cache,
        stamp=None,
        frozen=frozen,
        copy=copy,
    ).agenda
    session.add(
        Job(
            kind=JOB_KIND,
            key=job_key(meeting.id, snapshot.version),
            council_id=access.council.id,
            payload={
                "meeting_id": meeting.id,
                "version": snapshot.version,
                "previous_version": previous.version if previous else None,
                "published_by": access.user.id,
                "published_at": snapshot.published_at.isoformat(),
                "seats": calendar.count_seats(session=session, council=access.council),
            },
        )
    )
    session.flush()
    return agenda


def mail_job(*, session: Session, meeting_id: int, version: int) -> Job | None:
    """The job mailing that version of the meeting's agenda, if one was recorded."""
    return session.exec(select(Job).where(Job.key == job_key(meeting_id, version))).first()


def _mailed_before(*, session: Session, meeting_id: int, version: int) -> AgendaSnapshot | None:
    """The latest version before `version` that seats were mailed: its job done, or published before jobs."""
    earlier = session.exec(
        select(AgendaSnapshot)
        .options(defer(AgendaSnapshot.content))
        .where(AgendaSnapshot.meeting_id == meeting_id, col(AgendaSnapshot.version) < version)
        .order_by(col(AgendaSnapshot.version).desc())
    ).all()
    # The jobs of all of them in one query, not one a version.
    keys = {snapshot.version: job_key(meeting_id, snapshot.version) for snapshot in earlier}
    statuses = dict(session.exec(select(Job.key, Job.status).where(col(Job.key).in_(keys.values()))).all())
    for snapshot in earlier:
        status = statuses.get(keys[snapshot.version])
        if status is None or status == JobStatus.done:
            return snapshot
    return None


def _publisher_access(session: Session, meeting: Meeting, user_id: int | None) -> Access | None:
    """The seat the mail is sent as: who published, else the council's chair today."""
    council = session.get(Council, meeting.council_id)
    rows = session.exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.council_id == meeting.council_id)
        .order_by(col(Membership.user_id) != user_id, col(Membership.role) != Role.chair, col(Membership.id))
        .limit(1)
    ).first()
    if council is None or rows is None:
        return None
    membership, user = rows
    return Access(user=user, council=council, membership=membership)


def send_agenda_mail(
    *, session: Session, settings: Settings, payload: dict, cache: AgendaCache | None = None
) -> tuple[JobStatus, int]:
    """The job recorded by publish_agenda: mail the version it names to every seat; (its outcome, mails queued).

    Superseded when a newer version has been published since (its own job mails that one); done with nothing
    queued when the meeting is gone. Flushes, never commits: the runner marks the job in the same transaction."""
    cache = cache if cache is not None else AgendaCache(max_entries=2, pack_bytes=0)
    meeting = session.get(Meeting, payload["meeting_id"])
    if meeting is None:
        return JobStatus.done, 0
    latest = agenda_service.latest_snapshot(session=session, meeting=meeting)
    if latest is None or latest.version != payload["version"]:
        return JobStatus.superseded, 0
    access = _publisher_access(session, meeting, payload.get("published_by"))
    if access is None:
        return JobStatus.done, 0
    previous = _mailed_before(session=session, meeting_id=meeting.id, version=latest.version)
    before = (
        agenda_service.kept_entry(
            session=session, access=access, meeting=meeting, live=False, snapshot=previous, cache=cache, stamp=None
        ).agenda
        if previous
        else None
    )
    agenda = agenda_service.kept_entry(
        session=session, access=access, meeting=meeting, live=False, snapshot=latest, cache=cache, stamp=None
    ).agenda
    sent = mail_agenda(
        session=session, settings=settings, access=access, meeting=meeting, agenda=agenda, before=before, cache=cache
    )
    return JobStatus.done, len(sent)


def prepare_agenda_mail(*, session: Session, payload: dict, cache: AgendaCache) -> None:
    """Build the pack the job will attach, in a read transaction (`cache` keeps it for send_agenda_mail): on SQLite
    the job's write transaction then holds the write lock for the mail alone, not for the pack and its charts."""
    meeting = session.get(Meeting, payload["meeting_id"])
    access = _publisher_access(session, meeting, payload.get("published_by")) if meeting else None
    if access is not None:
        export.agenda_docx(session=session, access=access, meeting=meeting, cache=cache)


@dataclass(frozen=True)
class Notices:
    """Where the circulated version's notices are, for the chair and secretary (the agenda page)."""

    status: str  # a JobStatus
    seats: int  # being sent to
    sent: int  # queued in the outbox, once done
    finished: str  # when it ended, as the council reads it ('3 Mar 2026, 14:05'); "" while it has not
    last_error: str
    attempts: int


def notices_state(*, session: Session, meeting_id: int, version: int, timezone: str) -> Notices | None:
    """The notices of that version (None: published before notices were jobs)."""
    job = mail_job(session=session, meeting_id=meeting_id, version=version)
    if job is None:
        return None
    payload = job.payload
    return Notices(
        status=job.status,
        seats=payload.get("seats", 0),
        sent=payload.get("sent", 0),
        finished=local_time(job.finished_at, timezone) if job.finished_at else "",
        last_error=job.last_error,
        attempts=job.attempts,
    )


def send_again(*, session: Session, access: Access, meeting: Meeting) -> Job:
    """Queue the circulated version's failed notices again, with a fresh count of attempts (chair or secretary)."""
    access.require(Role.chair, Role.secretary, doing="send the agenda's notices again")
    latest = agenda_service.latest_snapshot(session=session, meeting=meeting)
    job = mail_job(session=session, meeting_id=meeting.id, version=latest.version) if latest else None
    if job is None or job.status != JobStatus.failed:
        raise Conflict("The notices of this agenda have not failed: there is nothing to send again.")
    job.status, job.attempts, job.lease_until, job.finished_at = JobStatus.queued, 0, None, None
    session.add(job)
    session.flush()
    return job


def mail_now(*, session: Session, settings: Settings, meeting: Meeting) -> int:
    """Run the latest version's job in this transaction (the demo, which loads everything in one); mails queued."""
    latest = agenda_service.latest_snapshot(session=session, meeting=meeting)
    job = mail_job(session=session, meeting_id=meeting.id, version=latest.version) if latest else None
    if job is None or job.status != JobStatus.queued:
        return 0
    job.status, sent = send_agenda_mail(session=session, settings=settings, payload=job.payload)
    job.finished_at = utcnow()
    job.payload = {**job.payload, "sent": sent}
    session.add(job)
    session.flush()
    return sent


def _details(section) -> list[str]:
    if isinstance(section, DepartmentReportsSection):
        missing = [d.name for d in section.departments if not d.submitted]
        lines = [f"Reports in: {', '.join(papers(section)) or 'none yet'}"]
        return lines + ([f"Not yet in: {', '.join(missing)}"] if missing else [])
    if isinstance(section, StandingSection):
        return [section.details] if section.details else []
    if isinstance(section, BestPracticeSection):
        return [f"From {department}" for department in papers(section)]
    found = papers(section)
    if len(found) > 5:
        return [*found[:5], f"and {len(found) - 5} more in the pack"]
    return found


def running_order(agenda: Agenda) -> list[RunningItem]:
    """The agenda's items in its running order, with times, owners and what is under each."""
    items = []
    for section in agenda.sections:
        owner = ""
        if isinstance(section, StandingSection) and section.owner_name:
            owner = section.owner_name + (f", {section.owner_department}" if section.owner_department else "")
        items.append(
            RunningItem(
                position=section.position,
                starts_at=section.starts_at,
                minutes=section.minutes_allocated,
                title=section.title,
                owner=owner,
                details=_details(section),
            )
        )
    return items


def subject(agenda: Agenda) -> str:
    h = agenda.meeting
    what = "Agenda published" if agenda.version == 1 else f"Agenda updated (version {agenda.version})"
    return f"{what}: {h.council_name} meeting {h.number}, {long_date(h.date)}"


def mail_agenda(
    *,
    session: Session,
    settings: Settings,
    access: Access,
    meeting: Meeting,
    agenda: Agenda,
    before: Agenda | None,
    now: datetime | None = None,
    cache: AgendaCache | None = None,
) -> list[OutboxMessage]:
    """Queue the published `agenda` to every active seat, with what changed since `before`; the rows queued.

    The pack and the invite read the agenda through `cache`, where publish_agenda has put it."""
    council = access.council
    now = now or utcnow()
    pack = export.agenda_docx(session=session, access=access, meeting=meeting, cache=cache)
    limit = council.pack_attach_limit_kb * 1024
    attach_pack = 0 < len(pack.content) <= limit
    h = agenda.meeting
    attachments = [
        Attachment(
            filename=INVITE_NAME,
            content=calendar.meeting_invite(
                session=session,
                access=access,
                meeting=meeting,
                settings=settings,
                now=now,
                answers=responses.partstats(session, meeting),
                cache=cache,
            ),
            media_type="text/calendar",
            params={"method": "REQUEST", "charset": "utf-8"},
        )
    ]
    pack_name = f"{ascii_slug(h.council_name)}-agenda-{h.date.isoformat()}.docx"
    if attach_pack:
        attachments.insert(0, Attachment(filename=pack_name, content=pack.content, media_type=pack.media_type))
    seats = calendar.council_seats(session=session, council=council)
    answers = responses.load_responses(session=session, meeting=meeting)
    by_user = {
        s.user_id: ANSWER_WORDS.get(Answer(answers[s.membership_id].answer), "")
        for s in seats
        if s.membership_id in answers
    }
    context = {
        "agenda": agenda,
        "when": f"{long_date(h.date)}, {h.start_time}–{h.end_time} ({h.timezone})",
        "items": running_order(agenda),
        "first": before is None,
        "previous_version": before.version if before else None,
        "changes": agenda_changes(before, agenda),
        "pack": {
            "attached": attach_pack,
            "name": pack_name,
            "size": f"{max(1, round(len(pack.content) / 1024))} KB",
            "limit": f"{council.pack_attach_limit_kb} KB",
            "always_linked": council.pack_attach_limit_kb == 0,
            "url": absolute(settings, f"/api/meetings/{meeting.id}/agenda.docx"),
        },
        "answer_url": absolute(settings, agenda_path(meeting.id) + "#attendance"),
        "answers": by_user,
    }
    return notify(
        session,
        settings,
        kind=KIND,
        council=council,
        recipients=[Recipient(s.user_id, s.person.name, s.person.email) for s in seats if s.user_id is not None],
        subject=subject(agenda),
        template="agenda_published",
        context=context,
        link=agenda_path(meeting.id),
        attachments=attachments,
        dedupe_key=lambda r: f"agenda:{meeting.id}:v{agenda.version}:{r.user_id}",
        now=now,
    )
