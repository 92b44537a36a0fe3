"""The data revisions: a stamp per council and one site-wide, each changed with every committed write to its data."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class DataRevision(SQLModel, table=True):
    """The site-wide revision: a random stamp replaced in the same transaction as every
    write to data outside any council (accounts, site settings; app/revision.py).

    Derived documents are cached under it and their council's stamp (CouncilRevision):
    a cache entry is valid while both are unchanged, whichever worker or command made the
    change. A random stamp rather than a counter, so that a restored backup never reuses one.
    """

    __tablename__ = "data_revision"

    id: int = Field(default=1, primary_key=True)
    stamp: str = Field(max_length=32)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)


class CouncilRevision(SQLModel, table=True):
    """One council's revision: a random stamp replaced in the same transaction as every write
    to the council's data, so writes in two councils never touch the same row.

    Written when the council is created (the first write in it) and gone with the council.
    """

    __tablename__ = "council_revisions"

    council_id: int = Field(
        foreign_key="councils.id", ondelete="CASCADE", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    stamp: str = Field(max_length=32)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
    # Replaced instead of `stamp` by writes to the minutes' record alone (app.revision.MINUTES_RECORD): a
    # secretary's autosave every few seconds leaves what reads only the rest (the agenda) as it was.
    minutes_stamp: str | None = Field(default=None, max_length=32)
