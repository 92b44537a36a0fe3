"""The kinds of mail the council sends. Members choose among them; the chair may require some.

A kind's key is stored in preferences, in `councils.required_notifications` and on each
outbox row, so keys never change once released. Mail that is part of an account (an
invitation to join, a sign-in matter) is the kind ACCOUNT: always sent, never listed.
"""

from __future__ import annotations

from dataclasses import dataclass

ACCOUNT = "account"


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    # Who receives it and when, as the preferences page says it.
    description: str
    # Sent unless the member turns it off (every kind is, today).
    default: bool = True


_KINDS = (
    Kind(
        "agenda_published",
        "Agenda published",
        "When the chair publishes or republishes a meeting's agenda: what is on it, what changed, "
        "the Word pack and the meeting request.",
    ),
    Kind("action_assigned", "Action assigned to you", "When an action is assigned or reassigned to you."),
    Kind(
        "due_date_moved",
        "Due date moved",
        "Chair and secretary: when an owner moves an action's due date (and asks for approval where the "
        "council requires it).",
    ),
    Kind(
        "due_move_decided",
        "Due date move approved or refused",
        "When the chair approves or refuses the new due date you asked for.",
    ),
    Kind(
        "report_due",
        "Department report due",
        "Before a meeting, when your department has not yet submitted its report.",
    ),
    Kind(
        "measure_crossed",
        "Measure crossed its target or threshold",
        "Measure owners and the chair: when a new reading crosses a measure's target or its amber threshold.",
    ),
    Kind(
        "minutes_circulated",
        "Draft minutes circulated",
        "When the secretary circulates draft minutes of a meeting you attended, with the window for corrections.",
    ),
    Kind(
        "correction_proposed",
        "Correction proposed",
        "Secretary: when a member proposes a correction to circulated minutes.",
    ),
    Kind(
        "correction_decided",
        "Your correction accepted or rejected",
        "When the secretary accepts or rejects a correction you proposed.",
    ),
    Kind("minutes_approved", "Minutes approved", "When the chair approves the minutes of a meeting."),
    Kind(
        "action_digest",
        "Daily digest of your actions",
        "At most once a day: your actions that are overdue or due soon.",
    ),
)
KINDS: dict[str, Kind] = {kind.key: kind for kind in _KINDS}
