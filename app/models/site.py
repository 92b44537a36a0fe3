"""What makes this install itself: the namespace its calendar UIDs are minted from."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.base import TZDateTime, utcnow


class SiteIdentity(SQLModel, table=True):
    """One row holding a random UUID made when the database was created (app/meetings/site_identity.py).

    Calendar UIDs are uuid5(namespace, "meeting-<id>"): stable for as long as the data
    lives (a copy, backup or restore carries the row), whatever the site's address, and
    different for two installs on one host. Never changed once made.
    """

    __tablename__ = "site_identity"

    id: int = Field(default=1, primary_key=True)
    namespace: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow, sa_type=TZDateTime)
