"""The agenda as JSON, kept while the data it was built from is unchanged.

An agenda reads fifteen tables and serialises to most of a megabyte; members open the
same one again and again between changes. Entries are keyed by what the document
depends on: the meeting, live or as circulated, the council's date (overdue counts
move with it) and the data revision's stamp, which every committed write replaces
(app/revision.py). So an entry can never outlive the data it shows, whichever worker or
command wrote, and there is nothing to invalidate by hand.
"""

import hashlib
import threading
from dataclasses import dataclass
from datetime import date

from cachetools import LRUCache

# About 0.8 MB per entry for a five-year council: a few dozen meetings' worth.
MAX_ENTRIES = 32


@dataclass(frozen=True)
class AgendaKey:
    meeting_id: int
    live: bool
    today: date
    stamp: str


@dataclass(frozen=True)
class AgendaJson:
    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> "AgendaJson":
        """The body with a strong validator: equal bodies get equal ETags, whatever the key."""
        return cls(body=body, etag=f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"')


class AgendaCache:
    """A bounded, thread-safe map from AgendaKey to AgendaJson (least recently used goes)."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: LRUCache[AgendaKey, AgendaJson] = LRUCache(maxsize=max_entries)
        self._lock = threading.Lock()

    def get(self, key: AgendaKey) -> AgendaJson | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: AgendaKey, value: AgendaJson) -> None:
        with self._lock:
            self._entries[key] = value

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
