"""Where a paper's bytes live: one small interface, and the database behind it by default.

The database store keeps every file in `paper_blobs`, inside the request's transaction, so
a paper and its bytes are written (or rolled back) together and `council backup` holds
everything. A large install can put the bytes elsewhere (an object store, a file share) by
writing another `PaperStore` and returning it from `paper_store`; README "Papers" says what
such a store must promise.
"""

import hashlib
from collections.abc import Iterable
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.models import PaperBlob, utcnow


class PaperStore(Protocol):
    """Bytes in, a key out; the key back, the same bytes out. Keys are at most 200 characters."""

    def put(self, content: bytes) -> str:
        """Keep `content`; answer the key that reads it back. Never overwrites other bytes."""
        ...

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        """The bytes of each key found (a missing key is left out, never an error)."""
        ...


def content_key(content: bytes) -> str:
    """The SHA-256 of the bytes, in hex: the database store's key (the same file twice is kept once)."""
    return hashlib.sha256(content).hexdigest()


class DatabaseStore:
    """The bytes in the `paper_blobs` table, written in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def put(self, content: bytes) -> str:
        key = content_key(content)
        if self.session.get(PaperBlob, key) is not None:
            return key
        try:
            # A savepoint: two people uploading the same file at once both succeed.
            with self.session.begin_nested():
                self.session.add(PaperBlob(key=key, content=content, size=len(content), created_at=utcnow()))
        except IntegrityError:
            pass
        return key

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        rows = self.session.exec(select(PaperBlob.key, PaperBlob.content).where(col(PaperBlob.key).in_(wanted)))
        return {key: bytes(content) for key, content in rows}


def paper_store(session: Session) -> PaperStore:
    """The store papers are kept in (the database; the one place to change to move them out)."""
    return DatabaseStore(session)
