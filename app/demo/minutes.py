"""The demo's minutes: meeting 2's draft, circulated yesterday, in its correction round.

Attendance is recorded, the secretary's notes are under three items, one decision is
recorded; Aisha (Billing) proposed a correction the secretary accepted and wrote into the
notes, and Tom (Field Engineering) proposed one that waits for the secretary's decision, so
the minutes page shows the round as a council sees it, and the chair's approval waits.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app.demo.people import TIMEZONE
from app.minutes.window import window_close
from app.models import (
    Attendance,
    CorrectionStatus,
    Council,
    Decision,
    Meeting,
    Membership,
    Minutes,
    MinutesCorrection,
    MinutesEvent,
    MinutesItem,
    MinutesStatus,
)

NOTES = {
    2: "Net promoter score rose two points to +18; complaints about estimated bills fell for the second month.",
    3: "Field Engineering reported repeat visits down 6% since the fault-diagnosis checklist was trialled.",
    # Typed with "- " bullets: the page shows them as a list, as the Word minutes do.
    5: (
        "The council reviewed the arrival-window pilot: customers who got an SMS window called 30% less.\n\n"
        "- Digital to show the window in the app as well as by SMS\n"
        "- Field Engineering to report missed windows each month"
    ),
}
ACCEPTED = (
    "Net promoter score rose two points to +18; complaints about estimated bills fell for the third month running."
)
PENDING = (
    "Field Engineering reported repeat visits down 8% since the fault-diagnosis checklist was trialled with two teams."
)


def load_minutes_demo(
    *, session: Session, council: Council, seats: dict[str, Membership], held: Meeting, today: date
) -> None:
    zone = ZoneInfo(TIMEZONE)
    secretary = seats["secretary@example.com"]
    billing, field = seats["billing@example.com"], seats["field@example.com"]
    meeting_end = held.scheduled_at + timedelta(hours=2)
    circulated = datetime.combine(today - timedelta(days=1), time(16, 0), tzinfo=zone).astimezone(UTC)
    for email, seat in seats.items():
        status = "apologies" if email == "digital@example.com" else "present"
        session.add(Attendance(meeting_id=held.id, membership_id=seat.id, status=status, updated_at=meeting_end))
    for number, notes in NOTES.items():
        session.add(
            MinutesItem(
                meeting_id=held.id,
                number=number,
                notes=ACCEPTED if number == 2 else notes,
                updated_by_id=secretary.user_id,
                updated_at=meeting_end,
            )
        )
    session.add(
        Decision(
            meeting_id=held.id,
            number=1,
            item_number=5,
            text="Extend the SMS arrival-window pilot to every region from next month.",
            created_by_id=secretary.user_id,
            created_at=meeting_end,
        )
    )
    session.add(
        Minutes(
            meeting_id=held.id,
            status=MinutesStatus.circulated,
            circulated_at=circulated,
            corrections_close_at=window_close(circulated, council.correction_window_days, council.timezone),
            taken_by_id=secretary.user_id,
            created_at=meeting_end,
            updated_at=circulated + timedelta(hours=20),
        )
    )
    proposed_at = circulated + timedelta(hours=17)
    accepted = MinutesCorrection(
        meeting_id=held.id,
        item_number=2,
        proposed_by_id=billing.user_id,
        text=ACCEPTED,
        reason="Estimated-bill complaints have fallen for three months, not two: see Billing's report.",
        item_version=1,
        status=CorrectionStatus.accepted,
        decided_by_id=secretary.user_id,
        decided_at=proposed_at + timedelta(hours=2),
        decision_note="Checked against Billing's report: three months it is.",
        applied=True,
        created_at=proposed_at,
    )
    pending = MinutesCorrection(
        meeting_id=held.id,
        item_number=3,
        proposed_by_id=field.user_id,
        text=PENDING,
        reason="The figure on the day was 8%, and the trial ran with two teams, not one.",
        item_version=1,
        created_at=proposed_at + timedelta(hours=1),
    )
    session.add_all([accepted, pending])
    session.flush()
    session.add_all(
        [
            MinutesEvent(meeting_id=held.id, user_id=secretary.user_id, at=circulated, kind="circulated", detail={}),
            MinutesEvent(
                meeting_id=held.id,
                user_id=billing.user_id,
                at=proposed_at,
                kind="correction_proposed",
                detail={"correction_id": accepted.id, "item_number": 2},
            ),
            MinutesEvent(
                meeting_id=held.id,
                user_id=field.user_id,
                at=pending.created_at,
                kind="correction_proposed",
                detail={"correction_id": pending.id, "item_number": 3},
            ),
            MinutesEvent(
                meeting_id=held.id,
                user_id=secretary.user_id,
                at=accepted.decided_at,
                kind="correction_accepted",
                detail={"correction_id": accepted.id, "item_number": 2, "applied": True},
            ),
        ]
    )
    session.flush()
