"""A worker that does not hold an agenda shows its page from the page's part of it kept beside the shared HTML
(app/agendas/page_agenda.py), not from the whole agenda: the same page, and never a stale one."""

import re
from datetime import date

import pytest
from pydantic import BaseModel
from sqlmodel import select

from app.agendas import bodies, page_agenda, pages
from app.agendas.cache import AgendaCache, AgendaFiles
from app.agendas.model import SectionBase
from app.agendas.summary import section_summary
from app.demo.council import DEMO_PASSWORD
from app.models import Meeting, Membership, Role, User
from tests.demodb import load_demo
from tests.factories import make_action
from tests.helpers import auth, if_match
from tests.web.test_pages import sign_in


def shared_folder(tmp_path):
    folder = tmp_path / "agendas"
    folder.mkdir(mode=0o700)
    return folder


def demo_meeting(app, client, session, *, as_role: Role = Role.chair):
    council = load_demo(session=session, today=date.today())
    session.commit()
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    reader = session.exec(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.council_id == council.id, Membership.role == as_role)
        .order_by(Membership.id)
    ).first()
    sign_in(client, email=reader.email, password=DEMO_PASSWORD)
    return council, chair, meeting


def page_of(client, url) -> str:
    # The CSRF and once-only form tokens differ per render: compared without them.
    response = client.get(url)
    assert response.status_code == 200, response.text
    return re.sub(r'(name="(?:csrf_token|form_once)" value=|data-csrf=)"[^"]*"', r"\1", response.text)


@pytest.mark.parametrize("publish", [False, True])
def test_a_worker_without_the_agenda_shows_the_same_page_from_its_part(
    app, client, session, tmp_path, monkeypatch, publish
):
    council, chair, meeting = demo_meeting(app, client, session, as_role=Role.member)
    seat = session.exec(
        select(Membership).where(Membership.council_id == council.id, Membership.user_id == chair.id)
    ).one()
    action = make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    if publish:
        assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    folder = shared_folder(tmp_path)
    url = f"/meetings/{meeting.id}/agenda"

    app.state.agenda_cache = AgendaCache(shared=str(folder))  # one worker renders it (as the warm-up does)…
    first = page_of(client, url)
    assert "Call back within a day" in first
    [kept] = folder.glob("*.page")

    # …another reads only the page's part and the HTML: never the agenda itself.
    second = app.state.agenda_cache = AgendaCache(shared=str(folder))
    with monkeypatch.context() as patched:
        patched.setattr(AgendaFiles, "read", lambda *a: (_ for _ in ()).throw(AssertionError("agenda read")))
        patched.setattr(bodies, "render_bodies", lambda *a, **k: (_ for _ in ()).throw(AssertionError("rendered")))
        assert page_of(client, url) == first
        assert page_of(client, url) == first  # and again, from what it kept
    assert not second.entries() and len(second.pages()) == 1

    # Nothing kept, every section rendered with the page from the whole agenda: the same page.
    app.state.agenda_cache = AgendaCache()
    monkeypatch.setattr(pages, "SAME_FOR_EVERYONE", frozenset())
    assert page_of(client, url) == first
    monkeypatch.undo()

    # A worker holding the whole agenda (the JSON read it) shows it from there: the same page.
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    assert client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).status_code == 200
    assert page_of(client, url) == first and not app.state.agenda_cache.pages()

    # A damaged part only means the agenda is read.
    kept.write_bytes(kept.read_bytes()[:-50])
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    assert page_of(client, url) == first and app.state.agenda_cache.entries()

    # A write the page shows: the worker that kept the part shows the change at once (a new key, or none kept).
    app.state.agenda_cache = second
    headers, action_url = auth(app, chair), f"/api/actions/{action.id}"
    changed = client.patch(
        action_url, headers=if_match(client, action_url, headers), json={"title": "Call back within an hour"}
    )
    assert changed.status_code == 200, changed.text
    again = page_of(client, url)
    if publish:  # the circulated agenda stands as it was published, as it did before
        assert "Call back within a day" in again and "Call back within an hour" not in again
    else:
        assert "Call back within an hour" in again and "Call back within a day" not in again


def test_the_pages_part_keeps_what_the_page_reads_and_the_summaries_of_the_whole(app, client, session, tmp_path):
    _, chair, meeting = demo_meeting(app, client, session)
    app.state.agenda_cache = AgendaCache()
    assert client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).status_code == 200
    [entry] = app.state.agenda_cache.entries()
    agenda = entry.agenda
    before = agenda.model_dump(mode="json")
    part = page_agenda.page_agenda(agenda, pages.SAME_FOR_EVERYONE)
    assert agenda.model_dump(mode="json") == before  # the kept agenda itself untouched
    assert part.summaries == {s.anchor: section_summary(s) for s in agenda.sections}
    assert any(part.summaries.values())
    assert type(part.agenda) is type(agenda)
    assert part.agenda.model_dump(exclude={"sections"}) == agenda.model_dump(exclude={"sections"})
    for whole, bare in zip(agenda.sections, part.agenda.sections, strict=True):
        assert type(bare) is type(whole) and bare.anchor == whole.anchor
        assert bare.model_dump(include=set(SectionBase.model_fields)) == whole.model_dump(
            include=set(SectionBase.model_fields)
        )
        if whole.key in pages.SAME_FOR_EVERYONE:
            own = [getattr(bare, n) for n in type(bare).model_fields if n not in SectionBase.model_fields]
            assert all(v == [] or v is None or not isinstance(v, list | BaseModel) for v in own)
        elif whole.key in page_agenda.SPLIT_ROWS:
            rows, ident, kept = page_agenda.SPLIT_ROWS[whole.key]
            assert (rows, ident) == bodies.SPLIT_ROWS[whole.key][:2]  # the rows whose HTML is kept
            for row, bare_row in zip(getattr(whole, rows), getattr(bare, rows), strict=True):
                assert bare_row.model_dump(include=set(kept)) == row.model_dump(include=set(kept))
        else:
            assert bare == whole
    departments = next(s for s in agenda.sections if s.key == "department_reports").departments
    assert any(d.measures for d in departments)  # the demo's rows had something to leave out


def test_the_chair_of_a_draft_reads_it_whole_to_publish_it_without_reading_it_again(
    app, client, session, tmp_path, monkeypatch
):
    """Publishing freezes the draft the worker holds (service.freeze_agenda): the chair's page of a draft reads the
    agenda whole, so that the publish that follows need not read it again."""
    _, chair, meeting = demo_meeting(app, client, session)
    folder = shared_folder(tmp_path)
    url = f"/meetings/{meeting.id}/agenda"
    app.state.agenda_cache = AgendaCache(shared=str(folder))
    first = page_of(client, url)
    worker = app.state.agenda_cache = AgendaCache(shared=str(folder))
    assert page_of(client, url) == first
    assert len(worker.entries()) == 1 and not worker.pages()
    read, real = [], AgendaFiles.read
    monkeypatch.setattr(AgendaFiles, "read", lambda files, key, *rest: read.append(key) or real(files, key, *rest))
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    assert all(key.stamp.startswith("snapshot:") for key in read)  # the draft not read again (only looked for: new)
