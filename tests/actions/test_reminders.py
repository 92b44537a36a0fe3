"""Reminder digests: the pure logic on plain objects, then `council send-reminders` (queue on the outbox,
then deliver) against a real SMTP server."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.actions.reminders import ReminderRow, collect_digests, queue_digests, render_digest
from app.cli import app as cli
from app.config import Settings, get_settings
from app.mail import parse_smtp_url
from app.models import OutboxMessage, ReminderDigest
from tests.factories import make_action, make_council, make_membership, make_user

TODAY = date(2026, 3, 4)  # a Wednesday
BASE_URL = "http://council.example"
runner = CliRunner()


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


# -- collect_digests and render_digest, on plain objects ------------------------------

_ids = iter(range(1, 10_000))


def row(title: str, due_in: int, *, status: str = "open", user: int = 1, council: int = 1, **extra) -> ReminderRow:
    values = {
        "action_id": next(_ids),
        "title": title,
        "due_on": day(due_in),
        "status": status,
        "council_id": council,
        "council_name": {1: "Water Council", 2: "Billing Council"}.get(council, f"Council {council}"),
        "timezone": "Europe/London",
        "user_id": user,
        "user_name": {1: "Alice Ng", 2: "Bob Li"}.get(user, f"User {user}"),
        "email": {1: "alice@example.com", 2: "bob@example.com"}.get(user, f"user{user}@example.com"),
    }
    return ReminderRow(**(values | extra))


def on_today(_timezone: str) -> date:
    return TODAY


def titles(items) -> list[str]:
    return [i.title for i in items]


def test_overdue_and_due_soon_are_split_and_the_rest_left_out():
    rows = [
        row("Due in 8 days", 8),
        row("Due in 7 days", 7),
        row("Due today", 0),
        row("Three days late", -3),
        row("Blocked and late", -1, status="blocked"),
        row("Done and late", -5, status="done"),
        row("Cancelled", 1, status="cancelled"),
        row("In progress tomorrow", 1, status="in_progress"),
    ]
    [digest] = collect_digests(rows, today_for=on_today, days=7)
    [council] = digest.councils
    # Soonest due first in each list; due today is not yet overdue.
    assert titles(council.overdue) == ["Three days late", "Blocked and late"]
    assert titles(council.due_soon) == ["Due today", "In progress tomorrow", "Due in 7 days"]
    assert (digest.overdue_count, digest.due_soon_count, digest.action_count) == (2, 3, 5)
    assert [i.due_in for i in council.overdue] == [-3, -1]


def test_days_widens_or_narrows_the_window():
    rows = [row("Today", 0), row("In 2 days", 2), row("In 3 days", 3), row("Late", -10)]
    [digest] = collect_digests(rows, today_for=on_today, days=2)
    assert titles(digest.councils[0].due_soon) == ["Today", "In 2 days"]
    [digest] = collect_digests(rows, today_for=on_today, days=0)
    assert titles(digest.councils[0].due_soon) == ["Today"]
    assert titles(digest.councils[0].overdue) == ["Late"]


def test_one_digest_per_person_with_their_councils_grouped_by_name():
    rows = [
        row("Water late", -2, council=1),
        row("Billing soon", 3, council=2),
        row("Water soon", 1, council=1),
        row("Bob late", -1, user=2),
        row("Carol far off", 20, user=3),
        row("Carol done", -3, user=3, status="done"),
    ]
    digests = collect_digests(rows, today_for=on_today, days=7)
    assert [d.email for d in digests] == ["alice@example.com", "bob@example.com"]
    alice = digests[0]
    assert [c.council_name for c in alice.councils] == ["Billing Council", "Water Council"]
    billing, water = alice.councils
    assert (titles(billing.overdue), titles(billing.due_soon)) == ([], ["Billing soon"])
    assert (titles(water.overdue), titles(water.due_soon)) == (["Water late"], ["Water soon"])
    assert digests[1].action_count == 1


def test_each_council_judges_overdue_by_its_own_date():
    rows = [
        row("Due on the 4th in London", 0, council=1, timezone="Europe/London"),
        row("Due on the 4th in Auckland", 0, council=2, timezone="Pacific/Auckland"),
    ]
    todays = {"Europe/London": TODAY, "Pacific/Auckland": day(1)}
    [digest] = collect_digests(rows, today_for=todays.__getitem__, days=7)
    billing, water = digest.councils
    assert titles(billing.overdue) == ["Due on the 4th in Auckland"]
    assert titles(water.due_soon) == ["Due on the 4th in London"]


def test_nothing_due_means_no_digests():
    assert collect_digests([row("Far", 30), row("Done", -1, status="done")], today_for=on_today, days=7) == []


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_render_gives_subject_recipient_text_and_html_with_a_link_to_each_action():
    rows = [row("Fix the IVR menu", -3), row("Call back", 2), row("Review bills", 7, council=2)]
    [digest] = collect_digests(rows, today_for=on_today, days=7)
    message = render_digest(digest, base_url=BASE_URL + "/", sender="Council <council@example.com>")
    assert message["Subject"] == "CX Council: 1 overdue, 2 due this week"
    assert message["To"] == "Alice Ng <alice@example.com>"
    assert message["From"] == "Council <council@example.com>"
    text, html = parts(message)
    assert "You have 1 overdue action and 2 actions due this week." in text
    assert "  - Fix the IVR menu: due Sun 1 Mar 2026 (3 days overdue)" in text
    assert "  - Call back: due Fri 6 Mar 2026 (in 2 days)" in text
    for r in rows:
        url = f"{BASE_URL}/actions/{r.action_id}"
        assert f"    {url}\n" in text
        assert f'<a href="{url}">{r.title}</a>' in html
    # Councils in order, each with its own headings.
    assert text.index("Billing Council") < text.index("Review bills") < text.index("Water Council")
    assert "<h2>Water Council</h2>" in html and "<h3>Due this week</h3>" in html


def test_subject_with_only_one_kind_or_another_window():
    [digest] = collect_digests([row("Soon", 1)], today_for=on_today, days=7)
    assert render_digest(digest, base_url=BASE_URL)["Subject"] == "CX Council: 1 due this week"
    [digest] = collect_digests([row("Late", -1), row("Late too", -2)], today_for=on_today, days=3)
    assert render_digest(digest, base_url=BASE_URL)["Subject"] == "CX Council: 2 overdue"
    [digest] = collect_digests([row("Soon", 1)], today_for=on_today, days=3)
    message = render_digest(digest, base_url=BASE_URL)
    assert message["Subject"] == "CX Council: 1 due within 3 days"
    assert "(tomorrow)" in parts(message)[0]


def test_html_escapes_every_piece_of_user_text():
    rows = [
        row(
            "<script>alert('x')</script>",
            -1,
            user_name='Eve "<b>" & Co',
            council_name="Trust & <i>Safety</i>",
        )
    ]
    [digest] = collect_digests(rows, today_for=on_today, days=7)
    message = render_digest(digest, base_url=BASE_URL)
    text, html = parts(message)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "Hello Eve &#34;&lt;b&gt;&#34; &amp; Co," in html
    assert "<h2>Trust &amp; &lt;i&gt;Safety&lt;/i&gt;</h2>" in html
    # Plain text is not HTML: it shows the title as typed.
    assert "<script>alert('x')</script>" in text
    # A display name with quotes and specials stays one well-formed address.
    assert message["To"].addresses[0].addr_spec == "alice@example.com"


# -- SMTP_URL ------------------------------------------------------------------------


def test_smtp_url_schemes_ports_and_credentials():
    plain = parse_smtp_url("smtp://relay.internal")
    assert (plain.host, plain.port, plain.security, plain.username) == ("relay.internal", 25, "none", None)
    starttls = parse_smtp_url("smtp+starttls://apikey:p%40ss%3Aword%2F1@smtp.example.com")
    assert (starttls.port, starttls.security) == (587, "starttls")
    assert (starttls.username, starttls.password) == ("apikey", "p@ss:word/1")
    implicit = parse_smtp_url("SMTPS://me%40example.com:secret@[::1]:2465")
    assert (implicit.host, implicit.port, implicit.security, implicit.username) == (
        "::1",
        2465,
        "tls",
        "me@example.com",
    )
    assert "secret" not in repr(implicit)


@pytest.mark.parametrize(
    "url, complaint",
    [
        ("http://host", "must start with"),
        ("host:25", "must start with"),
        ("smtp://host:25?starttls=1", "takes no path or options"),
        ("smtp://host/mail", "takes no path or options"),
        ("smtp://user:hunter2@host:port", "invalid port"),
        ("smtp://user:hunter2@:25", "no host"),
    ],
)
def test_malformed_smtp_urls_are_refused_without_showing_the_password(url, complaint):
    with pytest.raises(ValueError, match=complaint) as caught:
        parse_smtp_url(url)
    assert "hunter2" not in str(caught.value)


@pytest.fixture
def env(monkeypatch, db_url, inbox):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "reminder-test-secret-" + "x" * 32)
    monkeypatch.setenv("BASE_URL", BASE_URL)
    monkeypatch.setenv("SMTP_URL", inbox.url)
    return monkeypatch


def remind(*args: str):
    # Each cron run is a new process that reads the environment afresh.
    get_settings.cache_clear()
    return runner.invoke(cli, ["send-reminders", *args])


@dataclass
class People:
    alice: object
    bob: object
    carol: object
    dave: object
    mailed_to_alice: list
    not_mailed: list


def arrange(session, *, today: date = TODAY) -> People:
    """Alice owns actions in two councils, Bob one overdue; Carol nothing due; Dave is deactivated."""
    water = make_council(session, name="Water Council")
    billing = make_council(session, name="Billing Council", timezone="America/New_York")
    alice = make_user(session, email="alice@example.com", name="Alice Ng")
    bob = make_user(session, email="bob@example.com", name="Bob Li")
    carol = make_user(session, email="carol@example.com", name="Carol Ode")
    dave = make_user(session, email="dave@example.com", name="Dave Gone", is_active=False)
    seats = {
        (person.email, council.name): make_membership(session, council=council, user=person)
        for person in (alice, bob, carol, dave)
        for council in (water, billing)
    }

    def action(person, council, title, due_in, status="open"):
        owner = seats[(person.email, council.name)]
        return make_action(
            session, council=council, owner=owner, title=title, due_on=today + timedelta(days=due_in), status=status
        )

    mailed_to_alice = [
        action(alice, water, "Fix the IVR menu", -3),
        action(alice, water, "Call back complainants", 2, "in_progress"),
        action(alice, billing, "Review estimated bills", 7),
    ]
    not_mailed = [
        action(alice, water, "Closed long ago", -5, "done"),
        action(alice, billing, "Next month's job", 8),
        action(carol, water, "Far off", 30),
        action(carol, billing, "Dropped", -2, "cancelled"),
        action(dave, water, "Left the company", -4),
    ]
    action(bob, billing, "Bob's late report", -1, "blocked")
    session.commit()
    return People(alice, bob, carol, dave, mailed_to_alice, not_mailed)


def digests_recorded(session) -> list[tuple[int, date, int]]:
    session.expire_all()
    rows = session.exec(select(ReminderDigest).order_by(ReminderDigest.user_id, ReminderDigest.sent_on)).all()
    return [(r.user_id, r.sent_on, r.action_count) for r in rows]


def test_each_owner_gets_one_digest_of_what_is_due(env, inbox, session):
    people = arrange(session)
    result = remind("--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-2:] == [
        "Queued 2 digests (4 actions); skipped 0 already queued today.",
        "Delivered: sent 2, 0 will be retried, 0 given up.",
    ]

    assert sorted(rcpts[0] for _, rcpts in inbox.envelopes) == ["alice@example.com", "bob@example.com"]
    assert all(len(rcpts) == 1 for _, rcpts in inbox.envelopes)
    [to_alice] = inbox.to("alice@example.com")
    assert to_alice["Subject"] == "CX Council: 1 overdue, 2 due this week"
    assert to_alice["From"] == "CX Council <council@localhost>"
    assert to_alice["Date"] and to_alice["Message-ID"]
    text, html = parts(to_alice)
    for action in people.mailed_to_alice:
        assert action.title in text
        assert f"{BASE_URL}/actions/{action.id}" in text
        assert f'href="{BASE_URL}/actions/{action.id}"' in html
    for action in people.not_mailed:
        assert action.title not in text
    assert text.index("Billing Council") < text.index("Water Council")
    [to_bob] = inbox.to("bob@example.com")
    assert to_bob["Subject"] == "CX Council: 1 overdue"
    assert "Bob's late report" in parts(to_bob)[0]

    assert digests_recorded(session) == [(people.alice.id, TODAY, 3), (people.bob.id, TODAY, 1)]


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(env, inbox, session):
    people = arrange(session)
    assert remind("--today", TODAY.isoformat()).exit_code == 0
    again = remind("--today", TODAY.isoformat())
    assert again.exit_code == 0, again.output
    assert "Queued 0 digests (0 actions); skipped 2 already queued today." in again.stdout
    assert len(inbox.messages) == 2

    tomorrow = remind("--today", day(1).isoformat())
    assert tomorrow.exit_code == 0, tomorrow.output
    assert len(inbox.messages) == 4
    # A day later "Next month's job" is due in 7 days, and "Call back" is due tomorrow.
    latest = inbox.to("alice@example.com")[-1]
    assert latest["Subject"] == "CX Council: 1 overdue, 3 due this week"
    assert "Call back complainants: due Fri 6 Mar 2026 (tomorrow)" in parts(latest)[0]
    assert [(u, d) for u, d, _ in digests_recorded(session)] == [
        (people.alice.id, TODAY),
        (people.alice.id, day(1)),
        (people.bob.id, TODAY),
        (people.bob.id, day(1)),
    ]


def test_without_smtp_url_the_digests_are_printed_and_nothing_is_recorded(env, inbox, session):
    people = arrange(session)
    env.setenv("SMTP_URL", "")
    result = remind("--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "SMTP_URL is not set" in out
    assert "To: Alice Ng <alice@example.com>\nSubject: CX Council: 1 overdue, 2 due this week" in out
    assert "To: Bob Li <bob@example.com>" in out
    assert "carol@example.com" not in out and "dave@example.com" not in out
    for action in people.mailed_to_alice:
        assert f"{BASE_URL}/actions/{action.id}" in out
    assert out.strip().splitlines()[-1] == (
        "Would queue 2 digests (4 actions); skipped 0 already queued today. Nothing was queued or recorded."
    )
    assert inbox.messages == [] and digests_recorded(session) == []

    # A real run later the same day still sends.
    env.setenv("SMTP_URL", inbox.url)
    assert remind("--today", TODAY.isoformat()).exit_code == 0
    assert len(inbox.messages) == 2


def test_dry_run_prints_and_neither_sends_nor_records(env, inbox, session):
    arrange(session)
    result = remind("--today", TODAY.isoformat(), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Subject: CX Council: 1 overdue, 2 due this week" in result.stdout
    assert "Would queue 2 digests (4 actions)" in result.stdout
    assert inbox.messages == [] and digests_recorded(session) == []


def outbox_rows(session) -> list[tuple[str, str, int]]:
    session.expire_all()
    rows = session.exec(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    return [(r.recipient, r.status, r.attempts) for r in rows]


def test_a_refused_recipient_is_given_up_and_shown_not_sent_twice(env, inbox, session):
    people = arrange(session)
    inbox.refuse.add("alice@example.com")
    result = remind("--today", TODAY.isoformat())
    # The digests were queued: the run did its job; the refusal is reported and kept on the outbox.
    assert result.exit_code == 0, result.output
    assert "alice@example.com" in result.stderr and "550" in result.stderr
    assert "Delivered: sent 1, 0 will be retried, 1 given up." in result.stdout
    assert [m["To"].addresses[0].addr_spec for m in inbox.messages] == ["bob@example.com"]
    # A 550 is a permanent refusal: given up at once, for the council's Mail page to show.
    assert outbox_rows(session) == [("alice@example.com", "failed", 1), ("bob@example.com", "sent", 0)]
    assert digests_recorded(session) == [(people.alice.id, TODAY, 3), (people.bob.id, TODAY, 1)]

    # Running again the same day queues no second digest for anyone.
    inbox.refuse.clear()
    again = remind("--today", TODAY.isoformat())
    assert "Queued 0 digests (0 actions); skipped 2 already queued today." in again.stdout
    assert len(inbox.messages) == 1


def test_an_unreachable_server_keeps_every_digest_for_a_later_attempt(env, inbox, session):
    arrange(session)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    env.setenv("SMTP_URL", f"smtp://127.0.0.1:{closed_port}")
    result = remind("--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    assert result.stderr.count("could not reach the mail server") == 2
    assert "Delivered: sent 0, 2 will be retried at " in result.stdout
    assert outbox_rows(session) == [("alice@example.com", "queued", 1), ("bob@example.com", "queued", 1)]


def test_credentials_in_the_url_are_decoded_and_used(env, inbox, session):
    arrange(session)
    host_port = inbox.url.removeprefix("smtp://")
    env.setenv("SMTP_URL", f"smtp://council%40example.com:p%40ss%3Aword@{host_port}")
    env.setenv("MAIL_FROM", "Reminders <reminders@example.com>")
    result = remind("--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    # Both digests leave over one connection, logged in once.
    assert inbox.logins == [("council@example.com", "p@ss:word")]
    assert {mail_from for mail_from, _ in inbox.envelopes} == {"reminders@example.com"}
    assert inbox.messages[0]["From"] == "Reminders <reminders@example.com>"


def test_a_malformed_smtp_url_stops_before_anything_is_done(env, inbox, session):
    arrange(session)
    env.setenv("SMTP_URL", "smtp://user:hunter2@127.0.0.1:25?starttls=1")
    result = remind()
    assert result.exit_code == 2
    assert "Configuration error" in result.stderr and "hunter2" not in result.output
    assert inbox.messages == []


def test_without_today_each_council_uses_its_own_date(env, inbox, session):
    utc_today = datetime.now(UTC).date()
    people = arrange(session, today=utc_today)
    result = remind()
    assert result.exit_code == 0, result.output
    assert len(inbox.messages) == 2
    [(alice_id, sent_on, _), _] = digests_recorded(session)
    assert alice_id == people.alice.id
    assert sent_on in {utc_today, datetime.now(UTC).date()}


def test_a_digest_recorded_by_another_run_is_not_queued_again(env, inbox, session, engine, db_url):
    """What a concurrent run recorded first stands (the two-process race is in tests/outbox/)."""
    people = arrange(session)
    session.add(ReminderDigest(user_id=people.alice.id, sent_on=TODAY, action_count=3))
    session.commit()
    settings = Settings(_env_file=None, DATABASE_URL=db_url, SECRET_KEY="x" * 32, SMTP_URL=inbox.url)
    run = queue_digests(session, settings, today=TODAY)
    session.commit()
    assert (run.sent, run.skipped) == (1, 1)
    assert [r for r, _, _ in outbox_rows(session)] == ["bob@example.com"]
