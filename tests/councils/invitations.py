"""Seating someone the way a chair must now: invite through the API, then accept as the invited person."""

from sqlmodel import select

from app.models import User
from tests.factories import make_user
from tests.helpers import auth


def seat_by_invitation(
    app, client, session, *, council_id: int, chair: User, email: str, name: str = "Invited", **fields
) -> dict:
    """The member row after `email` was invited (role, department_id… in `fields`) and accepted.

    An account is made for an email that has none, as the emailed link would.
    """
    sent = client.post(
        f"/api/councils/{council_id}/invitations",
        headers=auth(app, chair),
        json={"email": email, "name": name, **fields},
    )
    assert sent.status_code == 201, sent.text
    user = session.exec(select(User).where(User.email == email.lower())).first()
    if user is None:
        user = make_user(session, email=email, name=name)
        session.commit()
    accepted = client.post(f"/api/invitations/{sent.json()['id']}/accept", headers=auth(app, user))
    assert accepted.status_code == 200, accepted.text
    seat_id = accepted.json()["membership_id"]
    return client.get(f"/api/councils/{council_id}/members/{seat_id}", headers=auth(app, chair)).json()
