"""Papers: attach a file to an agenda item, a report, an AOB item or an initiative; read and archive it.

Who may attach (mirroring who may change the thing it is attached to): the chair and the
secretary to anything in their council; a member to their own department's report, to
AOB items they submitted and to initiatives they own. Observers attach nothing, and read
a meeting's papers once its agenda is published (as they read the agenda).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.archive import archive_record
from app.archived import INCLUDE_ARCHIVED
from app.auth import Access, load_record_access
from app.councils.sections import SECTION_KEYS, SECTION_TITLES, standing_id
from app.display import file_size
from app.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from app.models import (
    AgendaSnapshot,
    AobItem,
    Department,
    DepartmentReport,
    Initiative,
    Meeting,
    MeetingStatus,
    Paper,
    PaperTarget,
    Role,
    StandingItem,
    User,
)
from app.papers.sniff import sniff
from app.papers.store import content_key, paper_store

MB = 1024 * 1024


@dataclass(frozen=True)
class Target:
    """What a paper is attached to, loaded and checked to belong to the council (and meeting)."""

    attached_to: PaperTarget
    council_id: int
    meeting: Meeting | None = None
    section_key: str | None = None
    report: DepartmentReport | None = None
    aob_item: AobItem | None = None
    initiative: Initiative | None = None
    label: str = ""  # "item “Department reports”", "the Billing report", "AOB item “Parking”" …


def meeting_target(
    *,
    session: Session,
    meeting: Meeting,
    attached_to: str,
    section_key: str | None = None,
    report_id: int | None = None,
    aob_item_id: int | None = None,
) -> Target:
    """The item, report or AOB item of `meeting` a paper is for; Invalid naming the field otherwise."""
    if attached_to == PaperTarget.item:
        key = (section_key or "").strip()
        found = standing_id(key)
        if key in SECTION_KEYS:
            title = SECTION_TITLES[key]
        elif found is not None and (item := session.get(StandingItem, found)) and item.council_id == meeting.council_id:
            title = item.title
        else:
            raise Invalid(f"“{key[:60]}” is not an item of this meeting's agenda.", field="section_key")
        return Target(PaperTarget.item, meeting.council_id, meeting=meeting, section_key=key, label=f"item “{title}”")
    if attached_to == PaperTarget.report:
        report = session.get(DepartmentReport, report_id) if report_id else None
        if report is None or report.meeting_id != meeting.id:
            raise Invalid("Say which of this meeting's department reports the paper is for.", field="report_id")
        department = session.get(Department, report.department_id)
        name = department.name if department else "department"
        return Target(
            PaperTarget.report, meeting.council_id, meeting=meeting, report=report, label=f"the {name} report"
        )
    if attached_to == PaperTarget.aob:
        item = session.get(AobItem, aob_item_id) if aob_item_id else None
        if item is None or item.meeting_id != meeting.id:
            raise Invalid("Say which of this meeting's AOB items the paper is for.", field="aob_item_id")
        return Target(PaperTarget.aob, meeting.council_id, meeting=meeting, aob_item=item, label=f"AOB “{item.title}”")
    raise Invalid("attached_to must be item, report or aob.", field="attached_to")


def initiative_target(initiative: Initiative) -> Target:
    return Target(
        PaperTarget.initiative,
        initiative.council_id,
        initiative=initiative,
        label=f"initiative “{initiative.title}”",
    )


def may_attach(access: Access, target: Target) -> bool:
    """Whether this seat may attach papers to (and remove them from) `target`."""
    if access.council.id != target.council_id or access.is_(Role.observer):
        return False
    if access.is_(Role.chair, Role.secretary):
        return True
    seat = access.membership
    if target.report is not None:
        return seat.department_id is not None and seat.department_id == target.report.department_id
    if target.aob_item is not None:
        return target.aob_item.submitted_by_id == seat.id
    if target.initiative is not None:
        return target.initiative.owner_id == seat.id
    return False


def _refuse(target: Target) -> Forbidden:
    if target.attached_to == PaperTarget.item:
        return Forbidden("Only the council's chair or secretary can attach papers to an agenda item.")
    whose = {
        PaperTarget.report: "members of its department",
        PaperTarget.aob: "whoever submitted it",
        PaperTarget.initiative: "its owner",
    }[target.attached_to]
    return Forbidden(f"Only the chair, the secretary or {whose} can attach papers to {target.label}.")


# A meeting's paper whose report or AOB item is gone (a withdrawn AOB item is deleted) is on no agenda.
STILL_ATTACHED = or_(
    Paper.attached_to == PaperTarget.item, col(Paper.report_id).is_not(None), col(Paper.aob_item_id).is_not(None)
)


def meeting_total(session: Session, meeting_id: int) -> int:
    """The bytes of a meeting's papers in use (archived ones, and those of withdrawn AOB items, no longer count)."""
    query = select(func.coalesce(func.sum(Paper.size), 0)).where(
        Paper.meeting_id == meeting_id, col(Paper.archived_at).is_(None), STILL_ATTACHED
    )
    return session.exec(query).one()


def check_limits(*, session: Session, access: Access, target: Target, name: str, size: int) -> None:
    """TooLarge naming the file and the council's limit, or the meeting's total and its limit."""
    council = access.council
    file_limit = council.paper_max_file_mb * MB
    if size > file_limit:
        raise TooLarge(
            f"“{name}” is over the council's limit of {council.paper_max_file_mb} MB a file "
            "(the chair sets it in the council's settings)."
        )
    if target.meeting is not None:
        used = meeting_total(session, target.meeting.id)
        meeting_limit = council.paper_max_meeting_mb * MB
        if used + size > meeting_limit:
            raise TooLarge(
                f"“{name}” ({file_size(size)}) would take Meeting {target.meeting.number}'s papers to "
                f"{file_size(used + size)}, over the council's limit of {council.paper_max_meeting_mb} MB "
                f"a meeting ({file_size(used)} attached so far)."
            )


def attach_paper(*, session: Session, access: Access, target: Target, filename: str | None, content: bytes) -> Paper:
    """Keep an uploaded file as a paper of `target`: checked for who, size and kind (from the content)."""
    if not may_attach(access, target):
        raise _refuse(target)
    if target.meeting is not None and target.meeting.status == MeetingStatus.cancelled:
        raise Conflict(f"Meeting {target.meeting.number} was cancelled; attach the paper to the next meeting instead.")
    # The size first: a file over the limit was not read whole (see the routes), so it cannot be sniffed whole.
    check_limits(session=session, access=access, target=target, name=filename or "The file", size=len(content))
    found = sniff(filename, content)
    key = paper_store(session).put(content)
    paper = Paper(
        council_id=target.council_id,
        attached_to=target.attached_to,
        meeting_id=target.meeting.id if target.meeting else None,
        section_key=target.section_key,
        report_id=target.report.id if target.report else None,
        aob_item_id=target.aob_item.id if target.aob_item else None,
        initiative_id=target.initiative.id if target.initiative else None,
        name=found.name,
        media_type=found.media_type,
        kind=found.kind,
        size=len(content),
        sha256=content_key(content),
        storage_key=key,
        uploaded_by_id=access.user.id,
        uploaded_by_name=access.user.name[:120],
    )
    session.add(paper)
    session.flush()
    return paper


# Reading


def meeting_papers(session: Session, meeting_id: int) -> list[Paper]:
    """A meeting's papers in use (items, reports, AOB), in the order they were attached."""
    return list(
        session.exec(
            select(Paper)
            .where(Paper.meeting_id == meeting_id, STILL_ATTACHED)
            .order_by(col(Paper.uploaded_at), col(Paper.id))
        )
    )


def initiative_papers(session: Session, initiative_ids: Iterable[int]) -> list[Paper]:
    """The papers in use of these initiatives, in the order they were attached."""
    ids = sorted(set(initiative_ids))
    if not ids:
        return []
    return list(
        session.exec(
            select(Paper)
            .where(col(Paper.initiative_id).in_(ids), Paper.attached_to == PaperTarget.initiative)
            .order_by(col(Paper.uploaded_at), col(Paper.id))
        )
    )


def agenda_papers(*, session: Session, meeting_id: int, council_id: int) -> list[Paper]:
    """What an agenda lists: the meeting's papers in use and the council's initiatives' (one query)."""
    return list(
        session.exec(
            select(Paper)
            .where(
                Paper.council_id == council_id,
                (Paper.meeting_id == meeting_id) | (Paper.attached_to == PaperTarget.initiative),
            )
            .order_by(col(Paper.uploaded_at), col(Paper.id))
        )
    )


def published(session: Session, meeting_id: int) -> bool:
    query = select(AgendaSnapshot.id).where(AgendaSnapshot.meeting_id == meeting_id).limit(1)
    return session.exec(query).first() is not None


def refuse_observer() -> None:
    raise Forbidden("Observers read papers once the agenda they are on is published.")


@dataclass(frozen=True)
class PaperAccess:
    paper: Paper
    access: Access


def load_paper_access(*, session: Session, user: User, paper_id: int) -> PaperAccess:
    """A paper (archived ones too: a circulated pack links them) and the reader's seat on its council.

    Not found for anyone without a seat there; observers read a meeting's papers once its
    agenda is published (as they read the agenda), and initiatives' papers as they read initiatives.
    """
    paper, access = load_record_access(
        session=session, user=user, model=Paper, record_id=paper_id, label="Paper", include_archived=True
    )
    if access.is_(Role.observer) and paper.meeting_id is not None and not published(session, paper.meeting_id):
        refuse_observer()
    return PaperAccess(paper=paper, access=access)


def paper_target(session: Session, paper: Paper) -> Target | None:
    """What the paper is attached to now (None when that was withdrawn)."""
    if paper.attached_to == PaperTarget.initiative:
        initiative = session.get(Initiative, paper.initiative_id) if paper.initiative_id else None
        return initiative_target(initiative) if initiative else None
    meeting = session.get(Meeting, paper.meeting_id, execution_options=INCLUDE_ARCHIVED) if paper.meeting_id else None
    if meeting is None:
        return None
    try:
        return meeting_target(
            session=session,
            meeting=meeting,
            attached_to=paper.attached_to,
            section_key=paper.section_key,
            report_id=paper.report_id,
            aob_item_id=paper.aob_item_id,
        )
    except Invalid:
        return None


def may_remove(session: Session, found: PaperAccess) -> bool:
    """The uploader, or whoever may attach papers to what it is attached to."""
    access, paper = found.access, found.paper
    if access.is_(Role.observer):
        return False
    if access.is_(Role.chair, Role.secretary) or paper.uploaded_by_id == access.user.id:
        return True
    target = paper_target(session, paper)
    return target is not None and may_attach(access, target)


def archive_paper(*, session: Session, found: PaperAccess) -> Paper:
    """Take a paper off the agenda (archived: its bytes stay for the packs circulated with it)."""
    paper = found.paper
    if not may_remove(session, found):
        raise Forbidden("Only the chair, the secretary or whoever attached this paper can remove it.")
    if paper.archived_at is not None:
        return paper
    return archive_record(
        session=session, record=paper, user=found.access.user, detail={"name": paper.name, "size": paper.size}
    )


def content_of(session: Session, paper: Paper) -> bytes:
    """One paper's bytes."""
    found = paper_store(session).get_many([paper.storage_key])
    if paper.storage_key not in found:
        raise NotFound(f"The contents of “{paper.name}” are missing from the store.")
    return found[paper.storage_key]


def contents(session: Session, paper_ids: Iterable[int]) -> dict[int, bytes]:
    """The bytes of each paper by id, archived ones included (a circulated pack still lists them).

    Ids not found are left out. One query for the papers and one for their bytes.
    """
    ids = sorted({int(i) for i in paper_ids})
    if not ids:
        return {}
    keys = dict(
        session.exec(
            select(Paper.id, Paper.storage_key).where(col(Paper.id).in_(ids)).execution_options(**INCLUDE_ARCHIVED)
        ).all()
    )
    found = paper_store(session).get_many(keys.values())
    return {paper_id: found[key] for paper_id, key in keys.items() if key in found}
