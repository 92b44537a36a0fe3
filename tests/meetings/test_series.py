"""A council's cadence: dates from an RRULE in local time, created ahead once, skipped, moved, changed, ended."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from app.meetings.schemas import MeetingUpdate
from app.meetings.series import SeriesIn, keep_ahead, save_series, series_public, skip_date
from app.meetings.service import update_meeting
from app.models import AobItem, Meeting
from tests.factories import make_council, make_membership, make_user
from tests.helpers import auth

LONDON = ZoneInfo("Europe/London")
NEW_YEAR = datetime(2027, 1, 1, 8, tzinfo=UTC)  # "now" for the service tests


def _series(rule: str = "FREQ=MONTHLY;BYDAY=2MO", **changes) -> SeriesIn:
    values = {"rule": rule, "starts_on": date(2027, 1, 1), "start_time": time(10), "location": "Leeds", **changes}
    return SeriesIn.model_validate(values)


def _meetings(session: Session, council) -> list[Meeting]:
    return list(session.exec(select(Meeting).where(Meeting.council_id == council.id).order_by(Meeting.scheduled_at)))


def _local(meetings) -> list[datetime]:
    return [m.scheduled_at.astimezone(LONDON).replace(tzinfo=None) for m in meetings]


@pytest.fixture
def council(session: Session):
    made = make_council(session, chair=make_user(session), timezone="Europe/London")
    session.commit()
    return made


def test_ten_oclock_stays_ten_oclock_across_the_clock_change(session, council):
    series, outcome = save_series(session=session, council=council, series_in=_series(), series=None, now=NEW_YEAR)
    meetings = _meetings(session, council)
    assert [m.number for m in outcome.created] == [1, 2, 3, 4, 5, 6]
    assert _local(meetings) == [datetime(2027, month, day, 10) for month, day in
                                [(1, 11), (2, 8), (3, 8), (4, 12), (5, 10), (6, 14)]]  # fmt: skip
    # British Summer Time starts on 28 March 2027: the UTC hour moves, the local one does not.
    assert [m.scheduled_at.astimezone(UTC).hour for m in meetings] == [10, 10, 10, 9, 9, 9]
    assert all(m.series_id == series.id and m.occurrence_at == m.scheduled_at for m in meetings)
    shown = series_public(session, council, series, now=NEW_YEAR)
    assert shown["description"] == "Meets on the second Monday of every month, 10:00–12:00 Europe/London"
    assert shown["gaps"] == ""


def test_the_fifth_monday_skips_months_without_one_and_says_so(session, council):
    series, _ = save_series(
        session=session, council=council, series_in=_series("FREQ=MONTHLY;BYDAY=+5MO"), series=None, now=NEW_YEAR
    )
    assert [d.date() for d in _local(_meetings(session, council))] == [
        date(2027, 3, 29), date(2027, 5, 31), date(2027, 8, 30), date(2027, 11, 29), date(2028, 1, 31),
        date(2028, 5, 29),
    ]  # fmt: skip
    gaps = series_public(session, council, series, now=NEW_YEAR)["gaps"]
    assert gaps.startswith("No meeting in January 2027, February 2027, April 2027")
    assert gaps.endswith("each of those months has no fifth Monday.")


def test_the_last_friday_meets_every_month(session, council):
    save_series(session=session, council=council, series_in=_series("FREQ=MONTHLY;BYDAY=-1FR"), series=None,
                now=NEW_YEAR)  # fmt: skip
    assert [d.date() for d in _local(_meetings(session, council))] == [
        date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30), date(2027, 5, 28),
        date(2027, 6, 25),
    ]  # fmt: skip


def test_generation_is_idempotent_and_keeps_ahead_as_time_passes(session, council):
    save_series(session=session, council=council, series_in=_series(), series=None, now=NEW_YEAR)
    assert keep_ahead(session, council, now=NEW_YEAR) == []
    assert len(_meetings(session, council)) == 6
    # A month on, January's meeting is past: one more (July) keeps six ahead; run again, nothing.
    later = NEW_YEAR + timedelta(days=31)
    assert [m.scheduled_at.astimezone(LONDON).date() for m in keep_ahead(session, council, now=later)] == [
        date(2027, 7, 12)
    ]
    assert keep_ahead(session, council, now=later) == []
    assert [m.number for m in _meetings(session, council)] == [1, 2, 3, 4, 5, 6, 7]


def test_skipping_and_moving_one_occurrence_leaves_the_rest_and_is_never_recreated(session, council):
    series, _ = save_series(session=session, council=council, series_in=_series(), series=None, now=NEW_YEAR)
    feb, mar = _meetings(session, council)[1:3]
    update_meeting(session=session, meeting=feb, meeting_in=MeetingUpdate(status="cancelled"))
    moved_to = datetime(2027, 3, 9, 14, tzinfo=LONDON)
    update_meeting(session=session, meeting=mar, meeting_in=MeetingUpdate(scheduled_at=moved_to))
    # A date not created yet (July, the seventh) is skipped ahead of time.
    assert "No meeting on 12 July 2027" in skip_date(
        session=session, council=council, series=series, day=date(2027, 7, 12), now=NEW_YEAR
    )
    before = {m.id: (m.scheduled_at, m.status) for m in _meetings(session, council)}
    series_in = _series(ahead=8, skipped=[date(2027, 7, 12)])
    _, outcome = save_series(session=session, council=council, series_in=series_in, series=series, now=NEW_YEAR)
    meetings = _meetings(session, council)
    assert {m.id: (m.scheduled_at, m.status) for m in meetings if m.id in before} == before
    assert [m.scheduled_at.astimezone(LONDON).date() for m in outcome.created] == [date(2027, 8, 9), date(2027, 9, 13)]
    assert len([m for m in meetings if m.occurrence_at == feb.occurrence_at]) == 1
    assert feb.status == "cancelled" and mar.scheduled_at == moved_to
    shown = {o.local_start.date(): o.status for o in series_public(session, council, series, now=NEW_YEAR)["next"]}
    assert shown[date(2027, 2, 8)] == "cancelled" and shown[date(2027, 3, 8)] == "moved"
    assert shown[date(2027, 7, 12)] == "skipped"


def test_skipping_a_created_date_cancels_its_meeting(session, council):
    series, _ = save_series(session=session, council=council, series_in=_series(), series=None, now=NEW_YEAR)
    said = skip_date(session=session, council=council, series=series, day=date(2027, 4, 12), now=NEW_YEAR)
    assert said.startswith("Meeting 4 on 12 April 2027 is cancelled")
    assert [m.status for m in _meetings(session, council)][3] == "cancelled"
    assert len(_meetings(session, council)) == 6
    with pytest.raises(Exception, match="not a date of this cadence"):
        skip_date(session=session, council=council, series=series, day=date(2027, 4, 13), now=NEW_YEAR)


def test_changing_the_rule_replaces_untouched_meetings_and_keeps_touched_ones(session, council):
    series, _ = save_series(session=session, council=council, series_in=_series(), series=None, now=NEW_YEAR)
    jan, feb, mar = _meetings(session, council)[:3]
    session.add(AobItem(meeting_id=jan.id, title="Storm plan"))
    update_meeting(
        session=session, meeting=feb, meeting_in=MeetingUpdate(scheduled_at=datetime(2027, 2, 9, 10, tzinfo=LONDON))
    )
    update_meeting(session=session, meeting=mar, meeting_in=MeetingUpdate(title="Budget special"))
    session.flush()
    _, outcome = save_series(
        session=session, council=council, series_in=_series("FREQ=MONTHLY;BYDAY=3TU"), series=series, now=NEW_YEAR
    )
    assert outcome.removed == [4, 5, 6]
    assert {k.number: k.why for k in outcome.kept} == {
        1: "it has any other business",
        2: "it was moved by hand",
        3: "it was renamed or relocated by hand",
    }
    meetings = _meetings(session, council)
    assert {m.number for m in meetings} >= {1, 2, 3}
    new = [m for m in meetings if m.number not in (1, 2, 3)]
    assert [d.date() for d in _local(new)] == [date(2027, month, day) for month, day in
                                               [(1, 19), (2, 16), (3, 16), (4, 20), (5, 18), (6, 15)]]  # fmt: skip
    assert session.exec(select(AobItem).where(AobItem.meeting_id == jan.id)).one().title == "Storm plan"


def test_a_new_location_follows_into_untouched_meetings_only(session, council):
    series, _ = save_series(session=session, council=council, series_in=_series(), series=None, now=NEW_YEAR)
    first = _meetings(session, council)[0]
    update_meeting(session=session, meeting=first, meeting_in=MeetingUpdate(location="Teams only"))
    _, outcome = save_series(
        session=session, council=council, series_in=_series(location="Room 4"), series=series, now=NEW_YEAR
    )
    assert outcome.created == [] and outcome.removed == []
    assert [m.location for m in _meetings(session, council)] == ["Teams only"] + ["Room 4"] * 5


def test_ending_the_series_removes_untouched_meetings_after_the_end_and_keeps_touched(session, council):
    series, _ = save_series(session=session, council=council, series_in=_series(), series=None, now=NEW_YEAR)
    may = _meetings(session, council)[4]
    update_meeting(session=session, meeting=may, meeting_in=MeetingUpdate(title="Annual review"))
    _, outcome = save_series(
        session=session, council=council, series_in=_series(until=date(2027, 3, 31)), series=series, now=NEW_YEAR
    )
    assert outcome.removed == [4, 6]
    assert [(k.number, k.why) for k in outcome.kept] == [(5, "it was renamed or relocated by hand")]
    assert [m.number for m in _meetings(session, council)] == [1, 2, 3, 5]
    assert keep_ahead(session, council, now=NEW_YEAR) == []


# Through the API


def _url(council) -> str:
    return f"/api/councils/{council.id}/series"


def _body(**changes) -> dict:
    today = datetime.now(UTC).date()
    return {"rule": "FREQ=MONTHLY;BYDAY=-1FR", "starts_on": today.isoformat(), "start_time": "10:00", **changes}


def test_api_sets_the_cadence_with_if_match_and_answers_in_words(app, client, session, council):
    chair = auth(app, _chair(session, council))
    assert client.get(_url(council), headers=chair).status_code == 404
    assert client.put(_url(council), headers=chair, json=_body()).status_code == 428
    refused = client.put(_url(council), headers={**chair, "If-Match": '"1"'}, json=_body())
    assert refused.status_code == 412 and "If-Match: *" in refused.json()["detail"]
    made = client.put(_url(council), headers={**chair, "If-Match": "*"}, json=_body())
    assert made.status_code == 200, made.text
    assert made.headers["ETag"] == '"1"'
    assert made.json()["created"] == [1, 2, 3, 4, 5, 6]
    assert made.json()["description"] == "Meets on the last Friday of every month, 10:00–12:00 Europe/London"
    listed = client.get(f"/api/councils/{council.id}/meetings", headers=chair).json()["data"]
    assert [m["series_id"] for m in listed] == [made.json()["id"]] * 6
    stale = client.put(_url(council), headers={**chair, "If-Match": '"7"'}, json=_body(ahead=3))
    assert stale.status_code == 412
    again = client.put(_url(council), headers={**chair, "If-Match": '"1"'}, json=_body(location="Room 2"))
    assert again.status_code == 200 and again.json()["created"] == [] and again.headers["ETag"] == '"2"'


def _chair(session, council):
    from app.models import Membership, User

    seat = session.exec(select(Membership).where(Membership.council_id == council.id)).first()
    return session.get(User, seat.user_id)


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY is not a recurrence rule"),
        ("FREQ=HOURLY", "FREQ=HOURLY is too often"),
        ("FREQ=MONTHLY;BYDAY=9MO", "is not a recurrence rule"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31", "gives no dates"),
        ("FREQ=MONTHLY;UNTIL=20270101T000000Z", "UNTIL is set by the until field"),
        ("", "enter a recurrence rule"),
    ],
)
def test_a_bad_rule_is_422_naming_the_field(app, client, session, council, rule, said):
    response = client.put(_url(council), headers={**auth(app, _chair(session, council)), "If-Match": "*"},
                          json=_body(rule=rule))  # fmt: skip
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"][-1] == "rule" and said in error["msg"]
    assert session.exec(select(Meeting).where(Meeting.council_id == council.id)).first() is None


def test_members_read_and_preview_but_only_the_chair_changes_it(app, client, session, council):
    member = make_membership(session, council=council)
    secretary = make_membership(session, council=council, role="secretary")
    session.commit()
    from app.models import User

    client.put(_url(council), headers={**auth(app, _chair(session, council)), "If-Match": "*"}, json=_body())
    for seat in (member, secretary):
        headers = auth(app, session.get(User, seat.user_id))
        assert client.get(_url(council), headers=headers).status_code == 200
        assert client.put(_url(council), headers={**headers, "If-Match": '"1"'}, json=_body()).status_code == 403
    asked = {"rule": "FREQ=MONTHLY;BYDAY=+5MO", "starts_on": "2027-01-01", "start_time": "18:30"}
    preview = client.post(f"{_url(council)}/preview", headers=auth(app, session.get(User, member.user_id)), json=asked)
    assert preview.status_code == 200
    assert "fifth Monday" in preview.json()["description"]


def test_the_page_says_in_words_when_months_have_no_meeting(app, client, session, council):
    client.put(_url(council), headers={**auth(app, _chair(session, council)), "If-Match": "*"},
               json=_body(rule="FREQ=MONTHLY;BYDAY=5MO"))  # fmt: skip
    from tests.web.test_pages import sign_in

    sign_in(client, _chair(session, council).email)
    page = client.get(f"/councils/{council.id}/cadence")
    assert page.status_code == 200
    assert "Meets on the fifth Monday of every month, 10:00–12:00 Europe/London" in page.text
    assert "has no fifth Monday" in page.text


def test_council_schedule_keeps_every_cadence_ahead_and_a_second_run_adds_nothing(monkeypatch, db_url, session):
    from typer.testing import CliRunner

    from app.cli import app as cli
    from app.config import get_settings
    from app.meetings.series import get_series

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "schedule-test-secret-" + "x" * 32)
    council = make_council(session, name="Monthly council", chair=make_user(session))
    body = {"rule": "FREQ=MONTHLY;BYDAY=1WE", "starts_on": datetime.now(UTC).date(), "start_time": time(9), "ahead": 3}
    save_series(session=session, council=council, series_in=SeriesIn.model_validate(body), series=None)
    session.commit()
    # Someone removes the latest meeting by hand (an untouched one): the cron run puts the date back.
    last = _meetings(session, council)[-1]
    session.delete(last)
    session.commit()
    get_settings.cache_clear()
    first = CliRunner().invoke(cli, ["schedule"])
    assert first.exit_code == 0, first.output
    assert "Monthly council: 1 meeting created" in first.output
    get_settings.cache_clear()
    second = CliRunner().invoke(cli, ["schedule"])
    assert "Monthly council: 0 meetings created" in second.output
    session.expire_all()
    meetings = _meetings(session, council)
    assert len(meetings) == 3 and all(m.series_id == get_series(session, council).id for m in meetings)


def test_the_page_form_names_a_bad_rule_and_keeps_what_was_typed(client, session, council):
    from tests.web.test_pages import csrf_from, sign_in

    sign_in(client, _chair(session, council).email)
    token = csrf_from(client.get(f"/councils/{council.id}/cadence").text)
    form = {"csrf_token": token, "intent": "save", "pattern": "rule", "rule": "FREQ=FORTNIGHTLY"}
    form.update(starts_on="2027-01-01", start_time="10:00", location="Room 9")
    page = client.post(f"/councils/{council.id}/cadence", data=form)
    assert page.status_code == 200
    assert "rule: FREQ=FORTNIGHTLY is not a recurrence rule" in page.text
    assert 'value="FREQ=FORTNIGHTLY"' in page.text and 'value="Room 9"' in page.text
    assert session.exec(select(Meeting).where(Meeting.council_id == council.id)).first() is None
    # The same form in plain words saves, and the page shows the cadence and its meetings.
    form.update(pattern="weekly", interval="2", week_day="TH", csrf_token=csrf_from(page.text))
    saved = client.post(f"/councils/{council.id}/cadence", data=form)
    assert "Meets every 2 weeks on Thursday, 10:00–12:00 Europe/London" in saved.text
    assert "Cadence saved. Meetings 1, 2, 3, 4, 5, 6 created." in saved.text
