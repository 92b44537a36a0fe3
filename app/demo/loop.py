"""The demo's five-whys workshop on the repeat-visit theme, and its action-plan metrics.

The story (DOMAIN.md, "The improvement loop"): "Repeat engineer visit" was the top
negative theme in what customers wrote. Six months ago, when the feedback year shows
the checklist trial (app/demo/feedback.py, FIX_MONTH), the council held a five-whys
workshop on it (the root cause in app/demo/journeys.py) and picked two action-plan
metrics for Field Engineering: the share of fault jobs whose call completed the
diagnosis checklist (new here, with readings since the workshop) and the repeat-visit
rate already measured. Completion is climbing but still well short of its target and
repeat visits have not yet fallen, so Field Engineering's score stays well below 100
even though customers mention repeat visits less.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from app.feedback.trends import add_months
from app.models import Council, Department, Measure, Membership, Reading, RootCause, RootCauseMeasure, Theme, utcnow

THEME = "Repeat engineer visit"
WORKSHOP_MONTHS_AGO = 6  # the feedback demo's fix month: 12 − FIX_MONTH
CHECKLIST = "Diagnosis checklist completed"
# Monthly completion (%) from the workshop's month to last month: rising, short of 90.
CHECKLIST_READINGS = (31, 42, 50, 55, 58, 63)
REPEAT_VISITS = "Repeat engineer visits"


def load_loop_demo(
    *,
    session: Session,
    council: Council,
    departments: dict[str, Department],
    seats: dict[str, Membership],
    measures: dict[str, Measure],
    root_cause: RootCause,
    today: date,
) -> Measure:
    """Tie the demo's root cause to its theme and metrics; return the new checklist metric."""
    workshop_month = add_months(today, -WORKSHOP_MONTHS_AGO)
    theme = session.exec(select(Theme).where(Theme.council_id == council.id, Theme.name == THEME)).one()
    root_cause.theme_id = theme.id
    held = datetime.combine(workshop_month + timedelta(days=11), time(14), tzinfo=UTC)
    root_cause.created_at = root_cause.updated_at = held
    session.add(root_cause)
    field = departments["Field Engineering"]
    checklist = Measure(
        council_id=council.id,
        name=CHECKLIST,
        description="Fault jobs whose call completed the diagnosis checklist: the standard the repeat-visit "
        "workshop set against its root cause.",
        kind="custom",
        category="operational",
        unit="%",
        direction="higher_is_better",
        target=90,
        owner_id=seats["field@example.com"].id,
        scope="department",
        department_id=field.id,
    )
    session.add(checklist)
    session.flush()
    now = utcnow()
    for i, value in enumerate(CHECKLIST_READINGS):
        period = add_months(workshop_month, i)
        session.add(Reading(measure_id=checklist.id, period=period, value=value, created_at=now, updated_at=now))
    for metric in (checklist, measures[REPEAT_VISITS]):
        session.add(RootCauseMeasure(root_cause_id=root_cause.id, measure_id=metric.id))
    session.flush()
    return checklist
