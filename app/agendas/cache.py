"""The built agenda, its JSON and its packs, kept while the data they show is unchanged.

An agenda reads fifteen tables and serialises to most of a megabyte; its Word pack takes
seconds to build and its PDF far longer; members open the same one again and again
between changes. So each worker keeps:

- the built `Agenda` object, with its JSON body and ETag (derived from it once, on first
  use), in an LRU of AGENDA_CACHE_ENTRIES entries. The page, the JSON, the Word pack, the PDF
  pack and the calendar all read it (app/agendas/service.py `agenda_entry`), so a change
  costs one build, whichever renderer asks first;
- the part of it the minutes follow (app/agendas/outline.py), under the same key: from the
  entry when the worker holds the agenda, else from the shared folder (below) where it is kept
  beside the agenda, a twentieth of its size to read (app/agendas/service.py `kept_outline`);
- the Word and PDF bytes, in an LRU bounded by their total size (PACK_CACHE_MB); those of a
  circulated agenda also on disk (PACK_CACHE_DIR, shared by every worker and the job process:
  the pack the publish job built and mailed is what people then download, never built again).

All are settings (app/config.py); 0 (or an empty folder name) keeps nothing.

Entries are keyed by what the document depends on: the meeting, live or as circulated,
the council's date (overdue counts move with it) and the council's data stamp, which
every committed write to what its documents show replaces (app/revision.py
`stamp_for`); a pack adds the council's Word template's upload time. So an entry can
never outlive the data it shows, whichever worker or command wrote, and there is
nothing to invalidate by hand.

The `Agenda` in an entry is shared by every request (and thread) that reads it:
renderers read it and never change it (tests/agendas/test_agenda_cache.py checks that
page, Word and PDF leave it as they found it). Freezing the models deeply would cost
more than the build saves.
"""

import contextlib
import hashlib
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import metadata
from pathlib import Path

from cachetools import LRUCache
from markupsafe import Markup

from app import filecache

try:
    import fcntl
except ImportError:  # not on Windows: workers there may build the same agenda side by side, then share it
    fcntl = None  # type: ignore[assignment]
from app.agendas.model import Agenda
from app.agendas.outline import AgendaOutline, outline_of
from app.agendas.page_agenda import PageAgenda, PageView
from app.common import FileOut

# A five-year council's agenda is about 1.8 MB as objects and 0.8 MB of JSON: a few dozen
# meetings' worth per worker (Settings.AGENDA_CACHE_ENTRIES sets it).
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
        return cls(body=body, etag=strong_etag(body))


def strong_etag(content: bytes) -> str:
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


@dataclass
class AgendaEntry:
    """One built agenda and, once asked for, its JSON. `key` is None when it may not be kept."""

    agenda: Agenda
    key: AgendaKey | None
    _json: AgendaJson | None = field(default=None, repr=False)
    # The page's HTML of the sections that show the same to every reader (app/agendas/pages.py section_bodies):
    # each section's template rendered alone, as Jinja renders it (app/agendas/bodies.py).
    bodies: dict[str, object] | None = field(default=None, repr=False)
    _outline: AgendaOutline | None = field(default=None, repr=False)

    @property
    def outline(self) -> AgendaOutline:
        """What the minutes follow of this agenda (either of two threads deriving it at once may win: the same)."""
        if self._outline is None:
            self._outline = outline_of(self.agenda)
        return self._outline

    @property
    def json(self) -> AgendaJson:
        # Two threads may both serialise on a first read: the same bytes, so either may win.
        if self._json is None:
            self._json = AgendaJson.of(agenda_json_body(self.agenda))
        return self._json


_NO_SECTIONS = b'"sections":[]'


def agenda_json_body(agenda: Agenda) -> bytes:
    """`agenda.model_dump_json()`, the same bytes, in a third of the time.

    pydantic (2.14) serialises the sections through their tagged union about four times
    slower than each section's own serializer does (~120 ms against ~30 ms for a five-year
    council: most of the JSON cost of a cold read). So the agenda is serialised without its
    sections and each section by its own class, then put in their place. Equal to
    model_dump_json (tests/agendas/test_agenda_cache.py); the plain way if the shell is not
    as expected."""
    shell = agenda.model_copy(update={"sections": []}).model_dump_json().encode()
    if shell.count(_NO_SECTIONS) != 1:
        return agenda.model_dump_json().encode()
    sections = b",".join(section.model_dump_json().encode() for section in agenda.sections)
    return shell.replace(_NO_SECTIONS, b'"sections":[' + sections + b"]")


@dataclass(frozen=True)
class PackKey:
    kind: str  # "docx" or "pdf"
    agenda: AgendaKey
    template_at: datetime | None  # when the council's Word template was uploaded (None: ours)


@dataclass(frozen=True)
class PackOut(FileOut):
    """A pack and its strong ETag (the same bytes give the same tag on every worker)."""

    etag: str = ""


# How each kind of pack ends when whole: a damaged or half-written file is built again.
_WHOLE = {"docx": lambda c: c[-22:-18] == b"PK\x05\x06", "pdf": lambda c: b"%%EOF" in c[-32:]}
_PRUNE_EVERY = 20  # packs written between two looks at the folder's size


class PackFiles:
    """Circulated agendas' packs as files in `folder`, one per (kind, snapshot, template), at most `files`.

    Kept as app/filecache.py keeps files (written whole, in a private folder, the least recently used going
    first); a damaged or missing one, or an error, only means the pack is built."""

    def __init__(self, folder: str, files: int = 200) -> None:
        self.folder, self.files = folder, files

    @staticmethod
    def keeps(key: PackKey) -> bool:
        """Only a circulated agenda's: its snapshot never changes, and is all the pack shows but the template."""
        return key.agenda.stamp.startswith("snapshot:") and not key.agenda.live

    @staticmethod
    def name(key: PackKey, media_type: str) -> str:
        at = key.template_at.isoformat() if key.template_at else ""
        name = hashlib.sha256(f"{key.kind}|{key.agenda.meeting_id}|{key.agenda.stamp}|{at}|{media_type}".encode())
        return f"{name.hexdigest()}.{key.kind}"

    def read(self, key: PackKey, media_type: str) -> bytes | None:
        return filecache.read(self.folder, self.name(key, media_type), _WHOLE[key.kind])

    def write(self, key: PackKey, media_type: str, content: bytes) -> None:
        filecache.write(self.folder, self.name(key, media_type), content, files=self.files, prune_every=_PRUNE_EVERY)


_STRIPES = 256  # lock files of one shared folder: a key's build takes the lock of its stripe
_WAIT_FOR_BUILD_S = 15.0  # how long a worker waits for another's build of the same agenda before building it too
_PICKLE_END = b"."  # pickle's STOP: a file cut short does not end with it
# Files kept in a shared folder: 64 agendas (a five-year council's is about 0.45 MB), each with its outline for the
# minutes (about 22 kB), its page's shared HTML (about as much as the agenda: app/agendas/bodies.py) and what the page
# reads of the agenda beside that HTML (app/agendas/page_agenda.py), the least recently used files going first.
SHARED_FILES = 256


def _rendered(html: str) -> Markup:
    """A string a template rendered (app/agendas/bodies.py), read back from the server's private folder, as the
    template's output again: Jinja hands a rendered template's output to the page marked as such, and this is that
    output byte for byte. The only string the app marks safe itself (tests/security/test_xss.py): the folder holds
    pickles, so whoever could write in it could run code already; nothing a person typed is ever marked here."""
    if type(html) is not str:
        raise TypeError("not a rendered template's output")
    return Markup(html)


@dataclass(frozen=True)
class DraftCopy:
    """An agenda that is the draft kept under `draft` with `update` set on it, as publishing freezes a kept draft
    (app/agendas/service.py freeze_agenda): `draft.model_copy(update=update)`, its sections the draft's own."""

    draft: AgendaKey
    update: dict

    def of(self, draft: Agenda) -> Agenda:
        return draft.model_copy(update=self.update)


@dataclass(frozen=True)
class _CopyFile:
    """A DraftCopy as the shared folder keeps it: with the draft's file as it was written (`pickled`), so it stands
    alone when the draft's own file is gone."""

    copy: DraftCopy
    pickled: bytes


@cache
def code_version() -> str:
    """The app's source and pydantic's version, which every kept file's name starts from: the pickles hold the
    app's own classes (the agenda's models, its readings' Points), so a file written by other code, in a folder an
    operator keeps across a deploy (AGENDA_SHARE_DIR set), is never read, whatever changed (about 10 ms, once a
    process: AgendaFiles asks when it is made)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(metadata.version("pydantic").encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class AgendaFiles:
    """Built agendas as files in a folder that the workers of ONE `council serve` share (AGENDA_SHARE_DIR), so a
    cold agenda is built once per server, not once per worker: the first worker to need it builds it and writes
    it; the others wait for that build (a lock file per stripe of keys, so two workers never build the same
    agenda at once) and read it back (a fifth of a build's CPU). Beside each agenda, under the same key, its
    outline (what the minutes follow of it: app/agendas/outline.py), so the minutes page reads only that; and beside
    the page's shared HTML, what the agenda page reads of it (app/agendas/page_agenda.py), so that page does too.

    The folder `council serve` makes lives as long as the server (its code and its database), so a file is never
    read for another database; and every name starts from `code_version`, so none is read by other code, in a
    folder kept across a deploy too. A key is the same data (the council's stamp, or the snapshot) whichever
    worker asks. The files are pickles: the folder is private (app/filecache.py: a real folder of this user that
    nobody else may write in), as the process's own memory is. Anything wrong with a file, or the folder, only
    means a build."""

    def __init__(self, folder: str, files: int = SHARED_FILES) -> None:
        self.folder, self.files = folder, files
        code_version()  # worked out at start-up, not in a request

    @staticmethod
    def name(key: AgendaKey) -> str:
        return f"{AgendaFiles.stem(key)}.agenda"

    @staticmethod
    def stem(key: AgendaKey) -> str:
        """What every file kept under `key` is named from (the agenda, its outline, the page's HTML and part)."""
        return hashlib.sha256(
            f"{code_version()}|{key.meeting_id}|{key.live}|{key.today}|{key.stamp}".encode()
        ).hexdigest()

    @classmethod
    def outline_name(cls, key: AgendaKey) -> str:
        return cls.stem(key) + ".outline"

    def _load(self, name: str, kind: type):
        content = filecache.read(self.folder, name, lambda c: c.endswith(_PICKLE_END))
        if content is None:
            return None
        try:
            kept = pickle.loads(content)  # noqa: S301 (our own private folder: see the class)
        except Exception:
            return None
        return kept if isinstance(kept, kind) else None

    def read(self, key: AgendaKey, held: Callable[[AgendaKey], Agenda | None] | None = None) -> Agenda | None:
        """The agenda kept under `key`. One kept as a copy of a draft (write_copy) is made from that draft: the one
        `held` gives for its key (the worker's own, in memory: its sections, and so their HTML, are shared), else
        the draft's file kept with it."""
        kept = self._load(self.name(key), (Agenda, _CopyFile))
        if not isinstance(kept, _CopyFile):
            return kept
        draft = held(kept.copy.draft) if held is not None else None
        if draft is None:
            try:
                draft = pickle.loads(kept.pickled)  # noqa: S301 (our own private folder: see the class)
            except Exception:
                return None
            if not isinstance(draft, Agenda):
                return None
        return kept.copy.of(draft)

    def read_outline(self, key: AgendaKey) -> AgendaOutline | None:
        """The outline of the agenda kept under `key`, if a worker has written it."""
        return self._load(self.outline_name(key), AgendaOutline)

    def write(self, key: AgendaKey, agenda: Agenda) -> None:
        """Keep the agenda and, beside it, its outline."""
        for name, kept in ((self.name(key), agenda), (self.outline_name(key), outline_of(agenda))):
            content = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
            filecache.write(self.folder, name, content, files=self.files, prune_every=_PRUNE_EVERY)

    def write_copy(self, key: AgendaKey, agenda: Agenda, copy: DraftCopy) -> None:
        """Keep `agenda`, which is `copy` of the draft kept here under `copy.draft`, as that draft's file and what the
        copy sets (publishing: a file copied, about a millisecond, instead of pickling the agenda again, some 17 ms
        of a five-year council's); as a whole agenda when the draft's file is not here."""
        pickled = filecache.read(self.folder, self.name(copy.draft), lambda c: c.endswith(_PICKLE_END))
        if pickled is None:
            self.write(key, agenda)
            return
        kept = _CopyFile(copy=copy, pickled=pickled)
        for name, content in (
            (self.name(key), pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)),
            (self.outline_name(key), pickle.dumps(outline_of(agenda), protocol=pickle.HIGHEST_PROTOCOL)),
        ):
            filecache.write(self.folder, name, content, files=self.files, prune_every=_PRUNE_EVERY)
        self._copy_page(copy, key)

    def _copy_page(self, copy: DraftCopy, key: AgendaKey) -> None:
        """The page's HTML and part kept for the draft, kept for its copy under `key`: the copy's sections are the
        draft's, which is all the HTML shows (app/agendas/bodies.py), and its part is the draft's with what the copy
        sets (page_agenda of the copy). So a worker opening the circulated agenda reads them rather than rendering
        the HTML again (some 100 ms of a five-year council's), or reading the whole agenda."""
        stem = self.stem(copy.draft)
        for name in self._kept_under(copy.draft, ".page"):
            tag = name.removeprefix(stem + "-").removesuffix(".page")
            page = self.read_page(copy.draft, tag)
            if page is None or not os.path.exists(os.path.join(self.folder, self.bodies_name(copy.draft, tag))):
                continue
            self.write_page(key, tag, PageAgenda(agenda=copy.of(page.agenda), summaries=page.summaries))
            self._copy_file(self.bodies_name(copy.draft, tag), copy.draft, key)

    def _kept_under(self, key: AgendaKey, suffix: str = "") -> list[str]:
        """The names of the files kept under `key` (ending in `suffix`): the agenda, its outline, and the page's HTML
        and part with whatever tag; each derived from that agenda alone (and its tag)."""
        stem = self.stem(key)
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        return sorted(n for n in names if n.startswith(stem) and n.endswith(suffix))

    def _copy_file(self, name: str, key: AgendaKey, to: AgendaKey) -> None:
        content = filecache.read(self.folder, name, lambda c: c.endswith(_PICKLE_END))
        if content is not None:
            moved = self.stem(to) + name.removeprefix(self.stem(key))
            filecache.write(self.folder, moved, content, files=self.files, prune_every=_PRUNE_EVERY)

    def carry(self, key: AgendaKey, carried: AgendaKey) -> None:
        """Keep what is kept under `key` (the agenda, its outline, the page's HTML and part) under `carried` as well,
        the files copied as they are (app/agendas/service.py _carry_draft: the same agenda). Nothing, if not here.
        The page's part before its HTML, as they are written (a worker finding the HTML finds the part)."""
        names = self._kept_under(key)
        for name in sorted(names, key=lambda n: n.endswith(".bodies")):
            self._copy_file(name, key, carried)

    @staticmethod
    def bodies_name(key: AgendaKey, tag: str) -> str:
        return AgendaFiles.stem(key) + f"-{tag}.bodies"

    def has_bodies(self, key: AgendaKey, tag: str) -> bool:
        return os.path.exists(os.path.join(self.folder, self.bodies_name(key, tag)))

    def read_bodies(self, key: AgendaKey, tag: str) -> dict[str, object] | None:
        """The agenda page's shared HTML (app/agendas/bodies.py) that a process rendered from the agenda of `key`
        and wrote with `tag`, as it rendered it: each section's by anchor, and the rows' parts (a dict under the
        one key whose value is not a string). None if not there, or anything is wrong with it."""
        content = filecache.read(self.folder, self.bodies_name(key, tag), lambda c: c.endswith(_PICKLE_END))
        if content is None:
            return None
        try:
            kept = pickle.loads(content)  # noqa: S301 (our own private folder: see the class)
            bodies: dict[str, object] = {}
            for name, html in kept.items():
                if isinstance(html, str):
                    bodies[name] = _rendered(html)
                else:
                    bodies[name] = {
                        section: {row: (_rendered(top), _rendered(bottom)) for row, (top, bottom) in rows.items()}
                        for section, rows in html.items()
                    }
        except Exception:
            return None
        return bodies

    @staticmethod
    def page_name(key: AgendaKey, tag: str) -> str:
        return AgendaFiles.stem(key) + f"-{tag}.page"

    def read_page(self, key: AgendaKey, tag: str) -> PageAgenda | None:
        """What the agenda page reads of the agenda of `key` beside the HTML written with `tag`
        (app/agendas/page_agenda.py), if a process has written it."""
        return self._load(self.page_name(key, tag), PageAgenda)

    def write_page(self, key: AgendaKey, tag: str, page: PageAgenda) -> None:
        content = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        filecache.write(self.folder, self.page_name(key, tag), content, files=self.files, prune_every=_PRUNE_EVERY)

    def write_bodies(self, key: AgendaKey, tag: str, bodies: dict[str, object]) -> None:
        """Keep `bodies` (the templates' output: strings, and the rows' parts) for the other workers, as plain
        strings, so that reading them back runs no code of a class but str's."""
        plain = {
            name: str(html)
            if isinstance(html, str)
            else {
                section: {row: (str(top), str(bottom)) for row, (top, bottom) in rows.items()}
                for section, rows in html.items()
            }
            for name, html in bodies.items()
        }
        content = pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)
        filecache.write(self.folder, self.bodies_name(key, tag), content, files=self.files, prune_every=_PRUNE_EVERY)

    def kept(
        self,
        key: AgendaKey,
        build: Callable[[], Agenda],
        *,
        held: Callable[[AgendaKey], Agenda | None] | None = None,
        copy: DraftCopy | None = None,
    ) -> Agenda:
        """The agenda another worker built for `key` (`held`: as read), or `build()`'s, written for them (one build
        at a time); `copy`: what build() gives is that copy of a draft kept here (write_copy)."""
        with self.building(key):
            agenda = self.read(key, held)
            if agenda is None:
                agenda = build()
                if copy is None:
                    self.write(key, agenda)
                else:
                    self.write_copy(key, agenda, copy)
        return agenda

    @contextlib.contextmanager
    def building(self, key: AgendaKey) -> Iterator[None]:
        """Hold the build of `key` among the server's workers (waiting, sleeping, at most _WAIT_FOR_BUILD_S)."""
        stripe = int(self.name(key)[:8], 16) % _STRIPES
        handle = None
        with contextlib.suppress(OSError):
            if fcntl is not None and filecache.trusted(self.folder):
                handle = os.open(os.path.join(self.folder, f".lock-{stripe}"), os.O_RDWR | os.O_CREAT, 0o600)
        if handle is None:
            yield
            return
        try:
            deadline = time.monotonic() + _WAIT_FOR_BUILD_S
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        break  # build it ourselves rather than wait on a stuck worker
                    time.sleep(0.01)
            yield
        finally:
            os.close(handle)  # releases the lock


class AgendaCache:
    """Bounded, thread-safe maps: AgendaKey → AgendaEntry (by count), PackKey → PackOut (by total bytes); and a
    circulated agenda's packs in `folder` (None: not on disk) for every process."""

    def __init__(
        self,
        max_entries: int = MAX_ENTRIES,
        pack_bytes: int = 64 * 1024 * 1024,
        folder: str | None = None,
        files: int = 200,
        shared: str | None = None,
    ) -> None:
        self._entries: LRUCache[AgendaKey, AgendaEntry] = LRUCache(maxsize=max_entries)
        self._packs: LRUCache[PackKey, PackOut] = LRUCache(maxsize=pack_bytes, getsizeof=lambda p: len(p.content))
        # Outlines read from the shared folder, for agendas this worker does not hold (those it holds have theirs).
        self._outlines: LRUCache[AgendaKey, AgendaOutline] = LRUCache(maxsize=max_entries)
        # The agenda page's part of agendas this worker does not hold, with their shared HTML, read from the shared
        # folder (app/agendas/page_agenda.py), by key and the HTML's tag.
        self._pages: LRUCache[tuple[AgendaKey, str], PageView] = LRUCache(maxsize=max_entries)
        self._lock = threading.Lock()
        self.files = PackFiles(folder, files) if folder else None
        # The built agendas the server's workers share (None: each worker builds its own).
        self.shared = AgendaFiles(shared) if shared and max_entries > 0 else None

    def get(self, key: AgendaKey) -> AgendaEntry | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: AgendaKey, value: AgendaEntry) -> None:
        with self._lock:
            if self._entries.maxsize > 0:
                self._entries[key] = value

    def pop(self, key: AgendaKey) -> AgendaEntry | None:
        with self._lock:
            return self._entries.pop(key, None)

    def get_outline(self, key: AgendaKey) -> AgendaOutline | None:
        """The outline of the agenda kept under `key`: its entry's, else one read from the shared folder before."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return self._outlines.get(key)
        return entry.outline

    def put_outline(self, key: AgendaKey, outline: AgendaOutline) -> None:
        with self._lock:
            if self._outlines.maxsize > 0:
                self._outlines[key] = outline

    def get_page(self, key: AgendaKey, tag: str) -> PageView | None:
        with self._lock:
            return self._pages.get((key, tag))

    def put_page(self, key: AgendaKey, tag: str, view: PageView) -> None:
        with self._lock:
            if self._pages.maxsize > 0:
                self._pages[(key, tag)] = view

    def pages(self) -> list[PageView]:
        """The page's parts kept, least recently used first (for tests and diagnostics)."""
        with self._lock:
            return list(self._pages.values())

    def entries(self) -> list[AgendaEntry]:
        """What is kept, least recently used first (for tests and diagnostics)."""
        with self._lock:
            return list(self._entries.values())

    def get_pack(self, key: PackKey) -> PackOut | None:
        with self._lock:
            return self._packs.get(key)

    def pack_file(self, key: PackKey, media_type: str) -> bytes | None:
        """The pack's bytes as another process (the publish job) kept them on disk, if it did."""
        return self.files.read(key, media_type) if self.files is not None and PackFiles.keeps(key) else None

    def put_pack(self, key: PackKey, value: PackOut, *, on_disk: bool = True) -> None:
        """Keep a pack, the least recently used going to make room; one larger than the whole bound is not kept.
        A circulated agenda's is written to disk too, unless it was read from there (`on_disk=False`)."""
        with self._lock:
            if len(value.content) <= self._packs.maxsize:
                self._packs[key] = value
        if on_disk and self.files is not None and PackFiles.keeps(key):
            self.files.write(key, value.media_type, value.content)

    @property
    def pack_bytes(self) -> int:
        with self._lock:
            return int(self._packs.currsize)

    def pack_count(self) -> int:
        with self._lock:
            return len(self._packs)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
