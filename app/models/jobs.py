"""Durable jobs: work a request hands on to be done outside it (an agenda's pack and mail to every seat).

A job is a row written in the same transaction as the change that needs it: a request that
rolls back leaves no job, a committed one is never forgotten. A runner (app/jobs.py
`run_queued_jobs`: the job process of a `council serve` worker, or any delivery pass) claims
it with a lease, does the work in its own transaction and marks it done in that transaction.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class JobStatus(StrEnum):
    queued = "queued"  # waiting to run, or to run again after a failure (not before lease_until)
    running = "running"  # claimed by a runner until lease_until; after it, another runner takes it
    done = "done"  # its work was committed with this status
    failed = "failed"  # given up after its last attempt: shown to the council, can be queued again by hand
    superseded = "superseded"  # a newer job does its work (a newer version published before this one ran)


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed', 'superseded')", name="status"),
        UniqueConstraint("key", name="uq_jobs_key"),
        # What a runner looks for: queued or running jobs whose time has come.
        Index("ix_jobs_status_lease_until", "status", "lease_until"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    # What the job does, once: "agenda-mail:<meeting>:v<version>".
    key: str = Field(max_length=200)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default=JobStatus.queued, max_length=20)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    # Queued: not before this time (None: at once). Running: the runner's claim ends then.
    lease_until: datetime | None = Field(default=None, sa_type=TZDateTime)
    last_error: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": text("''")})
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=TZDateTime)
