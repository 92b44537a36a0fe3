"""API shapes for recording minutes; what they answer is the typed `MinutesDoc` and its rows."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, Field, StrictBool

from app.actions.schemas import ActionCreate, AgendaItem
from app.common import DbId, InputModel, Name, Text
from app.councils.sections import STANDING_ITEM_BASE
from app.minutes.model import AttendanceRow, MinutesDoc, Quorum
from app.models import AttendanceStatus


def _minutes_item(value: int) -> int:
    if 1 <= value <= 9 or STANDING_ITEM_BASE < value <= 2**31 - 1:
        return value
    raise ValueError(f"must be a standard agenda item 1 to 9, or a standing item's number (above {STANDING_ITEM_BASE})")


ItemNumber = Annotated[
    int,
    Path(description="Agenda item: 1 to 9 a standard section, above 100 a standing item"),
    AfterValidator(_minutes_item),
]
# An agenda item in the minutes: a standard section 1–9 or one of the council's standing items.
MinutesItem = Annotated[
    int,
    Field(strict=True, description="Agenda item: 1 to 9, or a standing item's number"),
    AfterValidator(_minutes_item),
]
NOTES_MAX = 20000


class AttendanceIn(InputModel):
    membership_id: DbId
    status: AttendanceStatus
    # Required for a delegate; ignored otherwise.
    delegate_name: Text(120) = ""
    note: Text(500) = ""


class AttendanceSet(InputModel):
    """The seats given are set; seats not given keep what was recorded (or the apologies they sent)."""

    attendance: list[AttendanceIn] = Field(max_length=500)


class AttendancePublic(BaseModel):
    attendance: list[AttendanceRow]
    quorum: Quorum


class ItemNotesIn(InputModel):
    notes: Text(NOTES_MAX)


class MinutesItemPublic(BaseModel):
    meeting_id: int
    number: int
    notes: str
    updated_by: str | None
    updated_at: datetime | None
    # 0 until the first save; also the item's ETag. A save sends it back (If-Match).
    version: int


class StaleNotes(BaseModel):
    """412 for notes: nothing was saved; `current` is what the other person saved."""

    detail: str
    current: MinutesItemPublic


ReviewedTheme = Annotated[DbId | None, Field(description="The feedback theme this decision records as reviewed")]


class DecisionCreate(InputModel):
    item_number: MinutesItem
    text: Name(5000)
    theme_id: ReviewedTheme = None


class DecisionUpdate(InputModel):
    """Fields not sent stay; theme_id null unlinks the theme."""

    item_number: MinutesItem | None = None
    text: Name(5000) | None = None
    theme_id: ReviewedTheme = None


class MeetingActionCreate(ActionCreate):
    """An action raised during the meeting: the council's action body plus the agenda item it came up under."""

    item_number: AgendaItem


class AobOutcomeIn(InputModel):
    outcome: Text(5000)


class MinutesUpdate(InputModel):
    # Item 1: were the previous meeting's minutes approved as a true record (null: not yet said)?
    previous_minutes_approved: bool | None = None
    previous_minutes_note: Text(2000) | None = None
    next_meeting_note: Text(500) | None = None
    # Who took the minutes: a person on the council (their user id), or a name typed for
    # someone without an account (taken_by_name wins when both are set; "" clears it).
    taken_by_user_id: DbId | None = None
    taken_by_name: Text(120) | None = None


class CirculateIn(InputModel):
    email: StrictBool = Field(
        default=False,
        description="Also mail the attendees the minutes (queued; sent by the deliverer once SMTP_URL is set)",
    )


class CirculateResult(BaseModel):
    minutes: MinutesDoc
    # Mails queued on the outbox for the attendees (the deliverer sends them after this request).
    emailed: int
    # Kept for clients of the old synchronous mail: always empty now (the outbox shows delivery).
    failures: list[str]
    # The .docx attached to the mails, if one was.
    attachment: str | None
    notes: list[str]


class ApproveIn(InputModel):
    reason: Text(2000) = Field(
        default="", description="Required to approve before the correction window closes: why not wait"
    )


class CorrectionCreate(InputModel):
    item_number: MinutesItem
    text: Name(5000) = Field(description="The item's notes as they should read")
    reason: Name(2000)


class CorrectionDecision(InputModel):
    note: Text(2000) = Field(default="", description="Why (required to reject)")
    apply: StrictBool = Field(
        default=False, description="Accepting: also write the corrected wording into the item's notes"
    )
    item_version: Annotated[int, Field(ge=0, le=2**31 - 1, strict=True)] | None = Field(
        default=None,
        description="Applying: the version of the item's notes you read (default: the one the proposer read); "
        "412 if they changed since",
    )


class AmendmentCreate(InputModel):
    text: Name(5000)
    reason: Name(2000)
    item_number: MinutesItem | None = None


class MinutesEventPublic(BaseModel):
    id: int
    at: datetime
    kind: str
    user_id: int | None
    user_name: str | None
    detail: dict[str, Any]
