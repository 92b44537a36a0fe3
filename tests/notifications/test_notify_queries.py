"""`notify` reads everyone's preferences, and the dedupe keys already queued, in one query each: the statements
it runs for a council of seven are the statements it runs for two. (The queued rows are written when the
transaction flushes, one INSERT a row on SQLite, whose RETURNING order the ORM does not rely on.)"""

from __future__ import annotations

import pytest

from app.models import NotificationPreference
from app.notifications.service import Recipient, notify
from tests.factories import make_council, make_user
from tests.helpers import count_statements

pytestmark = pytest.mark.usefixtures("db_backend")
KIND = "minutes_approved"  # optional: each person's choice counts


def _notify(session, settings, council, people, *, dedupe: str | None) -> tuple[list, int]:
    """The rows queued, and how many statements `notify` ran to queue them."""
    with count_statements(session.get_bind().engine) as statements:
        rows = notify(
            session,
            settings,
            kind=KIND,
            council=council,
            recipients=[Recipient(p.id, p.name, p.email) for p in people],
            subject="Minutes approved",
            template="notice",
            context={"paragraphs": ["The minutes of meeting 3 were approved."]},
            link="/meetings/3/minutes",
            dedupe_key=(lambda r: f"{dedupe}:{r.user_id}") if dedupe else None,
        )
    session.flush()  # the rows written, as the request's commit would, before the next count
    return rows, len(statements)


@pytest.mark.parametrize("dedupe", [False, True], ids=["plain", "dedupe-key"])
def test_statements_for_seven_recipients_equal_those_for_two(session, settings, dedupe):
    council = make_council(session)
    people = [make_user(session, email=f"person{n}@example.com", name=f"Person {n}") for n in range(7)]
    # Stored choices for the query to find: the first person turned these mails off, the second kept them on.
    session.add(NotificationPreference(user_id=people[0].id, council_id=council.id, kind=KIND, enabled=False))
    session.add(NotificationPreference(user_id=people[1].id, council_id=council.id, kind=KIND, enabled=True))
    session.flush()

    counted: dict[int, int] = {}
    for size in (2, 7):
        key = f"size{size}" if dedupe else None
        rows, counted[size] = _notify(session, settings, council, people[:size], dedupe=key)
        assert sorted(r.recipient for r in rows) == sorted(p.email for p in people[1:size])
    assert counted[2] == counted[7], counted
    assert counted[7] == (2 if dedupe else 1)  # the preferences, and the keys already queued

    if dedupe:  # sent again with the same keys: nobody is mailed twice, and still no query per person
        rows, again = _notify(session, settings, council, people, dedupe="size7")
        assert rows == [] and again == counted[7]
