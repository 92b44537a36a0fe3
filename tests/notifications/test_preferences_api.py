"""The API: a member's choice of mail per council, the chair's notification settings, and `notify` obeying them."""

from __future__ import annotations

import pytest

from app.models import Role
from app.notifications.service import Recipient, notify
from tests.factories import make_council, make_membership, make_user
from tests.helpers import auth, error_fields, if_match

pytestmark = pytest.mark.usefixtures("db_backend")


def _council(session, name="Utility council"):
    chair, member, secretary = make_user(session, name="Chair"), make_user(session, name="Mia"), make_user(session)
    council = make_council(session, name=name, chair=chair)
    make_membership(session, council=council, user=member, role=Role.member)
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    session.commit()
    return council, chair, member, secretary


def _queued_for(session, settings, council, people, kind="action_digest") -> list[int]:
    """Who one event of `kind` queues mail for (rolled back after: only the choice is measured)."""
    session.expire_all()
    council = session.get(type(council), council.id)
    rows = notify(
        session,
        settings,
        kind=kind,
        council=council,
        recipients=[Recipient(p.id, p.name, p.email) for p in people],
        subject="Your actions",
        template="notice",
        context={"paragraphs": ["Two actions are due."]},
        link="/actions",
    )
    who = sorted(row.user_id for row in rows)
    session.rollback()
    return who


def test_a_member_turns_a_kind_off_and_the_next_event_leaves_them_out(app, client, session, settings):
    council, chair, member, _ = _council(session)
    headers = auth(app, member)
    assert _queued_for(session, settings, council, [chair, member]) == sorted([chair.id, member.id])

    listed = client.get("/api/me/notifications", headers=headers).json()
    assert listed["count"] == 1 and listed["data"][0]["council_name"] == "Utility council"
    keys = [k["key"] for k in listed["data"][0]["kinds"]]
    assert "action_digest" in keys and "due_date_moved" not in keys  # a member's seat never gets it
    assert all(k["enabled"] and not k["required"] for k in listed["data"][0]["kinds"])

    url = f"/api/councils/{council.id}/notifications/me"
    saved = client.put(url, headers=headers, json={"kinds": {"action_digest": False}})
    assert saved.status_code == 200, saved.text
    by_key = {k["key"]: k["enabled"] for k in saved.json()["kinds"]}
    assert by_key["action_digest"] is False and by_key["agenda_published"] is True
    assert client.get(url, headers=headers).json() == saved.json()

    assert _queued_for(session, settings, council, [chair, member]) == [chair.id]
    assert _queued_for(session, settings, council, [chair, member], kind="agenda_published") == sorted(
        [chair.id, member.id]
    )

    # On again: mailed again.
    client.put(url, headers=headers, json={"kinds": {"action_digest": True}})
    assert _queued_for(session, settings, council, [chair, member]) == sorted([chair.id, member.id])


def test_chair_and_secretary_see_the_kinds_only_they_receive(app, client, session):
    council, chair, member, secretary = _council(session)

    def kinds_of(person):
        kinds = client.get(f"/api/councils/{council.id}/notifications/me", headers=auth(app, person)).json()["kinds"]
        return {k["key"] for k in kinds}

    assert {"due_date_moved", "correction_proposed"} <= kinds_of(secretary)
    # The chair hears of due-date moves; corrections are the secretary's to decide.
    assert "due_date_moved" in kinds_of(chair) and "correction_proposed" not in kinds_of(chair)
    assert not {"due_date_moved", "correction_proposed"} & kinds_of(member)


def test_a_required_kind_cannot_be_turned_off_and_unknown_kinds_are_named(app, client, session, settings):
    council, chair, member, _ = _council(session)
    chair_headers, headers = auth(app, chair), auth(app, member)
    url = f"/api/councils/{council.id}/notifications/me"
    client.put(url, headers=headers, json={"kinds": {"agenda_published": False}})
    assert _queued_for(session, settings, council, [member], kind="agenda_published") == []

    settings_url = f"/api/councils/{council.id}/notification-settings"
    required = client.put(
        settings_url,
        headers=if_match(client, settings_url, chair_headers),
        json={"required_notifications": ["agenda_published"]},
    )
    assert required.status_code == 200, required.text
    assert required.json()["required_notifications"] == ["agenda_published"]
    # The council's requirement wins over the member's earlier choice.
    assert _queued_for(session, settings, council, [member], kind="agenda_published") == [member.id]
    shown = {k["key"]: k for k in client.get(url, headers=headers).json()["kinds"]}
    assert shown["agenda_published"]["required"] and shown["agenda_published"]["enabled"]

    refused = client.put(url, headers=headers, json={"kinds": {"agenda_published": False, "action_digest": False}})
    assert refused.status_code == 422
    assert error_fields(refused) == {"kinds"} and "agenda_published" in refused.text
    assert {k["key"]: k["enabled"] for k in client.get(url, headers=headers).json()["kinds"]}["action_digest"]
    assert client.put(url, headers=headers, json={"kinds": {"agenda_published": True}}).status_code == 200

    unknown = client.put(url, headers=headers, json={"kinds": {"gossip": False}})
    assert unknown.status_code == 422 and error_fields(unknown) == {"kinds"} and "gossip" in unknown.text
    not_bool = client.put(url, headers=headers, json={"kinds": {"action_digest": "no"}})
    assert not_bool.status_code == 422 and "action_digest" in not_bool.text
    extra = client.put(url, headers=headers, json={"kinds": {}, "everything": False})
    assert extra.status_code == 422 and error_fields(extra) == {"everything"}


def test_the_chair_changes_the_settings_the_secretary_reads_them(app, client, session):
    council, chair, member, secretary = _council(session)
    url = f"/api/councils/{council.id}/notification-settings"
    headers = auth(app, chair)
    first = client.get(url, headers=headers)
    assert first.json()["pack_attach_limit_kb"] == 5120 and first.json()["required_notifications"] == []
    assert len(first.json()["kinds"]) >= 11

    body = {
        "pack_attach_limit_kb": 0,
        "report_reminder_days": 10,
        "due_moves_need_approval": True,
        "correction_window_days": 3,
        "required_notifications": ["minutes_approved", "agenda_published", "agenda_published"],
    }
    assert client.put(url, headers=headers, json=body).status_code == 428
    assert client.put(url, headers={**headers, "If-Match": '"99"'}, json=body).status_code == 412
    saved = client.put(url, headers={**headers, "If-Match": first.headers["ETag"]}, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] != first.headers["ETag"]
    assert saved.json()["required_notifications"] == ["agenda_published", "minutes_approved"]
    assert (saved.json()["pack_attach_limit_kb"], saved.json()["correction_window_days"]) == (0, 3)
    # The council's own record says the same.
    council_json = client.get(f"/api/councils/{council.id}", headers=headers)
    assert council_json.headers["ETag"] == saved.headers["ETag"]

    secretary_headers = auth(app, secretary)
    assert client.get(url, headers=secretary_headers).json()["report_reminder_days"] == 10
    refused = client.put(url, headers=if_match(client, url, secretary_headers), json={"report_reminder_days": 1})
    assert refused.status_code == 403
    assert client.get(url, headers=auth(app, member)).status_code == 403
    outsider = make_user(session)
    session.commit()
    assert client.get(url, headers=auth(app, outsider)).status_code == 404


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pack_attach_limit_kb", -1),
        ("pack_attach_limit_kb", 15361),
        ("report_reminder_days", 61),
        ("report_reminder_days", "7"),
        ("correction_window_days", 0),
        ("correction_window_days", 31),
        ("due_moves_need_approval", "yes"),
        ("required_notifications", ["agenda_published", "weather"]),
    ],
)
def test_out_of_range_settings_are_refused_naming_the_field(app, client, session, field, value):
    council, chair, _, _ = _council(session)
    url = f"/api/councils/{council.id}/notification-settings"
    headers = auth(app, chair)
    before = client.get(url, headers=headers).json()
    refused = client.put(url, headers=if_match(client, url, headers), json={field: value})
    assert refused.status_code == 422, refused.text
    assert error_fields(refused) == {field}
    assert client.get(url, headers=headers).json() == before
