"""The minutes page takes the agenda it follows from the app's agenda cache: never out of date."""

from datetime import UTC, datetime, timedelta

from app.agendas.cache import AgendaCache
from app.models import Meeting, Role
from tests.factories import make_council, make_meeting, make_membership, make_user
from tests.helpers import count_statements
from tests.web.test_pages import sign_in


def test_the_minutes_page_follows_the_agenda_as_it_is_now(app, client, session):
    council = make_council(session, chair=make_user(session), name="Utility council")
    make_membership(session, council=council, user=make_user(session, email="sec@example.com"), role=Role.secretary)
    meeting = make_meeting(session, council=council, scheduled_at=datetime.now(UTC) + timedelta(days=6))
    session.commit()
    sign_in(client, "sec@example.com", next_path="")
    url = f"/meetings/{meeting.id}/minutes"
    assert "Storm readiness" not in client.get(url).text
    # A change the agenda shows (the meeting's title, in the minutes' heading) shows at once.
    session.get(Meeting, meeting.id).title = "Storm readiness"
    session.commit()
    assert f"Minutes of meeting {meeting.number}: Storm readiness" in client.get(url).text
    # Opened beside the agenda page, the minutes page does not build the agenda again.
    client.get(f"/meetings/{meeting.id}/agenda")
    with count_statements(app.state.engine) as beside:
        page = client.get(url).text
    app.state.agenda_cache = AgendaCache()  # emptied: the next read builds the agenda
    with count_statements(app.state.engine) as cold:
        assert client.get(url).text.count("Storm readiness") == page.count("Storm readiness")
    assert len(beside) < len(cold)
