"""The demo council requires "Agenda published"; Ben Lewis (Digital) has turned two kinds of mail off."""

from datetime import date

from sqlmodel import select

from app.models import User
from tests.demodb import load_demo
from tests.helpers import auth


def test_the_demo_shows_a_required_kind_and_a_members_own_choice(app, client, session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    chair, ben = (
        session.exec(select(User).where(User.email == e)).one() for e in ("chair@example.com", "digital@example.com")
    )

    settings = client.get(f"/api/councils/{council.id}/notification-settings", headers=auth(app, chair)).json()
    assert settings["required_notifications"] == ["agenda_published"]

    mine = client.get(f"/api/councils/{council.id}/notifications/me", headers=auth(app, ben)).json()
    choices = {k["key"]: (k["enabled"], k["required"]) for k in mine["kinds"]}
    assert choices["agenda_published"] == (True, True)
    assert choices["action_digest"] == (False, False) and choices["measure_crossed"] == (False, False)
    assert choices["action_assigned"] == (True, False)
