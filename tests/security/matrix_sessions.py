"""Permission matrix rows for the sign-ins a person can see and end (app/accounts/api.py).

Everyone signed in lists and ends their own sign-ins only. `{session_id}` is one of the
chair's browser sign-ins, so for everyone else it does not exist (404): nobody can sign
another person out.
"""

from datetime import timedelta

from sqlmodel import select

from app.auth import start_session
from app.models import UserSession

EVERYONE_SIGNED_IN = {"outsider", "observer", "member", "owner", "secretary", "chair", "admin"}
NOT_THEIRS = {actor: 404 for actor in ("observer", "member", "owner", "secretary")}

RULES: dict[tuple[str, str], dict] = {
    ("GET", "/api/me/sessions"): {"ok": EVERYONE_SIGNED_IN},
    ("POST", "/api/me/sessions/revoke"): {"ok": EVERYONE_SIGNED_IN},
    ("DELETE", "/api/me/sessions/{session_id}"): {"ok": {"chair"}, "outside": 404, **NOT_THEIRS},
}


def arrange(session, world) -> dict:
    chair = world.users["chair"]
    start_session(session=session, user=chair, kind="browser", lifetime=timedelta(days=1))
    return {"session_id": session.exec(select(UserSession.id).where(UserSession.user_id == chair.id)).one()}
