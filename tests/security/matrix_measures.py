"""Rows of the permission matrix for customer measures (merged by test_permissions.py).

The measure belongs to the Billing department, where every seat of the shared world
sits, and is owned by `owner`: so members may record its readings, and its owner may
change its target. Who may *not* (a member of another department) is in test_measures.py.
"""

from datetime import date

from app.models import Measure, Reading

IN_COUNCIL = {"observer", "member", "owner", "secretary", "chair"}
READING_WRITERS = {"member", "owner", "secretary", "chair"}
CSV = b"measure,period,value,sample_size\nRepeat contacts,2026-02-01,11.5,300\n"

RULES: dict = {
    ("GET", "/api/councils/{council_id}/measures"): {"ok": IN_COUNCIL},
    ("POST", "/api/councils/{council_id}/measures"): {
        "ok": {"chair"},
        "json": {"name": "Net Promoter Score", "kind": "nps", "target": 30},
    },
    ("GET", "/api/measures/{measure_id}"): {"ok": IN_COUNCIL},
    # The owner may change the target and description; the chair anything.
    ("PATCH", "/api/measures/{measure_id}"): {"ok": {"chair", "owner"}, "json": {"target": 9.5}},
    ("DELETE", "/api/measures/{measure_id}"): {"ok": {"chair"}},
    ("GET", "/api/measures/{measure_id}/readings"): {"ok": IN_COUNCIL},
    ("POST", "/api/measures/{measure_id}/readings"): {
        "ok": READING_WRITERS,
        "json": {"period": "2026-02-01", "value": 11.5, "sample_size": 300},
    },
    ("PATCH", "/api/measures/{measure_id}/readings/{period}"): {"ok": READING_WRITERS, "json": {"value": 12}},
    ("DELETE", "/api/measures/{measure_id}/readings/{period}"): {"ok": READING_WRITERS},
    ("POST", "/api/councils/{council_id}/readings/import"): {
        "ok": READING_WRITERS,
        "files": {"file": ("readings.csv", CSV, "text/csv")},
    },
    ("GET", "/api/councils/{council_id}/readings.csv"): {"ok": IN_COUNCIL},
    ("GET", "/api/measures/{measure_id}/chart.svg"): {"ok": IN_COUNCIL},
    ("GET", "/api/measures/{measure_id}/chart.png"): {"ok": IN_COUNCIL},
}


def arrange(session, world) -> dict:
    measure = Measure(
        council_id=world.council.id,
        name="Repeat contacts",
        kind="repeat_contact",
        unit="%",
        direction="lower_is_better",
        target=10,
        owner_id=world.seats["owner"].id,
        scope="department",
        department_id=world.department.id,
    )
    session.add(measure)
    session.flush()
    session.add(Reading(measure_id=measure.id, period=date(2026, 1, 1), value=12.5, sample_size=280))
    # Paths are formatted with these values; the period is a date in the path.
    return {"measure_id": measure.id, "period": "2026-01-01"}
