"""build_minutes and quorum: the typed minutes of a meeting from rows already loaded.

Pure: `MinutesData` in, a `MinutesDoc` out, like `build_agenda`. The JSON API, the
secretary's page and the Word minutes all render this object. The agenda the meeting
followed (its published snapshot, else the live agenda) supplies the header, the item
titles and the overall measures, so the minutes never re-derive them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from app.agendas.data import ActionFact, Seat
from app.agendas.outline import AgendaOutline
from app.agendas.sections.actions import action_row
from app.meetings.quorum import QuorumSeat, count_quorum, plural
from app.minutes import model as mm
from app.models import (
    CLOSED_STATUSES,
    AobItem,
    Attendance,
    Council,
    Decision,
    Department,
    Meeting,
    Minutes,
    MinutesAmendment,
    MinutesCorrection,
    MinutesItem,
    MinutesStatus,
    Role,
)

# Minutes list the chair first, then the secretary, members and observers.
ROLE_ORDER = {Role.chair: 0, Role.secretary: 1, Role.member: 2, Role.observer: 3}


def quorum(
    seats: Iterable[QuorumSeat], *, quorum_members: int | None = None, quorum_departments: int | None = None
) -> mm.Quorum:
    """Is the meeting quorate, and a sentence that says why with the numbers (the rule: count_quorum)."""
    c = count_quorum(seats, quorum_members=quorum_members, quorum_departments=quorum_departments)
    by_delegate = f", {c.delegates} by delegate" if c.delegates else ""
    noun = "member" if c.voting == 1 else "members"
    parts = [f"{c.present} of {c.voting} {noun} present{by_delegate} ({c.required_members} required)"]
    if c.required_departments:
        parts.append(
            f"{plural(c.departments_represented, 'department')} represented ({c.required_departments} required)"
        )
    statement = f"{'Quorate' if c.met else 'Not quorate'}: {'; '.join(parts)}."
    if c.unknown:
        statement += f" Attendance not yet recorded for {plural(c.unknown, 'member')}."
    return mm.Quorum(
        met=c.met,
        present=c.present,
        required_members=c.required_members,
        departments_represented=c.departments_represented,
        required_departments=c.required_departments,
        statement=statement,
    )


@dataclass
class MinutesData:
    """Everything the minutes are built from, read by `load_minutes_data`."""

    council: Council
    meeting: Meeting
    # What the minutes follow of the agenda the meeting followed.
    outline: AgendaOutline
    today: date
    # None until the first write creates the record.
    minutes: Minutes | None = None
    approved_by: str | None = None
    seats: list[Seat] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    items: list[MinutesItem] = field(default_factory=list)
    decisions: list[tuple[Decision, str | None]] = field(default_factory=list)
    # The names of the council's themes the decisions record as reviewed, by id.
    theme_names: dict[int, str] = field(default_factory=dict)
    # Open actions of the council, and every action raised at this meeting.
    actions: list[ActionFact] = field(default_factory=list)
    aob: list[tuple[AobItem, str | None]] = field(default_factory=list)
    # AOB id → the number of the meeting it was carried from.
    aob_carried_from: dict[int, int] = field(default_factory=dict)
    # The ids of those AOB items carried on to a later meeting (app/agendas/carry.py), read with them.
    aob_carried: set[int] = field(default_factory=set)
    amendments: list[tuple[MinutesAmendment, str | None]] = field(default_factory=list)
    # Corrections proposed in the round, with the names of who proposed and who decided.
    corrections: list[tuple[MinutesCorrection, str | None, str | None]] = field(default_factory=list)
    taken_by: str | None = None
    next_meeting: Meeting | None = None


def decision_row(decision: Decision, created_by: str | None, theme_name: str | None = None) -> mm.DecisionRow:
    return mm.DecisionRow(
        id=decision.id,
        number=decision.number,
        item_number=decision.item_number,
        text=decision.text,
        created_by=created_by,
        created_at=decision.created_at,
        theme_id=decision.theme_id,
        theme_name=theme_name if decision.theme_id is not None else None,
    )


def amendment_row(amendment: MinutesAmendment, made_by: str | None) -> mm.AmendmentRow:
    return mm.AmendmentRow(
        id=amendment.id,
        item_number=amendment.item_number,
        text=amendment.text,
        reason=amendment.reason,
        made_by=made_by,
        made_at=amendment.made_at,
    )


def correction_row(correction: MinutesCorrection, proposed_by: str | None, decided_by: str | None) -> mm.CorrectionRow:
    return mm.CorrectionRow(
        id=correction.id,
        item_number=correction.item_number,
        text=correction.text,
        reason=correction.reason,
        proposed_by=proposed_by,
        proposed_by_id=correction.proposed_by_id,
        proposed_at=correction.created_at,
        status=correction.status,
        decided_by=decided_by,
        decided_at=correction.decided_at,
        decision_note=correction.decision_note,
        applied=correction.applied,
    )


def attendance_rows(
    seats: list[Seat], departments: list[Department], attendance: list[Attendance]
) -> list[mm.AttendanceRow]:
    """Every seat on the council with what was recorded for it: the chair first, then by role and name."""
    by_id = {d.id: d for d in departments}
    recorded = {a.membership_id: a for a in attendance}
    rows = []
    for seat in sorted(seats, key=lambda s: (ROLE_ORDER.get(s.role, 9), s.name.casefold(), s.id)):
        department = by_id.get(seat.department_id)
        row = recorded.get(seat.id)
        rows.append(
            mm.AttendanceRow(
                membership_id=seat.id,
                name=seat.name,
                role=seat.role,
                department=department.name if department else None,
                is_external=bool(department and department.is_external),
                status=row.status if row else None,
                delegate_name=row.delegate_name if row else "",
                note=row.note if row else "",
            )
        )
    return rows


def council_quorum(council: Council, seats: list[Seat], attendance: list[Attendance]) -> mm.Quorum:
    """The council's quorum rule applied to what was recorded."""
    recorded = {a.membership_id: a.status for a in attendance}
    return quorum(
        [QuorumSeat(role=s.role, department_id=s.department_id, status=recorded.get(s.id)) for s in seats],
        quorum_members=council.quorum_members,
        quorum_departments=council.quorum_departments,
    )


def build_minutes(data: MinutesData) -> mm.MinutesDoc:
    """The minutes of `data.meeting`: attendance, quorum, the nine items with their record, and the registers."""
    council, meeting, minutes = data.council, data.meeting, data.minutes
    zone = ZoneInfo(council.timezone)
    departments = {d.id: d.name for d in data.departments}

    actions: list[mm.ActionRow] = []
    raised: dict[int, list[mm.ActionRow]] = {}
    for fact in data.actions:
        row = action_row(fact, data.today, zone)
        row.department = departments.get(fact.action.department_id)
        if row.status not in CLOSED_STATUSES:
            actions.append(row)
        action = fact.action
        if action.raised_at_meeting_id == meeting.id and action.raised_at_item is not None:
            raised.setdefault(action.raised_at_item, []).append(row)

    decisions = sorted(
        (decision_row(d, who, data.theme_names.get(d.theme_id or 0)) for d, who in data.decisions),
        key=lambda d: d.number,
    )
    notes = {item.number: item for item in data.items}
    items = []
    for section in data.outline.items:
        item = notes.get(section.number)
        items.append(
            mm.MinutesItemRow(
                number=section.number,
                position=section.position,
                key=section.key,
                title=section.title,
                notes=item.notes if item else "",
                decisions=[d for d in decisions if d.item_number == section.number],
                actions_raised=sorted(raised.get(section.number, []), key=lambda r: r.id),
                updated_at=item.updated_at if item else None,
                version=item.version if item else 0,
            )
        )
    next_meeting = data.next_meeting
    return mm.MinutesDoc(
        meeting=data.outline.meeting,
        status=minutes.status if minutes else MinutesStatus.draft,
        version=minutes.version if minutes else 0,
        agenda_version=data.outline.version,
        attendance=attendance_rows(data.seats, data.departments, data.attendance),
        quorum=council_quorum(council, data.seats, data.attendance),
        previous_minutes_approved=minutes.previous_minutes_approved if minutes else None,
        previous_minutes_note=minutes.previous_minutes_note if minutes else "",
        items=items,
        not_taken=data.outline.not_taken,
        decisions=decisions,
        aob=[
            mm.AobOutcome(
                id=a.id,
                title=a.title,
                details=a.details,
                submitted_by=who,
                outcome=a.outcome,
                carried_from_meeting=data.aob_carried_from.get(a.id),
            )
            for a, who in data.aob
        ],
        open_actions=actions,
        overall_measures=data.outline.overall_measures,
        amendments=[amendment_row(a, who) for a, who in data.amendments],
        next_meeting=next_meeting.scheduled_at.astimezone(zone).date() if next_meeting else None,
        next_meeting_note=minutes.next_meeting_note if minutes else "",
        circulated_at=minutes.circulated_at if minutes else None,
        approved_at=minutes.approved_at if minutes else None,
        approved_by=data.approved_by,
        corrections_close_at=minutes.corrections_close_at if minutes else None,
        corrections=[correction_row(c, by, decider) for c, by, decider in data.corrections],
        approved_early_reason=minutes.approved_early_reason if minutes else "",
        taken_by=data.taken_by,
    )
