"""People who can sign in."""

from datetime import datetime

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
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
