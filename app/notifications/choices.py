"""Who chooses what: a member's kinds of mail per council, the chair's notification settings, unsubscribing.

`wants` (app/notifications/preferences.py) reads what these write: a row in
`notification_preferences` per (person, council, kind) that differs from nothing at all
(no row means the kind's default), and the council's `required_notifications`, which win.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from app.auth import Access
from app.errors import Invalid
from app.models import Council, Membership, NotificationPreference, Role, User, utcnow
from app.notifications.kinds import KINDS, Kind
from app.notifications.preferences import read_unsubscribe_token, required_kinds
from app.notifications.schemas import (
    ChoicesIn,
    CouncilChoices,
    KindChoice,
    KindPublic,
    NotificationSettingsIn,
    NotificationSettingsPublic,
)

if TYPE_CHECKING:
    from app.config import Settings

# Kinds that reach only some seats; every other kind may reach any seat.
AUDIENCE: dict[str, frozenset[str]] = {
    "due_date_moved": frozenset({Role.chair, Role.secretary}),
    # Only secretaries are mailed a proposal (app/minutes/corrections.py): they decide it.
    "correction_proposed": frozenset({Role.secretary}),
}
SETTINGS_DOING = "change the council's notification settings"


def kinds_for(role: str) -> list[Kind]:
    """The kinds a seat with this role may receive, in the kinds' order."""
    return [kind for key, kind in KINDS.items() if role in AUDIENCE.get(key, (role,))]


def _stored(session: Session, *, user_id: int, council_ids: list[int]) -> dict[tuple[int, str], bool]:
    rows = session.exec(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, col(NotificationPreference.council_id).in_(council_ids)
        )
    )
    return {(row.council_id, row.kind): row.enabled for row in rows}


def _choices(council: Council, role: str, stored: dict[tuple[int, str], bool]) -> CouncilChoices:
    required = required_kinds(council)
    return CouncilChoices(
        council_id=council.id,
        council_name=council.name,
        role=role,
        kinds=[
            KindChoice(
                key=kind.key,
                label=kind.label,
                description=kind.description,
                required=kind.key in required,
                enabled=kind.key in required or stored.get((council.id, kind.key), kind.default),
            )
            for kind in kinds_for(role)
        ],
    )


def list_my_choices(*, session: Session, user: User) -> list[CouncilChoices]:
    """What this person receives from each council they sit on (archived councils left out), by council name."""
    seats = session.exec(
        select(Council, Membership)
        .join(Membership, Membership.council_id == Council.id)
        .where(Membership.user_id == user.id)
        .order_by(col(Council.name), col(Council.id))
    ).all()
    stored = _stored(session, user_id=user.id, council_ids=[council.id for council, _ in seats])
    return [_choices(council, seat.role, stored) for council, seat in seats]


def my_choices(*, session: Session, access: Access) -> CouncilChoices:
    """What this person receives from this council."""
    stored = _stored(session, user_id=access.user.id, council_ids=[access.council.id])
    return _choices(access.council, access.role, stored)


def set_my_choices(*, session: Session, access: Access, choices_in: ChoicesIn) -> tuple[CouncilChoices, list[str]]:
    """Turn the kinds named on or off; (what this person now receives, the keys whose choice changed).

    A kind the council requires cannot be turned off (422 naming it); turning it on changes nothing.
    """
    required = required_kinds(access.council)
    refused = [key for key, on in choices_in.kinds.items() if key in required and not on]
    if refused:
        labels = ", ".join(f"{key} (“{KINDS[key].label}”)" for key in refused)
        raise Invalid(f"{labels}: required by the council, so it cannot be turned off.", field="kinds")
    before = my_choices(session=session, access=access)
    was = {kind.key: kind.enabled for kind in before.kinds}
    rows = {
        row.kind: row
        for row in session.exec(
            select(NotificationPreference).where(
                NotificationPreference.user_id == access.user.id,
                NotificationPreference.council_id == access.council.id,
            )
        )
    }
    changed = []
    for key, on in choices_in.kinds.items():
        if key in required:
            continue
        row = rows.get(key) or NotificationPreference(
            user_id=access.user.id, council_id=access.council.id, kind=key, enabled=on
        )
        if row.id is not None and row.enabled == on:
            continue
        row.enabled, row.updated_at = on, utcnow()
        session.add(row)
        if was.get(key, KINDS[key].default) != on:
            changed.append(key)
    session.flush()
    return my_choices(session=session, access=access), changed


def settings_public(council: Council) -> NotificationSettingsPublic:
    """The council's notification settings as the API and the settings page show them."""
    return NotificationSettingsPublic(
        council_id=council.id,
        version=council.version,
        required_notifications=sorted(required_kinds(council), key=list(KINDS).index),
        pack_attach_limit_kb=council.pack_attach_limit_kb,
        report_reminder_days=council.report_reminder_days,
        due_moves_need_approval=council.due_moves_need_approval,
        correction_window_days=council.correction_window_days,
        paper_max_file_mb=council.paper_max_file_mb,
        paper_max_meeting_mb=council.paper_max_meeting_mb,
        kinds=[KindPublic(key=k.key, label=k.label, description=k.description) for k in KINDS.values()],
    )


def update_settings(*, session: Session, access: Access, settings_in: NotificationSettingsIn) -> list[str]:
    """Change the council's notification settings (chair); the names of the settings that changed."""
    access.require(Role.chair, doing=SETTINGS_DOING)
    council = access.council
    changed = []
    for name, value in settings_in.model_dump(exclude_none=True).items():
        if name == "required_notifications":
            current: object = sorted(required_kinds(council), key=list(KINDS).index)
            value = value or None  # none required is stored as null, as a new council has it
            if current == (value or []):
                continue
        elif getattr(council, name) == value:
            continue
        setattr(council, name, value)
        changed.append(name)
    if changed:
        council.updated_at = utcnow()
        session.add(council)
        session.flush()
    return changed


@dataclass(frozen=True)
class Unsubscribe:
    """What a signed unsubscribe link names, and where it stands now."""

    user: User
    council: Council
    kind: Kind
    # The council now requires it: it cannot be turned off.
    required: bool
    # The person receives it now.
    enabled: bool


def read_unsubscribe(*, session: Session, settings: Settings, token: str) -> Unsubscribe | None:
    """The person, council and kind a link names; None for a link this server did not sign, or whose
    person or council is gone (an archived council sends nothing)."""
    found = read_unsubscribe_token(settings, token)
    if found is None:
        return None
    user_id, council_id, key = found
    user, council = session.get(User, user_id), session.get(Council, council_id)
    if user is None or council is None:
        return None
    required = key in required_kinds(council)
    stored = _stored(session, user_id=user_id, council_ids=[council_id])
    enabled = required or stored.get((council_id, key), KINDS[key].default)
    return Unsubscribe(user=user, council=council, kind=KINDS[key], required=required, enabled=enabled)


def unsubscribe(*, session: Session, found: Unsubscribe) -> Unsubscribe:
    """Turn the kind off for that person and council (again is harmless); a required kind stays on."""
    if found.required:
        return found
    row = session.exec(
        select(NotificationPreference).where(
            NotificationPreference.user_id == found.user.id,
            NotificationPreference.council_id == found.council.id,
            NotificationPreference.kind == found.kind.key,
        )
    ).first() or NotificationPreference(user_id=found.user.id, council_id=found.council.id, kind=found.kind.key)
    if row.id is None or row.enabled:
        row.enabled, row.updated_at = False, utcnow()
        session.add(row)
        session.flush()
    return Unsubscribe(user=found.user, council=found.council, kind=found.kind, required=False, enabled=False)
