"""Who wants which kind of mail, and the signed links that turn a kind off without signing in."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, col, select

from app.models import Council, NotificationPreference
from app.notifications.kinds import ACCOUNT, KINDS

if TYPE_CHECKING:
    from app.config import Settings

UNSUBSCRIBE_SALT = "cx-council.unsubscribe"


def required_kinds(council: Council) -> frozenset[str]:
    """The kinds the council sends to every member whatever they chose."""
    return frozenset(key for key in council.required_notifications or () if key in KINDS)


def is_required(council: Council, kind: str) -> bool:
    return kind == ACCOUNT or kind in required_kinds(council)


def wanting(session: Session, *, user_ids: Iterable[int], council: Council, kind: str) -> set[int]:
    """Which of these people receive this kind of mail from this council: one query for all of them."""
    ids = set(user_ids)
    if is_required(council, kind) or not ids:
        return ids
    choices = dict(
        session.exec(
            select(NotificationPreference.user_id, NotificationPreference.enabled).where(
                col(NotificationPreference.user_id).in_(ids),
                NotificationPreference.council_id == council.id,
                NotificationPreference.kind == kind,
            )
        ).all()
    )
    default = KINDS[kind].default
    return {user_id for user_id in ids if (bool(choices[user_id]) if user_id in choices else default)}


def wants(session: Session, *, user_id: int, council: Council, kind: str) -> bool:
    """Whether this member receives this kind of mail from this council."""
    return user_id in wanting(session, user_ids=[user_id], council=council, kind=kind)


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.SECRET_KEY, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(settings: Settings, *, user_id: int, council_id: int, kind: str) -> str:
    return _serializer(settings).dumps([user_id, council_id, kind])


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[int, int, str] | None:
    """(user id, council id, kind) from a token this server signed, else None."""
    try:
        user_id, council_id, kind = _serializer(settings).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(user_id, int) and isinstance(council_id, int) and kind in KINDS):
        return None
    return user_id, council_id, kind


def unsubscribe_url(settings: Settings, *, user_id: int, council_id: int, kind: str) -> str:
    token = unsubscribe_token(settings, user_id=user_id, council_id=council_id, kind=kind)
    return f"{settings.BASE_URL.rstrip('/')}/unsubscribe/{token}"
