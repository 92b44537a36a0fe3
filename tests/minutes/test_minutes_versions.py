"""Notes are versioned per agenda item: a stale copy never replaces someone else's notes (issue 16, finding 4).

Through the API (If-Match, 412 with the stored text), the page's autosave (a version field,
412 JSON) and the page without script (a page showing both texts), on both engines.
"""

import re

from markupsafe import escape
from sqlmodel import select

from app.models import MinutesItem
from tests.helpers import etag_of
from tests.minutes.test_minutes_api import TRICKY, arrange, as_, url
from tests.minutes.test_minutes_page import (
    post_form,
    token_for,
    world,  # noqa: F401  (a fixture)
)
from tests.web.test_pages import csrf_from, sign_in


def stored(session, meeting_id: int, number: int) -> MinutesItem | None:
    session.expire_all()
    return session.exec(
        select(MinutesItem).where(MinutesItem.meeting_id == meeting_id, MinutesItem.number == number)
    ).first()


def test_a_stale_save_is_refused_with_the_newer_text_and_nothing_is_saved(app, client, session):
    w = arrange(session)
    item = url(w, "/minutes/items/3")
    chair, secretary = as_(app, w, "chair"), as_(app, w, "secretary")
    # Both open the item before anything is written: version 0.
    seen_by_chair = etag_of(client, item, chair)
    seen_by_secretary = etag_of(client, item, secretary)
    assert seen_by_chair == seen_by_secretary == '"0"'
    assert client.get(item, headers=chair).json() | {"updated_at": None} == {
        "meeting_id": w.meeting.id,
        "number": 3,
        "notes": "",
        "updated_by": None,
        "updated_at": None,
        "version": 0,
    }

    first = client.put(item, headers={**chair, "If-Match": seen_by_chair}, json={"notes": TRICKY})
    assert first.status_code == 200, first.text
    assert first.headers["ETag"] == '"1"' and first.json()["version"] == 1

    stale = client.put(item, headers={**secretary, "If-Match": seen_by_secretary}, json={"notes": "Secretary's view"})
    assert stale.status_code == 412
    body = stale.json()
    assert "changed since you loaded it" in body["detail"]
    assert body["current"]["notes"] == TRICKY and body["current"]["version"] == 1
    assert body["current"]["updated_by"] == "Helen Carter"
    assert stored(session, w.meeting.id, 3).notes == TRICKY, "the chair's notes stay"
    history = client.get(url(w, "/minutes/history"), headers=chair).json()["data"]
    assert [e["kind"] for e in history].count("item_notes") == 1

    # The secretary saves over it knowingly, with the version the 412 named.
    over = client.put(
        item, headers={**secretary, "If-Match": f'"{body["current"]["version"]}"'}, json={"notes": "Secretary's view"}
    )
    assert over.status_code == 200 and over.headers["ETag"] == '"2"'
    assert stored(session, w.meeting.id, 3).notes == "Secretary's view"
    doc = client.get(url(w, "/minutes"), headers=chair).json()
    assert {i["number"]: i["version"] for i in doc["items"]}[3] == 2
    assert {i["number"]: i["notes"] for i in doc["items"]}[3] == "Secretary's view"


def test_two_people_writing_under_different_items_never_collide(app, client, session):
    w = arrange(session)
    chair, secretary = as_(app, w, "chair"), as_(app, w, "secretary")
    three = client.put(url(w, "/minutes/items/3"), headers={**chair, "If-Match": '"0"'}, json={"notes": "Three"})
    four = client.put(url(w, "/minutes/items/4"), headers={**secretary, "If-Match": '"0"'}, json={"notes": "Four"})
    assert (three.status_code, four.status_code) == (200, 200)
    # The minutes' own version moved with both, yet neither item's did with the other's save.
    assert etag_of(client, url(w, "/minutes/items/3"), chair) == '"1"'
    assert etag_of(client, url(w, "/minutes/items/4"), chair) == '"1"'


def test_saving_the_notes_needs_if_match(app, client, session):
    w = arrange(session)
    secretary = as_(app, w, "secretary")
    missing = client.put(url(w, "/minutes/items/3"), headers=secretary, json={"notes": "Blind"})
    assert missing.status_code == 428
    assert "If-Match" in missing.json()["detail"] and "ETag" in missing.json()["detail"]
    assert stored(session, w.meeting.id, 3) is None
    # An unchanged text is not a new version.
    saved = client.put(url(w, "/minutes/items/3"), headers={**secretary, "If-Match": '"0"'}, json={"notes": "Once"})
    again = client.put(url(w, "/minutes/items/3"), headers={**secretary, "If-Match": '"1"'}, json={"notes": "Once"})
    assert saved.headers["ETag"] == again.headers["ETag"] == '"1"'


def test_observers_read_an_item_once_approved_only(app, client, session):
    w = arrange(session)
    refused = client.get(url(w, "/minutes/items/3"), headers=as_(app, w, "observer"))
    assert refused.status_code == 403
    assert client.get(url(w, "/minutes/items/10"), headers=as_(app, w, "chair")).status_code == 422


# -- the page ----------------------------------------------------------------------------


def test_autosave_sends_the_version_and_a_stale_one_gets_the_newer_text(client, session, world):  # noqa: F811
    w = world
    sign_in(client, "chair@example.com")
    chair_token = token_for(client, w)
    saved = client.post(
        w.autosave(3), data={"notes": "Chair's notes", "version": "0"}, headers={"X-CSRF-Token": chair_token}
    )
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert saved.json()["minutes_version"] >= 1

    sign_in(client, "secretary@example.com")
    token = token_for(client, w)
    stale = client.post(w.autosave(3), data={"notes": "Stale view", "version": "0"}, headers={"X-CSRF-Token": token})
    assert stale.status_code == 412
    assert stale.json()["current"]["notes"] == "Chair's notes" and stale.json()["current"]["version"] == 1
    assert stale.json()["current"]["updated_by"] == "Helen Carter"
    # A save that names no version (a page from before versions) cannot overwrite either.
    blind = client.post(w.autosave(3), data={"notes": "Blind"}, headers={"X-CSRF-Token": token})
    assert blind.status_code == 412
    assert stored(session, w.meeting.id, 3).notes == "Chair's notes"

    over = client.post(w.autosave(3), data={"notes": "Mine", "version": "1"}, headers={"X-CSRF-Token": token})
    assert over.status_code == 200 and over.json()["version"] == 2
    assert stored(session, w.meeting.id, 3).notes == "Mine"
    # The page carries each item's version for the script and the form.
    page = client.get(w.url).text
    assert re.search(r'data-item="3"[^>]*data-version="2"', page)
    assert re.search(r'id="conflict-3" role="alert"', page)


def test_without_script_a_stale_form_shows_both_texts_and_keeps_mine(client, session, world):  # noqa: F811
    w = world
    sign_in(client, "secretary@example.com")
    page = client.get(w.url).text
    assert re.search(r'name="item_version" value="0"', page)
    sign_in(client, "chair@example.com")
    chair = post_form(client, w.url, f"{w.url}/items/5/notes", notes="Chair & co <said>", item_version="0")
    assert chair.status_code == 303

    sign_in(client, "secretary@example.com")
    mine = 'Secretary\'s "view"\r\nsecond line'
    conflict = post_form(client, w.url, f"{w.url}/items/5/notes", notes=mine, item_version="0")
    assert conflict.status_code == 409
    text = conflict.text
    assert "Someone else saved the notes for item 5" in text and 'role="alert"' in text
    # Theirs read-only, mine still editable, and the form now names their version.
    assert re.search(r'<textarea id="theirs-notes"[^>]*readonly>' + re.escape(str(escape("Chair & co <said>"))), text)
    assert re.search(
        r'<textarea id="mine-notes" name="notes"[^>]*>' + re.escape(str(escape(mine.replace("\r\n", "\n")))), text
    )
    assert 'name="item_version" value="1"' in text
    assert "Keep mine (save over it)" in text and "Use theirs" in text
    assert stored(session, w.meeting.id, 5).notes == "Chair & co <said>"

    kept = client.post(
        f"{w.url}/items/5/notes",
        data={"csrf_token": csrf_from(text), "notes": mine, "item_version": "1"},
        follow_redirects=False,
    )
    assert kept.status_code == 303 and kept.headers["location"].endswith("#item-5")
    assert stored(session, w.meeting.id, 5).notes == 'Secretary\'s "view"\nsecond line'
