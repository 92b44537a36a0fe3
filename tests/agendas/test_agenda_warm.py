"""After a start, one process of the server builds the current meetings' agendas into the workers' shared folder
(app/agendas/warm.py), so the first people to open them read them back instead of each paying the build."""

import os
import sys
import threading
import time
from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from app import charts
from app.agendas import bodies
from app.agendas.cache import AgendaCache
from app.agendas.warm import (
    CHART_NICENESS,
    CHARTS,
    CLAIM,
    HELPER,
    IDLE_WAIT_S,
    current_meetings,
    draw_pack_charts,
    help_draw,
    start_warm_up,
    warm_agendas,
)
from app.jobs import JobProcess
from app.models import Measure, Reading
from tests.agendas.test_agenda_api import _grow, arrange
from tests.agendas.test_agenda_cache import agenda_queries
from tests.agendas.test_agenda_cache_shared import same_page, shared_folder
from tests.factories import make_council, make_meeting
from tests.helpers import auth, count_statements, refuse_priorities
from tests.web.test_pages import sign_in


def warming(settings, folder, **values):
    return settings.model_copy(update={"AGENDA_SHARE_DIR": str(folder) if folder else None, **values})


def test_each_councils_current_meeting_nearest_first_within_the_window_and_bound(session):
    now = datetime.now(UTC)
    ahead = make_council(session, name="Next meeting ahead")
    make_meeting(session, council=ahead, scheduled_at=now - timedelta(days=20), status="held")
    next_up = make_meeting(session, council=ahead, scheduled_at=now + timedelta(days=10))
    make_meeting(session, council=ahead, scheduled_at=now + timedelta(days=40))
    held = make_council(session, name="Only held meetings in the window")
    make_meeting(session, council=held, scheduled_at=now - timedelta(days=35), status="held")
    latest = make_meeting(session, council=held, scheduled_at=now - timedelta(days=5), status="held")
    later = make_council(session, name="A cancelled meeting first")
    make_meeting(session, council=later, scheduled_at=now + timedelta(days=1), status="cancelled")
    after_it = make_meeting(session, council=later, scheduled_at=now + timedelta(days=30))
    far = make_council(session, name="Nothing within the window")
    make_meeting(session, council=far, scheduled_at=now + timedelta(days=100))
    make_meeting(session, council=far, scheduled_at=now - timedelta(days=100), status="held")
    session.commit()

    assert current_meetings(session, now=now, days=45, limit=10) == [latest.id, next_up.id, after_it.id]
    assert current_meetings(session, now=now, days=45, limit=2) == [latest.id, next_up.id]
    assert current_meetings(session, now=now, days=7, limit=10) == [latest.id]
    assert current_meetings(session, now=now, days=0, limit=10) == []
    assert current_meetings(session, now=now, days=45, limit=0) == []


def not_rendered(*args, **kwargs):
    raise AssertionError("rendered again")


def test_the_warm_up_builds_the_agenda_a_worker_then_reads_instead_of_building(
    app, client, engine, session, settings, tmp_path, monkeypatch
):
    chair, _, _, _, _, meeting = arrange(session)
    queries = agenda_queries(engine, session, meeting)
    url, headers, page = f"/api/meetings/{meeting.id}/agenda", auth(app, chair), f"/meetings/{meeting.id}/agenda"
    sign_in(client, email=chair.email)
    built, built_page = client.get(url, headers=headers), client.get(page)  # without the warm-up, for comparison
    folder = shared_folder(tmp_path)

    waits = []
    [key] = warm_agendas(app.state.engine, warming(settings, folder), when_idle=waits.append)
    assert key.meeting_id == meeting.id and not key.live
    assert waits == [IDLE_WAIT_S]  # before each build, the job process's jobs go first
    assert len(list(folder.glob("*.agenda"))) == 1
    assert len(list(folder.glob("*.bodies"))) == 1  # and the page's HTML that every reader sees the same

    app.state.agenda_cache = AgendaCache(shared=str(folder))  # a worker of the server, cold in memory
    with count_statements(app.state.engine) as sent:
        read = client.get(url, headers=headers)
    assert not queries & set(sent)  # read back, not built
    assert read.content == built.content and read.headers["ETag"] == built.headers["ETag"]
    with monkeypatch.context() as patched:  # the page's shared HTML read back too, not rendered
        patched.setattr(bodies, "render_bodies", not_rendered)
        assert same_page(client.get(page).text) == same_page(built_page.text)
    # The minutes page shows the same agenda: it reads the same file.
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    with count_statements(app.state.engine) as sent:
        assert client.get(f"/meetings/{meeting.id}/minutes").status_code == 200
    assert not queries & set(sent)


def test_a_circulated_agenda_is_warmed_under_its_snapshot(app, client, engine, session, settings, tmp_path):
    chair, _, _, _, _, meeting = arrange(session)
    published = client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair))
    assert published.status_code == 200, published.text
    queries = agenda_queries(engine, session, meeting)
    folder = shared_folder(tmp_path)

    [key] = warm_agendas(app.state.engine, warming(settings, folder))
    assert key.stamp.startswith("snapshot:")
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    headers = auth(app, chair)  # minted first: the token's statements are not the read's
    with count_statements(app.state.engine) as sent:
        read = client.get(f"/api/meetings/{meeting.id}/agenda", headers=headers)
    assert read.json()["status"] == "published" and not queries & set(sent)


def test_the_warm_up_runs_once_per_server_and_not_at_all_when_off(app, session, settings, tmp_path):
    arrange(session)
    folder = shared_folder(tmp_path)
    engine = app.state.engine

    assert start_warm_up(engine, warming(settings, None)) is None  # one worker: no shared folder
    assert start_warm_up(engine, warming(settings, folder, AGENDA_WARM_MEETINGS=0)) is None
    assert start_warm_up(engine, warming(settings, folder, AGENDA_WARM_DAYS=0)) is None
    assert not list(folder.iterdir())  # nothing claimed, nothing built

    open_to_all = tmp_path / "open"
    open_to_all.mkdir()
    open_to_all.chmod(0o777)
    assert start_warm_up(engine, warming(settings, open_to_all)) is None  # a folder others may write in: never
    assert not list(open_to_all.iterdir())

    first = start_warm_up(engine, warming(settings, folder))
    assert first is not None
    first.join(timeout=60)
    assert (folder / CLAIM).exists() and len(list(folder.glob("*.agenda"))) == 1
    # The server's other job processes find it claimed: one of them helps draw the packs' charts (none here).
    helper = start_warm_up(engine, warming(settings, folder))
    assert helper is not None and (folder / HELPER).exists()
    helper.join(timeout=60)
    assert not helper.is_alive()
    assert start_warm_up(engine, warming(settings, folder)) is None


def test_one_of_the_servers_job_processes_warms_the_agendas_soon_after_it_starts(settings, session, tmp_path):
    """Two workers' real spawned job processes on the test's database: one claims the warm-up and builds."""
    arrange(session)
    folder = shared_folder(tmp_path)
    changed = {
        "JOBS_RUN_IN": "process",
        "JOBS_POLL_SECONDS": 3600,
        "PACK_CACHE_DIR": str(tmp_path / "packs"),
        "CHART_CACHE_DIR": str(tmp_path / "charts"),
        "AGENDA_SHARE_DIR": str(folder),
    }
    processes = [JobProcess(settings.model_copy(update=changed)) for _ in range(2)]
    for process in processes:
        process.start()
    try:
        deadline = time.monotonic() + 120
        while not list(folder.glob("*.agenda")) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        for process in processes:
            process.stop()
    assert (folder / CLAIM).exists() and len(list(folder.glob("*.agenda"))) == 1


def test_the_warm_up_draws_the_charts_the_pack_then_finds_drawn(
    app, client, engine, session, settings, tmp_path, monkeypatch
):
    """The pack's trend charts drawn ahead into the chart folder: the pack built after draws none and is the same
    bytes as one that drew them; a new reading is a new chart, drawn when the pack is built (never a stale one)."""
    chair, _, _, council, seat, meeting = arrange(session)
    _grow(session, council, seat, 2)
    url, headers = f"/api/meetings/{meeting.id}/agenda.docx", auth(app, chair)
    monkeypatch.setitem(charts._disk, "folder", str(tmp_path / "charts"))
    charts._render.cache_clear()
    draws = []
    draw = charts._draw
    monkeypatch.setattr(charts, "_draw", lambda *drawn: draws.append(drawn[2]) or draw(*drawn))
    built = client.get(url, headers=headers).content  # drawing its charts, for comparison
    assert len(draws) == 2
    for chart in (tmp_path / "charts").iterdir():
        chart.unlink()
    charts._render.cache_clear()

    charted, waits = [], []
    warm_agendas(app.state.engine, warming(settings, shared_folder(tmp_path)), charted=charted)
    assert sorted(row.name for row in charted) == sorted(set(draws))
    assert draw_pack_charts(charted, limit=1, when_idle=waits.append) == 1  # bounded
    assert draw_pack_charts(charted, limit=100, when_idle=waits.append) == 2
    assert waits == [IDLE_WAIT_S] * 3  # before each chart, the job process's jobs go first
    assert len(draws) == 4 and len(list((tmp_path / "charts").glob("*.png"))) == 2

    charts._render.cache_clear()  # another process: it reads the chart folder
    app.state.agenda_cache = AgendaCache()
    assert client.get(url, headers=headers).content == built
    assert len(draws) == 4  # nothing drawn

    measure = session.exec(select(Measure).where(Measure.council_id == council.id)).first()
    session.add(Reading(measure_id=measure.id, period=date(2027, 1, 1), value=99))
    session.commit()
    assert client.get(url, headers=headers).content != built
    assert draws[4:] == [measure.name]  # its new trend drawn; the other chart read


def test_the_servers_warm_up_draws_the_pack_charts_only_with_a_chart_folder(
    app, session, settings, tmp_path, monkeypatch
):
    """After the agendas, the warm-up thread draws their packs' charts where every process reads them; with charts
    kept in each process's memory only, none (they would help no other process)."""
    _, _, _, council, seat, _ = arrange(session)
    _grow(session, council, seat, 2)
    asked, niceness = [], set()
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) if sys.platform == "linux" else 0

    def drawing(row):
        asked.append(row.name)
        if sys.platform == "linux":
            niceness.add(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    monkeypatch.setattr(charts, "measure_chart_png", drawing)

    monkeypatch.setitem(charts._disk, "folder", None)
    folder = tmp_path / "one"
    folder.mkdir(mode=0o700)
    start_warm_up(app.state.engine, warming(settings, folder)).join(timeout=60)
    assert len(list(folder.glob("*.agenda"))) == 1 and asked == []  # the agenda built, no chart drawn

    monkeypatch.setitem(charts._disk, "folder", str(tmp_path / "charts"))
    folder = tmp_path / "two"
    folder.mkdir(mode=0o700)
    start_warm_up(app.state.engine, warming(settings, folder)).join(timeout=60)
    assert len(list(folder.glob("*.agenda"))) == 1
    # Every other chart, then every chart (those drawn by the second process are read then, not drawn again).
    assert asked == ["Measure 2-0", "Measure 2-0", "Measure 2-1"]

    asked.clear()  # the second process: the other charts, then every chart, once the list is there
    helper = start_warm_up(app.state.engine, warming(settings, folder))
    helper.join(timeout=60)
    assert asked == ["Measure 2-1", "Measure 2-0", "Measure 2-1"]
    assert start_warm_up(app.state.engine, warming(settings, folder)) is None  # two processes draw, not more
    # At the lowest priority, in their own threads only (Linux: a thread's niceness is its own).
    if sys.platform == "linux":
        assert niceness == {CHART_NICENESS} and os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine


def test_where_priorities_cannot_be_set_the_warm_up_still_draws_the_pack_charts(
    app, session, settings, tmp_path, monkeypatch
):
    _, _, _, council, seat, _ = arrange(session)
    _grow(session, council, seat, 2)
    asked = []
    monkeypatch.setattr(charts, "measure_chart_png", lambda row: asked.append(row.name))
    monkeypatch.setitem(charts._disk, "folder", str(tmp_path / "charts"))
    refuse_priorities(monkeypatch)
    folder = shared_folder(tmp_path)
    start_warm_up(app.state.engine, warming(settings, folder)).join(timeout=60)
    assert len(list(folder.glob("*.agenda"))) == 1
    assert asked == ["Measure 2-0", "Measure 2-0", "Measure 2-1"]


def test_the_second_process_stops_waiting_for_a_list_that_never_comes(tmp_path):
    folder = shared_folder(tmp_path)
    assert help_draw(str(folder), limit=10, wait=0) == 0
    (folder / CHARTS).write_bytes(b"not a pickle.")
    assert help_draw(str(folder), limit=10, wait=0) == 0
