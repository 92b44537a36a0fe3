"""Files kept on disk for every process of a host: drawn charts (app/charts.py) and circulated agendas' packs
(app/agendas/cache.py). A cache: anything here may be deleted at any time, and is then simply made again.

- Written whole: a temporary file renamed into place, so a reader in another process sees the whole file or
  none; the caller says what a whole file looks like (`whole`), and a damaged one is ignored.
- Private: the folder is made readable by its owner only, and it is used only while it is a real folder owned
  by this process's user that nobody else may write in. The default folders are in the shared temporary
  folder, where another local user could have made the folder first, to read what is kept there or to plant
  a chart or a pack that people would download: such a folder is never read or written.
- Bounded: the least recently used files beyond `files` are removed, looked at every `prune_every` writes.
- Errors are ignored: a folder that cannot be read or written only means nothing is kept.
"""

import contextlib
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable

_written: Counter[str] = Counter()  # files written per folder by this process, for pruning now and then


def trusted(folder: str) -> bool:
    """Is `folder` a real folder (not a link) of this process's user that no one else may write in?"""
    try:
        found = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(found.st_mode) and found.st_uid == os.geteuid() and not found.st_mode & 0o022


def read(folder: str, name: str, whole: Callable[[bytes], bool]) -> bytes | None:
    """The file `name`'s bytes if it is there and whole, marked as recently used; else None."""
    if not trusted(folder):
        return None
    path = os.path.join(folder, name)
    try:
        with open(path, "rb") as kept:
            content = kept.read()
        os.utime(path)  # recently used: the last to be pruned
    except OSError:
        return None
    return content if whole(content) else None


def write(folder: str, name: str, content: bytes, *, files: int, prune_every: int = 50) -> None:
    """Keep `content` as the file `name`, written whole; the oldest files beyond `files` go now and then."""
    with contextlib.suppress(OSError):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not trusted(folder):
            return
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, os.path.join(folder, name))
        except BaseException:
            os.unlink(temporary)
            raise
        _written[folder] += 1
        if _written[folder] % prune_every == 0:
            prune(folder, files)


def prune(folder: str, files: int) -> None:
    """Remove the least recently used files beyond `files` (not the temporary ones being written)."""
    with os.scandir(folder) as entries:
        kept = [(e.stat().st_mtime, e.path) for e in entries if not e.name.startswith(".") and e.is_file()]
    for _, path in sorted(kept)[: max(len(kept) - files, 0)]:
        with contextlib.suppress(OSError):
            os.unlink(path)
