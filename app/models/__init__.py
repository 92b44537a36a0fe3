"""Every table, imported in one place so Alembic and the app see the same metadata."""

from app.models.actions import (
    CLOSED_STATUSES,
    Action,
    ActionDueRequest,
    ActionEvent,
    ActionStatus,
    DueRequestStatus,
    ReminderDigest,
)
from app.models.agendas import AgendaSnapshot, AobItem, Attendance, AttendanceStatus, CouncilTemplate
from app.models.audit import AuditEntry
from app.models.base import TZDateTime, metadata, utcnow
from app.models.councils import Council, Department, Membership, Role, StandingItem
from app.models.feedback import (
    FeedbackMonth,
    FeedbackResponse,
    FeedbackSettings,
    MentionField,
    Polarity,
    Theme,
    ThemeMention,
    ThemeMonth,
)
from app.models.idempotency import IdempotencyKey, UsedFormToken
from app.models.initiatives import Initiative, InitiativeDepartment, InitiativeMeasure, InitiativeStatus, Rag
from app.models.invitations import Invitation, InvitationStatus
from app.models.jobs import Job, JobStatus
from app.models.journeys import Journey, JourneyStep, Responsibility, StepDepartment
from app.models.measures import Direction, Measure, MeasureCategory, MeasureKind, MeasureScope, Reading
from app.models.meetings import Meeting, MeetingStatus
from app.models.minutes import (
    CorrectionStatus,
    Decision,
    Minutes,
    MinutesAmendment,
    MinutesCorrection,
    MinutesEvent,
    MinutesItem,
    MinutesStatus,
)
from app.models.outbox import (
    NotificationPreference,
    OutboxAttachment,
    OutboxMessage,
    OutboxMessageAttachment,
    OutboxStatus,
)
from app.models.papers import Paper, PaperBlob, PaperTarget
from app.models.reports import DepartmentReport
from app.models.research import (
    Research,
    ResearchInitiative,
    ResearchMeasure,
    RootCause,
    RootCauseAction,
    RootCauseInitiative,
    RootCauseMeasure,
)
from app.models.responses import Answer, HomeVisit, MeetingResponse
from app.models.revision import CouncilRevision, DataRevision
from app.models.series import MeetingSeries
from app.models.sessions import UserSession
from app.models.site import SiteIdentity
from app.models.users import LoginFailure, User

__all__ = [
    "NotificationPreference",
    "OutboxAttachment",
    "OutboxMessage",
    "OutboxMessageAttachment",
    "OutboxStatus",
    "Paper",
    "PaperBlob",
    "PaperTarget",
    "Answer",
    "HomeVisit",
    "MeetingResponse",
    "CLOSED_STATUSES",
    "Action",
    "ActionDueRequest",
    "DueRequestStatus",
    "AgendaSnapshot",
    "AobItem",
    "AuditEntry",
    "Attendance",
    "AttendanceStatus",
    "CouncilTemplate",
    "ActionStatus",
    "ActionEvent",
    "Council",
    "CouncilRevision",
    "StandingItem",
    "DataRevision",
    "Department",
    "DepartmentReport",
    "Direction",
    "FeedbackMonth",
    "FeedbackResponse",
    "FeedbackSettings",
    "IdempotencyKey",
    "Initiative",
    "InitiativeDepartment",
    "InitiativeMeasure",
    "InitiativeStatus",
    "Invitation",
    "InvitationStatus",
    "Job",
    "JobStatus",
    "Journey",
    "LoginFailure",
    "JourneyStep",
    "Measure",
    "MeasureCategory",
    "MeasureKind",
    "MeasureScope",
    "Meeting",
    "MeetingSeries",
    "MeetingStatus",
    "MentionField",
    "Membership",
    "Decision",
    "Minutes",
    "MinutesAmendment",
    "MinutesCorrection",
    "CorrectionStatus",
    "MinutesEvent",
    "MinutesItem",
    "MinutesStatus",
    "Polarity",
    "Rag",
    "Reading",
    "ReminderDigest",
    "Research",
    "ResearchInitiative",
    "ResearchMeasure",
    "Responsibility",
    "Role",
    "RootCause",
    "RootCauseAction",
    "RootCauseInitiative",
    "RootCauseMeasure",
    "SiteIdentity",
    "StepDepartment",
    "TZDateTime",
    "Theme",
    "UsedFormToken",
    "ThemeMention",
    "ThemeMonth",
    "User",
    "UserSession",
    "metadata",
    "utcnow",
]
