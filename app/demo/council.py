"""The demo council: a utility whose call centre, engineers and billing share customers.

Built on the story in the domain brief: calls cost about £3 and an engineer visit about
£150, so a better-diagnosed call that saves a repeat visit is cheaper *and* kinder.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, func, select

from app.auth import hash_password
from app.demo.people import DEMO_PASSWORD, DEPARTMENTS, PEOPLE, TIMEZONE
from app.models import (
    Action,
    ActionEvent,
    Answer,
    AobItem,
    Council,
    Department,
    Meeting,
    MeetingResponse,
    Membership,
    Role,
    StandingItem,
    User,
)


def has_data(session: Session) -> bool:
    """Whether any council exists yet."""
    return session.exec(select(func.count()).select_from(Council)).one() > 0


def _at(day: date, hour: int) -> datetime:
    """`hour` o'clock on `day`, or on the next weekday when `day` falls at a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=ZoneInfo(TIMEZONE))


def load_demo(*, session: Session, today: date) -> Council:
    """Create the demo council relative to `today`: two meetings held, one called off, one upcoming."""
    council = Council(
        name="Northern Utilities Customer Experience Council",
        description="One senior person from every department that touches our customers, suppliers included.",
        timezone=TIMEZONE,
    )
    session.add(council)
    session.flush()
    departments = {}
    for name, external, description in DEPARTMENTS:
        department = Department(council_id=council.id, name=name, is_external=external, description=description)
        session.add(department)
        departments[name] = department
    session.flush()

    seats: dict[str, Membership] = {}
    password_hash = hash_password(DEMO_PASSWORD)
    for person in PEOPLE:
        user = session.exec(select(User).where(User.email == person.email)).first()
        if user is None:
            user = User(email=person.email, name=person.name, password_hash=password_hash)
        # The demo chair may start councils of their own (COUNCIL_CREATORS="allowed").
        user.can_create_councils = user.can_create_councils or person.role == Role.chair
        session.add(user)
        session.flush()
        seat = Membership(
            council_id=council.id,
            user_id=user.id,
            role=person.role,
            department_id=departments[person.department].id if person.department else None,
        )
        session.add(seat)
        seats[person.email] = seat
    session.flush()

    first = Meeting(
        council_id=council.id,
        number=1,
        scheduled_at=_at(today - timedelta(days=63), 10),
        location="Board room, Leeds HQ",
        status="held",
        title="Monthly council",
    )
    second = Meeting(
        council_id=council.id,
        number=2,
        scheduled_at=_at(today - timedelta(days=21), 10),
        location="Board room, Leeds HQ",
        status="held",
        title="Monthly council",
    )
    upcoming = Meeting(
        council_id=council.id,
        number=3,
        scheduled_at=_at(today + timedelta(days=14), 10),
        location="Board room, Leeds HQ and Teams",
        title="Monthly council",
    )
    # Called after the quarterly dates were set, then called off: it stays in the history, marked so.
    called_off = Meeting(
        council_id=council.id,
        number=4,
        scheduled_at=_at(today - timedelta(days=42), 14),
        duration_minutes=60,
        location="Teams",
        title="Extraordinary meeting: storm readiness",
        status="cancelled",
        cancel_reason="The operations directors were needed on the network during the storm; "
        "its items went to meeting 2.",
        cancelled_at=_at(today - timedelta(days=43), 9),
    )
    session.add_all([first, second, upcoming, called_off])
    session.flush()

    chair = seats["chair@example.com"]
    actions = [
        (
            "Add a fault-diagnosis checklist to call scripts so engineers arrive with the right parts",
            "callcentre@example.com",
            today - timedelta(days=9),
            "in_progress",
            first,
            "Thin fault reports send engineers out without the right tools; every repeat visit costs about £150.",
        ),
        (
            "Share engineers' 'no access' and 'wrong part' reasons with the call centre every week",
            "field@example.com",
            today - timedelta(days=30),
            "done",
            first,
            "",
        ),
        (
            "Explain estimated bills in plain English on the first bill after a move",
            "billing@example.com",
            today + timedelta(days=20),
            "open",
            second,
            "",
        ),
        (
            "Show the engineer's arrival window in the app and by SMS",
            "digital@example.com",
            today + timedelta(days=5),
            "blocked",
            second,
            "Waiting for the scheduling system to expose arrival windows.",
        ),
        (
            "Measure supplier agents on first-contact resolution, not average call time",
            "supplier@example.com",
            today - timedelta(days=4),
            "open",
            second,
            "",
        ),
        (
            "Map the 'no supply' journey end to end with every department in the room",
            "chair@example.com",
            today - timedelta(days=40),
            "done",
            first,
            "",
        ),
        (
            "Report repeat-visit rate by root cause for the next council",
            "field@example.com",
            today + timedelta(days=10),
            "open",
            second,
            "",
        ),
    ]
    for title, email, due_on, status, meeting, description in actions:
        owner = seats[email]
        raised_at = meeting.scheduled_at
        action = Action(
            council_id=council.id,
            title=title,
            description=description,
            owner_id=owner.id,
            department_id=owner.department_id,
            due_on=due_on,
            status=status,
            raised_at_meeting_id=meeting.id,
            created_at=raised_at,
            updated_at=raised_at,
            version=1 if status == "open" else 2,
            percent_complete={"done": 100, "in_progress": 40, "blocked": 20}.get(status, 0),
            closed_at=raised_at + timedelta(days=14) if status == "done" else None,
        )
        session.add(action)
        session.flush()
        session.add(
            ActionEvent(
                action_id=action.id, user_id=chair.user_id, created_at=raised_at, changes={"created": [None, title]}
            )
        )
        if status != "open":
            owner_user_id = owner.user_id
            session.add(
                ActionEvent(
                    action_id=action.id,
                    user_id=owner_user_id,
                    created_at=raised_at + timedelta(days=14),
                    changes={"status": ["open", status]},
                    note={
                        "done": "Completed and reported back.",
                        "blocked": description,
                        "in_progress": "Draft checklist being trialled with one team.",
                    }[status],
                )
            )
    session.flush()

    # The customer data the agenda is built from: journeys, measures, initiatives,
    # reports and research (imported here, not at the top: each domain owns its story).
    from app.demo.actions import load_between_meetings_demo, load_due_request_demo
    from app.demo.feedback import load_feedback_demo
    from app.demo.initiatives import load_initiatives_demo
    from app.demo.journeys import link_research_demo, load_journeys_demo
    from app.demo.loop import load_loop_demo
    from app.demo.measures import load_measures_demo

    context = {"session": session, "council": council, "seats": seats, "departments": departments, "today": today}
    journeys = load_journeys_demo(**context)
    measures = load_measures_demo(**context)
    load_initiatives_demo(**context, meetings=[first, second, upcoming], measures=measures)
    # The research and the root cause point at measures and initiatives that exist only now.
    link_research_demo(session=session, council=council, loaded=journeys)
    load_feedback_demo(session=session, council=council, departments=departments, today=today)
    load_loop_demo(**context, measures=measures, root_cause=journeys["root_causes"]["parts"])
    load_between_meetings_demo(session=session, council=council, seats=seats, today=today)
    load_due_request_demo(session=session, council=council, seats=seats, today=today)
    load_agenda_template_demo(session=session, council=council, seats=seats, held=second, upcoming=upcoming)
    from app.demo.minutes import load_minutes_demo

    load_minutes_demo(session=session, council=council, seats=seats, held=second, today=today)
    session.add(
        AobItem(
            meeting_id=upcoming.id,
            submitted_by_id=seats["field@example.com"].id,
            title="Winter storm readiness",
            details="Extra engineers are on standby from December; the call centre needs the storm script refreshed.",
        )
    )
    # Members' answers to the next meeting's invitation: the agenda's forecast and the home pages show
    # them; Call Centre and Billing have not answered yet, so their home pages ask.
    answers = [
        ("chair@example.com", Answer.attending, "", ""),
        ("secretary@example.com", Answer.attending, "", ""),
        ("field@example.com", Answer.attending, "", ""),
        ("digital@example.com", Answer.apologies, "At the app-store review; Digital's report is submitted.", ""),
        ("supplier@example.com", Answer.delegate, "", "Jo Evans (ContactPlus team lead)"),
    ]
    for email, answer, reason, delegate in answers:
        session.add(
            MeetingResponse(
                meeting_id=upcoming.id,
                membership_id=seats[email].id,
                answer=answer,
                reason=reason,
                delegate_name=delegate,
                answered_by_id=seats[email].user_id,
            )
        )
    session.flush()
    from app.demo.series import load_series_demo

    load_series_demo(session=session, council=council, upcoming=upcoming, today=today)
    from app.demo.outbox import load_outbox_demo

    load_outbox_demo(session=session, council=council, seats=seats, today=today)
    from app.demo.notifications import load_notifications_demo

    load_notifications_demo(session=session, council=council, seats=seats)
    from app.demo.papers import load_papers_demo

    load_papers_demo(session=session, council=council, seats=seats, upcoming=upcoming)
    return council


def load_agenda_template_demo(
    *, session: Session, council: Council, seats: dict[str, Membership], held: Meeting, upcoming: Meeting
) -> None:
    """A standing item of the council's own on every agenda, and an AOB item meeting 2 ran out of time for,
    carried to the upcoming meeting."""
    session.add(
        StandingItem(
            council_id=council.id,
            title="Journey owner spotlight",
            details="One journey owner walks the council through their journey: what customers said, "
            "what changed, what is stuck.",
            owner_id=seats["callcentre@example.com"].id,
            minutes=10,
        )
    )
    unfinished = AobItem(
        meeting_id=held.id,
        submitted_by_id=seats["billing@example.com"].id,
        title="Smart meter exchange backlog",
        details="Customers wait up to six weeks for a faulty smart meter to be exchanged.",
        outcome="Not reached: carried to the next meeting.",
    )
    session.add(unfinished)
    session.flush()
    session.add(
        AobItem(
            meeting_id=upcoming.id,
            submitted_by_id=unfinished.submitted_by_id,
            title=unfinished.title,
            details=unfinished.details,
            carried_from_id=unfinished.id,
        )
    )
    session.flush()
