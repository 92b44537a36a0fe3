"""The demo council's cast: its departments, its people and the one clock the stories share.

Every story in app/demo reads these; app/demo/council.py, which tells the stories in
order, imports them all, so they live below it rather than in it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from app.models import Role

DEMO_PASSWORD = "demo-password"
TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role
    department: str | None


CALL, FIELD, BILLING, DIGITAL = "Call Centre", "Field Engineering", "Billing", "Digital"
SUPPLIER = "ContactPlus (outsourced contact centre)"
DEPARTMENTS = [
    (CALL, False, "Inbound calls about supply faults, moves and billing."),
    (FIELD, False, "Engineers who visit homes to diagnose and repair faults."),
    (BILLING, False, "Meter reads, bills, payment plans."),
    (DIGITAL, False, "Website, app and SMS updates."),
    (SUPPLIER, True, "Overflow and evening calls, run by our supplier."),
]

PEOPLE = [
    DemoPerson("chair@example.com", "Helen Carter", Role.chair, None),
    DemoPerson("secretary@example.com", "Sam Patel", Role.secretary, None),
    DemoPerson("callcentre@example.com", "Priya Shah", Role.member, "Call Centre"),
    DemoPerson("field@example.com", "Tom Hughes", Role.member, "Field Engineering"),
    DemoPerson("billing@example.com", "Aisha Rahman", Role.member, "Billing"),
    DemoPerson("digital@example.com", "Ben Lewis", Role.member, "Digital"),
    DemoPerson("supplier@example.com", "Marta Kowalski", Role.member, "ContactPlus (outsourced contact centre)"),
]


def noon(day: date) -> datetime:
    """Noon UTC on `day`: when the demo's records without a meeting time were written."""
    return datetime.combine(day, time(12), tzinfo=UTC)
