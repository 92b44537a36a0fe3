"""The typed Minutes: one object that the JSON API, the secretary's page and the Word minutes render."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, model_validator

from app.agendas.model import ActionRow, Header, MeasureRow, NotTaken


class AttendanceRow(BaseModel):
    membership_id: int
    name: str
    role: str
    department: str | None
    is_external: bool
    # None until the secretary records it.
    status: Literal["present", "apologies", "absent", "delegate"] | None
    delegate_name: str = ""
    note: str = ""


class Quorum(BaseModel):
    met: bool
    present: int
    required_members: int
    departments_represented: int
    required_departments: int
    # A sentence for the minutes, e.g. "Quorate: 7 of 9 members present (5 required) …".
    statement: str


class DecisionRow(BaseModel):
    id: int
    number: int
    item_number: int
    text: str
    created_by: str | None
    created_at: datetime
    theme_id: int | None = None  # the feedback theme it records as reviewed
    theme_name: str | None = None  # that theme's name, for the page and the Word minutes


class AobOutcome(BaseModel):
    id: int
    title: str
    details: str
    submitted_by: str | None
    outcome: str
    # Carried from an unfinished item of an earlier meeting: that meeting's number.
    carried_from_meeting: int | None = None


class MinutesItemRow(BaseModel):
    # The agenda item's stable number (1–9 standard, above 100 a standing item): the key notes,
    # decisions and the items/{number} routes use; `position` is its place in the running order.
    number: int
    position: int = 0
    key: str
    title: str
    notes: str
    decisions: list[DecisionRow]
    actions_raised: list[ActionRow]
    updated_at: datetime | None
    # The notes' version (0: nothing written yet): send it back as If-Match when saving them.
    version: int = 0

    @model_validator(mode="after")
    def _position(self):
        if not self.position:  # minutes built before councils had their own order
            self.position = self.number
        return self


class AmendmentRow(BaseModel):
    id: int
    item_number: int | None
    text: str
    reason: str
    made_by: str | None
    made_at: datetime


class CorrectionRow(BaseModel):
    """A correction proposed to circulated minutes, and what the secretary decided."""

    id: int
    item_number: int
    text: str
    reason: str
    proposed_by: str | None
    proposed_by_id: int | None
    proposed_at: datetime
    status: Literal["proposed", "accepted", "rejected", "withdrawn"]
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str = ""
    # Accepted and written into the item's notes by the acceptance itself.
    applied: bool = False


class MinutesDoc(BaseModel):
    meeting: Header
    status: Literal["draft", "circulated", "approved"]
    version: int
    agenda_version: int
    attendance: list[AttendanceRow]
    quorum: Quorum
    previous_minutes_approved: bool | None
    previous_minutes_note: str
    # In the running order of the agenda the meeting followed.
    items: list[MinutesItemRow]
    # Standard sections that agenda gave no time: not minuted.
    not_taken: list[NotTaken] = []
    decisions: list[DecisionRow]
    aob: list[AobOutcome]
    open_actions: list[ActionRow]
    overall_measures: list[MeasureRow]
    amendments: list[AmendmentRow]
    next_meeting: date | None
    next_meeting_note: str
    circulated_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    # The correction round: when it closes (the end of the last working day; None: no window),
    # the corrections proposed, oldest first, and why the chair approved before it closed.
    corrections_close_at: datetime | None = None
    corrections: list[CorrectionRow] = []
    approved_early_reason: str = ""
    # Who took the minutes (a member's name, or the name the secretary typed).
    taken_by: str | None = None
