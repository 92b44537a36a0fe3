"""What a page needs to show papers and their forms: who may attach where, and what is not circulated yet.

One object per page (`PagePapers`), read by templates/_papers.html: `can(key)` for the upload
form, `removable` for the remove buttons, `pending(key)` for papers attached since the
agenda was circulated. Keys name a target: "item:<anchor>", "report:<id>", "aob:<id>",
"initiative:<id>".
"""

from dataclasses import dataclass, field

from sqlmodel import Session

from app.auth import Access
from app.models import AobItem, DepartmentReport, Initiative, Meeting, Paper, PaperTarget, Role
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
    accept: str = ACCEPT_ATTRIBUTE
    accepted: str = ACCEPTED
    _assets_given: bool = False

    def can(self, key: str) -> bool:
        return key in self.allowed or (self.any_item and key.startswith("item:"))

    def pending(self, key: str) -> list[Paper]:
        return self.pending_by_key.get(key, [])

    def size(self, size: int) -> str:
        return service.describe_mb(size)

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
    shown: set[int] | None,
    reports: list[DepartmentReport] | None = None,
    aob: list[AobItem] | None = None,
    initiatives: list[Initiative] | None = None,
) -> PagePapers:
    """For the agenda (or reports) page of `meeting`: `shown` holds the ids of the papers the page shows
    (a circulated agenda's); live papers not among them are pending. None: the page shows them all."""
    papers = service.meeting_papers(session, meeting.id)
    if initiatives:
        papers += service.initiative_papers(session, [i.id for i in initiatives])
    targets = [service.Target(PaperTarget.report, meeting.council_id, meeting=meeting, report=r) for r in reports or []]
    targets += [service.Target(PaperTarget.aob, meeting.council_id, meeting=meeting, aob_item=a) for a in aob or []]
    targets += [service.initiative_target(i) for i in initiatives or []]
    allowed, removable = _rights(session, access, papers, targets)
    view = PagePapers(
        meeting_id=meeting.id,
        back=back,
        file_limit_mb=access.council.paper_max_file_mb,
        allowed=allowed,
        any_item=access.is_(Role.chair, Role.secretary) and meeting.status != "cancelled",
        removable=removable,
    )
    # Papers on the circulated agenda that were removed since are still shown there: let them be seen, not removed.
    if shown is not None:
        for paper in papers:
            if paper.id not in shown:
                view.pending_by_key.setdefault(key_of(paper), []).append(paper)
    return view


def initiative_page_papers(*, session: Session, access: Access, initiative: Initiative, back: str) -> PagePapers:
    """For an initiative's page: its papers' rights (the page lists the papers themselves)."""
    papers = service.initiative_papers(session, [initiative.id])
    allowed, removable = _rights(session, access, papers, [service.initiative_target(initiative)])
    return PagePapers(
        meeting_id=None,
        back=back,
        file_limit_mb=access.council.paper_max_file_mb,
        allowed=allowed,
        removable=removable,
    )
