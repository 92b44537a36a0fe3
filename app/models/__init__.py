"""Every table, imported in one place so Alembic and the app see the same metadata."""

from app.models.actions import CLOSED_STATUSES, Action, ActionStatus, ActionUpdate, ReminderDigest
from app.models.base import TZDateTime, metadata, utcnow
from app.models.councils import Council, Department, Membership, Role
from app.models.meetings import Meeting, MeetingStatus
from app.models.users import User

__all__ = [
    "CLOSED_STATUSES",
    "Action",
    "ActionStatus",
    "ActionUpdate",
    "Council",
    "Department",
    "Meeting",
    "ReminderDigest",
    "MeetingStatus",
    "Membership",
    "Role",
    "TZDateTime",
    "User",
    "metadata",
    "utcnow",
]
