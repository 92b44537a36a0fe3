"""The demo council's Mail page shows mail sent, one message being retried and one given up."""

from datetime import date

from sqlmodel import select

from app.demo.people import DEMO_PASSWORD
from app.models import User
from tests.demodb import load_demo
from tests.helpers import auth
from tests.web.test_pages import sign_in


def test_the_demo_mail_page_shows_a_given_up_message_to_send_again(app, client, session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    secretary = session.exec(select(User).where(User.email == "secretary@example.com")).one()
    rows = client.get(f"/api/councils/{council.id}/outbox", headers=auth(app, secretary)).json()["data"]
    assert [r["status"] for r in rows] == ["failed", "queued", "sent", "sent", "sent", "sent"]
    assert "550 5.1.1" in rows[0]["last_error"] and rows[0]["recipient"] == "supplier@example.com"

    sign_in(client, email="chair@example.com", password=DEMO_PASSWORD)
    overview = client.get(f"/councils/{council.id}").text
    assert "1 mail of this council could not be delivered" in overview
    page = client.get(f"/councils/{council.id}/outbox").text
    assert "Send again" in page and "Greylisted" in page and "Draft minutes for corrections: meeting 2" in page
