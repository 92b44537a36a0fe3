"""One agenda build serves the page, the JSON, the Word pack, the PDF pack and the calendar until the
council's data changes; the packs' bytes are kept too (app/agendas/cache.py)."""

import io
from datetime import UTC, date, datetime, timedelta

import docx
from sqlmodel import Session, select

from app.agendas.cache import AgendaCache, AgendaEntry, AgendaKey, PackKey, PackOut, agenda_json_body
from app.agendas.data import load_agenda_data
from app.agendas.model import LiveAgenda
from app.demo.council import DEMO_PASSWORD
from app.models import Council, Meeting, User
from tests.agendas.test_agenda_api import arrange
from tests.agendas.test_agenda_mail import attachments, flush
from tests.demodb import load_demo
from tests.factories import make_action, make_council, make_meeting, make_user
from tests.helpers import auth, count_statements, if_match
from tests.web.test_pages import sign_in


def agenda_queries(engine, session: Session, meeting: Meeting) -> set[str]:
    """The statements that load this meeting's agenda data (the build's reads)."""
    session.expire_all()
    council = session.get(Council, meeting.council_id)
    meeting = session.get(Meeting, meeting.id)
    with count_statements(engine) as sent:
        load_agenda_data(session=session, council=council, meeting=meeting)
    session.rollback()
    return set(sent)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    heads = [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join([p.text for p in document.paragraphs] + cells + heads)


def test_one_build_serves_the_page_json_word_and_pdf(app, client, engine, session):
    chair, _, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    # The invite reads the seats' answers itself (live, like the page): not counted as the agenda's.
    queries = {q for q in agenda_queries(engine, session, meeting) if "FROM meeting_responses" not in q}
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    sign_in(client, email=chair.email)

    with count_statements(app.state.engine) as first:
        assert client.get(f"/meetings/{meeting.id}/agenda", headers=headers).status_code == 200
    assert queries <= set(first)  # the page built it
    for renderer in (f"{url}.docx", f"{url}.pdf", url, f"/api/meetings/{meeting.id}/invite.ics"):
        with count_statements(app.state.engine) as sent:
            assert client.get(renderer, headers=headers).status_code == 200
        assert not queries & set(sent), renderer  # read from the one build
    assert len(app.state.agenda_cache) == 1


def test_renderers_leave_the_shared_agenda_as_they_found_it(app, client, session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    meeting = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    headers = auth(app, chair)
    sign_in(client, email=chair.email, password=DEMO_PASSWORD)
    url = f"/api/meetings/{meeting.id}/agenda"
    assert client.get(url, headers=headers).status_code == 200
    [entry] = app.state.agenda_cache.entries()
    # The JSON as pydantic writes it (agenda_json_body serialises the sections one by one).
    assert entry.json.body == entry.agenda.model_dump_json().encode()
    live = LiveAgenda(**entry.agenda.model_dump(), changed_sections=["actions"])
    assert agenda_json_body(live) == live.model_dump_json().encode()
    before = entry.agenda.model_dump(mode="json")
    for renderer in (f"/meetings/{meeting.id}/agenda", f"{url}.docx", f"{url}.pdf"):
        assert client.get(renderer, headers=headers).status_code == 200, renderer
    assert app.state.agenda_cache.entries() == [entry]  # all three rendered this one object…
    assert entry.agenda.model_dump(mode="json") == before  # …and none of them changed it


def test_a_write_in_the_council_shows_in_the_next_page_json_and_word(app, client, session):
    chair, _, _, council, seat, meeting = arrange(session)
    action = make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    sign_in(client, email=chair.email)
    page, word = f"/meetings/{meeting.id}/agenda", f"{url}.docx"
    assert "Call back within a day" in client.get(page).text
    assert "Call back within a day" in client.get(url, headers=headers).text
    assert "Call back within a day" in docx_text(client.get(word, headers=headers).content)

    action_url = f"/api/actions/{action.id}"
    changed = client.patch(
        action_url, headers=if_match(client, action_url, headers), json={"title": "Call back within an hour"}
    )
    assert changed.status_code == 200, changed.text
    assert "Call back within an hour" in client.get(page).text
    assert "Call back within an hour" in client.get(url, headers=headers).text
    text = docx_text(client.get(word, headers=headers).content)
    assert "Call back within an hour" in text and "Call back within a day" not in text


def test_a_write_in_another_council_keeps_the_cached_agenda(app, client, engine, session):
    """Each council's agendas are kept under its own revision (app/revision.py stamp_for)."""
    chair, _, _, council, seat, meeting = arrange(session)
    other_chair = make_user(session)
    other = make_council(session, chair=other_chair, name="Retail council")
    session.commit()
    queries = agenda_queries(engine, session, meeting)
    url, headers = f"/api/meetings/{meeting.id}/agenda", auth(app, chair)
    first = client.get(url, headers=headers)
    assert first.status_code == 200

    make_meeting(session, council=other, scheduled_at=datetime.now(UTC) + timedelta(days=3))
    session.commit()
    with count_statements(app.state.engine) as sent:
        again = client.get(url, headers=headers)
    assert again.content == first.content
    assert not queries & set(sent)  # not built again: the other council's write evicted nothing


def test_a_cached_pack_is_the_bytes_a_fresh_build_gives_with_an_etag(app, client, session):
    chair, _, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Call back within a day", due_on=date.today())
    session.commit()
    headers = auth(app, chair)
    for kind in ("docx", "pdf"):
        url = f"/api/meetings/{meeting.id}/agenda.{kind}"
        built = client.get(url, headers=headers)
        cached = client.get(url, headers=headers)
        assert app.state.agenda_cache.pack_count() >= 1
        app.state.agenda_cache = AgendaCache()  # another worker, or after a restart: built afresh
        fresh = client.get(url, headers=headers)
        assert built.status_code == cached.status_code == fresh.status_code == 200
        assert cached.content == built.content == fresh.content, kind
        assert cached.headers["etag"] == fresh.headers["etag"]
        assert cached.headers["content-disposition"] == fresh.headers["content-disposition"]

        unchanged = client.get(url, headers={**headers, "If-None-Match": fresh.headers["etag"]})
        assert unchanged.status_code == 304 and unchanged.content == b""
        make_action(session, council=council, owner=seat, title=f"New since the {kind}")
        session.commit()
        changed = client.get(url, headers={**headers, "If-None-Match": fresh.headers["etag"]})
        assert changed.status_code == 200 and changed.headers["etag"] != fresh.headers["etag"]


def test_publishing_mails_the_published_pack_though_the_draft_was_kept(mail_app, session, inbox):
    app, client = mail_app
    chair, _, _, _, _, meeting = arrange(session)
    headers = auth(app, chair)
    draft = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=headers)
    assert "· Draft" in docx_text(draft.content)  # the draft's pack, now kept

    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=headers).status_code == 200
    [message, *_] = flush(app, inbox)
    [mailed] = [part for name, part in attachments(message).items() if name.endswith(".docx")]
    assert "· Draft" not in docx_text(mailed.get_content())
    download = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=headers)
    assert download.content == mailed.get_content()


def test_the_pack_cache_keeps_packs_within_its_bytes_least_recently_used_first() -> None:
    cache = AgendaCache(max_entries=2, pack_bytes=10)

    def key(n: int) -> PackKey:
        return PackKey(
            kind="docx", agenda=AgendaKey(meeting_id=n, live=False, today=date.today(), stamp="s"), template_at=None
        )

    def pack(size: int) -> PackOut:
        return PackOut(content=b"x" * size, media_type="application/octet-stream", disposition="", etag='"e"')

    cache.put_pack(key(1), pack(4))
    cache.put_pack(key(2), pack(4))
    assert cache.get_pack(key(1)) is not None  # now the most recently used
    cache.put_pack(key(3), pack(4))  # 12 bytes > 10: the least recently used (2) goes
    assert cache.get_pack(key(2)) is None and cache.get_pack(key(1)) and cache.get_pack(key(3))
    assert cache.pack_bytes == 8
    cache.put_pack(key(4), pack(11))  # larger than the whole bound: never kept, nothing evicted
    assert cache.get_pack(key(4)) is None and cache.pack_count() == 2


def test_a_cache_of_no_size_keeps_nothing() -> None:
    cache = AgendaCache(max_entries=0, pack_bytes=0)
    key = AgendaKey(meeting_id=1, live=False, today=date.today(), stamp="s")
    cache.put(key, AgendaEntry(agenda=None, key=key))  # type: ignore[arg-type]
    cache.put_pack(PackKey(kind="pdf", agenda=key, template_at=None), PackOut(b"x", "application/pdf", "", '"e"'))
    assert len(cache) == 0 and cache.pack_count() == 0
