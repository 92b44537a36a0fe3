"""Permission-matrix rows for due-date requests (see test_permissions.py).

The world's action has one pending request from its owner; only the chair decides it.
Observers see only their own actions, so someone else's (and its requests) does not exist
for them.
"""

from datetime import timedelta

from app.models import Action, ActionDueRequest

RULES: dict = {
    ("POST", "/api/actions/{action_id}/due-requests/{request_id}/approve"): {"ok": {"chair"}, "observer": 404},
    ("POST", "/api/actions/{action_id}/due-requests/{request_id}/refuse"): {
        "ok": {"chair"},
        "observer": 404,
        "json": {"note": "Not this time."},
    },
}


def arrange(session, world) -> dict[str, int]:
    action = session.get(Action, world.ids["action_id"])
    request = ActionDueRequest(
        council_id=world.council.id,
        action_id=action.id,
        requested_by_id=world.users["owner"].id,
        from_date=action.due_on,
        to_date=action.due_on + timedelta(days=7),
        reason="Waiting for the supplier.",
    )
    session.add(request)
    session.flush()
    return {"request_id": request.id}
