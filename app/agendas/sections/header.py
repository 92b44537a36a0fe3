"""The agenda's header: the meeting, when and where, who is expected, who sent apologies or a delegate,
and the quorum forecast on the members' answers."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from app.agendas import model as m
from app.agendas.built import built
from app.agendas.data import AgendaData
from app.meetings.responses import forecast
from app.models import Answer


def build_header(data: AgendaData, zone: ZoneInfo) -> m.Header:
    """The meeting's header, its times in the council's zone."""
    meeting, council = data.meeting, data.council
    start = meeting.scheduled_at.astimezone(zone)
    end = start + timedelta(minutes=meeting.duration_minutes)
    departments = {d.id: d for d in data.departments}
    answers = {r.membership_id: r for r in data.responses}
    # One pass over the seats: each seat's answer looked up once, its person made once and listed
    # where the answer puts it (a seat answers one way at most).
    expected, apologies, delegates, quorum_seats = [], [], [], []
    for seat in data.seats:
        response = answers.get(seat.id)
        answer = response.answer if response is not None else None
        department = departments.get(seat.department_id)
        # Made, not validated again: every value is of its field's type (the role as the str it validates to).
        person = built(
            m.Person,
            {
                "membership_id": seat.id,
                "name": seat.name,
                "role": str(seat.role),
                "department": department.name if department else None,
                "is_external": bool(department and department.is_external),
                "note": response.reason if response is not None else "",
                "delegate_name": response.delegate_name if response is not None else "",
            },
        )
        if answer == Answer.apologies:
            apologies.append(person)
        elif answer == Answer.delegate:
            delegates.append(person)
        else:
            expected.append(person)
        quorum_seats.append((seat.role, seat.department_id, answer))

    previous = data.previous
    return m.Header(
        council_id=council.id,
        council_name=council.name,
        meeting_id=meeting.id,
        number=meeting.number,
        title=meeting.title or f"Meeting {meeting.number}",
        scheduled_at=meeting.scheduled_at,
        timezone=council.timezone,
        date=start.date(),
        start_time=start.strftime("%H:%M"),
        end_time=end.strftime("%H:%M"),
        duration_minutes=meeting.duration_minutes,
        location=meeting.location,
        expected_attendees=expected,
        apologies=apologies,
        delegates=delegates,
        forecast=forecast(council, quorum_seats),
        previous_meeting=m.MeetingRef(
            id=previous.id, number=previous.number, date=previous.scheduled_at.astimezone(zone).date()
        )
        if previous
        else None,
    )
