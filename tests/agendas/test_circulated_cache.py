"""The circulated agenda is kept under its snapshot: writes that cannot change it leave it (and its Word pack)
warm; every write that changes what a reader sees of it does show (app/agendas/service.py kept_entry)."""

import re
from datetime import date

import pytest

from app.agendas import export
from app.agendas.cache import AgendaCache
from tests.agendas.test_agenda_api import arrange
from tests.agendas.test_agenda_cache import agenda_queries, docx_text
from tests.councils.test_word_template_api import georgia_template, upload
from tests.factories import make_action
from tests.helpers import auth, count_statements, if_match
from tests.papers.conftest import PDF
from tests.papers.test_papers_api import upload as upload_paper
from tests.web.test_pages import sign_in


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """One entry per Word pack built (a cache hit builds none)."""
    made: list[int] = []
    real = export.build_agenda_docx

    def counted(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(export, "build_agenda_docx", counted)
    return made


def published(app, client, session):
    chair, member, observer, council, seat, meeting = arrange(session)
    action = make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    response = client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair))
    assert response.status_code == 200, response.text
    return chair, member, council, seat, meeting, action


def test_publishing_leaves_the_agenda_and_its_pack_for_the_first_readers(app, client, engine, session, builds):
    chair, member, _, _, meeting, _ = published(app, client, session)
    assert builds == [1]  # the pack the mail attaches
    queries = agenda_queries(engine, session, meeting)
    url = f"/api/meetings/{meeting.id}/agenda"
    as_chair, as_member = auth(app, chair), auth(app, member)  # minted first: not the reads' statements
    with count_statements(app.state.engine) as sent:
        download = client.get(f"{url}.docx", headers=as_chair)
        body = client.get(url, headers=as_member)
    assert download.status_code == body.status_code == 200
    assert builds == [1] and not queries & set(sent)  # neither built again nor the data read again
    assert body.json()["status"] == "published"
    app.state.agenda_cache = AgendaCache()  # another worker: built afresh from the snapshot, the same bytes
    fresh = client.get(f"{url}.docx", headers=auth(app, chair))
    assert fresh.content == download.content and fresh.headers["etag"] == download.headers["etag"]
    assert client.get(url, headers=auth(app, member)).content == body.content


def test_writes_that_cannot_change_the_circulated_agenda_leave_it_warm(app, client, engine, session, builds):
    chair, member, council, seat, meeting, action = published(app, client, session)
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    first, pack = client.get(url, headers=headers), client.get(f"{url}.docx", headers=headers)
    queries = agenda_queries(engine, session, meeting)

    # An action's note, a new action, an item of any other business: the council's stamp moves on.
    action_url = f"/api/actions/{action.id}"
    noted = client.patch(action_url, headers=if_match(client, action_url, headers), json={"note": "Called back"})
    assert noted.status_code == 200, noted.text
    make_action(session, council=council, owner=seat, title="Raised after publishing")
    session.commit()
    raised = client.post(f"/api/meetings/{meeting.id}/aob", headers=auth(app, member), json={"title": "Parking"})
    assert raised.status_code == 201, raised.text

    with count_statements(app.state.engine) as sent:
        again, pack_again = client.get(url, headers=headers), client.get(f"{url}.docx", headers=headers)
    assert again.content == first.content and pack_again.content == pack.content
    assert not queries & set(sent) and builds == [1]  # from the cache: no build, no pack
    # The page still shows what is live beside the circulated agenda: the item raised since.
    sign_in(client, email=member.email)
    page = client.get(f"/meetings/{meeting.id}/agenda").text
    assert "Parking" in page and "Raised after publishing" not in page
    # The live comparison is as fresh as ever.
    live = client.get(f"{url}?live=true", headers=headers).json()
    assert "actions" in live["changed_sections"]
    assert "Raised after publishing" in client.get(f"{url}?live=true", headers=headers).text


def test_every_write_that_changes_what_is_circulated_shows_at_once(app, client, session, builds):
    chair, member, council, seat, meeting, action = published(app, client, session)
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    first, pack = client.get(url, headers=headers), client.get(f"{url}.docx", headers=headers)
    assert "Northern Utilities" not in docx_text(pack.content)

    # The council's Word template: the pack takes its styles and header; the agenda itself is unchanged.
    assert upload(client, app, chair, council.id, georgia_template()).status_code in (200, 201)
    styled = client.get(f"{url}.docx", headers=headers)
    assert "Northern Utilities" in docx_text(styled.content) and styled.headers["etag"] != pack.headers["etag"]
    assert client.get(url, headers=headers).content == first.content
    assert client.delete(f"/api/councils/{council.id}/template", headers=headers).status_code == 204
    assert "Northern Utilities" not in docx_text(client.get(f"{url}.docx", headers=headers).content)

    # A paper attached since: listed on the page as attached since the agenda was circulated.
    paper = upload_paper(client, app, chair, meeting.id, "Late figures.pdf", PDF, section_key="actions")
    assert paper.status_code == 201, paper.text
    sign_in(client, email=member.email)
    assert "Late figures.pdf" in client.get(f"/meetings/{meeting.id}/agenda").text

    # Published again: the new version, with what changed since, everywhere.
    action_url = f"/api/actions/{action.id}"
    renamed = client.patch(
        action_url, headers=if_match(client, action_url, headers), json={"title": "Call back within an hour"}
    )
    assert renamed.status_code == 200, renamed.text
    assert client.post(f"{url}/publish", headers=headers).status_code == 200
    again = client.get(url, headers=auth(app, member)).json()
    assert again["version"] == 2 and "Call back within an hour" in client.get(url, headers=headers).text
    assert [p["name"] for p in next(s for s in again["sections"] if s["key"] == "actions")["papers"]] == [
        "Late figures.pdf"
    ]
    text = docx_text(client.get(f"{url}.docx", headers=headers).content)
    assert "Call back within an hour" in text and "Call back within a day" not in text
    assert "Call back within an hour" in client.get(f"/meetings/{meeting.id}/agenda").text


@pytest.mark.parametrize("publish", [False, True])
def test_the_sections_kept_as_html_are_the_page_it_renders_itself(app, client, session, monkeypatch, publish):
    from sqlmodel import select

    from app.agendas import pages
    from app.demo.council import DEMO_PASSWORD
    from app.models import Meeting, User
    from tests.demodb import load_demo

    council = load_demo(session=session, today=date.today())
    session.commit()
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    if publish:
        assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    sign_in(client, email=chair.email, password=DEMO_PASSWORD)
    url = f"/meetings/{meeting.id}/agenda"

    def page() -> str:
        # The CSRF and once-only form tokens differ per render: compared without them.
        return re.sub(r'(name="(?:csrf_token|form_once)" value=|data-csrf=)"[^"]*"', r"\1", client.get(url).text)

    kept = page()
    [entry] = [e for e in app.state.agenda_cache.entries() if e.bodies]
    assert {s.key for s in entry.agenda.sections if s.anchor in entry.bodies} == pages.SAME_FOR_EVERYONE & {
        s.key for s in entry.agenda.sections
    }
    assert page() == kept  # the second view reads the kept HTML
    # Nobody's own form or token is kept to be shown to the next reader.
    assert not any(word in str(html) for html in entry.bodies.values() for word in ("<form", "csrf", "form_once"))
    monkeypatch.setattr(pages, "SAME_FOR_EVERYONE", frozenset())
    app.state.agenda_cache = AgendaCache()
    assert page() == kept  # every section rendered with the page: the same page


def test_publishing_freezes_the_draft_readers_have_kept_and_never_a_stale_one(app, client, engine, session):
    """The chair publishes from the agenda page, whose draft the cache keeps: publishing freezes that draft
    rather than reading the data and building it again, and the circulated agenda is what a build from the
    data and a read of the snapshot both give. A write since the draft was kept means building afresh."""
    from sqlmodel import select

    from app.agendas.build import build_agenda
    from app.agendas.data import load_agenda_data
    from app.agendas.model import Agenda
    from app.models import AgendaSnapshot, Council, Meeting

    chair, member, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    draft = client.get(url, headers=headers)
    assert draft.status_code == 200 and draft.json()["status"] == "draft"
    queries = agenda_queries(engine, session, meeting)

    with count_statements(app.state.engine) as sent:
        assert client.post(f"{url}/publish", headers=headers).status_code == 200
    assert not queries & set(sent)  # the kept draft, not the data read again

    def frozen(version: int) -> AgendaSnapshot:
        session.expire_all()
        return session.exec(
            select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting.id, AgendaSnapshot.version == version)
        ).one()

    def built_now(snapshot: AgendaSnapshot) -> dict:
        data = load_agenda_data(
            session=session, council=session.get(Council, council.id), meeting=session.get(Meeting, meeting.id)
        )
        fresh = build_agenda(data, status="published", version=snapshot.version, published_at=snapshot.published_at)
        return fresh.model_dump(mode="json")

    first = frozen(1)
    assert first.content == built_now(first)
    body = client.get(url, headers=auth(app, member))
    assert body.json() == first.content
    # What the cache kept at publishing is what another worker reads back from the snapshot.
    [kept] = [e.agenda for e in app.state.agenda_cache.entries() if e.agenda.status == "published"]
    assert kept == Agenda.model_validate(first.content)
    app.state.agenda_cache = AgendaCache()
    assert client.get(url, headers=auth(app, member)).content == body.content

    # A write after the draft was kept: publishing again freezes the agenda with it, not the kept draft.
    assert client.get(f"{url}?live=true", headers=headers).status_code == 200
    make_action(session, council=council, owner=seat, title="Raised after the draft was read")
    session.commit()
    assert client.post(f"{url}/publish", headers=headers).status_code == 200
    second = frozen(2)
    assert second.content == built_now(second)
    assert "Raised after the draft was read" in client.get(url, headers=auth(app, member)).text


def test_the_agenda_published_from_the_kept_draft_takes_its_html_and_reads_as_rendered_whole(
    app, client, session, monkeypatch
):
    """The chair reads the draft, publishes it from the page and is shown the circulated agenda: its sections are the
    draft's own (the freeze copies the kept draft), so their HTML is the draft's, not rendered again; the page is
    the page rendered whole. A later change is published as a new agenda with its own HTML; publishing again with
    nothing changed gives equal sections, which take the HTML kept for them."""
    from sqlmodel import select

    from app.agendas import pages
    from app.demo.council import DEMO_PASSWORD
    from app.models import Meeting, Membership, User
    from tests.demodb import load_demo
    from tests.web.test_pages import csrf_from

    council = load_demo(session=session, today=date.today())
    session.commit()
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    sign_in(client, email=chair.email, password=DEMO_PASSWORD)
    url = f"/meetings/{meeting.id}/agenda"

    def without_tokens(html: str) -> str:
        return re.sub(r'(name="(?:csrf_token|form_once)" value=|data-csrf=)"[^"]*"', r"\1", html)

    def publish() -> str:
        draft = client.get(url)
        assert "Publish" in draft.text
        done = client.post(f"{url}/publish", data={"csrf_token": csrf_from(draft.text)}, follow_redirects=False)
        assert done.status_code == 303
        return without_tokens(client.get(done.headers["location"]).text)

    assert "Agenda published as version 1" in publish()
    shown = without_tokens(client.get(url).text)
    entries = app.state.agenda_cache.entries()
    [draft] = [e for e in entries if e.agenda.status == "draft"]
    [circulated] = [e for e in entries if e.agenda.status == "published"]
    assert circulated.agenda.sections is draft.agenda.sections
    assert circulated.bodies is draft.bodies is not None
    # Rendered whole, with nothing kept: the same page.
    app.state.agenda_cache = AgendaCache()
    assert without_tokens(client.get(url).text) == shown
    monkeypatch.setattr(pages, "SAME_FOR_EVERYONE", frozenset())
    assert without_tokens(client.get(url).text) == shown

    # Another version, from data changed since: its own sections, its own HTML, the change shown.
    monkeypatch.undo()
    seat = session.exec(select(Membership).where(Membership.council_id == council.id, Membership.user_id == chair.id))
    make_action(session, council=council, owner=seat.one(), title="Ring the depot back", due_on=date.today())
    session.commit()
    assert "Ring the depot back" in publish()
    bodies = [e.bodies for e in app.state.agenda_cache.entries() if e.bodies]
    assert len(bodies) == 2 and bodies[0] is not bodies[1]

    # Published again with nothing changed: built again (no draft kept), equal sections, the same HTML kept.
    assert "Agenda published as version 3" in publish()
    shown = without_tokens(client.get(url).text)
    two, three = (e for e in app.state.agenda_cache.entries() if e.agenda.version in (2, 3))
    assert three.agenda.sections is not two.agenda.sections and three.agenda.sections == two.agenda.sections
    assert three.bodies is two.bodies
    app.state.agenda_cache = AgendaCache()
    assert without_tokens(client.get(url).text) == shown
