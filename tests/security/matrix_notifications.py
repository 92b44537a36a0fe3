"""Permission-matrix rows: the mail a person receives, the council's notification settings (test_permissions.py)."""

EVERYONE_SIGNED_IN = {"outsider", "observer", "member", "owner", "secretary", "chair", "admin"}
IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}

RULES: dict = {
    # Each person their own choices: every seat, for itself.
    ("GET", "/api/me/notifications"): {"ok": EVERYONE_SIGNED_IN},
    ("GET", "/api/councils/{council_id}/notifications/me"): {"ok": IN_COUNCIL},
    ("PUT", "/api/councils/{council_id}/notifications/me"): {
        "ok": IN_COUNCIL,
        "json": {"kinds": {"action_digest": False}},
    },
    # The chair sets the council's; the secretary may read them.
    ("GET", "/api/councils/{council_id}/notification-settings"): {"ok": {"chair", "secretary"}},
    ("PUT", "/api/councils/{council_id}/notification-settings"): {
        "ok": {"chair"},
        "json": {"required_notifications": ["agenda_published"], "correction_window_days": 3},
    },
}


def arrange(session, world) -> dict[str, int]:
    return {}
