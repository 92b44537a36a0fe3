"""Permission-matrix rows for members' answers to a meeting's invitation (see test_permissions.py)."""

from datetime import UTC, datetime, timedelta

from app.models import Meeting

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
# Answers close when a meeting starts, and the world's meeting is under way: these rows use one to come.
UPCOMING = {"meeting_id": "upcoming_meeting_id"}

RULES: dict = {
    ("GET", "/api/meetings/{meeting_id}/responses"): {"ok": IN_COUNCIL, "ids": UPCOMING},
    # Every seat answers for itself (observers attend too).
    ("PUT", "/api/meetings/{meeting_id}/responses/me"): {
        "ok": IN_COUNCIL,
        "ids": UPCOMING,
        "json": {"answer": "attending"},
    },
    ("DELETE", "/api/meetings/{meeting_id}/responses/me"): {"ok": IN_COUNCIL, "ids": UPCOMING},
    # Someone else's seat ("member"'s): the chair or secretary records what they were told; the seat itself may.
    ("PUT", "/api/meetings/{meeting_id}/responses/{membership_id}"): {
        "ok": {"member", "secretary", "chair"},
        "ids": UPCOMING,
        "json": {"answer": "apologies", "reason": "Rang in sick"},
    },
    ("DELETE", "/api/meetings/{meeting_id}/responses/{membership_id}"): {
        "ok": {"member", "secretary", "chair"},
        "ids": UPCOMING,
    },
}


def arrange(session, world) -> dict[str, int]:
    upcoming = Meeting(council_id=world.council.id, number=3, scheduled_at=datetime.now(UTC) + timedelta(days=7))
    session.add(upcoming)
    session.flush()
    return {"membership_id": world.seats["member"].id, "upcoming_meeting_id": upcoming.id}
