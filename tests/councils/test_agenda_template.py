"""The agenda template per council: order, minutes, zero-minute sections and standing items, honoured by the
agenda JSON, its page, the Word pack, the calendar invite and the minutes; published agendas keep their order."""

import io
from datetime import UTC, datetime, timedelta

from docx2python import docx2python
from sqlmodel import select

from app.models import AobItem, Role, StandingItem
from tests.factories import make_council, make_department, make_meeting, make_membership, make_user
from tests.helpers import auth, if_match
from tests.web.test_pages import csrf_from, sign_in

ORDER = [
    "research",
    "actions",
    "overall_measures",
    "department_reports",
    "best_practice",
    "initiatives",
    "measures_review",
    "prioritisation",
    "aob",
]


def arrange(session, *, starts=None):
    chair = make_user(session, name="Helen Carter")
    council = make_council(session, chair=chair, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    member = make_user(session, name="Aisha Rahman")
    seat = make_membership(session, council=council, user=member, role=Role.member, department=billing)
    meeting = make_meeting(session, council=council, scheduled_at=starts or datetime.now(UTC) + timedelta(days=10))
    session.commit()
    return chair, member, council, seat, meeting


def add_spotlight(app, client, chair, council, seat, minutes=10):
    response = client.post(
        f"/api/councils/{council.id}/standing-items",
        json={"title": "Journey owner spotlight", "owner_id": seat.id, "minutes": minutes},
        headers=auth(app, chair),
    )
    assert response.status_code == 201, response.text
    return response.json()


def set_template(app, client, chair, council, entries):
    url = f"/api/councils/{council.id}/agenda-template"
    response = client.put(url, json={"entries": entries}, headers=if_match(client, url, auth(app, chair)))
    assert response.status_code == 200, response.text
    return response.json()


def spotlight_second_and_no_department_reports(app, client, chair, council, seat):
    """Research first, the spotlight second, department reports given no time."""
    spotlight = add_spotlight(app, client, chair, council, seat)
    entries = [{"ref": ORDER[0], "minutes": 10}, {"ref": spotlight["ref"], "minutes": 10}]
    entries += [{"ref": key, "minutes": 0 if key == "department_reports" else 10} for key in ORDER[1:]]
    set_template(app, client, chair, council, entries)
    return spotlight


def test_order_minutes_and_a_standing_item_in_the_json_page_word_pack_and_invite(app, client, session):
    chair, _, council, seat, meeting = arrange(session)
    spotlight = spotlight_second_and_no_department_reports(app, client, chair, council, seat)

    agenda = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()
    titles = [s["title"] for s in agenda["sections"]]
    assert titles[:3] == ["Customer research", "Journey owner spotlight", "Actions from the last meeting"]
    assert "Department reports" not in titles
    assert [s["position"] for s in agenda["sections"]] == list(range(1, 10))
    # Identity stays: research is still item 8 in the minutes, the spotlight 100 + its id.
    assert [s["number"] for s in agenda["sections"][:2]] == [8, 100 + spotlight["id"]]
    assert agenda["not_taken"] == [{"number": 3, "key": "department_reports", "title": "Department reports"}]
    assert sum(s["minutes_allocated"] for s in agenda["sections"]) == agenda["meeting"]["duration_minutes"] == 120
    standing = agenda["sections"][1]
    assert (standing["key"], standing["owner_name"], standing["minutes_allocated"]) == ("standing", "Aisha Rahman", 15)
    first = datetime.strptime(agenda["sections"][0]["starts_at"], "%H:%M")
    assert standing["starts_at"] == (first + timedelta(minutes=15)).strftime("%H:%M")  # research took the first 15

    sign_in(client, email=chair.email)
    page = client.get(f"/meetings/{meeting.id}/agenda").text
    assert page.index("Customer research") < page.index("Journey owner spotlight") < page.index("Actions from the")
    assert "Not taken at this meeting:</strong> Department reports." in page
    assert 'id="standing-{}"'.format(spotlight["id"]) in page and "Led by <strong>Aisha Rahman</strong>" in page

    pack = client.get(f"/api/meetings/{meeting.id}/agenda.docx", headers=auth(app, chair))
    with docx2python(io.BytesIO(pack.content)) as doc:
        text = doc.text
    assert text.index("1. Customer research") < text.index("2. Journey owner spotlight")
    assert text.index("2. Journey owner spotlight") < text.index("3. Actions from the last meeting")
    assert "Not taken at this meeting: Department reports." in text
    assert "Led by: Aisha Rahman (Billing)" in text
    assert "Department reports" not in text.replace("Not taken at this meeting: Department reports.", "")

    invite = client.get(f"/api/meetings/{meeting.id}/invite.ics", headers=auth(app, chair)).text
    unfolded = invite.replace("\r\n ", "")
    assert "1. " in unfolded and "Customer research (15 min)" in unfolded
    assert "2. " in unfolded and "Journey owner spotlight (15 min)" in unfolded
    assert "Not taken at this meeting: Department reports." in unfolded


def test_a_published_agenda_keeps_its_order_after_the_template_changes(app, client, session):
    chair, _, council, seat, meeting = arrange(session)
    assert client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair)).status_code == 200
    spotlight_second_and_no_department_reports(app, client, chair, council, seat)

    circulated = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()
    assert [s["key"] for s in circulated["sections"]][:3] == ["actions", "overall_measures", "department_reports"]
    assert circulated["not_taken"] == []
    live = client.get(f"/api/meetings/{meeting.id}/agenda?live=true", headers=auth(app, chair)).json()
    assert [s["key"] for s in live["sections"]][:2] == ["research", "standing"]
    sign_in(client, email=chair.email)
    page = client.get(f"/meetings/{meeting.id}/agenda").text
    assert page.index("Actions from the last meeting") < page.index("Customer research")
    assert "Journey owner spotlight" not in page


def test_notes_and_decisions_under_a_standing_item_reach_the_minutes_page_and_word(app, client, session):
    chair, _, council, seat, meeting = arrange(session, starts=datetime.now(UTC) - timedelta(hours=1))
    spotlight = spotlight_second_and_no_department_reports(app, client, chair, council, seat)
    number = spotlight["number"]
    url = f"/api/meetings/{meeting.id}/minutes/items/{number}"
    saved = client.put(
        url,
        json={"notes": "Aisha walked the council through the move-in journey."},
        headers=if_match(client, url, auth(app, chair)),
    )
    assert saved.status_code == 200, saved.text
    decided = client.post(
        f"/api/meetings/{meeting.id}/decisions",
        json={"item_number": number, "text": "Spotlight the billing journey next month."},
        headers=auth(app, chair),
    )
    assert decided.status_code == 201, decided.text

    doc = client.get(f"/api/meetings/{meeting.id}/minutes", headers=auth(app, chair)).json()
    items = doc["items"]
    assert [(i["position"], i["title"]) for i in items[:2]] == [
        (1, "Customer research"),
        (2, "Journey owner spotlight"),
    ]
    assert items[1]["number"] == number and items[1]["notes"].startswith("Aisha walked")
    assert [d["text"] for d in items[1]["decisions"]] == ["Spotlight the billing journey next month."]
    assert doc["not_taken"][0]["key"] == "department_reports"

    sign_in(client, email=chair.email)
    page = client.get(f"/meetings/{meeting.id}/minutes").text
    assert f'id="item-{number}"' in page and "Not taken at this meeting:</strong> Department reports." in page

    word = client.get(f"/api/meetings/{meeting.id}/minutes.docx", headers=auth(app, chair))
    assert word.status_code == 200, word.text
    with docx2python(io.BytesIO(word.content)) as reopened:
        text = reopened.text
    spot = text.index("2. Journey owner spotlight")
    assert spot < text.index("Aisha walked the council through the move-in journey.")
    # The items nothing was recorded under are gathered into one line after the last minuted one.
    assert "Nothing was recorded under item" in text
    assert "Not taken at this meeting: Department reports." in text

    # Taken off future agendas: archived, because the minutes recorded under it.
    item_url = f"/api/councils/{council.id}/standing-items/{spotlight['id']}"
    removed = client.delete(item_url, headers=if_match(client, item_url, auth(app, chair)))
    assert removed.status_code == 204
    session.expire_all()
    assert session.get(StandingItem, spotlight["id"]).archived_at is not None
    template = client.get(f"/api/councils/{council.id}/agenda-template", headers=auth(app, chair)).json()
    assert "Journey owner spotlight" not in [e["title"] for e in template["entries"]]


def test_a_standing_item_nobody_minuted_is_deleted(app, client, session):
    chair, _, council, seat, _ = arrange(session)
    spotlight = add_spotlight(app, client, chair, council, seat)
    item_url = f"/api/councils/{council.id}/standing-items/{spotlight['id']}"
    assert client.delete(item_url, headers=if_match(client, item_url, auth(app, chair))).status_code == 204
    assert session.exec(select(StandingItem)).all() == []


def test_every_section_at_zero_but_a_standing_item_fills_the_meeting(app, client, session):
    chair, _, council, seat, meeting = arrange(session)
    spotlight = add_spotlight(app, client, chair, council, seat)
    entries = [{"ref": key, "minutes": 0} for key in ORDER] + [{"ref": spotlight["ref"], "minutes": 30}]
    set_template(app, client, chair, council, entries)
    agenda = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()
    assert [(s["title"], s["minutes_allocated"]) for s in agenda["sections"]] == [("Journey owner spotlight", 120)]
    assert len(agenda["not_taken"]) == 9


def test_bad_template_input_is_a_422_naming_the_field(app, client, session):
    chair, member, council, seat, _ = arrange(session)
    url = f"/api/councils/{council.id}/agenda-template"
    headers = if_match(client, url, auth(app, chair))
    nine = [{"ref": key, "minutes": 10} for key in ORDER]

    def refused(entries):
        response = client.put(url, json={"entries": entries}, headers=headers)
        assert response.status_code == 422, response.text
        return response.json()["detail"][0]

    missing = refused(nine[:-1] + [{"ref": "research", "minutes": 5}])
    assert missing["loc"][-1] == "entries"
    assert "listed twice" in refused(nine + [{"ref": "aob", "minutes": 5}])["msg"]
    lost = refused(nine[:-1] + [{"ref": "standing-999", "minutes": 5}])
    assert "standing-999" in lost["msg"]
    dropped = refused(nine[:-1])
    assert "The nine standard sections are kept: aob missing" in dropped["msg"]
    unknown = refused(nine[:-1] + [{"ref": "standing-999", "minutes": 5}, {"ref": "aob", "minutes": 1}])
    assert unknown["loc"][-1] == "entries" and "standing-999" in unknown["msg"]
    negative = refused(nine[:-1] + [{"ref": "aob", "minutes": -1}])
    assert negative["loc"][-2:] == [8, "minutes"]
    assert "needs some time" in refused([{"ref": key, "minutes": 0} for key in ORDER])["msg"]
    # Without If-Match: 428; as a member: 403; nothing changed.
    assert client.put(url, json={"entries": nine}, headers=auth(app, chair)).status_code == 428
    assert client.put(url, json={"entries": nine}, headers=if_match(client, url, auth(app, member))).status_code == 403

    other = make_council(session, chair=make_user(session), name="Elsewhere")
    stranger = make_membership(session, council=other, user=make_user(session), role=Role.member)
    session.commit()
    bad_owner = client.post(
        f"/api/councils/{council.id}/standing-items",
        json={"title": "Spotlight", "owner_id": stranger.id},
        headers=auth(app, chair),
    )
    assert bad_owner.status_code == 422 and bad_owner.json()["detail"][0]["loc"][-1] == "owner_id"
    blank = client.post(f"/api/councils/{council.id}/standing-items", json={"title": " "}, headers=auth(app, chair))
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"][-1] == "title"
    # Minutes items: 1–9 and the council's standing items; 10 is no item, 150 no standing item of this council.
    started = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) - timedelta(hours=1))
    session.commit()
    item = f"/api/meetings/{started.id}/minutes/items"
    headers = {**auth(app, chair), "If-Match": '"0"'}
    ten = client.put(f"{item}/10", json={"notes": "x"}, headers=headers)
    assert ten.status_code == 422 and ten.json()["detail"][0]["loc"][-1] == "number"
    assert client.put(f"{item}/150", json={"notes": "x"}, headers=headers).status_code == 404


def test_the_chair_reorders_and_times_the_agenda_in_the_page_without_script(app, client, session):
    chair, member, council, seat, meeting = arrange(session)
    here = f"/councils/{council.id}/agenda-template"
    sign_in(client, email=chair.email)

    def post(action, **fields):
        token = csrf_from(client.get(here).text)
        return client.post(action, data={"csrf_token": token, **fields}, follow_redirects=False)

    assert "Move Any other business up" in client.get(here).text
    assert post(f"{here}/move", ref="aob", direction="up").status_code == 303
    api = f"/api/councils/{council.id}/agenda-template"
    entries = client.get(api, headers=auth(app, chair)).json()["entries"]
    assert [e["ref"] for e in entries][-2:] == ["aob", "research"]

    added = post(
        f"/councils/{council.id}/standing-items", title="Journey owner spotlight", owner_id=str(seat.id), minutes="10"
    )
    assert added.status_code == 303
    template = client.get(api, headers=auth(app, chair)).json()
    spotlight = next(e for e in template["entries"] if e["kind"] == "standing")
    assert (spotlight["owner_name"], spotlight["minutes"]) == ("Aisha Rahman", 10)

    # Minutes for every item in one form; a section at 0 shows as not taken.
    fields = {f"minutes-{e['ref']}": str(e["minutes"]) for e in template["entries"]}
    fields["minutes-best_practice"] = "0"
    saved = post(here, version=str(template["version"]), **fields)
    assert saved.status_code == 303
    page = client.get(here).text
    assert "Minutes saved" in page and "Not taken: left out of the running order" in page

    # A typo is said, and nothing is saved.
    fields["minutes-actions"] = "lots"
    version = client.get(api, headers=auth(app, chair)).json()["version"]
    post(here, version=str(version), **fields)
    page = client.get(here).text
    assert "minutes: " in page.lower() and client.get(api, headers=auth(app, chair)).json()["version"] == version

    # A member reads the template but has no buttons.
    sign_in(client, email=member.email)
    read = client.get(here).text
    assert "Journey owner spotlight" in read and "Move Any other business up" not in read


def test_unfinished_aob_is_carried_to_the_next_meeting_once(app, client, session):
    chair, member, council, seat, meeting = arrange(session)
    later = make_meeting(session, council=council, scheduled_at=meeting.scheduled_at + timedelta(days=28))
    session.commit()
    raised = client.post(
        f"/api/meetings/{meeting.id}/aob",
        json={"title": "Winter readiness", "details": "Gritting"},
        headers=auth(app, member),
    ).json()
    carry = f"/api/meetings/{meeting.id}/aob/{raised['id']}/carry"
    assert client.post(carry, headers=auth(app, member)).status_code == 403
    carried = client.post(carry, headers=auth(app, chair))
    assert carried.status_code == 201, carried.text
    body = carried.json()
    assert (body["meeting_id"], body["carried_from_id"], body["carried_from_meeting"]) == (later.id, raised["id"], 1)
    assert body["submitted_by"] == "Aisha Rahman"

    agenda = client.get(f"/api/meetings/{later.id}/agenda", headers=auth(app, chair)).json()
    aob = next(s for s in agenda["sections"] if s["key"] == "aob")
    assert [(i["title"], i["carried_from_meeting"]) for i in aob["items"]] == [("Winter readiness", 1)]
    sign_in(client, email=chair.email)
    assert "carried from Meeting 1" in client.get(f"/meetings/{later.id}/agenda").text
    assert "Carried to the next meeting." in client.get(f"/meetings/{meeting.id}/agenda").text

    again = client.post(carry, headers=auth(app, chair))
    assert again.status_code == 409 and "already been carried" in again.json()["detail"]
    # From the last meeting there is nowhere to carry it: said so.
    onward = client.post(f"/api/meetings/{later.id}/aob/{body['id']}/carry", headers=auth(app, chair))
    assert onward.status_code == 409 and "no next meeting" in onward.json()["detail"]


def test_the_chair_carries_aob_from_the_minutes_page(app, client, session):
    chair, member, council, seat, meeting = arrange(session, starts=datetime.now(UTC) - timedelta(hours=1))
    later = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=27))
    session.commit()
    raised = client.post(f"/api/meetings/{later.id}/aob", json={"title": "placeholder"}, headers=auth(app, member))
    assert raised.status_code == 201
    item = AobItem(meeting_id=meeting.id, submitted_by_id=seat.id, title="Smart meter backlog")
    session.add(item)
    session.commit()
    sign_in(client, email=chair.email)
    minutes = f"/meetings/{meeting.id}/minutes"
    page = client.get(minutes).text
    assert "Unfinished: carry to the next meeting" in page
    response = client.post(
        f"/meetings/{meeting.id}/aob/{item.id}/carry",
        data={"csrf_token": csrf_from(page), "back": "minutes"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"].startswith(minutes)
    assert "carried to the next meeting" in client.get(minutes).text
    titles = [i["title"] for i in client.get(f"/api/meetings/{later.id}/aob", headers=auth(app, chair)).json()["data"]]
    assert titles == ["placeholder", "Smart meter backlog"]


def test_minutes_typed_under_a_standing_item_save_as_they_are_typed(app, client, session):
    """The page's autosave (what minutes.js calls) takes a standing item's number, not only 1–9."""
    chair, _, council, seat, meeting = arrange(session, starts=datetime.now(UTC) - timedelta(hours=1))
    spotlight = add_spotlight(app, client, chair, council, seat)
    sign_in(client, email=chair.email)
    token = csrf_from(client.get(f"/meetings/{meeting.id}/minutes").text)
    saved = client.post(
        f"/meetings/{meeting.id}/minutes/items/{spotlight['number']}/autosave",
        data={"notes": "Move-in journey: three fixes agreed.", "version": "0"},
        headers={"X-CSRF-Token": token},
    )
    assert saved.status_code == 200, saved.text
    doc = client.get(f"/api/meetings/{meeting.id}/minutes", headers=auth(app, chair)).json()
    item = next(i for i in doc["items"] if i["number"] == spotlight["number"])
    assert item["notes"] == "Move-in journey: three fixes agreed."


def test_aob_in_word_minutes_follows_its_place_and_says_where_it_was_carried_from(app, client, session):
    chair, member, council, seat, meeting = arrange(session, starts=datetime.now(UTC) - timedelta(days=28))
    later = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) - timedelta(hours=1))
    session.add(AobItem(meeting_id=meeting.id, submitted_by_id=seat.id, title="Smart meter backlog"))
    session.commit()
    original = session.exec(select(AobItem)).one()
    assert (
        client.post(f"/api/meetings/{meeting.id}/aob/{original.id}/carry", headers=auth(app, chair)).status_code == 201
    )
    # AOB moved to the top; a standing item at 0 minutes is not taken, and said so.
    spotlight = add_spotlight(app, client, chair, council, seat, minutes=0)
    set_template(
        app, client, chair, council, [{"ref": "aob", "minutes": 10}] + [{"ref": k, "minutes": 10} for k in ORDER[:-1]]
    )

    doc = client.get(f"/api/meetings/{later.id}/minutes", headers=auth(app, chair)).json()
    assert doc["items"][0]["key"] == "aob" and doc["aob"][0]["carried_from_meeting"] == 1
    assert {"number": spotlight["number"], "key": spotlight["ref"], "title": "Journey owner spotlight"} in doc[
        "not_taken"
    ]
    word = client.get(f"/api/meetings/{later.id}/minutes.docx", headers=auth(app, chair))
    with docx2python(io.BytesIO(word.content)) as reopened:
        text = reopened.text
    assert "1.1 Smart meter backlog (raised by Aisha Rahman) carried from Meeting 1" in text
    assert "Not taken at this meeting: Journey owner spotlight." in text
