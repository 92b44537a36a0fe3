"""Report-due reminders: the seats of each department yet to report hear so once, inside the council's window."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.jobs import run_periodic
from app.models import Council, DepartmentReport, OutboxMessage, Role
from app.outbox.deliver import deliver_all
from tests.factories import make_council, make_department, make_meeting, make_membership, make_user
from tests.smtp import text_of

pytestmark = pytest.mark.usefixtures("db_backend")

# In the past, so the deliverer (on the real clock) finds the queued mail due.
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def arrange(session):
    chair = make_user(session, name="Helen Carter")
    council = make_council(session, chair=chair, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    field = make_department(session, council=council, name="Field service")
    people = {}
    for name, department, role in [
        ("Aisha Rahman", billing, Role.member),
        ("Tom Hughes", field, Role.member),
        ("Priya Shah", field, Role.secretary),
        ("Olu Observer", field, Role.observer),
    ]:
        people[name] = make_user(session, name=name)
        make_membership(session, council=council, user=people[name], role=role, department=department)
    # Five days ahead, inside the default seven; a later one outside; a cancelled one inside.
    meeting = make_meeting(session, council=council, scheduled_at=NOW + timedelta(days=5, hours=2))
    later = make_meeting(session, council=council, scheduled_at=NOW + timedelta(days=20))
    make_meeting(session, council=council, scheduled_at=NOW + timedelta(days=3), status="cancelled")
    session.add(DepartmentReport(meeting_id=meeting.id, department_id=billing.id, summary="On track."))
    session.commit()
    return council, people, meeting, later, field


def test_the_department_that_has_not_reported_is_reminded_once(engine, session, settings, inbox):
    council, people, meeting, later, field = arrange(session)
    settings = settings.model_copy(update={"SMTP_URL": inbox.url})

    assert run_periodic(engine, settings, now=NOW)["report_reminders"] == 2
    assert run_periodic(engine, settings, now=NOW + timedelta(hours=1))["report_reminders"] == 0
    deliver_all(engine, settings)

    # Field service's member and secretary; not Billing (reported), the observer or the chair.
    assert sorted(m["To"].addresses[0].display_name for m in inbox.messages) == ["Priya Shah", "Tom Hughes"]
    [tom] = inbox.to(people["Tom Hughes"].email)
    assert tom["Subject"].strip().startswith("Report due: Field service to Utility council meeting 1,")
    text = text_of(tom)
    assert "Field service has not yet submitted its report to Utility council meeting 1." in text
    assert "(in 5 days)" in text and "Deadline: before the meeting starts." in text
    link = f"http://testserver/meetings/{meeting.id}/reports#department-{field.id}"
    assert f"Write the report: {link}" in text
    assert f'href="{link}"' in tom.get_body(("html",)).get_content()
    assert "Stop these mails:" in text  # an optional kind
    # The later meeting is outside the window: nothing for it yet.
    session.expire_all()
    assert {row.dedupe_key.split(":")[1] for row in session.exec(select(OutboxMessage))} == {str(meeting.id)}


def test_the_window_is_the_councils_and_zero_turns_reminders_off(engine, session, settings):
    council, people, meeting, later, field = arrange(session)
    # Eight days before the meeting (by the council's calendar): outside the seven-day window.
    assert run_periodic(engine, settings, now=NOW - timedelta(days=3))["report_reminders"] == 0

    council = session.get(Council, council.id)
    council.report_reminder_days = 0
    session.add(council)
    session.commit()
    assert run_periodic(engine, settings, now=NOW)["report_reminders"] == 0

    council.report_reminder_days = 21
    session.add(council)
    session.commit()
    # Now both meetings are inside: Field service for each, Billing for the later one.
    assert run_periodic(engine, settings, now=NOW)["report_reminders"] == 2 + 3


def test_when_every_department_has_reported_nobody_is_reminded(engine, session, settings):
    council, people, meeting, later, field = arrange(session)
    session.add(DepartmentReport(meeting_id=meeting.id, department_id=field.id, summary="In."))
    session.commit()
    assert run_periodic(engine, settings, now=NOW)["report_reminders"] == 0
