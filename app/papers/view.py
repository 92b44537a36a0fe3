"""What a page needs to show papers and their forms: who may attach where, and what is not circulated yet.

One object per page (`PagePapers`), read by templates/_papers.html: `can(key)` for the upload
form, `removable` for the remove buttons, `pending(key)` for papers attached since the
agenda was circulated. Keys name a target: "item:<anchor>", "report:<id>", "aob:<id>",
"initiative:<id>".
"""

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.auth import Access
from app.display import file_size
from app.models import AobItem, DepartmentReport, Initiative, Meeting, MeetingStatus, Paper, PaperTarget, Role
from app.papers import service
from app.papers.sniff import ACCEPT_ATTRIBUTE, ACCEPTED


def key_of(paper: Paper) -> str:
    ident = {
        PaperTarget.item: paper.section_key,
        PaperTarget.report: paper.report_id,
        PaperTarget.aob: paper.aob_item_id,
        PaperTarget.initiative: paper.initiative_id,
    }[PaperTarget(paper.attached_to)]
    return f"{paper.attached_to}:{ident}"


@dataclass
class PagePapers:
    """Papers' rights and pending lists for one page and one seat."""

    meeting_id: int | None
    back: str  # where the forms come back to
    file_limit_mb: int
    allowed: set[str] = field(default_factory=set)
    any_item: bool = False  # the chair and the secretary attach to every agenda item
    removable: set[int] = field(default_factory=set)
    pending_by_key: dict[str, list[Paper]] = field(default_factory=dict)
    # The papers in use by target, for pages that list them themselves (not from an agenda).
    live_by_key: dict[str, list[Paper]] = field(default_factory=dict)
    accept: str = ACCEPT_ATTRIBUTE
    accepted: str = ACCEPTED
    _assets_given: bool = False

    def can(self, key: str) -> bool:
        return key in self.allowed or (self.any_item and key.startswith("item:"))

    def pending(self, key: str) -> list[Paper]:
        return self.pending_by_key.get(key, [])

    def live(self, key: str) -> list[Paper]:
        return self.live_by_key.get(key, [])

    def size(self, size: int) -> str:
        return file_size(size)

    def assets_once(self) -> bool:
        """True the first time only: the page links the papers' stylesheet and script once."""
        first, self._assets_given = not self._assets_given, True
        return first


def _rights(session: Session, access: Access, papers: list[Paper], targets: list[service.Target]) -> tuple:
    allowed = {_target_key(t) for t in targets if service.may_attach(access, t)}
    found = [service.PaperAccess(paper=p, access=access) for p in papers]
    removable = {f.paper.id for f in found if service.may_remove(session, f)}
    return allowed, removable


def _target_key(target: service.Target) -> str:
    ident = {
        PaperTarget.item: target.section_key,
        PaperTarget.report: target.report.id if target.report else None,
        PaperTarget.aob: target.aob_item.id if target.aob_item else None,
        PaperTarget.initiative: target.initiative.id if target.initiative else None,
    }[target.attached_to]
    return f"{target.attached_to}:{ident}"


def meeting_page_papers(
    *,
    session: Session,
    access: Access,
    meeting: Meeting,
    back: str,
    shown: set[int] | None = None,
    initiative_ids: list[int] | None = None,
) -> PagePapers:
    """For the agenda or the reports page of `meeting`, and the initiatives it shows.

    `shown` holds the ids of the papers a circulated agenda lists: the papers in use that it
    does not are pending (attached since). None: the page lists the papers in use itself.
    """
    papers = service.meeting_papers(session, meeting.id) + service.initiative_papers(session, initiative_ids or [])
    council_id = meeting.council_id
    reports = session.exec(select(DepartmentReport).where(DepartmentReport.meeting_id == meeting.id))
    aob = session.exec(select(AobItem).where(AobItem.meeting_id == meeting.id))
    initiatives = session.exec(select(Initiative).where(col(Initiative.id).in_(initiative_ids or [])))
    targets = [service.Target(PaperTarget.report, council_id, meeting=meeting, report=r) for r in reports]
    targets += [service.Target(PaperTarget.aob, council_id, meeting=meeting, aob_item=a) for a in aob]
    targets += [service.initiative_target(i) for i in initiatives]
    allowed, removable = _rights(session, access, papers, targets)
    view = PagePapers(
        meeting_id=meeting.id,
        back=back,
        file_limit_mb=access.council.paper_max_file_mb,
        allowed=allowed if meeting.status != MeetingStatus.cancelled else set(),
        any_item=access.is_(Role.chair, Role.secretary) and meeting.status != MeetingStatus.cancelled,
        removable=removable,
    )
    for paper in papers:
        if shown is None:
            view.live_by_key.setdefault(key_of(paper), []).append(paper)
        elif paper.id not in shown:
            view.pending_by_key.setdefault(key_of(paper), []).append(paper)
    return view


def initiative_page_papers(*, session: Session, access: Access, initiative: Initiative, back: str) -> PagePapers:
    """For an initiative's page: its papers, and who may attach and remove them."""
    papers = service.initiative_papers(session, [initiative.id])
    allowed, removable = _rights(session, access, papers, [service.initiative_target(initiative)])
    return PagePapers(
        meeting_id=None,
        back=back,
        file_limit_mb=access.council.paper_max_file_mb,
        allowed=allowed,
        removable=removable,
        live_by_key={f"initiative:{initiative.id}": papers} if papers else {},
    )
