"""The agenda's header: the meeting, when and where, who is expected and who sent apologies."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from app.agendas import model as m
from app.agendas.data import AgendaData


def build_header(data: AgendaData, zone: ZoneInfo) -> m.Header:
    """The meeting's header, its times in the council's zone."""
    meeting, council = data.meeting, data.council
    start = meeting.scheduled_at.astimezone(zone)
    end = start + timedelta(minutes=meeting.duration_minutes)
    departments = {d.id: d for d in data.departments}
    apologies = {a.membership_id: a for a in data.attendance if a.status == "apologies"}

    def person(seat) -> m.Person:
        department = departments.get(seat.department_id)
        return m.Person(
            membership_id=seat.id,
            name=seat.name,
            role=seat.role,
            department=department.name if department else None,
            is_external=bool(department and department.is_external),
            note=apologies[seat.id].note if seat.id in apologies else "",
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
        expected_attendees=[person(s) for s in data.seats if s.id not in apologies],
        apologies=[person(s) for s in data.seats if s.id in apologies],
        previous_meeting=m.MeetingRef(
            id=previous.id, number=previous.number, date=previous.scheduled_at.astimezone(zone).date()
        )
        if previous
        else None,
    )
