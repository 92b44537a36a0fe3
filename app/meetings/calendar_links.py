"""Calendar subscription links: a secret URL per seat, for calendar apps that cannot sign in.

A seat's link serves the council's meeting feed exactly as its holder would get it
signed in (observers see no draft running order). Asking again replaces the secret, so a
link pasted somewhere it should not be can be reset; stopping it, or losing the seat or
the account, ends it. The secret is 256 random bits, compared by a unique index.
"""

import logging
import re
import secrets

from pydantic import BaseModel
from sqlmodel import Session, select

from app.auth import Access
from app.errors import NotFound
from app.models import Council, Membership, User

FEED_PATH = "/feeds/{token}.ics"
# token_urlsafe(32): 43 characters of A–Z a–z 0–9 - _
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


class CalendarLink(BaseModel):
    """This seat's subscription URL (null until one is made, or after it was stopped)."""

    url: str | None


def feed_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + FEED_PATH.format(token=token)


def get_link(*, access: Access, base_url: str) -> CalendarLink:
    token = access.membership.calendar_token
    return CalendarLink(url=feed_url(base_url, token) if token else None)


def issue_link(*, session: Session, access: Access, base_url: str) -> CalendarLink:
    """A new link for this seat; any earlier one stops working."""
    seat = access.membership
    seat.calendar_token = secrets.token_urlsafe(32)
    session.add(seat)
    session.flush()
    return get_link(access=access, base_url=base_url)


def stop_link(*, session: Session, access: Access) -> None:
    seat = access.membership
    seat.calendar_token = None
    session.add(seat)
    session.flush()


def access_for_token(*, session: Session, token: str) -> Access:
    """The seat a link belongs to, as if its holder had signed in; 404 for any other token."""
    gone = NotFound("No calendar at this address: the link was reset or stopped.")
    if not TOKEN_SHAPE.fullmatch(token):
        raise gone  # not even the shape of one: no need to ask the database
    row = session.exec(
        select(Membership, User, Council)
        .join(User, User.id == Membership.user_id)
        .join(Council, Council.id == Membership.council_id)
        .where(Membership.calendar_token == token)
    ).first()
    if row is None or not row[1].is_active:
        raise gone
    seat, user, council = row
    return Access(user=user, council=council, membership=seat)


_TOKEN_IN_PATH = re.compile(r"/feeds/[A-Za-z0-9_-]+\.ics")


class RedactFeedTokens(logging.Filter):
    """Access-log lines show /feeds/….ics: the secret in a calendar link stays out of the logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_PATH.sub("/feeds/….ics", a) if isinstance(a, str) else a for a in record.args)
        return True


def redact_feed_tokens_in_access_log() -> None:
    """Install RedactFeedTokens on uvicorn's access logger (once per process)."""
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactFeedTokens) for f in access_log.filters):
        access_log.addFilter(RedactFeedTokens())
