"""Trend charts: valid SVG and PNG bytes, the target labelled, and a warm render costs nothing."""

import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from types import SimpleNamespace

import pytest

from app import charts
from app.measures.stats import Point

POINTS = [Point(date(2025, m, 1), 9 + m * 0.25) for m in range(1, 13)]
SVG_NS = "{http://www.w3.org/2000/svg}"


def chart(fmt="svg", points=POINTS, target=8.0, title="Repeat engineer visits", unit="%"):
    return charts.trend_chart(points, target=target, title=title, unit=unit, direction="lower_is_better", fmt=fmt)


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


def test_svg_parses_and_names_the_target_the_title_and_the_latest_value():
    texts = svg_texts(chart("svg"))
    assert "Target 8%" in texts
    assert "Repeat engineer visits" in texts
    assert "12%" in texts  # the last point, annotated
    assert "Lower is better · target 8%" in texts


def test_png_is_a_png_of_the_expected_size():
    data = chart("png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (int(charts.WIDTH_IN * charts.PNG_DPI), int(charts.HEIGHT_IN * charts.PNG_DPI))


def test_no_target_no_readings_and_one_reading_still_draw():
    assert "Target" not in " ".join(svg_texts(chart(target=None)))
    assert "No readings yet" in svg_texts(chart(points=[]))
    assert chart("png", points=[Point(date(2026, 1, 1), 4.2)]).startswith(b"\x89PNG")


def test_points_in_any_order_and_shape_give_the_same_chart():
    as_tuples = [(p.period, p.value) for p in reversed(POINTS)]
    as_dicts = [{"period": p.period, "value": p.value} for p in POINTS]
    assert chart(points=as_tuples) == chart(points=as_dicts) == chart()


def test_a_warm_render_returns_the_same_bytes_without_drawing(monkeypatch):
    first = chart("svg", title="Cached chart")

    def must_not_draw(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(charts, "_draw", must_not_draw)
    before = charts._render.cache_info().hits
    assert chart("svg", title="Cached chart") is first
    assert charts._render.cache_info().hits == before + 1
    # Anything drawn that changes is a new chart, never a stale one.
    with pytest.raises(AssertionError, match="rendered again"):
        chart("svg", title="Cached chart", target=7.5)


def test_svg_bytes_are_deterministic(monkeypatch):
    monkeypatch.setitem(charts._disk, "folder", None)  # drawn twice, not read back
    charts._render.cache_clear()
    first = chart("svg", title="Deterministic")
    charts._render.cache_clear()
    assert chart("svg", title="Deterministic") == first


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        charts.trend_chart(POINTS, target=None, title="x", fmt="gif")


def test_matplotlib_is_not_imported_when_the_app_starts():
    code = (
        "import sys; from app.main import create_app; from app.config import Settings; "
        "create_app(Settings(ENVIRONMENT='test', DATABASE_URL='sqlite://', SECRET_KEY='x' * 40)); "
        "print('matplotlib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_word_files_chart_a_measure_row_as_png_and_skip_one_without_readings():
    row = SimpleNamespace(
        trend=POINTS, target=8.0, name="Repeat engineer visits", unit="%", direction="lower_is_better"
    )
    assert charts.measure_chart_png(row) == chart("png")
    assert charts.measure_chart_png(SimpleNamespace(**{**vars(row), "trend": []})) is None


def kept_charts(tmp_path, monkeypatch, files=2000):
    monkeypatch.setitem(charts._disk, "folder", str(tmp_path))
    monkeypatch.setitem(charts._disk, "files", files)
    charts._render.cache_clear()
    return tmp_path


def test_a_chart_drawn_once_is_read_back_by_another_process_without_drawing(tmp_path, monkeypatch):
    folder = kept_charts(tmp_path, monkeypatch)
    drawn = chart("png", title="Kept on disk")
    assert [p.suffix for p in folder.iterdir()] == [".png"]
    code = (
        "import sys; from app import charts; from tests.core.test_charts import chart; "
        f"charts.use_disk_cache({str(folder)!r}); out = chart('png', title='Kept on disk'); "
        "sys.stdout.buffer.write(out); sys.stderr.write(str('matplotlib' in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert result.stdout == drawn
    assert result.stderr.decode().strip() == "False"  # read, not drawn


def test_a_cleared_memory_reads_the_file_and_changed_data_draws_a_new_chart(tmp_path, monkeypatch):
    kept_charts(tmp_path, monkeypatch)
    first = chart("svg", title="Kept")
    charts._render.cache_clear()
    draw = charts._draw
    calls = []
    monkeypatch.setattr(charts, "_draw", lambda *args: calls.append(args) or draw(*args))
    assert chart("svg", title="Kept") == first
    assert calls == []
    changed = chart("svg", title="Kept", target=7.5)
    assert len(calls) == 1 and changed != first
    assert len(list(tmp_path.iterdir())) == 2


def test_a_damaged_or_missing_file_is_drawn_again(tmp_path, monkeypatch):
    kept_charts(tmp_path, monkeypatch)
    whole = chart("png", title="Damaged")
    (path,) = tmp_path.iterdir()
    path.write_bytes(whole[: len(whole) // 2])  # as a crash mid-write would leave it, were it not renamed
    charts._render.cache_clear()
    assert chart("png", title="Damaged") == whole
    assert path.read_bytes() == whole
    path.unlink()
    charts._render.cache_clear()
    assert chart("png", title="Damaged") == whole and path.exists()


def test_an_unwritable_folder_still_gives_the_chart(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setitem(charts._disk, "folder", str(blocker / "charts"))
    charts._render.cache_clear()
    assert chart("png", title="Nowhere to keep").startswith(b"\x89PNG")


def test_the_folder_keeps_the_most_recently_used_charts_only(tmp_path, monkeypatch):
    kept_charts(tmp_path, monkeypatch, files=3)
    monkeypatch.setattr(charts, "_PRUNE_EVERY", 1)
    monkeypatch.setattr(charts, "_draw", lambda *args: b"<svg>" + repr(args).encode() + b"</svg>\n")
    for n in range(5):
        chart("svg", title=f"Chart {n}")
    assert len(list(tmp_path.iterdir())) == 3


def test_a_folder_others_may_write_in_is_never_read_or_written(tmp_path, monkeypatch):
    # In the shared temporary folder another local user could make the folder first, to read the charts kept
    # there or plant one that people would see: such a folder is neither read nor written.
    monkeypatch.setattr(charts, "_draw", lambda *args: b"<svg>drawn</svg>\n")
    ours = kept_charts(tmp_path / "ours", monkeypatch)
    chart("svg", title="Planted")
    (named,) = ours.iterdir()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / named.name).write_bytes(b"<svg>planted</svg>\n")
    kept_charts(shared, monkeypatch)
    assert chart("svg", title="Planted") == b"<svg>drawn</svg>\n"
    assert chart("svg", title="Not kept") == b"<svg>drawn</svg>\n"
    assert [p.name for p in shared.iterdir()] == [named.name]
    # A link to a folder is not the folder: a planted link could lead anywhere.
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    kept_charts(tmp_path / "link", monkeypatch)
    assert chart("svg", title="Through a link") == b"<svg>drawn</svg>\n"
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_the_folder_is_made_private(tmp_path, monkeypatch):
    folder = tmp_path / "made"
    monkeypatch.setitem(charts._disk, "folder", str(folder))
    charts._render.cache_clear()
    chart("png", title="Private")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert len(list(folder.iterdir())) == 1
