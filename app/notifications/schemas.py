"""API shapes: a member's choice of mail per council, and the chair's notification settings."""

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StrictBool

from app.common import InputModel
from app.models.papers import PAPER_FILE_MB_CEILING, PAPER_MEETING_MB_CEILING
from app.notifications.kinds import KINDS

# The Word pack rides in the agenda mail up to this many KB. Base64 makes an attachment about
# a third bigger, and many mail servers refuse messages over 20–25 MB, so 15 MB is the most.
MAX_ATTACH_KB = 15360


def _known_kinds(value: dict[str, bool]) -> dict[str, bool]:
    unknown = sorted(set(value) - set(KINDS))
    if unknown:
        raise ValueError(f"unknown kind(s) {', '.join(unknown)}; use {', '.join(KINDS)}")
    return value


def _known_kind_list(value: list[str]) -> list[str]:
    _known_kinds(dict.fromkeys(value, True))
    return [key for key in KINDS if key in value]  # in the kinds' own order, each once


class KindChoice(BaseModel):
    key: str
    label: str
    description: str
    # Whether this person receives it from this council.
    enabled: bool
    # The council sends it to everyone: it cannot be turned off.
    required: bool


class CouncilChoices(BaseModel):
    council_id: int
    council_name: str
    # The person's seat; kinds that never reach that seat (e.g. "due date moved" for a member) are left out.
    role: str
    kinds: list[KindChoice]


class ChoicesIn(InputModel):
    """Kinds named are turned on (true) or off (false); kinds not named keep their choice."""

    kinds: Annotated[
        dict[str, StrictBool],
        AfterValidator(_known_kinds),
        Field(description='e.g. {"action_digest": false}; a kind the council requires cannot be false'),
    ]


class KindPublic(BaseModel):
    key: str
    label: str
    description: str


PackLimit = Annotated[int, Field(ge=0, le=MAX_ATTACH_KB, strict=True)]
ReminderDays = Annotated[int, Field(ge=0, le=60, strict=True)]
WindowDays = Annotated[int, Field(ge=1, le=30, strict=True)]
PaperFileMb = Annotated[int, Field(ge=1, le=PAPER_FILE_MB_CEILING, strict=True)]
PaperMeetingMb = Annotated[int, Field(ge=1, le=PAPER_MEETING_MB_CEILING, strict=True)]


class NotificationSettingsPublic(BaseModel):
    council_id: int
    # The council's version: its ETag, sent back as If-Match when saving.
    version: int
    # Kinds every member receives whatever they chose.
    required_notifications: list[str]
    # The Word pack is attached to the agenda mail up to this size (KB), linked above it; 0: always linked.
    pack_attach_limit_kb: int
    # Departments that still owe their report are reminded this many days before the meeting; 0: no reminder.
    report_reminder_days: int
    # An owner's move of an action's due date waits for the chair's approval.
    due_moves_need_approval: bool
    # Working days (Monday to Friday) circulated minutes take corrections.
    correction_window_days: int
    # Papers (files attached to agenda items, reports, AOB and initiatives): the largest file, and
    # the most one meeting's papers may take together, in MB.
    paper_max_file_mb: int
    paper_max_meeting_mb: int
    # Every kind there is, for the list of what may be required.
    kinds: list[KindPublic]


class NotificationSettingsIn(InputModel):
    """Fields left out keep their value."""

    required_notifications: Annotated[list[str], AfterValidator(_known_kind_list), Field(max_length=40)] | None = None
    pack_attach_limit_kb: PackLimit | None = Field(
        default=None, description=f"0 to {MAX_ATTACH_KB}; 0: the pack is always linked, never attached"
    )
    report_reminder_days: ReminderDays | None = Field(default=None, description="0 to 60; 0: no reminder")
    due_moves_need_approval: StrictBool | None = None
    correction_window_days: WindowDays | None = Field(default=None, description="1 to 30 working days")
    paper_max_file_mb: PaperFileMb | None = Field(
        default=None, description=f"1 to {PAPER_FILE_MB_CEILING}: the largest paper a person may attach (MB)"
    )
    paper_max_meeting_mb: PaperMeetingMb | None = Field(
        default=None, description=f"1 to {PAPER_MEETING_MB_CEILING}: all of one meeting's papers together (MB)"
    )
