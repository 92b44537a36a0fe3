"""Publishing an agenda and telling every seat: the running order, what changed, the pack, the invite.

Publishing freezes the agenda (agenda_service.publish_agenda) and, in the same
transaction, queues one mail per seat of the council whose account is active (the
people the meeting request lists). A seat that sent apologies still receives the
papers, as board portals send them: members who cannot come read the pack and send
comments through a colleague. The Word pack and the invite are built once per publish
and attached to every mail; a pack above the council's `pack_attach_limit_kb` (0: any
size) is linked instead. A publish that is refused or rolled back queues nothing.

Everything is built once per publish, from the snapshot just written as every reader
will read it: the agenda (kept in the agenda cache under its snapshot), the Word pack
(kept in the pack cache, so the chair's download right after is not built again), the
invite, and the mail's shared parts (running order, what changed); the outbox stores the
attachments once for all the seats (app/outbox/queue.py).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.agendas import calendar, export
from app.agendas import service as agenda_service
from app.agendas.cache import AgendaCache
from app.agendas.calendar import agenda_path
from app.agendas.changes import agenda_changes, papers
from app.agendas.model import Agenda, BestPracticeSection, DepartmentReportsSection, StandingSection
from app.auth import Access
from app.config import Settings
from app.display import ascii_slug, long_date
from app.meetings import responses
from app.models import Answer, Meeting, OutboxMessage, utcnow
from app.notifications.service import Attachment, Recipient, absolute, notify

KIND = "agenda_published"
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


def publish_agenda(
    *, session: Session, settings: Settings, access: Access, meeting: Meeting, cache: AgendaCache | None = None
) -> Agenda:
    """Freeze today's agenda as the one circulated (chair) and queue its mail to every seat.

    `cache` (the app's agenda cache) is given the agenda and its Word pack as readers will ask for them."""
    # Without the app's cache, one for this publish: the pack and the invite still share one agenda.
    cache = cache if cache is not None else AgendaCache(max_entries=1, pack_bytes=0)
    previous = agenda_service.latest_snapshot(session=session, meeting=meeting)
    # What was circulated until now, as its readers have it (most often still kept: no second read of it).
    before = (
        agenda_service.kept_entry(
            session=session, access=access, meeting=meeting, live=False, snapshot=previous, cache=cache, stamp=None
        ).agenda
        if previous
        else None
    )
    snapshot = agenda_service.publish_snapshot(session=session, access=access, meeting=meeting)
    agenda = agenda_service.kept_entry(
        session=session, access=access, meeting=meeting, live=False, snapshot=snapshot, cache=cache, stamp=None
    ).agenda
    mail_agenda(
        session=session, settings=settings, access=access, meeting=meeting, agenda=agenda, before=before, cache=cache
    )
    return agenda


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
