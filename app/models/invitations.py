"""An invitation to sit on a council: nobody is seated until the invited person accepts."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class InvitationStatus(StrEnum):
    pending = "pending"
    expired = "expired"
    accepted = "accepted"
    declined = "declined"
    revoked = "revoked"


class Invitation(SQLModel, table=True):
    __tablename__ = "invitations"

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    # Lower-cased like users.email; matched against the account that accepts.
    email: str = Field(max_length=320, index=True)
    # How the chair named the person; the account form starts from it.
    name: str = Field(default="", max_length=120)
    role: str = Field(max_length=20)
    department_id: int | None = Field(default=None, foreign_key="departments.id", ondelete="SET NULL", index=True)
    invited_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", index=True)
    # SHA-256 of the secret in the emailed link: a copy of the database opens no invitation.
    # Replaced on every resend, so an older link stops working.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    expires_at: datetime = Field(sa_type=TZDateTime)
    # When the link's mail was last queued on the outbox (None: never).
    mailed_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    declined_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    # The account that accepted (who was seated).
    accepted_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")

    def status(self, now: datetime) -> InvitationStatus:
        """Where the invitation stands at `now`."""
        if self.accepted_at:
            return InvitationStatus.accepted
        if self.declined_at:
            return InvitationStatus.declined
        if self.revoked_at:
            return InvitationStatus.revoked
        if self.expires_at <= now:
            return InvitationStatus.expired
        return InvitationStatus.pending
