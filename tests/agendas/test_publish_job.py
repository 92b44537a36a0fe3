"""Publishing freezes the agenda in the request and records a job; the job builds the pack and mails every seat.

JOBS_RUN_IN=off here unless a test says otherwise: the job is left queued, so what the chair
sees before and after it runs, what a republish does to a job not yet run, and what a failure
does can be looked at. Tests of the default (inline) mode are in test_agenda_mail.py."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import select

from app.agendas import publish
from app.agendas.cache import AgendaCache
from app.auth import Access
from app.db import open_session
from app.jobs import JobProcess, claim_job, deliver_pass, job_cache, run_job, run_queued_jobs
from app.models import AgendaSnapshot, Council, Job, JobStatus, Meeting, Membership, OutboxMessage, User, utcnow
from tests.agendas.test_agenda_mail import attachments, flush, seven_seats
from tests.councils.test_word_template_api import georgia_template, upload
from tests.helpers import auth
from tests.smtp import text_of
from tests.web.test_pages import csrf_from, sign_in

pytestmark = pytest.mark.usefixtures("db_backend")


@pytest.fixture
def off_app(settings, inbox):
    """The app with jobs left to the delivery passes (JOBS_RUN_IN=off), mailing through `inbox`."""
    from app.main import create_app

    changed = {"SMTP_URL": inbox.url, "BASE_URL": "http://council.example", "JOBS_RUN_IN": "off"}
    application = create_app(settings.model_copy(update=changed))
    with TestClient(application) as test_client:
        yield application, test_client
    application.state.engine.dispose()


def jobs(session) -> list[Job]:
    session.expire_all()
    return list(session.exec(select(Job).order_by(Job.id)).all())


def mails(session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def run_jobs(app) -> int:
    return run_queued_jobs(app.state.engine, app.state.settings)


def test_the_request_freezes_and_records_a_job_the_job_mails_and_the_chair_sees_each_state(off_app, session, inbox):
    app, client = off_app
    chair, council, seats, meeting = seven_seats(session)
    page = f"/meetings/{meeting.id}/agenda"
    sign_in(client, chair.email)
    published = client.post(f"{page}/publish", data={"csrf_token": csrf_from(client.get(page).text)})
    assert "Agenda published as version 1" in published.text
    assert "notices to every seat are being prepared" in published.text
    assert "Being sent to 7 members…" in published.text and f'href="{page}#notices"' in published.text
    [job] = jobs(session)
    assert (job.key, job.status, job.attempts) == (f"agenda-mail:{meeting.id}:v1", JobStatus.queued, 0)
    assert job.payload["version"] == 1 and job.payload["published_by"] == chair.id
    assert mails(session) == []  # nothing mailed in the request

    assert run_jobs(app) == 1
    [job] = jobs(session)
    assert job.status == JobStatus.done and job.finished_at is not None
    messages = flush(app, inbox)
    assert len(messages) == 7 and "First version" in text_of(messages[0])
    shown = client.get(page).text
    assert "Sent to 7 members on" in shown and "Being sent" not in shown
    assert run_jobs(app) == 0  # done once


def test_a_publish_rolled_back_leaves_no_job(session):
    chair, council, seats, meeting = seven_seats(session)
    membership = session.exec(select(Membership).where(Membership.user_id == chair.id)).one()
    access = Access(user=chair, council=session.get(Council, council.id), membership=membership)
    publish.publish_agenda(session=session, access=access, meeting=session.get(Meeting, meeting.id))
    assert len(jobs_in_transaction := session.exec(select(Job)).all()) == 1, jobs_in_transaction
    session.rollback()
    assert jobs(session) == [] and session.exec(select(AgendaSnapshot)).all() == []


def test_the_job_counts_the_seats_the_mail_goes_to(session):
    from app.agendas.calendar import council_seats

    chair, council, seats, meeting = seven_seats(session)
    gone = session.get(User, seats["Li Wei"].user_id)
    gone.is_active = False
    session.add(gone)
    session.commit()
    membership = session.exec(select(Membership).where(Membership.user_id == chair.id)).one()
    access = Access(user=chair, council=session.get(Council, council.id), membership=membership)
    publish.publish_agenda(session=session, access=access, meeting=session.get(Meeting, meeting.id))
    [job] = session.exec(select(Job)).all()
    assert job.payload["seats"] == len(council_seats(session=session, council=access.council)) == 6
    session.rollback()


def test_republished_before_the_first_job_ran_each_seat_gets_one_mail_of_the_newest_as_a_first(off_app, session, inbox):
    app, client = off_app
    chair, council, seats, meeting = seven_seats(session)
    url = f"/api/meetings/{meeting.id}/agenda/publish"
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    assert run_jobs(app) == 2
    assert [(j.key.rsplit(":", 1)[1], j.status) for j in jobs(session)] == [
        ("v1", JobStatus.superseded),
        ("v2", JobStatus.done),
    ]
    messages = flush(app, inbox)
    assert len(messages) == 7  # one each: version 1 was never mailed, version 2 says all of it
    assert all("(version 2)" in m["Subject"] for m in messages)
    assert "First version" in text_of(messages[0]) and "Since version 1" not in text_of(messages[0])
    # A third version, once the second was mailed, says what changed since the second.
    assert client.post(url, headers=auth(app, chair)).status_code == 200
    run_jobs(app)
    third = flush(app, inbox)[7:]
    assert len(third) == 7 and "Nothing on the agenda changed since version 2" in text_of(third[0])


def test_a_failing_job_is_retried_later_then_failed_shown_and_sent_again(off_app, session, inbox, monkeypatch):
    app, client = off_app
    app.state.settings = app.state.settings.model_copy(update={"JOBS_MAX_ATTEMPTS": 2})
    chair, council, seats, meeting = seven_seats(session)
    page = f"/meetings/{meeting.id}/agenda"
    sign_in(client, chair.email)
    client.post(f"{page}/publish", data={"csrf_token": csrf_from(client.get(page).text)})

    def broken(**_kw):
        raise RuntimeError("the mail relay is down")

    monkeypatch.setattr(publish, "mail_agenda", broken)
    assert run_jobs(app) == 1
    [job] = jobs(session)
    assert job.status == JobStatus.queued and job.attempts == 1 and "the mail relay is down" in job.last_error
    assert job.lease_until > utcnow()  # not before its wait
    assert run_jobs(app) == 0 and mails(session) == []
    job.lease_until = utcnow() - timedelta(seconds=1)
    session.add(job)
    session.commit()
    assert run_jobs(app) == 1
    [job] = jobs(session)
    assert job.status == JobStatus.failed and job.attempts == 2 and job.finished_at is not None
    shown = client.get(page).text
    assert "could not be sent" in shown and "Send again" in shown
    assert f'action="/meetings/{meeting.id}/agenda/notices/again"' in shown

    monkeypatch.undo()
    again = client.post(f"{page}/notices/again", data={"csrf_token": csrf_from(shown)})
    assert "The notices are being sent again." in again.text
    [job] = jobs(session)
    assert job.status == JobStatus.queued and job.attempts == 0
    assert run_jobs(app) == 1 and jobs(session)[0].status == JobStatus.done
    assert len(flush(app, inbox)) == 7
    # Nothing failed now: sending again is refused, and says why.
    refused = client.post(f"{page}/notices/again", data={"csrf_token": csrf_from(client.get(page).text)})
    assert "have not failed" in refused.text


def test_only_the_chair_and_secretary_may_send_again(off_app, session):
    app, client = off_app
    chair, council, seats, meeting = seven_seats(session)
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    session.exec(select(Job)).one().status = JobStatus.failed
    session.commit()
    member = session.get(User, seats["Aisha Rahman"].user_id)
    page = f"/meetings/{meeting.id}/agenda"
    sign_in(client, member.email)
    shown = client.get(page).text
    assert "could not be sent" not in shown  # a member does not follow the notices
    refused = client.post(f"{page}/notices/again", data={"csrf_token": csrf_from(shown)})
    assert "chair or secretary can send the agenda" in refused.text
    assert jobs(session)[0].status == JobStatus.failed


def test_claims_are_one_runner_each_and_a_passed_lease_is_taken_again(off_app, session):
    app, client = off_app
    engine, settings = app.state.engine, app.state.settings
    chair, council, seats, meeting = seven_seats(session)
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    now = utcnow()
    assert claim_job(engine, settings, now=now, waited=timedelta(minutes=2)) is None  # too fresh for a pass
    first = claim_job(engine, settings, now=now)
    assert first is not None and first.status == JobStatus.running and first.attempts == 1
    assert claim_job(engine, settings, now=now) is None  # leased
    later = now + timedelta(seconds=settings.JOBS_LEASE_SECONDS + 1)
    second = claim_job(engine, settings, now=later)  # its runner died: taken again
    assert second is not None and second.id == first.id and second.attempts == 2


def test_a_delivery_pass_runs_jobs_left_queued(off_app, session, inbox):
    app, client = off_app
    chair, council, seats, meeting = seven_seats(session)
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    jobs_run, _ = deliver_pass(app.state.engine, app.state.settings, waited=timedelta(minutes=2))
    assert jobs_run["queued_jobs"] == 0  # a worker's job process may still take it
    job = jobs(session)[0]
    job.created_at = utcnow() - timedelta(minutes=3)
    session.add(job)
    session.commit()
    jobs_run, run = deliver_pass(app.state.engine, app.state.settings, waited=timedelta(minutes=2))
    assert jobs_run["queued_jobs"] == 1 and len(inbox.messages) == 7  # queued and delivered in the same pass


def test_the_download_is_the_pack_the_job_attached_and_a_new_template_makes_a_new_one(
    off_app, session, inbox, tmp_path
):
    app, client = off_app
    chair, council, seats, meeting = seven_seats(session)
    folder = str(tmp_path / "packs")
    settings = app.state.settings.model_copy(update={"PACK_CACHE_DIR": folder})
    app.state.agenda_cache = AgendaCache(folder=folder)  # an empty worker: it never built this pack
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    assert run_queued_jobs(app.state.engine, settings) == 1  # a runner of its own (another process's cache)
    attached = next(p for n, p in attachments(flush(app, inbox)[0]).items() if n.endswith(".docx")).get_content()
    app.state.agenda_cache = AgendaCache(folder=folder)

    from app.agendas import export

    def never(*_a, **_kw):
        raise AssertionError("the circulated pack was built again")

    built = export.build_agenda_docx
    export.build_agenda_docx = never
    try:
        download = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    finally:
        export.build_agenda_docx = built
    assert download.status_code == 200 and download.content == attached

    assert upload(client, app, chair, council.id, georgia_template()).status_code == 200
    restyled = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair)).content
    assert restyled != attached and b"Georgia" in _styles(restyled)


def _styles(content: bytes) -> bytes:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(content)).read("word/styles.xml")


def _start_refused(*args) -> None:
    """A job process's start where every change of CPU priority is refused (a container's seccomp profile)."""
    from app import jobs
    from tests.helpers import refuse_priorities

    refuse_priorities(pytest.MonkeyPatch())
    jobs._start_child(*args)


@pytest.mark.parametrize("priorities", ["set", "refused"])
def test_a_job_process_of_its_own_runs_the_job_after_the_commit_and_starts_again_after_a_stop(
    settings, session, inbox, tmp_path, monkeypatch, priorities
):
    """A real spawned process (its own engine) on the test's database: a SQLite file, or PostgreSQL. Where its
    lower CPU priority is refused it runs the job all the same, at its worker's."""
    if priorities == "refused":
        monkeypatch.setattr("app.jobs._start_child", _start_refused)
    chair, council, seats, meeting = seven_seats(session)
    changed = {
        "SMTP_URL": inbox.url,
        "JOBS_RUN_IN": "process",
        "JOBS_POLL_SECONDS": 3600,
        "PACK_CACHE_DIR": str(tmp_path / "packs"),
        "CHART_CACHE_DIR": str(tmp_path / "charts"),
    }
    process = JobProcess(settings.model_copy(update=changed))
    # Started, stopped and started again, as when an app's lifespan runs twice (a second test client).
    process.start()
    process.stop()
    process.start()
    try:
        from app.db import make_engine

        engine = make_engine(settings.DATABASE_URL)
        with open_session(engine, write=True) as writing:
            membership = writing.exec(select(Membership).where(Membership.user_id == chair.id)).one()
            access = Access(
                user=writing.get(User, chair.id), council=writing.get(Council, council.id), membership=membership
            )
            publish.publish_agenda(session=writing, access=access, meeting=writing.get(Meeting, meeting.id))
            writing.commit()
        engine.dispose()
        process.kick()
        deadline = time.monotonic() + 120
        while jobs(session)[0].status != JobStatus.done and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        process.stop()
    assert jobs(session)[0].status == JobStatus.done
    assert len(mails(session)) == 7
    assert list((tmp_path / "packs").glob("*.docx"))  # the pack, where every worker reads it


def _published_with_packs_on_disk(off_app, session, tmp_path):
    """A council of seven seats whose agenda the chair has published, circulated packs kept on disk (as under
    `council serve`); (app, client, chair, meeting, the job runner's settings)."""
    app, client = off_app
    chair, _council, _seats, meeting = seven_seats(session)
    folder = str(tmp_path / "packs")
    settings = app.state.settings.model_copy(update={"PACK_CACHE_DIR": folder})
    app.state.agenda_cache = AgendaCache(folder=folder)
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    return app, client, chair, meeting, settings


def test_a_download_while_the_job_builds_the_pack_waits_for_it_rather_than_building_it_too(
    off_app, session, inbox, tmp_path, monkeypatch
):
    import threading

    from app.agendas import export

    app, client, chair, meeting, settings = _published_with_packs_on_disk(off_app, session, tmp_path)
    built = export.build_agenda_docx
    job = claim_job(app.state.engine, settings, now=utcnow())  # the job process has taken it: it is running
    # and builds the pack a moment later
    runner = threading.Timer(1.0, run_job, (app.state.engine, settings, job, job_cache(settings)))
    runner.start()
    try:
        # Built once, by the job (its own cache); the worker's download reads what the job left.
        monkeypatch.setattr(
            export,
            "build_agenda_docx",
            lambda *a, **k: threading.current_thread() is runner and built(*a, **k) or _never(),
        )
        download = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    finally:
        runner.join()
    assert download.status_code == 200
    attached = next(p for n, p in attachments(flush(app, inbox)[0]).items() if n.endswith(".docx")).get_content()
    assert download.content == attached


def _never():
    raise AssertionError("the worker built the pack the job was building")


def _no_wait(_seconds: float):
    raise AssertionError("the download waited for a job that had not started")


def test_a_download_while_the_job_waits_its_turn_builds_the_pack_once_and_the_job_attaches_it(
    off_app, session, inbox, tmp_path, monkeypatch
):
    """The job still queued (its runner busy, or starved at low priority): the download does not wait for its turn;
    it builds the pack and leaves it where the job, when it runs, reads it instead of building it again."""
    from app.agendas import export

    app, client, chair, meeting, settings = _published_with_packs_on_disk(off_app, session, tmp_path)
    builds = []
    built = export.build_agenda_docx
    monkeypatch.setattr(export, "build_agenda_docx", lambda *a, **k: builds.append(1) or built(*a, **k))
    monkeypatch.setattr(export, "JOB_PACK_WAIT_SECONDS", 60.0)
    # Waiting for the job's file is sleeping between looks: the download must not look at all.
    monkeypatch.setattr(export, "time", SimpleNamespace(monotonic=time.monotonic, sleep=_no_wait))
    download = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    assert download.status_code == 200
    assert jobs(session)[0].status == JobStatus.queued and builds == [1]

    assert run_queued_jobs(app.state.engine, settings) == 1  # the job process, its own cache: reads the file
    assert builds == [1]
    attached = next(p for n, p in attachments(flush(app, inbox)[0]).items() if n.endswith(".docx")).get_content()
    assert download.content == attached


def test_the_warm_up_knows_when_a_job_is_under_way_or_due_in_any_process(off_app, session):
    """The warm-up (app/agendas/warm.py) waits while one is: a job's pack goes first, whichever process runs it."""
    from app.jobs import jobs_under_way

    app, client = off_app
    chair, council, seats, meeting = seven_seats(session)
    engine = app.state.engine
    assert not jobs_under_way(engine, now=utcnow())
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    assert jobs_under_way(engine, now=utcnow())  # queued
    job = claim_job(engine, app.state.settings, now=utcnow())
    assert jobs_under_way(engine, now=utcnow())  # running
    with open_session(engine, write=True) as writing:  # failed once: queued to be tried again later
        writing.exec(
            update(Job)
            .where(Job.id == job.id)
            .values(status=JobStatus.queued, lease_until=utcnow() + timedelta(minutes=5))
        )
        writing.commit()
    assert not jobs_under_way(engine, now=utcnow())
    assert jobs_under_way(engine, now=utcnow() + timedelta(minutes=6))  # due again
