"""Requests already answered: API creates by Idempotency-Key, page creates by one-time form token.

Each row is written in the same transaction as the record it guards, so a create that
rolls back leaves no key behind, and a unique constraint (not a check-then-insert) makes
a concurrent duplicate wait for the first and then find its row.
"""

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class IdempotencyKey(SQLModel, table=True):
    """One API create and the answer it gave, replayed for the same key, user, route and body."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    key: str = Field(max_length=255)
    method: str = Field(max_length=10)
    path: str = Field(max_length=2000)
    # SHA-256 of the JSON body in a canonical form (keys sorted), so spacing does not count.
    body_hash: str = Field(max_length=64)
    # None until the create's answer is known; committed rows always have one (same transaction).
    status_code: int | None = None
    response_body: str | None = None
    # The headers a client acts on (Content-Type, ETag, Location), as a JSON object.
    response_headers: dict | None = Field(default=None, sa_type=JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)


class UsedFormToken(SQLModel, table=True):
    """A page form's one-time token, spent by the post that saved it, and what that post created.

    Spent per content: the same form sent again as it was (double click, resubmit) is the
    same post; sent again with other values (back, change, save) it is a new one, which
    is never silently dropped.
    """

    __tablename__ = "used_form_tokens"
    __table_args__ = (UniqueConstraint("token", "form_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64)
    # SHA-256 of the form's fields (without the CSRF and one-time tokens).
    form_hash: str = Field(max_length=64)
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    path: str = Field(max_length=2000)
    # The table and id of the row the first post created, so a second post can go to it.
    created_table: str | None = Field(default=None, max_length=64)
    created_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
