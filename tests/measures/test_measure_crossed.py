"""A measure crossing its target or threshold on a new reading mails its owner and the chair, once per change:
through the API and through a CSV import, and not for a back-filled older reading."""

from datetime import date

import pytest

from app.models import Measure, NotificationPreference, Reading, Role, User
from app.outbox.deliver import deliver_all
from tests.factories import make_council, make_department, make_membership, make_user
from tests.helpers import auth

pytestmark = pytest.mark.usefixtures("db_backend")


@pytest.fixture
def setup(session):
    """First-contact resolution (target 75%, higher is better), owned by Ola (Billing), on track at 80% in January."""
    council = make_council(session, name="Utility council")
    billing = make_department(session, council=council, name="Billing")
    seats = {}
    for key, name, role, department in [
        ("chair", "Cara Chair", Role.chair, None),
        ("owner", "Ola Owner", Role.member, billing),
        ("colleague", "Bo Billing", Role.member, billing),
    ]:
        user = make_user(session, email=f"{key}@example.com", name=name)
        seats[key] = make_membership(session, council=council, user=user, role=role, department=department)
    fcr = Measure(
        council_id=council.id,
        name="First-contact resolution",
        unit="%",
        target=75,
        owner_id=seats["owner"].id,
        scope="department",
        department_id=billing.id,
    )
    session.add(fcr)
    session.flush()
    session.add(Reading(measure_id=fcr.id, period=date(2026, 1, 1), value=80))
    session.commit()
    return council, seats, fcr


def _post(mail_app, session, seat, measure, period: str, value: float):
    application, client = mail_app
    headers = auth(application, session.get(User, seat.user_id))
    answer = client.post(
        f"/api/measures/{measure.id}/readings", json={"period": period, "value": value}, headers=headers
    )
    assert answer.status_code in (200, 201), answer.text


def _flush(mail_app, inbox):
    application, _ = mail_app
    deliver_all(application.state.engine, application.state.settings)
    messages = list(inbox.messages)
    inbox.messages.clear()
    return messages


def test_a_new_reading_that_changes_the_status_mails_the_owner_and_the_chair(session, setup, mail_app, inbox):
    council, seats, fcr = setup
    _post(mail_app, session, seats["owner"], fcr, "2026-02-01", 78)  # still on track: no mail
    assert _flush(mail_app, inbox) == []

    _post(mail_app, session, seats["owner"], fcr, "2026-03-01", 70)  # off target and worse
    messages = _flush(mail_app, inbox)
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == ["chair@example.com", "owner@example.com"]
    message = messages[0]
    assert message["Subject"] == "First-contact resolution: On track → Off track"
    text = message.get_body(("plain",)).get_content()
    assert "First-contact resolution moved from On track to Off track" in text
    assert "Reading: 70% for Mar 2026" in text
    assert "Target: 75% (higher is better)" in text
    assert "Change: ▼ \u22128 pts, worse" in text  # the arrow and word every page shows
    assert f"http://council.example/measures/{fcr.id}" in text
    assert "Off track" in message.get_body(("html",)).get_content()

    # A back-filled older reading is not news, even where it shifts the figures.
    _post(mail_app, session, seats["chair"], fcr, "2025-12-01", 60)
    assert _flush(mail_app, inbox) == []

    _post(mail_app, session, seats["owner"], fcr, "2026-04-01", 72)  # off target but improving
    messages = _flush(mail_app, inbox)
    assert {m["Subject"] for m in messages} == {"First-contact resolution: Off track → Watch"}


def test_without_an_owner_seat_the_department_hears_and_preferences_are_honoured(session, setup, mail_app, inbox):
    council, seats, fcr = setup
    fcr = session.get(Measure, fcr.id)
    fcr.owner_id = None
    session.add(fcr)
    session.add(
        NotificationPreference(
            user_id=seats["chair"].user_id, council_id=council.id, kind="measure_crossed", enabled=False
        )
    )
    session.commit()
    _post(mail_app, session, seats["colleague"], fcr, "2026-02-01", 60)
    messages = _flush(mail_app, inbox)
    # Bo posted it, but he is of the department: everyone in Billing hears; the chair turned this kind off.
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == ["colleague@example.com", "owner@example.com"]


def test_a_csv_import_mails_once_per_measure_for_its_final_state(session, setup, mail_app, inbox):
    council, seats, fcr = setup
    application, client = mail_app
    csv = (
        "measure,period,value\n"
        "First-contact resolution,2026-02-01,70\n"  # red on the way …
        "First-contact resolution,2026-03-01,65\n"
        "First-contact resolution,2026-04-01,68\n"  # … amber at the end
    )
    headers = auth(application, session.get(User, seats["chair"].user_id))
    answer = client.post(
        f"/api/councils/{council.id}/readings/import",
        files={"file": ("readings.csv", csv.encode(), "text/csv")},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    messages = _flush(mail_app, inbox)
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == ["chair@example.com", "owner@example.com"]
    assert {m["Subject"] for m in messages} == {"First-contact resolution: On track → Watch"}
