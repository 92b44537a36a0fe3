"""build_agenda: the standard nine-section agenda from the council's data.

Pure: `AgendaData` (rows already loaded) in, a typed `Agenda` out. The JSON API, the
page and the Word pack all render this object and compute nothing of their own.
"""

from collections.abc import Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from app.agendas import model as m
from app.agendas.data import AgendaData
from app.agendas.model import DEFAULT_MINUTES
from app.agendas.parts import (
    actions_section,
    department_scorecard,
    initiative_row,
    journey_issues,
    links_by_initiative,
    measure_rows,
    name_of_seat,
)
from app.agendas.voice import department_entry_voice, flag_notes, overall_voice, theme_flags
from app.initiatives.economics import initiative_economics
from app.initiatives.priorities import Candidate, Criteria, rank_initiatives
from app.models import InitiativeStatus
from app.reports.scorecard import left_out_note
from app.scoring import PRIORITY_DEFAULTS, SCORECARD_DEFAULTS, effective_weights


def allocate_minutes(duration: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Share `duration` between the sections in proportion to `weights`, summing exactly.

    Whole five-minute blocks when the meeting is long enough for every section to get
    one, otherwise whole minutes; leftovers go to the largest remainders, first
    section first on ties. Every section with a weight gets at least one block when
    there are enough to go round (taken from the largest), so a one-hour meeting still
    leaves time for any other business. No weights at all share the time equally.
    """
    keys = list(m.SECTION_KEYS)
    step = 5 if duration >= 5 * len(keys) else 1
    units = duration // step
    clean = {k: max(float(weights.get(k, 0) or 0), 0.0) for k in keys}
    if not sum(clean.values()):
        clean = dict.fromkeys(keys, 1.0)
    total = sum(clean.values())
    shares = [clean[k] / total * units for k in keys]
    blocks = [int(share) for share in shares]
    order = sorted(range(len(keys)), key=lambda i: (-(shares[i] - blocks[i]), i))
    for i in order[: units - sum(blocks)]:
        blocks[i] += 1
    if units >= sum(1 for k in keys if clean[k] > 0):
        for i, k in enumerate(keys):
            if clean[k] > 0 and blocks[i] == 0:
                # Enough blocks for every weighted section, so one section holds two or more.
                donor = max(range(len(keys)), key=lambda j: (blocks[j], -j))
                blocks[donor] -= 1
                blocks[i] += 1
    minutes = {k: b * step for k, b in zip(keys, blocks, strict=True)}
    minutes[keys[-1]] += duration - sum(minutes.values())  # a remainder under one block
    return minutes


def _header(data: AgendaData, zone: ZoneInfo) -> m.Header:
    meeting, council = data.meeting, data.council
    start = meeting.scheduled_at.astimezone(zone)
    end = start + timedelta(minutes=meeting.duration_minutes)
    departments = {d.id: d for d in data.departments}
    apologies = {a.membership_id: a for a in data.attendance if a.status == "apologies"}

    def person(seat) -> m.Person:
        department = departments.get(seat.department_id)
        return m.Person(
            membership_id=seat.id,
            name=seat.name,
            role=seat.role,
            department=department.name if department else None,
            is_external=bool(department and department.is_external),
            note=apologies[seat.id].note if seat.id in apologies else "",
        )

    previous = data.previous
    return m.Header(
        council_id=council.id,
        council_name=council.name,
        meeting_id=meeting.id,
        number=meeting.number,
        title=meeting.title or f"Meeting {meeting.number}",
        scheduled_at=meeting.scheduled_at,
        timezone=council.timezone,
        date=start.date(),
        start_time=start.strftime("%H:%M"),
        end_time=end.strftime("%H:%M"),
        duration_minutes=meeting.duration_minutes,
        location=meeting.location,
        expected_attendees=[person(s) for s in data.seats if s.id not in apologies],
        apologies=[person(s) for s in data.seats if s.id in apologies],
        previous_meeting=m.MeetingRef(
            id=previous.id, number=previous.number, date=previous.scheduled_at.astimezone(zone).date()
        )
        if previous
        else None,
    )


def build_agenda(data: AgendaData, *, status: str = "draft", version: int = 0, published_at=None) -> m.Agenda:
    """The nine standard sections for `data.meeting`, in order, with times that fit the meeting."""
    council, meeting = data.council, data.meeting
    zone = ZoneInfo(council.timezone)
    name_of = name_of_seat(data)
    # A council's own times override the defaults section by section; the rest keep theirs.
    minutes = allocate_minutes(meeting.duration_minutes, {**DEFAULT_MINUTES, **(council.agenda_minutes or {})})
    clock = meeting.scheduled_at.astimezone(zone)
    bases: dict[str, dict] = {}
    for number, key in enumerate(m.SECTION_KEYS, start=1):
        bases[key] = {
            "number": number,
            "key": key,
            "title": m.SECTION_TITLES[key],
            "minutes_allocated": minutes[key],
            "starts_at": clock.strftime("%H:%M"),
        }
        clock += timedelta(minutes=minutes[key])

    by_measure = measure_rows(data)
    rows = list(by_measure.values())

    overall = [r for r in rows if r.scope == "overall"]
    overall_notes = [] if overall else ["No overall measures yet: add NPS or satisfaction measures to report here."]
    if overall and not any(r.latest for r in overall):
        overall_notes.append("No readings yet for the overall measures.")

    scorecard_weights = effective_weights(council.scorecard_weights, SCORECARD_DEFAULTS)
    reports = {report.department_id: (report, author) for report, author in data.reports}
    department_measures: dict[int, list] = {}
    for x in data.measures:
        if x.scope == "department":
            department_measures.setdefault(x.department_id, []).append(x)
    entries, missing = [], []
    for department in data.departments:
        own_measures = department_measures.get(department.id, [])
        found = reports.get(department.id)
        if found is None:
            missing.append(department.name)
        entries.append(
            m.DepartmentEntry(
                department_id=department.id,
                name=department.name,
                is_external=department.is_external,
                presenters=[s.name for s in data.seats if s.department_id == department.id],
                measures=[by_measure[x.id] for x in own_measures],
                scorecard=department_scorecard(data, department.id, own_measures, scorecard_weights),
                report=m.ReportBody(
                    id=found[0].id,
                    summary=found[0].summary,
                    improvements=found[0].improvements,
                    best_practice=found[0].best_practice,
                    author_name=found[1],
                    updated_at=found[0].updated_at,
                )
                if found
                else None,
                submitted=found is not None,
                voice=department_entry_voice(data, department.id, by_measure),
            )
        )
    report_notes = []
    if not data.departments:
        report_notes.append("No departments yet: add the departments that sit on the council.")
    elif missing:
        report_notes.append(f"Not submitted yet: {', '.join(missing)}.")
    if left_out := left_out_note({e.name: e.scorecard for e in entries if e.scorecard}):
        report_notes.append(left_out)  # once for every scorecard in the section

    best = [
        m.BestPractice(department=e.name, text=e.report.best_practice, report_id=e.report.id)
        for e in entries
        if e.report and e.report.best_practice.strip()
    ]

    links = links_by_initiative(data)
    current = [
        initiative_row(data, i, links.get(i.id, []), by_measure, name_of)
        for i in data.initiatives
        if i.status in (InitiativeStatus.approved, InitiativeStatus.in_progress)
    ]
    initiative_notes = [] if current else ["No approved or in-progress initiatives."]
    late = [i.title for i in current if i.overdue]
    if late:
        initiative_notes.append(f"Past their target date: {', '.join(late)}.")
    red = [i.title for i in current if i.rag == "red"]
    if red:
        initiative_notes.append(f"Rated red: {', '.join(red)}.")

    journeys, journey_notes = journey_issues(data, name_of)
    review = {
        "off_target": [r for r in rows if r.on_target is False],
        "worsening": [r for r in rows if r.movement == "worsening"],
        "stale": [r for r in rows if r.stale],
        "missing_target": [r for r in rows if r.target is None],
        "missing_owner": [r for r in rows if r.owner_name is None],
    }
    review_notes = [] if data.measures else ["No customer measures yet."]
    review_notes += journey_notes
    if not data.journeys:
        review_notes.append("No customer journeys mapped yet: gaps and overlaps cannot be checked.")

    flags = theme_flags(data.voice) if data.voice else None

    proposed = [i for i in data.initiatives if i.status == InitiativeStatus.proposed]
    economics = {
        i.id: initiative_economics(
            failure_volume_per_year=i.failure_volume_per_year,
            unit_cost=i.unit_cost,
            implementation_cost=i.implementation_cost,
        )
        for i in proposed
    }
    ranked = rank_initiatives(
        [
            Candidate(
                id=i.id,
                created_at=i.created_at,
                criteria=Criteria(
                    customer_impact=i.customer_impact,
                    yearly_saving=economics[i.id].yearly_saving,
                    effort=i.effort,
                    strategic_fit=i.strategic_fit,
                    confidence=i.confidence,
                ),
            )
            for i in proposed
        ],
        effective_weights(council.priority_weights, PRIORITY_DEFAULTS),
    )
    by_id = {i.id: i for i in proposed}
    proposals = [
        m.Proposal(
            rank=r.rank,
            id=r.candidate.id,
            title=by_id[r.candidate.id].title,
            proposed_by=name_of(by_id[r.candidate.id].proposed_by_id),
            score=round(r.score.total, 1),
            breakdown=[
                m.PriorityComponent(
                    criterion=p.criterion,
                    raw=p.raw,
                    normalised=round(p.normalised, 2),
                    weight=p.weight,
                    points=round(p.points, 1),
                )
                for p in r.score.breakdown
            ],
            yearly_saving=economics[r.candidate.id].yearly_saving,
            net_saving=economics[r.candidate.id].net_first_year,
            payback_months=economics[r.candidate.id].payback_months,
        )
        for r in ranked
    ]

    previous = data.previous
    research_notes = []
    if not data.research:
        since = f"since meeting {previous.number}" if previous else "in the last 90 days"
        research_notes.append(f"No customer research recorded {since}.")
    aob = [m.AobRow(id=item.id, title=item.title, details=item.details, submitted_by=who) for item, who in data.aob]

    sections = [
        actions_section(data, bases["actions"], zone),
        m.OverallMeasuresSection(
            **bases["overall_measures"],
            notes=overall_notes,
            measures=overall,
            voice=overall_voice(data.voice) if data.voice else None,
        ),
        m.DepartmentReportsSection(**bases["department_reports"], notes=report_notes, departments=entries),
        m.BestPracticeSection(
            **bases["best_practice"],
            notes=[] if best else ["No best practice offered in this meeting's department reports yet."],
            items=best,
        ),
        m.InitiativesSection(**bases["initiatives"], notes=initiative_notes, initiatives=current),
        m.MeasuresReviewSection(
            **bases["measures_review"],
            notes=review_notes + flag_notes(flags),
            journeys=journeys,
            themes=flags,
            **review,
        ),
        m.PrioritisationSection(
            **bases["prioritisation"],
            notes=[] if proposals else ["No proposed initiatives waiting for a decision."],
            proposals=proposals,
        ),
        m.ResearchSection(
            **bases["research"],
            notes=research_notes,
            items=[
                m.ResearchRow(
                    id=r.id, title=r.title, conducted_on=r.conducted_on, method=r.method, summary=r.summary, link=r.link
                )
                for r in data.research
            ],
        ),
        m.AobSection(**bases["aob"], notes=[] if aob else ["No other business submitted."], items=aob),
    ]
    return m.Agenda(
        meeting=_header(data, zone),
        status=status,
        version=version,
        published_at=published_at,
        sections=sections,
    )
