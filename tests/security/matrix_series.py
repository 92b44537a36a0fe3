"""Permission-matrix rows for the council's cadence (see test_permissions.py)."""

from datetime import date, time

from app.models import MeetingSeries

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
BODY = {"rule": "FREQ=MONTHLY;BYDAY=2TU", "starts_on": "2031-01-01", "start_time": "10:00"}

RULES: dict = {
    # Everyone on the council sees how it meets; only the chair, who schedules meetings, changes it.
    ("GET", "/api/councils/{council_id}/series"): {"ok": IN_COUNCIL},
    ("PUT", "/api/councils/{council_id}/series"): {"ok": {"chair"}, "json": BODY},
    ("POST", "/api/councils/{council_id}/series/preview"): {"ok": IN_COUNCIL, "json": BODY},
}


def arrange(session, world) -> dict[str, int]:
    series = MeetingSeries(
        council_id=world.council.id, rule="FREQ=MONTHLY;BYDAY=1TU", starts_on=date(2031, 1, 1), start_time=time(10)
    )
    session.add(series)
    session.flush()
    return {"series_id": series.id}
