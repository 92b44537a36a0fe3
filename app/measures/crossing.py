"""A measure crossing its target or threshold: when a new reading changes its status (On track,
Watch, Off track — app/measures/stats.py), its owner and the chair are told.

`status_now` is read before the write and again after; `mail_if_crossed` compares them.
Only the newest reading counts: a back-filled older one may shift the figures, but it is
not news. A CSV import compares each measure once, before the whole import and after it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from app.db import settings_of
from app.display import (
    DIRECTION_LABELS,
    MEASURE_STATUS_HELP,
    STATUSES,
    format_value,
    movement_text,
    period_label,
    status_word,
)
from app.measures.stats import Point, measure_stats
from app.models import Council, Measure, Reading, Role
from app.notifications.recipients import department_recipients, role_recipients, seat_recipients
from app.notifications.service import notify

# Enough readings to know the latest two (the status uses the latest and its movement).
RECENT = 2


@dataclass(frozen=True)
class StatusNow:
    status: str | None
    latest: Point | None
    change: float | None = None  # since the reading before: "▼ −0.4 pts, better" in the mail


def status_now(session: Session, measure: Measure) -> StatusNow:
    """The measure's status and latest reading as stored now."""
    return statuses_now(session, [measure]).get(measure.id, StatusNow(None, None))


def statuses_now(session: Session, measures: Iterable[Measure]) -> dict[int, StatusNow]:
    """Each measure's status and latest reading, one query per measure (an import touches few measures)."""
    result = {}
    for measure in measures:
        points = [
            Point(period, value)
            for period, value in session.exec(
                select(Reading.period, Reading.value)
                .where(Reading.measure_id == measure.id)
                .order_by(col(Reading.period).desc())
                .limit(RECENT)
            )
        ]
        stats = measure_stats(direction=measure.direction, target=measure.target, readings=points)
        result[measure.id] = StatusNow(stats.status, stats.latest, stats.change)
    return result


def mail_if_crossed(
    *, session: Session, council: Council, measure: Measure, before: StatusNow, after: StatusNow, periods: set[date]
) -> None:
    """Tell the measure's owner (or its department) and the chair when the status changed with the newest reading;
    `periods` are the periods just written."""
    if after.latest is None or after.latest.period not in periods:
        return  # the newest reading is not one just written: a back-filled reading is not news
    if before.status is None or after.status is None or before.status == after.status:
        return
    if measure.owner_id is not None:
        owners = seat_recipients(session, [measure.owner_id])
    elif measure.department_id is not None:
        owners = department_recipients(session, council, measure.department_id)
    else:
        owners = []
    old_label, new_label = status_word(before.status), status_word(after.status)
    notify(
        session,
        settings_of(session),
        kind="measure_crossed",
        council=council,
        recipients=[*owners, *role_recipients(session, council, roles=[Role.chair])],
        subject=f"{measure.name}: {old_label} → {new_label}",
        template="measure_crossed",
        context={
            "measure": measure,
            "old_label": old_label,
            "new_label": new_label,
            "new_color": STATUSES[after.status].ink,
            "change": movement_text(after.change, measure.unit, measure.direction),
            "status_help": MEASURE_STATUS_HELP[after.status],
            "reading_value": format_value(after.latest.value, measure.unit),
            "period": period_label(after.latest.period),
            "target": (
                f"{format_value(measure.target, measure.unit)} ({DIRECTION_LABELS[measure.direction].lower()})"
                if measure.target is not None
                else "none set: judged by the direction of travel"
            ),
        },
        link=f"/measures/{measure.id}",
    )
