"""After a start, one process of the server builds the current meetings' agendas into the workers' shared folder
(app/agendas/warm.py), so the first people to open them read them back instead of each paying the build."""

import time
from datetime import UTC, datetime, timedelta

from app.agendas import bodies
from app.agendas.cache import AgendaCache
from app.agendas.warm import CLAIM, IDLE_WAIT_S, current_meetings, start_warm_up, warm_agendas
from app.jobs import JobProcess
from tests.agendas.test_agenda_api import arrange
from tests.agendas.test_agenda_cache import agenda_queries
from tests.agendas.test_agenda_cache_shared import same_page, shared_folder
from tests.factories import make_council, make_meeting
from tests.helpers import auth, count_statements
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
    with count_statements(app.state.engine) as sent:
        read = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair))
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
    # The server's other job processes find it claimed.
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
