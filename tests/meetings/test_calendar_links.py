"""Calendar subscription links: a secret URL per seat, served without signing in."""

import logging
import re
from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlmodel import Session, select

from app.models import Membership, Role
from tests.factories import make_council, make_meeting, make_membership, make_user
from tests.helpers import auth
from tests.web.test_pages import csrf_from, seat_person, sign_in


def arrange(session):
    chair = make_user(session, name="Helen Carter")
    council = make_council(session, chair=chair, name="Utility council")
    observer = make_user(session, name="Olu Observer")
    make_membership(session, council=council, user=observer, role=Role.observer)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=10))
    session.commit()
    return chair, observer, council, meeting


def feed_path(url: str) -> str:
    assert url.startswith("http://testserver/feeds/") and url.endswith(".ics"), url
    return url.removeprefix("http://testserver")


def events(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


def test_a_link_serves_the_feed_to_a_calendar_app_without_signing_in(app, client, session):
    chair, _, council, meeting = arrange(session)
    url = f"/api/councils/{council.id}/calendar-link"
    assert client.get(url, headers=auth(app, chair)).json() == {"url": None}
    made = client.post(url, headers=auth(app, chair))
    assert made.status_code == 200
    link = made.json()["url"]
    assert client.get(url, headers=auth(app, chair)).json() == {"url": link}

    feed = client.get(feed_path(link))  # no cookie, no token: the URL is the key
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert feed.headers["cache-control"] == "private, no-cache"
    (event,) = events(feed.content)
    assert str(event["URL"]).endswith(f"/meetings/{meeting.id}/agenda")
    assert "Actions from the last meeting" in str(event["DESCRIPTION"])  # the chair sees the draft
    assert client.head(feed_path(link)).status_code == 200  # some calendar apps ask first


def test_resetting_or_stopping_a_link_ends_the_old_one(app, client, session):
    chair, _, council, _ = arrange(session)
    url = f"/api/councils/{council.id}/calendar-link"
    first = client.post(url, headers=auth(app, chair)).json()["url"]
    second = client.post(url, headers=auth(app, chair)).json()["url"]
    assert second != first
    assert client.get(feed_path(first)).status_code == 404
    assert client.get(feed_path(second)).status_code == 200

    assert client.delete(url, headers=auth(app, chair)).status_code == 204
    assert client.get(feed_path(second)).status_code == 404
    assert client.get(url, headers=auth(app, chair)).json() == {"url": None}
    assert client.get("/feeds/not-a-token.ics").status_code == 404


def test_a_link_shows_what_its_holder_may_see_and_ends_with_the_seat(app, client, session):
    _, observer, council, _ = arrange(session)
    link = client.post(f"/api/councils/{council.id}/calendar-link", headers=auth(app, observer)).json()["url"]
    (event,) = events(client.get(feed_path(link)).content)
    assert "Actions from the last meeting" not in str(event["DESCRIPTION"])  # no draft for an observer

    seat = session.exec(
        select(Membership).where(Membership.user_id == observer.id, Membership.council_id == council.id)
    ).one()
    session.delete(seat)
    session.commit()
    assert client.get(feed_path(link)).status_code == 404


def test_a_deactivated_account_stops_its_links(app, client, engine, session):
    chair, _, council, _ = arrange(session)
    link = client.post(f"/api/councils/{council.id}/calendar-link", headers=auth(app, chair)).json()["url"]
    with Session(engine) as other:
        user = other.get(type(chair), chair.id)
        user.is_active = False
        other.add(user)
        other.commit()
    assert client.get(feed_path(link)).status_code == 404


def test_the_council_page_makes_resets_and_stops_the_link(client, session):
    _, council = seat_person(session)
    assert sign_in(client).status_code == 303
    page = client.get(f"/councils/{council.id}")
    assert "Get a calendar link" in page.text
    made = client.post(
        f"/councils/{council.id}/calendar-link", data={"csrf_token": csrf_from(page.text)}, follow_redirects=True
    )
    assert "Calendar link made: add it to your calendar." in made.text and "Reset the link" in made.text
    link = re.search(r'<input class="calendar-link[^"]*" type="text" readonly value="([^"]*)"', made.text)[1]
    assert client.get(feed_path(link)).status_code == 200

    reset = client.post(
        f"/councils/{council.id}/calendar-link", data={"csrf_token": csrf_from(made.text)}, follow_redirects=True
    )
    assert "the old one no longer works" in reset.text
    assert client.get(feed_path(link)).status_code == 404
    stopped = client.post(
        f"/councils/{council.id}/calendar-link/stop", data={"csrf_token": csrf_from(reset.text)}, follow_redirects=True
    )
    assert "Calendar link stopped" in stopped.text and "Get a calendar link" in stopped.text


def test_the_access_log_never_shows_a_links_secret(app, caplog):
    """uvicorn logs each request as (client, method, path, version, status)."""
    token = "A" * 43
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logging.getLogger("uvicorn.access").info(
            '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/feeds/{token}.ics", "1.1", 200
        )
    assert token not in caplog.text and '"GET /feeds/….ics HTTP/1.1" 200' in caplog.text
