"""Permission-matrix rows for minutes: recording, lifecycle, amendments, history (see test_permissions.py).

The world's meeting has no minutes yet (the first write creates them) and one decision.
Every recording route and circulating succeed for those allowed. Approving, which needs
circulated minutes, and amendments, which need approved ones, answer 409 to those
allowed: past the role check, refused by the state. Observers read minutes once approved
only; these are not. The correction round needs circulated minutes: proposing, deciding
and withdrawing answer 409 past the role check (voting seats propose and withdraw; the
chair and secretary decide). (A minutes record in the shared world would also close the
meeting's AOB and apologies, which the agenda rows exercise.)
"""

from app.models import Decision, MinutesCorrection

SEATED = {"member", "owner", "secretary", "chair"}
RECORDERS = {"secretary", "chair"}

RULES: dict = {
    ("GET", "/api/meetings/{meeting_id}/minutes"): {"ok": SEATED},
    # The Word minutes follow the same rule: observers once approved.
    ("GET", "/api/meetings/{meeting_id}/minutes.docx"): {"ok": SEATED},
    ("GET", "/api/meetings/{meeting_id}/minutes.pdf"): {"ok": SEATED},
    ("PUT", "/api/meetings/{meeting_id}/minutes"): {"ok": RECORDERS, "json": {"next_meeting_note": "Leeds, room 4"}},
    ("GET", "/api/meetings/{meeting_id}/minutes/history"): {"ok": SEATED},
    ("PUT", "/api/meetings/{meeting_id}/attendance"): {
        "ok": RECORDERS,
        "json": {"attendance": [{"membership_id": "{owner_seat}", "status": "present"}]},
    },
    # One item's notes and their version: read like the minutes.
    ("GET", "/api/meetings/{meeting_id}/minutes/items/{number}"): {"ok": SEATED},
    ("PUT", "/api/meetings/{meeting_id}/minutes/items/{number}"): {
        "ok": RECORDERS,
        "json": {"notes": "Repeat visits down 8% since the checklist."},
    },
    ("POST", "/api/meetings/{meeting_id}/decisions"): {
        "ok": RECORDERS,
        "json": {"item_number": 7, "text": "Fund the SMS arrival window pilot."},
    },
    ("PATCH", "/api/meetings/{meeting_id}/decisions/{decision_id}"): {
        "ok": RECORDERS,
        "json": {"text": "Adopt the fault-diagnosis checklist council-wide."},
    },
    ("DELETE", "/api/meetings/{meeting_id}/decisions/{decision_id}"): {"ok": RECORDERS},
    ("POST", "/api/meetings/{meeting_id}/actions"): {
        "ok": RECORDERS,
        "json": {
            "title": "Brief the call centre",
            "owner_id": "{owner_seat}",
            "due_on": "2031-02-01",
            "item_number": 3,
        },
    },
    ("PUT", "/api/meetings/{meeting_id}/aob/{item_id}/outcome"): {
        "ok": RECORDERS,
        "json": {"outcome": "Storm plan to come back in March."},
    },
    ("POST", "/api/meetings/{meeting_id}/minutes/circulate"): {"ok": RECORDERS},
    ("POST", "/api/meetings/{meeting_id}/minutes/approve"): {"ok": set(), "chair": 409},
    ("GET", "/api/meetings/{meeting_id}/minutes/corrections"): {"ok": SEATED},
    ("POST", "/api/meetings/{meeting_id}/minutes/corrections"): {
        "ok": set(),
        **dict.fromkeys(SEATED, 409),
        "json": {"item_number": 2, "text": "NPS rose three points.", "reason": "The slide said three."},
    },
    ("POST", "/api/meetings/{meeting_id}/minutes/corrections/{correction_id}/accept"): {
        "ok": set(),
        **dict.fromkeys(RECORDERS, 409),
        "json": {"note": "Checked."},
    },
    ("POST", "/api/meetings/{meeting_id}/minutes/corrections/{correction_id}/reject"): {
        "ok": set(),
        **dict.fromkeys(RECORDERS, 409),
        "json": {"note": "The slide said two."},
    },
    ("POST", "/api/meetings/{meeting_id}/minutes/corrections/{correction_id}/withdraw"): {
        "ok": set(),
        **dict.fromkeys(SEATED, 409),
    },
    ("POST", "/api/meetings/{meeting_id}/minutes/amendments"): {
        "ok": set(),
        "chair": 409,
        "secretary": 409,
        "json": {"text": "Decision 1 applies to field engineering only.", "reason": "Misheard in the meeting."},
    },
}


def arrange(session, world) -> dict[str, int]:
    decision = Decision(
        meeting_id=world.meeting.id, number=1, item_number=5, text="Adopt the checklist.", created_by_id=None
    )
    session.add(decision)
    correction = MinutesCorrection(
        meeting_id=world.meeting.id, item_number=2, text="NPS rose three points.", reason="The slide said three."
    )
    session.add(correction)
    session.flush()
    return {"decision_id": decision.id, "number": 3, "correction_id": correction.id}
