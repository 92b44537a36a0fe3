"""The data revision: one row whose stamp changes with every committed write."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class DataRevision(SQLModel, table=True):
    """A random stamp, replaced in the same transaction as every write (app/revision.py).

    Derived documents (the agenda JSON) are cached under it: a cache entry is valid
    while the stamp is unchanged, whichever worker or command made the change. A
    random stamp rather than a counter, so that a restored backup never reuses one.
    """

    __tablename__ = "data_revision"

    id: int = Field(default=1, primary_key=True)
    stamp: str = Field(max_length=32)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
