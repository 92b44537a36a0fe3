"""Permission-matrix rows for the agenda template, standing items and carrying AOB (see test_permissions.py)."""

from datetime import timedelta

from app.councils.sections import SECTION_KEYS
from app.models import Meeting, StandingItem

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}

RULES: dict = {
    # Every seat reads the running order; only the chair changes it.
    ("GET", "/api/councils/{council_id}/agenda-template"): {"ok": IN_COUNCIL},
    ("PUT", "/api/councils/{council_id}/agenda-template"): {
        "ok": {"chair"},
        "json": {"entries": [{"ref": key, "minutes": 10} for key in reversed(SECTION_KEYS)]},
    },
    ("GET", "/api/councils/{council_id}/standing-items"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/standing-items"): {"ok": {"chair"}, "json": {"title": "Spotlight"}},
    ("GET", "/api/councils/{council_id}/standing-items/{standing_item_id}"): {"ok": IN_COUNCIL},
    ("PATCH", "/api/councils/{council_id}/standing-items/{standing_item_id}"): {
        "ok": {"chair"},
        "json": {"minutes": 5},
    },
    ("DELETE", "/api/councils/{council_id}/standing-items/{standing_item_id}"): {"ok": {"chair"}},
    # The chair says an AOB item (matrix_agenda's) is unfinished; it goes to the next meeting (arranged below).
    ("POST", "/api/meetings/{meeting_id}/aob/{item_id}/carry"): {"ok": {"chair"}},
}


def arrange(session, world) -> dict[str, int]:
    following = Meeting(
        council_id=world.council.id, number=2, scheduled_at=world.meeting.scheduled_at + timedelta(days=28)
    )
    item = StandingItem(council_id=world.council.id, title="Journey owner spotlight", owner_id=world.seats["owner"].id)
    session.add_all([following, item])
    session.flush()
    return {"standing_item_id": item.id}
