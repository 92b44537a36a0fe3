"""Trend charts of a measure as SVG or PNG bytes, with matplotlib's Agg backend.

matplotlib is imported on the first chart, not when the app starts (about 0.4 s).
Rendering is cached by everything drawn (points, target, title, unit, direction and
format): a measure whose readings, target and name have not changed costs nothing the
second time, and any change to them is a different key, so a stale chart is never served.

Drawn charts are also kept on disk (`use_disk_cache`, settings CHART_CACHE_DIR), one file per
content, so every worker process (and the next start) reuses a chart any of them drew: a
five-year council's Word pack holds about twenty, 2-4 s of CPU to draw. A file's name is a
hash of everything drawn plus this module's source and matplotlib's version, so a change to
the data or to the drawing is a new file; files are written whole (a temporary file renamed
into place), a missing or damaged one is simply drawn again, and the oldest go first once
the folder holds more than CHART_CACHE_FILES.
"""

import hashlib
import io
import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from functools import lru_cache
from importlib import metadata
from typing import Literal, Protocol

from app import filecache
from app.display import DIRECTION_LABELS, STATUSES, format_value

Format = Literal["svg", "png"]
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png"}

INK, MUTED, LINE = "#1d2433", "#5b6475", "#dde2ea"
# The last point is coloured as the status tags are (app.display.STATUSES).
BRAND, GREEN, RED = "#1f5fae", STATUSES["green"].ink, STATUSES["red"].ink
WIDTH_IN, HEIGHT_IN, PNG_DPI = 10.0, 3.6, 150
# For a phone's width: fewer inches, so the same type size reads larger once scaled down.
COMPACT_WIDTH_IN, COMPACT_HEIGHT_IN = 5.0, 3.4

# Rendering touches matplotlib's shared font cache and rcParams; one chart at a time.
_lock = threading.Lock()
_modules: dict = {}


def _matplotlib() -> dict:
    """matplotlib's pieces, imported once, with a writable config folder."""
    if not _modules:
        # A read-only home (containers, CI) would otherwise make matplotlib warn and
        # rebuild its font cache in a new temporary folder on every start.
        os.environ.setdefault("MPLCONFIGDIR", os.path.join(tempfile.gettempdir(), f"cx-council-mpl-{os.getuid()}"))
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.dates as mdates
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        matplotlib.rcParams.update(
            {
                "svg.fonttype": "none",  # text stays text: smaller, selectable, searchable
                "svg.hashsalt": "cx-council",  # the same chart gives the same bytes
                "font.family": "DejaVu Sans",
                "font.size": 10,
            }
        )
        _modules.update(Figure=Figure, FigureCanvasAgg=FigureCanvasAgg, mdates=mdates)
    return _modules


def load() -> None:
    """Import matplotlib now, not on the first chart (a job process, between its jobs: app/jobs.py)."""
    with _lock:
        _matplotlib()


def _meets(direction: str, value: float, target: float) -> bool:
    return value >= target if direction == "higher_is_better" else value <= target


def _draw(
    points: tuple[tuple[date, float], ...],
    target: float | None,
    title: str,
    unit: str,
    direction: str,
    fmt: Format,
    compact: bool = False,
) -> bytes:
    """Render one chart (uncached)."""
    mpl = _matplotlib()
    size = (COMPACT_WIDTH_IN, COMPACT_HEIGHT_IN) if compact else (WIDTH_IN, HEIGHT_IN)
    figure = mpl["Figure"](figsize=size, layout="constrained")
    mpl["FigureCanvasAgg"](figure)
    axes = figure.add_subplot()
    figure.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold", color=INK)
    subtitle = DIRECTION_LABELS.get(direction, "")
    if target is not None:
        subtitle += f" · target {format_value(target, unit)}"
    axes.set_title(subtitle, loc="left", fontsize=9, color=MUTED)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(LINE)
    axes.tick_params(colors=MUTED, labelsize=9)
    axes.grid(axis="y", color=LINE, linewidth=0.8)
    axes.set_axisbelow(True)

    if not points:
        axes.set_xticks([])
        axes.set_yticks([])
        axes.grid(False)
        for side in ("left", "bottom"):
            axes.spines[side].set_visible(False)
        axes.text(0.5, 0.5, "No readings yet", ha="center", va="center", color=MUTED, transform=axes.transAxes)
    else:
        xs = [p for p, _ in points]
        ys = [v for _, v in points]
        axes.plot(xs, ys, color=BRAND, linewidth=2, marker="o", markersize=4, zorder=3)
        last_x, last_y = xs[-1], ys[-1]
        colour = BRAND if target is None else (GREEN if _meets(direction, last_y, target) else RED)
        axes.plot([last_x], [last_y], marker="o", markersize=8, color=colour, zorder=4)
        axes.annotate(
            format_value(last_y, unit),
            (last_x, last_y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=10,
            fontweight="bold",
            color=colour,
            zorder=5,
        )
        locator = mpl["mdates"].AutoDateLocator(minticks=3, maxticks=5 if compact else 8)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mpl["mdates"].ConciseDateFormatter(locator, show_offset=False))
        extent = ys + ([target] if target is not None else [])
        low, high = min(extent), max(extent)
        margin = (high - low) * 0.18 or abs(high) * 0.1 or 1.0
        axes.set_ylim(low - margin, high + margin * 1.6)
        if len(xs) == 1:
            axes.set_xlim(date.fromordinal(last_x.toordinal() - 20), date.fromordinal(last_x.toordinal() + 20))
        else:
            span = (xs[-1] - xs[0]).days
            axes.set_xlim(
                date.fromordinal(xs[0].toordinal() - max(span // 30, 3)),
                date.fromordinal(xs[-1].toordinal() + max(span // 25, 4)),
            )
    if target is not None and points:
        axes.axhline(target, color=MUTED, linestyle=(0, (5, 4)), linewidth=1.2, zorder=2)
        axes.annotate(
            f"Target {format_value(target, unit)}",
            xy=(0, target),
            xycoords=("axes fraction", "data"),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=8.5,
            color=MUTED,
            va="bottom",
        )
    if unit and points:
        axes.set_ylabel(unit, color=MUTED, fontsize=9)

    buffer = io.BytesIO()
    if fmt == "svg":
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        figure.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return buffer.getvalue()


# Where drawn charts are kept on disk (None: not kept) and how many files at most.
DEFAULT_FOLDER = os.path.join(tempfile.gettempdir(), f"cx-council-charts-{os.getuid()}")
_disk: dict = {"folder": DEFAULT_FOLDER, "files": 2000}
_PRUNE_EVERY = 50  # files written between two looks at the folder's size
# What every whole file ends with: a damaged or half-written one is drawn again.
_ENDINGS = {"png": b"IEND\xaeB`\x82", "svg": b"</svg>\n"}


def use_disk_cache(folder: str | None, files: int = 2000) -> None:
    """Keep drawn charts in `folder` (created when first needed), at most `files` of them; None keeps none."""
    _disk.update(folder=folder, files=files)


def kept_on_disk() -> bool:
    """Are drawn charts kept on disk, where every process of the server finds them (use_disk_cache)?"""
    return bool(_disk["folder"])


@lru_cache(maxsize=1)
def _drawing_version() -> bytes:
    """This module's source and matplotlib's version: a new drawing never reads an old file."""
    with open(__file__, "rb") as source:
        code = source.read()
    return hashlib.sha256(code + metadata.version("matplotlib").encode()).digest()


def _chart_name(drawn: tuple) -> str:
    key = hashlib.sha256(_drawing_version() + repr(drawn).encode()).hexdigest()
    return f"{key}.{drawn[5]}"


@lru_cache(maxsize=128)
def _render(
    points: tuple[tuple[date, float], ...],
    target: float | None,
    title: str,
    unit: str,
    direction: str,
    fmt: Format,
    compact: bool,
) -> bytes:
    drawn = (points, target, title, unit, direction, fmt, compact)
    folder = _disk["folder"]
    name = _chart_name(drawn) if folder else ""
    if folder and (content := filecache.read(folder, name, lambda kept: kept.endswith(_ENDINGS[fmt]))) is not None:
        return content
    with _lock:
        content = _draw(*drawn)
    if folder:
        filecache.write(folder, name, content, files=_disk["files"], prune_every=_PRUNE_EVERY)
    return content


def _as_pairs(points: Iterable) -> tuple[tuple[date, float], ...]:
    """(period, value) pairs from Points, dicts or tuples, oldest first."""
    pairs = []
    for p in points:
        if isinstance(p, dict):
            pairs.append((p["period"], float(p["value"])))
        elif isinstance(p, Sequence):
            pairs.append((p[0], float(p[1])))
        else:
            pairs.append((p.period, float(p.value)))
    return tuple(sorted(pairs))


def trend_chart(
    points: Iterable,
    *,
    target: float | None,
    title: str,
    unit: str = "",
    direction: str = "higher_is_better",
    fmt: Format = "svg",
    compact: bool = False,
) -> bytes:
    """A line chart of a measure's readings: the target dashed and labelled, the latest value annotated.

    `compact` draws it narrower, for a phone's screen.
    """
    if fmt not in MEDIA_TYPES:
        raise ValueError(f"fmt must be one of {', '.join(MEDIA_TYPES)}")
    target = None if target is None else float(target)
    return _render(_as_pairs(points), target, title, unit, direction, fmt, bool(compact))


class ChartedMeasure(Protocol):
    """What a Word file's chart needs from a measure row (the agenda's `MeasureRow`)."""

    trend: Sequence
    target: float | None
    name: str
    unit: str
    direction: str


def measure_chart_png(row: ChartedMeasure) -> bytes | None:
    """A measure's trend as PNG for the Word agenda and minutes (cached like every chart); None without readings."""
    if not row.trend:
        return None
    return trend_chart(row.trend, target=row.target, title=row.name, unit=row.unit, direction=row.direction, fmt="png")
