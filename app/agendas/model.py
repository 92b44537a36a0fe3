"""The typed Agenda: one object that the JSON API, the page and the Word pack all render."""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from app.agendas.voice_model import CustomerVoice, DepartmentVoice, ThemeFlags

# The council sets minutes per section; the sections themselves are its setting's keys.
from app.councils.sections import (  # noqa: F401  (the builder reads them here)
    DEFAULT_MINUTES,
    SECTION_KEYS,
    SECTION_TITLES,
    standing_ref,
)

# A reading in a trend: the measures' own frozen dataclass (period, value), so an
# agenda shares the points its statistics computed instead of copying each one.
from app.measures.stats import Point
from app.meetings.forecast import Forecast


class PaperRef(BaseModel):
    """A paper (a file a department or owner brings) attached to an agenda item, a department
    report, an AOB item or an initiative, as the agenda lists it.

    A published agenda keeps the references it was published with; a paper's bytes never
    change (a new version is a new paper), so a circulated pack can always be rebuilt.
    """

    id: int
    name: str  # the file name as uploaded (shown, and offered as the download's name)
    size: int  # bytes
    media_type: str  # checked from the content, not the name
    kind: str  # the reader's word for it: "PDF", "Word", "Excel", "PowerPoint", "Image"
    uploaded_by: str | None = None

    @property
    def is_pdf(self) -> bool:
        return self.media_type == "application/pdf"


class Person(BaseModel):
    membership_id: int
    name: str
    role: str
    department: str | None = None
    is_external: bool = False
    # Apologies: the reason given; a delegate: the member's note, if any.
    note: str = ""
    # Who attends in this member's place (a delegate answer).
    delegate_name: str = ""


class MeetingRef(BaseModel):
    id: int
    number: int
    date: date


class Header(BaseModel):
    council_id: int
    council_name: str
    meeting_id: int
    number: int
    title: str
    scheduled_at: datetime
    timezone: str
    date: date
    start_time: str
    end_time: str
    duration_minutes: int
    location: str
    expected_attendees: list[Person]
    apologies: list[Person]
    previous_meeting: MeetingRef | None
    # Members sending a delegate in their place (agendas circulated before answers existed have none).
    delegates: list[Person] = []
    # The quorum on the members' answers when the agenda was built.
    forecast: Forecast | None = None


class ActionRow(BaseModel):
    id: int
    title: str
    owner_name: str
    department: str | None
    due_on: date
    status: str
    percent_complete: int
    overdue: bool
    days_overdue: int
    closed_at: datetime | None = None
    closed_on_time: bool | None = None


class MeasureRow(BaseModel):
    id: int
    name: str
    kind: str
    category: str
    unit: str
    direction: str
    target: float | None
    owner_name: str | None
    scope: str
    department: str | None
    journey: str | None
    latest: Point | None
    previous: Point | None
    change: float | None
    on_target: bool | None
    movement: str | None
    status: str | None
    stale: bool
    trend: list[Point]
    chart_url: str


class AgendaScoreComponent(BaseModel):
    component: str
    label: str
    value: float | None
    weight: float
    points: float
    detail: str


class AgendaScorecard(BaseModel):
    total: float | None
    components: list[AgendaScoreComponent]
    note: str = ""
    # Actions closed on time: beside the score, not part of it.
    delivery: str | None = None


class ReportBody(BaseModel):
    id: int
    summary: str
    improvements: str
    best_practice: str
    author_name: str | None
    updated_at: datetime


class DepartmentEntry(BaseModel):
    department_id: int
    name: str
    is_external: bool
    presenters: list[str]
    measures: list[MeasureRow]
    scorecard: AgendaScorecard | None
    report: ReportBody | None
    submitted: bool
    # Its own top negative themes and action-plan metrics (None without feedback or metrics).
    voice: DepartmentVoice | None = None
    # The papers attached to its report for this meeting.
    papers: list[PaperRef] = Field(default_factory=list)


class BestPractice(BaseModel):
    department: str
    text: str
    report_id: int


class AgendaLinkedMeasure(BaseModel):
    measure_id: int
    name: str
    unit: str
    baseline: float | None
    current: float | None
    # Whether up is better, so every renderer says "▲ +0.3 pts, better" the same way.
    direction: str = "higher_is_better"
    change: float | None
    movement: str | None


class InitiativeRow(BaseModel):
    id: int
    title: str
    status: str
    owner_name: str | None
    rag: str | None
    percent_complete: int
    start_on: date | None
    target_on: date | None
    overdue: bool
    yearly_saving: float
    measures: list[AgendaLinkedMeasure]
    papers: list[PaperRef] = Field(default_factory=list)


class JourneyIssue(BaseModel):
    journey_id: int
    name: str
    owner_name: str | None
    gaps: list[str]
    overlaps: list[str]


class PriorityComponent(BaseModel):
    criterion: str
    raw: float | None
    normalised: float
    weight: float
    points: float


class Proposal(BaseModel):
    rank: int
    id: int
    title: str
    proposed_by: str | None
    score: float
    breakdown: list[PriorityComponent]
    yearly_saving: float
    net_saving: float
    payback_months: float | None


class ResearchRow(BaseModel):
    id: int
    title: str
    conducted_on: date
    method: str
    summary: str
    link: str


class AobRow(BaseModel):
    id: int
    title: str
    details: str
    submitted_by: str | None
    # Carried from an unfinished item of an earlier meeting: that meeting's number.
    carried_from_meeting: int | None = None
    papers: list[PaperRef] = Field(default_factory=list)


class SectionBase(BaseModel):
    # The item's stable number, which the minutes file its notes and decisions under: 1–9 for
    # the standard sections whatever the council's order, above 100 for a standing item.
    number: int
    # Its place in this agenda's running order (1, 2, 3 …): the number people read.
    position: int = 0
    key: str
    title: str
    minutes_allocated: int
    starts_at: str
    # What is missing or worth a look, in words a chair can act on.
    notes: list[str] = Field(default_factory=list)
    # Papers attached to the item itself (those of a report, AOB item or initiative sit on those rows).
    papers: list[PaperRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _position(self):
        # Agendas published before councils had their own order: the number was the place.
        if not self.position:
            self.position = self.number
        return self

    @property
    def anchor(self) -> str:
        """The section's name in the page (its HTML id) and in `changed_sections`."""
        return self.key


class ActionsSection(SectionBase):
    key: Literal["actions"] = "actions"
    previous_minutes: str
    open_actions: list[ActionRow]
    closed_since_previous: list[ActionRow]
    on_time_rate: float | None
    closed_on_time: int
    closed_count: int


class OverallMeasuresSection(SectionBase):
    key: Literal["overall_measures"] = "overall_measures"
    measures: list[MeasureRow]
    # The goal-support rating trend and the top negative themes (None without feedback).
    voice: CustomerVoice | None = None


class DepartmentReportsSection(SectionBase):
    key: Literal["department_reports"] = "department_reports"
    departments: list[DepartmentEntry]


class BestPracticeSection(SectionBase):
    key: Literal["best_practice"] = "best_practice"
    items: list[BestPractice]


class InitiativesSection(SectionBase):
    key: Literal["initiatives"] = "initiatives"
    initiatives: list[InitiativeRow]


class MeasuresReviewSection(SectionBase):
    key: Literal["measures_review"] = "measures_review"
    off_target: list[MeasureRow]
    worsening: list[MeasureRow]
    stale: list[MeasureRow]
    missing_target: list[MeasureRow]
    missing_owner: list[MeasureRow]
    journeys: list[JourneyIssue]
    # Rising negative themes and top ones with no five-whys workshop yet (None without feedback).
    themes: ThemeFlags | None = None


class PrioritisationSection(SectionBase):
    key: Literal["prioritisation"] = "prioritisation"
    proposals: list[Proposal]


class ResearchSection(SectionBase):
    key: Literal["research"] = "research"
    items: list[ResearchRow]


class AobSection(SectionBase):
    key: Literal["aob"] = "aob"
    items: list[AobRow]


class StandingSection(SectionBase):
    """One of the council's own standing items (e.g. "Journey owner spotlight")."""

    key: Literal["standing"] = "standing"
    standing_item_id: int
    details: str = ""
    owner_name: str | None = None
    owner_department: str | None = None

    @property
    def anchor(self) -> str:
        return standing_ref(self.standing_item_id)


class NotTaken(BaseModel):
    """An item the council gives no time: not on this agenda, named so nobody looks for it."""

    number: int
    key: str  # a section key, or "standing-<id>"
    title: str


Section = Annotated[
    ActionsSection
    | OverallMeasuresSection
    | DepartmentReportsSection
    | BestPracticeSection
    | InitiativesSection
    | MeasuresReviewSection
    | PrioritisationSection
    | ResearchSection
    | AobSection
    | StandingSection,
    Field(discriminator="key"),
]


class PaperListing(BaseModel):
    """One paper in the pack's list: under which item, from which report/AOB/initiative."""

    position: int  # the item's place in the running order
    item_title: str
    source: str  # "" for the item itself, else e.g. "Billing report", "AOB: Parking", "Initiative: Web chat"
    paper: PaperRef


class Agenda(BaseModel):
    meeting: Header
    status: Literal["draft", "published"]
    version: int
    published_at: datetime | None = None
    # In the council's running order (and a published agenda keeps the order it was published with).
    sections: list[Section]
    # Items given zero minutes (standard sections or standing items): left out of the running order this meeting.
    not_taken: list[NotTaken] = Field(default_factory=list)

    def paper_listing(self) -> list[PaperListing]:
        """Every paper in running order: the item's own, then its rows' (the Word and PDF packs list these)."""
        out: list[PaperListing] = []
        for section in self.sections:

            def add(papers: list[PaperRef], source: str, section=section) -> None:
                out.extend(
                    PaperListing(position=section.position, item_title=section.title, source=source, paper=p)
                    for p in papers
                )

            add(section.papers, "")
            if isinstance(section, DepartmentReportsSection):
                for entry in section.departments:
                    add(entry.papers, f"{entry.name} report")
            elif isinstance(section, AobSection):
                for row in section.items:
                    add(row.papers, f"AOB: {row.title}")
            elif isinstance(section, InitiativesSection):
                for row in section.initiatives:
                    add(row.papers, f"Initiative: {row.title}")
        return out


class LiveAgenda(Agenda):
    """The live agenda of a published meeting, with what moved since it was circulated."""

    changed_sections: list[str]
