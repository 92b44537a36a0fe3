"""Rows of the permission matrix for archive and restore (merged by test_permissions.py).

Only the council's chair and a site admin (who need not sit on the council) may see a
council's archive or restore anything; other seats get 403, outsiders 404. Restoring a
live record changes nothing, so the matrix restores the world's live records; the
restores of archived ones are in tests/core/test_archive.py.
"""

CHAIR_OR_ADMIN = {"chair", "admin"}
EVERYONE_SIGNED_IN = {"outsider", "observer", "member", "owner", "secretary", "chair", "admin"}

RULES: dict = {
    ("GET", "/api/archived-councils"): {"ok": EVERYONE_SIGNED_IN},
    ("GET", "/api/councils/{council_id}/archive"): {"ok": CHAIR_OR_ADMIN},
    ("POST", "/api/councils/{council_id}/restore"): {"ok": CHAIR_OR_ADMIN},
    ("POST", "/api/meetings/{meeting_id}/restore"): {"ok": CHAIR_OR_ADMIN},
    ("POST", "/api/actions/{action_id}/restore"): {"ok": CHAIR_OR_ADMIN},
    ("POST", "/api/measures/{measure_id}/restore"): {"ok": CHAIR_OR_ADMIN},
}


def arrange(session, world) -> dict:
    return {}
