"""Permission-matrix rows for invitations (see test_permissions.py).

The world holds one pending invitation to the outsider's email (for the matrix council)
and one to an email with no account. Only the chair manages invitations; only the person
whose email an invitation names may answer it, and for everyone else it does not exist.
Starting a council is for site admins and the people they allow (COUNCIL_CREATORS).
"""

from datetime import timedelta

from app.models import Invitation, utcnow

CHAIR = {"chair"}
NOT_MINE = {"observer": 404, "member": 404, "owner": 404, "secretary": 404, "chair": 404}

RULES: dict = {
    ("POST", "/api/councils"): {"ok": {"admin"}, "json": {"name": "Another council"}},
    ("GET", "/api/councils/{council_id}/invitations"): {"ok": CHAIR},
    ("POST", "/api/councils/{council_id}/invitations"): {
        "ok": CHAIR,
        "json": {"email": "new.member@example.com", "name": "New Member"},
    },
    ("POST", "/api/councils/{council_id}/invitations/{invitation_id}/resend"): {"ok": CHAIR},
    ("POST", "/api/councils/{council_id}/invitations/{invitation_id}/revoke"): {"ok": CHAIR},
    ("GET", "/api/me/invitations"): {"ok": {"outsider", "observer", "member", "owner", "secretary", "chair", "admin"}},
    ("POST", "/api/invitations/{invitation_id}/accept"): {"ok": {"outsider"}, **NOT_MINE},
    ("POST", "/api/invitations/{invitation_id}/decline"): {"ok": {"outsider"}, **NOT_MINE},
}


def arrange(session, world) -> dict[str, int]:
    invitation = Invitation(
        council_id=world.council.id,
        email=world.users["outsider"].email,
        role="member",
        invited_by_id=world.users["chair"].id,
        token_hash=f"matrix-{world.council.id}",
        expires_at=utcnow() + timedelta(days=14),
    )
    session.add(invitation)
    session.flush()
    return {"invitation_id": invitation.id}
