"""Permission-matrix rows for members' answers to a meeting's invitation (see test_permissions.py)."""

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}

RULES: dict = {
    ("GET", "/api/meetings/{meeting_id}/responses"): {"ok": IN_COUNCIL},
    # Every seat answers for itself (observers attend too).
    ("PUT", "/api/meetings/{meeting_id}/responses/me"): {"ok": IN_COUNCIL, "json": {"answer": "attending"}},
    ("DELETE", "/api/meetings/{meeting_id}/responses/me"): {"ok": IN_COUNCIL},
    # Someone else's seat ("member"'s): the chair or secretary records what they were told; the seat itself may.
    ("PUT", "/api/meetings/{meeting_id}/responses/{membership_id}"): {
        "ok": {"member", "secretary", "chair"},
        "json": {"answer": "apologies", "reason": "Rang in sick"},
    },
    ("DELETE", "/api/meetings/{meeting_id}/responses/{membership_id}"): {"ok": {"member", "secretary", "chair"}},
}


def arrange(session, world) -> dict[str, int]:
    return {"membership_id": world.seats["member"].id}
