"""The audit log: archives, restores and purges, kept after what they name is gone."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    """One archive, restore or purge: who, when, what, and a summary of the record."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime, index=True)
    # The person's email, not a foreign key: the entry outlives accounts and purges.
    actor: str = Field(max_length=320)
    # "archive", "restore" or "purge".
    action: str = Field(max_length=20)
    # "<table>:<id>", e.g. "actions:12"; no foreign key, so a purge cannot take it.
    subject: str = Field(max_length=80, index=True)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
