"""Screenshots for a person to look at, taken only when asked for (`SHOTS_DIR=/some/folder`).

A screenshot checks nothing: a test asserts what a person would notice (say, that no page
scrolls sideways) itself. Without SHOTS_DIR none is taken (a full-page PNG costs the browser
a paint and an encode, ~0.3-1 s each on a busy machine, and nobody would look at it).
"""

from __future__ import annotations

import os
from pathlib import Path


def shots_dir() -> Path | None:
    """The folder screenshots go to, made if missing; None when nobody asked for screenshots."""
    folder = os.environ.get("SHOTS_DIR")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page, name: str, *, full_page: bool = True) -> None:
    """`page` as `name` (a file name ending .png) in SHOTS_DIR, when it is set."""
    folder = shots_dir()
    if folder is not None:
        page.screenshot(path=str(folder / name), full_page=full_page)
