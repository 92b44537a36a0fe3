"""Delivery's counts come from the database (one GROUP BY over closing and due dates) and say exactly what the
scorecard's rules say about the same actions (app/reports/scorecard.py count_actions), in the council's calendar."""

from datetime import UTC, datetime, time, timedelta

from app.common import today_in
from app.models import Role
from app.models.actions import closing_day
from app.reports.scorecard import ActionCounts, ActionFact, count_actions
from app.reports.service import count_department_actions
from tests.factories import make_action, make_council, make_department, make_membership

ZONE = "Asia/Tokyo"


def test_the_databases_counts_follow_the_scorecards_rules(session):
    council = make_council(session, timezone=ZONE)
    billing = make_department(session, council=council, name="Billing")
    field = make_department(session, council=council, name="Field")
    seat = make_membership(session, council=council, role=Role.member, department=billing)
    today = today_in(ZONE)
    due = today - timedelta(days=30)

    def utc(day, hour=12, minute=0):
        return datetime.combine(day, time(hour, minute), tzinfo=UTC)

    # (department, due, status, closed_at)
    cases = [
        (billing, due, "done", utc(due - timedelta(days=2))),  # on time
        (billing, due, "done", utc(due, 14, 30)),  # 23:30 in Tokyo on the due date: on time
        (billing, due, "done", utc(due, 15, 30)),  # 00:30 the next day in Tokyo: late
        (billing, due, "done", utc(due + timedelta(days=5))),  # late
        (billing, due, "done", None),  # done without a closing moment: counted, not on time
        (billing, due, "open", None),  # missed
        (billing, due, "cancelled", utc(due - timedelta(days=1))),  # withdrawn
        (billing, due, "cancelled", utc(due, 15, 30)),  # cancelled the day after it fell due: missed
        (billing, due, "cancelled", None),  # withdrawn
        (billing, today, "open", None),  # due today: fell due
        (billing, today + timedelta(days=3), "done", utc(today - timedelta(days=1))),  # not yet due
        (billing, today + timedelta(days=3), "open", None),  # not yet due
        (billing, today - timedelta(days=365), "open", None),  # the window's first day
        (billing, today - timedelta(days=366), "open", None),  # before the window: not counted
        (field, due, "done", utc(due)),
        (field, today + timedelta(days=1), "in_progress", None),
    ]
    facts: dict[int, list[ActionFact]] = {billing.id: [], field.id: []}
    for department, due_on, status, closed_at in cases:
        action = make_action(session, council=council, owner=seat, department=department, due_on=due_on, status=status)
        action.closed_at = closed_at
        session.flush()
        assert action.closed_on == closing_day(closed_at, ZONE)
        facts[department.id].append(ActionFact(due_on=due_on, status=status, closed_on=action.closed_on))
    session.commit()

    counted = count_department_actions(session=session, council=council, today=today)

    assert counted == {d: count_actions(f, today=today) for d, f in facts.items()}
    assert counted[billing.id] == ActionCounts(counted=9, on_time=2, withdrawn=2, not_yet=2)
    only_field = count_department_actions(session=session, council=council, today=today, department_ids=[field.id])
    assert only_field == {field.id: ActionCounts(counted=1, on_time=1, withdrawn=0, not_yet=1)}
