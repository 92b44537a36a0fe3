"""The demo council's mail: the chair requires "Agenda published" of everyone, and Digital's Ben Lewis,
often at the app-store reviews, has turned off the daily digest and the measure alerts."""

from sqlmodel import Session

from app.models import Council, Membership, NotificationPreference

REQUIRED = ["agenda_published"]
# (email, kind): turned off on the preferences page.
TURNED_OFF = [("digital@example.com", "action_digest"), ("digital@example.com", "measure_crossed")]


def load_notifications_demo(*, session: Session, council: Council, seats: dict[str, Membership]) -> None:
    """The council's required kinds and one member's own choices."""
    council.required_notifications = list(REQUIRED)
    session.add(council)
    for email, kind in TURNED_OFF:
        session.add(
            NotificationPreference(user_id=seats[email].user_id, council_id=council.id, kind=kind, enabled=False)
        )
    session.flush()
