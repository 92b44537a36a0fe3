"""Section 1: previous minutes and the action log."""

from datetime import date
from zoneinfo import ZoneInfo

from app.agendas import model as m
from app.agendas.built import built
from app.agendas.data import AgendaData
from app.display import local_date
from app.models import CLOSED_STATUSES


def action_row(fact, today: date, zone: ZoneInfo, department: str | None = None) -> m.ActionRow:
    """One action as the agenda (and the minutes) show it: overdue, closed on time."""
    return m.ActionRow(**action_fields(fact, today, zone, department))


def action_fields(fact, today: date, zone: ZoneInfo, department: str | None = None) -> dict:
    """The fields of `action_row`'s ActionRow."""
    action = fact.action
    status, due_on, closed_at = action.status, action.due_on, action.closed_at
    closed = status in CLOSED_STATUSES
    overdue = not closed and due_on < today
    closed_on = closed_at.astimezone(zone).date() if closed_at else None
    return {
        "id": action.id,
        "title": action.title,
        "owner_name": fact.owner_name,
        "department": department,
        "due_on": due_on,
        "status": status,
        "percent_complete": action.percent_complete,
        "overdue": overdue,
        "days_overdue": (today - due_on).days if overdue else 0,
        "closed_at": closed_at,
        "closed_on_time": (status == "done" and closed_on is not None and closed_on <= due_on) if closed else None,
    }


def counted_to(data: AgendaData) -> date:
    """The day "overdue" is counted to: the meeting's, or today while it is still ahead, so an agenda
    opened or exported after its meeting says what was late on the day, as its minutes do."""
    return min(data.today, data.meeting.scheduled_at.astimezone(ZoneInfo(data.council.timezone)).date())


def build_actions(data: AgendaData, base: dict, zone: ZoneInfo) -> m.ActionsSection:
    """Open actions, those closed since the previous meeting, and the on-time rate."""
    departments = {d.id: d.name for d in data.departments}
    day = counted_to(data)
    # Every field of action_fields is already of its type (typed columns, or computed there). Open and
    # closed rows, the done ones closed on time and the overdue ones counted in the one pass that makes them.
    open_rows, closed_rows = [], []
    done = on_time = overdue = 0
    for fact in data.actions:
        fields = action_fields(fact, day, zone, departments.get(fact.action.department_id))
        row = built(m.ActionRow, fields)
        status = fields["status"]
        if status in CLOSED_STATUSES:
            closed_rows.append(row)
            if status == "done":
                done += 1
                on_time += bool(fields["closed_on_time"])
        else:
            open_rows.append(row)
            overdue += fields["overdue"]
    notes = []
    if overdue:
        notes.append(f"{overdue} open action{'s are' if overdue != 1 else ' is'} overdue.")
    if not data.actions:
        notes.append("No actions on the log yet.")
    previous = data.previous
    if previous:
        held_on = local_date(previous.scheduled_at, zone)
        minutes = f"Approve the minutes of meeting {previous.number}, held on {held_on}."
    else:
        minutes = "This is the council's first meeting: there are no previous minutes to approve."
    return m.ActionsSection(
        **base,
        notes=notes,
        previous_minutes=minutes,
        open_actions=open_rows,
        closed_since_previous=closed_rows,
        on_time_rate=round(on_time / done * 100, 1) if done else None,
        closed_on_time=on_time,
        closed_count=done,
    )
