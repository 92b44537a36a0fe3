"""The agenda's header: the meeting, when and where, who is expected, who sent apologies or a delegate,
and the quorum forecast on the members' answers."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from app.agendas import model as m
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

    def answered(seat, answer: Answer) -> bool:
        return seat.id in answers and answers[seat.id].answer == answer

    def person(seat) -> m.Person:
        department = departments.get(seat.department_id)
        return m.Person(
            membership_id=seat.id,
            name=seat.name,
            role=seat.role,
            department=department.name if department else None,
            is_external=bool(department and department.is_external),
            note=answers[seat.id].reason if seat.id in answers else "",
            delegate_name=answers[seat.id].delegate_name if seat.id in answers else "",
        )

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
        expected_attendees=[
            person(s) for s in data.seats if not answered(s, Answer.apologies) and not answered(s, Answer.delegate)
        ],
        apologies=[person(s) for s in data.seats if answered(s, Answer.apologies)],
        delegates=[person(s) for s in data.seats if answered(s, Answer.delegate)],
        forecast=forecast(
            council, [(s.role, s.department_id, answers[s.id].answer if s.id in answers else None) for s in data.seats]
        ),
        previous_meeting=m.MeetingRef(
            id=previous.id, number=previous.number, date=previous.scheduled_at.astimezone(zone).date()
        )
        if previous
        else None,
    )
