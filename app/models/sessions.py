"""Sign-ins the server can end: one row per browser sign-in or bearer token."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class UserSession(SQLModel, table=True):
    """One sign-in. The cookie or token carries a random id; only its SHA-256 is stored here.

    Every request looks its row up by that hash, so ending a sign-in (`revoked_at`) takes
    effect on the next request, on every worker and host that shares the database.
    """

    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    # hex SHA-256 of the secret id; a leaked table row does not sign anyone in.
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # "browser" (the session cookie) or "token" (a bearer token from POST /api/auth/token).
    kind: str = Field(max_length=20)
    user_agent: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    expires_at: datetime = Field(sa_type=TZDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=TZDateTime)
