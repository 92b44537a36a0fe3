"""Papers: files a department or owner brings to a meeting, and the bytes behind them.

A paper is attached to one thing: an item of a meeting's agenda (`section_key`: a standard
section's key or "standing-<id>"), a department's report, an AOB item, or an initiative.
Papers never change (a new version is a new paper) and are archived, never deleted, so a
pack circulated with them can be rebuilt; their bytes sit behind app/papers/store.py.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, LargeBinary, text
from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow

# The council settings' defaults and ceilings (MB). A paper is a report, a slide deck or a
# spreadsheet: 20 MB holds a deck full of photographs, and a meeting's 100 MB keeps the
# database, the backups and the PDF pack (which appends the PDF papers) a sensible size.
PAPER_FILE_MB_DEFAULT = 20
PAPER_MEETING_MB_DEFAULT = 100
# The ceilings the chair may raise them to: an upload is read whole before it is stored,
# so the per-file ceiling also bounds what one request holds in memory.
PAPER_FILE_MB_CEILING = 50
PAPER_MEETING_MB_CEILING = 1000


class PaperTarget(StrEnum):
    item = "item"
    report = "report"
    aob = "aob"
    initiative = "initiative"


class Paper(SQLModel, table=True):
    """One uploaded file and what it is attached to; its bytes are in the store under `storage_key`."""

    __tablename__ = "papers"
    __table_args__ = (
        CheckConstraint("attached_to IN ('item', 'report', 'aob', 'initiative')", name="attached_to"),
        CheckConstraint("size >= 0", name="size"),
    )

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(foreign_key="councils.id", ondelete="CASCADE", index=True)
    attached_to: str = Field(max_length=20)
    # Every paper but an initiative's belongs to a meeting (its total counts against the limit).
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id", ondelete="CASCADE", index=True)
    # The agenda item: a section key ("aob") or a standing item ("standing-3").
    section_key: str | None = Field(default=None, max_length=40)
    # The targets may go (a withdrawn AOB item is deleted); the paper and its bytes stay for
    # the packs that were circulated with it.
    report_id: int | None = Field(default=None, foreign_key="department_reports.id", ondelete="SET NULL", index=True)
    aob_item_id: int | None = Field(default=None, foreign_key="aob_items.id", ondelete="SET NULL", index=True)
    initiative_id: int | None = Field(default=None, foreign_key="initiatives.id", ondelete="SET NULL", index=True)
    # As uploaded, without folders or control characters.
    name: str = Field(max_length=200)
    # Checked from the content, not the name.
    media_type: str = Field(max_length=120)
    kind: str = Field(max_length=20)
    size: int
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=200)
    uploaded_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    # Kept as written when uploaded: the name outlives the account.
    uploaded_by_name: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": text("''")})
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # Archived instead of deleted (app/archive.py): gone from the agenda, the bytes kept.
    archived_at: datetime | None = Field(default=None, sa_type=TZDateTime)
    archived_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")


class PaperBlob(SQLModel, table=True):
    """The database store's bytes (app/papers/store.py), keyed by their SHA-256: the same file twice is kept once."""

    __tablename__ = "paper_blobs"

    key: str = Field(primary_key=True, max_length=200)
    content: bytes = Field(sa_type=LargeBinary)
    size: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
