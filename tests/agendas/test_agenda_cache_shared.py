"""The workers of one `council serve` share each built agenda through a folder of the server's own
(AGENDA_SHARE_DIR, app/agendas/cache.py AgendaFiles): one build per change, not one per worker."""

import re
from datetime import date

from app.agendas.cache import AgendaCache, AgendaFiles, AgendaKey
from tests.agendas.test_agenda_api import arrange
from tests.agendas.test_agenda_cache import agenda_queries
from tests.factories import make_action
from tests.helpers import auth, count_statements, if_match
from tests.web.test_pages import sign_in

ONCE = re.compile(r'name="form_once" value="[^"]+"')


def same_page(text: str) -> str:
    """The page without its forms' one-time tokens (new on every render)."""
    return ONCE.sub("", text)


def shared_folder(tmp_path):
    folder = tmp_path / "agendas"
    folder.mkdir(mode=0o700)
    return folder


def test_a_second_worker_reads_the_agenda_the_first_built(app, client, engine, session, tmp_path):
    chair, _, _, council, seat, meeting = arrange(session)
    action = make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    queries = agenda_queries(engine, session, meeting)
    folder = shared_folder(tmp_path)
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    sign_in(client, email=chair.email)
    page = f"/meetings/{meeting.id}/agenda"

    app.state.agenda_cache = AgendaCache(shared=str(folder))  # one worker builds it…
    first, first_page = client.get(url, headers=headers), client.get(page)
    assert first.status_code == first_page.status_code == 200
    assert len(list(folder.glob("*.agenda"))) == 1

    app.state.agenda_cache = AgendaCache(shared=str(folder))  # …another worker of the same server reads it
    with count_statements(app.state.engine) as sent:
        second = client.get(url, headers=headers)
    assert not queries & set(sent)  # not built again
    assert second.content == first.content and second.headers["ETag"] == first.headers["ETag"]
    assert same_page(client.get(page).text) == same_page(first_page.text)

    # A write in the council makes a new key: built again, by whichever worker asks first, and shown.
    action_url = f"/api/actions/{action.id}"
    changed = client.patch(
        action_url, headers=if_match(client, action_url, headers), json={"title": "Call back within an hour"}
    )
    assert changed.status_code == 200, changed.text
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    with count_statements(app.state.engine) as sent:
        third = client.get(url, headers=headers)
    assert queries <= set(sent)
    assert "Call back within an hour" in third.text and "Call back within a day" not in third.text
    assert len(list(folder.glob("*.agenda"))) == 2


def test_a_second_worker_reads_the_pages_shared_html_the_first_rendered(app, client, session, tmp_path, monkeypatch):
    """The agenda page's HTML that every reader sees the same (app/agendas/bodies.py) is kept beside the agenda under
    the same key: another worker reads exactly what the templates render, and a change of data shows at once."""
    from app.agendas import bodies, pages

    chair, _, _, council, seat, meeting = arrange(session)
    action = make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    folder = shared_folder(tmp_path)
    sign_in(client, email=chair.email)
    page = f"/meetings/{meeting.id}/agenda"

    app.state.agenda_cache = AgendaCache(shared=str(folder))  # one worker renders it…
    first = client.get(page)
    assert first.status_code == 200 and "Call back within a day" in first.text
    [kept] = folder.glob("*.bodies")
    rendered = {
        name: html
        for entry in app.state.agenda_cache.entries()
        for name, html in bodies.render_bodies(entry.agenda, council_id=council.id).items()
    }

    app.state.agenda_cache = AgendaCache(shared=str(folder))  # …another reads it back, rendering nothing
    with monkeypatch.context() as patched:
        patched.setattr(bodies, "render_bodies", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rendered")))
        second = client.get(page)
    assert same_page(second.text) == same_page(first.text)
    [entry] = app.state.agenda_cache.entries()
    assert entry.bodies == rendered  # what is read back is what the templates render, rows' parts included
    assert entry.bodies[bodies.ROW_PARTS]["department_reports"] or entry.bodies[bodies.ROW_PARTS]["initiatives"]

    # Nothing kept, every section rendered with the page: the same page.
    app.state.agenda_cache = AgendaCache()
    monkeypatch.setattr(pages, "SAME_FOR_EVERYONE", frozenset())
    assert same_page(client.get(page).text) == same_page(first.text)
    monkeypatch.undo()

    # A write in the council: a new key, so new HTML, rendered by whichever worker asks first and shown.
    headers, action_url = auth(app, chair), f"/api/actions/{action.id}"
    changed = client.patch(
        action_url, headers=if_match(client, action_url, headers), json={"title": "Call back within an hour"}
    )
    assert changed.status_code == 200, changed.text
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    third = client.get(page).text
    assert "Call back within an hour" in third and "Call back within a day" not in third
    assert len(list(folder.glob("*.bodies"))) == 2

    # A damaged file only means the HTML is rendered again.
    for name in folder.glob("*.bodies"):
        name.write_bytes(name.read_bytes()[:-50])
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    assert same_page(client.get(page).text) == same_page(third)


def _built_by_one_worker(app, client, engine, session, tmp_path):
    """A meeting's agenda built by one worker into a shared folder: (its statements, the folder, url, headers,
    the first answer, the agenda's file)."""
    chair, _, _, _, _, meeting = arrange(session)
    queries = agenda_queries(engine, session, meeting)
    folder = shared_folder(tmp_path)
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    first = client.get(url, headers=headers)
    [kept] = folder.glob("*.agenda")
    return queries, folder, url, headers, first, kept


def test_a_damaged_or_foreign_file_only_means_a_build(app, client, engine, session, tmp_path):
    queries, folder, url, headers, first, kept = _built_by_one_worker(app, client, engine, session, tmp_path)
    for content in (kept.read_bytes()[:-100], b"not a pickle.", __import__("pickle").dumps({"an": "object"})):
        kept.write_bytes(content)
        app.state.agenda_cache = AgendaCache(shared=str(folder))
        with count_statements(app.state.engine) as sent:
            again = client.get(url, headers=headers)
        assert queries <= set(sent)  # built
        assert again.content == first.content


def test_an_agenda_kept_by_other_code_is_never_read(app, client, engine, session, tmp_path, monkeypatch):
    """A folder an operator keeps across a deploy (AGENDA_SHARE_DIR set) holds pickles of the old code's classes:
    the new code builds its own instead of reading them (every name starts from the code's version)."""
    from app.agendas import cache

    queries, folder, url, headers, built, kept = _built_by_one_worker(app, client, engine, session, tmp_path)
    monkeypatch.setattr(cache, "code_version", lambda: "the code deployed next")
    app.state.agenda_cache = AgendaCache(shared=str(folder))  # a worker of the new code, over the same folder
    with count_statements(app.state.engine) as sent:
        again = client.get(url, headers=headers)
    assert queries <= set(sent)  # built, not read from the old code's file
    assert again.json() == built.json() and len(list(folder.glob("*.agenda"))) == 2 and kept.exists()


def test_a_folder_others_may_write_in_is_never_read(tmp_path):
    folder = tmp_path / "agendas"
    folder.mkdir()
    folder.chmod(0o777)
    files = AgendaFiles(str(folder))
    key = AgendaKey(meeting_id=1, live=False, today=date.today(), stamp="s")
    (folder / files.name(key)).write_bytes(__import__("pickle").dumps("planted"))
    assert files.read(key) is None
    with files.building(key):  # no lock file made there either: the build goes on alone
        pass
    assert not list(folder.glob(".lock-*"))


def test_one_worker_waits_for_the_others_build(tmp_path):
    """Two workers asking for the same cold agenda: the second waits for the first's build (a lock file per stripe
    of keys), then reads it instead of building it too."""
    import threading
    import time

    folder = shared_folder(tmp_path)
    files = AgendaFiles(str(folder))
    key = AgendaKey(meeting_id=1, live=False, today=date.today(), stamp="s")
    order = []
    with files.building(key):
        waiter = threading.Thread(target=lambda: (files.building(key).__enter__(), order.append("second")))
        waiter.start()
        time.sleep(0.2)
        order.append("first done")
    waiter.join(5)
    assert order == ["first done", "second"]


def test_the_circulated_agenda_is_kept_as_the_draft_it_froze_and_reads_as_the_snapshot(app, client, session, tmp_path):
    """Publishing from a kept draft keeps the circulated agenda in the shared folder as that draft's file and what
    publishing set (not pickled again). Another worker reads the snapshot's agenda from it: from the draft it holds
    (its sections, so their HTML), or from the draft's file kept with it, even once the draft's own file is gone.
    A worker that reads nothing from the folder gets the same agenda from the snapshot."""
    import pickle

    from sqlmodel import select

    from app.agendas.cache import _CopyFile
    from app.agendas.model import Agenda
    from app.models import AgendaSnapshot

    chair, member, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    folder = shared_folder(tmp_path)
    files = AgendaFiles(str(folder))
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    assert client.get(url, headers=headers).json()["status"] == "draft"
    [draft] = app.state.agenda_cache.entries()
    assert client.post(f"{url}/publish", headers=headers).status_code == 200
    [circulated] = [e for e in app.state.agenda_cache.entries() if e.agenda.status == "published"]
    snapshot = session.exec(select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting.id)).one()
    assert circulated.agenda == Agenda.model_validate(snapshot.content)

    kept = pickle.loads((folder / files.name(circulated.key)).read_bytes())
    assert isinstance(kept, _CopyFile) and kept.copy.draft == draft.key
    assert kept.pickled == (folder / files.name(draft.key)).read_bytes()
    assert files.read_outline(circulated.key) == circulated.outline

    held = files.read(circulated.key, lambda key: draft.agenda if key == draft.key else None)
    assert held == circulated.agenda and held.sections is draft.agenda.sections
    assert files.read(circulated.key) == circulated.agenda
    (folder / files.name(draft.key)).unlink()
    assert files.read(circulated.key) == circulated.agenda

    body = client.get(url, headers=auth(app, member))
    for cache in (AgendaCache(shared=str(folder)), AgendaCache()):  # another worker; one with no folder
        app.state.agenda_cache = cache
        again = client.get(url, headers=auth(app, member))
        assert again.content == body.content and again.headers["ETag"] == body.headers["ETag"]


def test_a_copy_whose_draft_file_is_gone_is_kept_whole(tmp_path):
    """A copy of a draft whose file is not in the folder is kept as the whole agenda, which reads back as it."""
    import pickle

    from app.agendas.cache import DraftCopy
    from app.agendas.model import Agenda, Header

    folder = shared_folder(tmp_path)
    files = AgendaFiles(str(folder))
    today = date.today()
    draft = Agenda.model_construct(
        meeting=Header.model_construct(council_name="C"), status="draft", version=0, sections=[], not_taken=[]
    )
    copy = DraftCopy(draft=AgendaKey(meeting_id=1, live=False, today=today, stamp="gone"), update={"version": 1})
    key = AgendaKey(meeting_id=1, live=False, today=today, stamp="snapshot:1")
    files.write_copy(key, copy.of(draft), copy)
    assert type(pickle.loads((folder / files.name(key)).read_bytes())) is Agenda
    assert files.read(key) == copy.of(draft) and files.read(key).version == 1
