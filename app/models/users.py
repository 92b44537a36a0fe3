"""People who can sign in."""

from datetime import datetime

from sqlalchemy import false
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased, so the unique index is case-insensitive in effect.
    email: str = Field(max_length=320, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    is_site_admin: bool = Field(default=False)
    # May start councils when COUNCIL_CREATORS is "allowed" (the default); set by a site admin.
    can_create_councils: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class LoginFailure(SQLModel, table=True):
    """One failed sign-in, counted per email and per client address for throttling.

    Kept in the database so every worker and host sharing it sees the same counts.
    """

    __tablename__ = "login_failures"

    id: int | None = Field(default=None, primary_key=True)
    # "email:<address>" or "ip:<address>".
    key: str = Field(max_length=400, index=True)
    failed_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
