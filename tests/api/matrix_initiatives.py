"""Rows of the permission matrix for this domain (merged by test_permissions.py).

RULES maps (method, path) to {"ok": who succeeds, optional "json" body, optional
per-actor overrides}; see test_permissions.MATRIX for the conventions. `arrange`
adds the records the paths need to the shared world and returns their ids by the
names used in the paths, e.g. {"measure_id": 3}.
"""

RULES: dict = {}


def arrange(session, world) -> dict[str, int]:
    return {}
