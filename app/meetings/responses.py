"""Members' answers to a meeting's invitation: attending, apologies with a reason, or a delegate.

What a member said beforehand (meeting_responses) is kept apart from what the secretary
records at the meeting (attendance): the agenda's "who is coming" and its quorum forecast
read the answers; the minutes' attendance starts from them and is the secretary's to
correct. Answers close when the meeting starts; a cancelled meeting takes none.
"""

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.auth import Access
from app.errors import Conflict, Invalid, NotFound
from app.meetings.forecast import Forecast
from app.meetings.quorum import QuorumSeat, count_quorum, plural
from app.meetings.responses_schemas import ResponseIn, ResponsePublic
from app.meetings.state import has_started
from app.models import (
    Answer,
    Attendance,
    Council,
    Department,
    Meeting,
    MeetingResponse,
    MeetingStatus,
    Membership,
    Minutes,
    Role,
    User,
    utcnow,
)

# What an answer says in a calendar (iCalendar PARTSTAT, RFC 5545 3.2.12).
PARTSTAT = {Answer.attending: "ACCEPTED", Answer.apologies: "DECLINED", Answer.delegate: "DELEGATED"}
NO_ANSWER_PARTSTAT = "NEEDS-ACTION"
# What an answer becomes in the minutes' attendance until the secretary records otherwise.
ATTENDANCE_STATUS = {Answer.attending: "present", Answer.apologies: "apologies", Answer.delegate: "delegate"}


@dataclass(frozen=True)
class SeatRow:
    membership: Membership
    name: str
    department: str | None


def _seats(session: Session, council_id: int) -> list[SeatRow]:
    rows = session.exec(
        select(Membership, User.name, Department.name)
        .join(User, col(User.id) == Membership.user_id)
        .outerjoin(Department, col(Department.id) == Membership.department_id)
        .where(Membership.council_id == council_id)
        .order_by(col(User.name), col(Membership.id))
    )
    return [SeatRow(membership=m, name=name, department=department) for m, name, department in rows]


def delegate_choices(*, session: Session, council_id: int, me: int) -> list[tuple[int, str]]:
    """The other seats on the council (id, "Name — Department"), for "send a delegate" forms.

    The seats in _seats' order, read as (id, name, department) rows: the form needs no whole seat."""
    rows = session.exec(
        select(Membership.id, User.name, Department.name)
        .join(User, col(User.id) == Membership.user_id)
        .outerjoin(Department, col(Department.id) == Membership.department_id)
        .where(Membership.council_id == council_id)
        .order_by(col(User.name), col(Membership.id))
    )
    return [
        (seat_id, f"{name} — {department}" if department else name)
        for seat_id, name, department in rows
        if seat_id != me
    ]


def load_responses(*, session: Session, meeting: Meeting) -> dict[int, MeetingResponse]:
    """The meeting's answers by seat (membership id)."""
    rows = session.exec(select(MeetingResponse).where(MeetingResponse.meeting_id == meeting.id))
    return {r.membership_id: r for r in rows}


def check_answers_open(*, session: Session, meeting: Meeting) -> None:
    """Refuse (409) once the meeting has started, is held or cancelled, or is being minuted."""
    if meeting.status == MeetingStatus.cancelled:
        raise Conflict("This meeting is cancelled; it takes no answers.")
    if session.get(Minutes, meeting.id) is not None:
        raise Conflict("The secretary is minuting this meeting now; ask them to record this in the minutes.")
    if meeting.status == MeetingStatus.held or has_started(meeting):
        raise Conflict(
            "Answers closed when this meeting started; tell the secretary, who records attendance in the minutes."
        )


def answers_open(*, session: Session, meeting: Meeting) -> bool:
    """Whether the meeting still takes answers (the pages show the buttons only then)."""
    try:
        check_answers_open(session=session, meeting=meeting)
    except Conflict:
        return False
    return True


def _seat_for(session: Session, access: Access, membership_id: int) -> Membership:
    if membership_id == access.membership.id:
        return access.membership
    seat = session.get(Membership, membership_id)
    if seat is None or seat.council_id != access.council.id:
        raise NotFound("Seat not found on this council.")
    access.require(Role.chair, Role.secretary, doing="record an answer for another seat")
    return seat


def _delegate_name(session: Session, access: Access, seat: Membership, response_in: ResponseIn) -> str:
    if response_in.delegate_membership_id is None:
        if not response_in.delegate_name.strip():
            raise Invalid("Name the person who will attend in your place.", field="delegate_name")
        return response_in.delegate_name.strip()
    delegate = session.get(Membership, response_in.delegate_membership_id)
    if delegate is None or delegate.council_id != access.council.id:
        raise Invalid("The delegate's seat is not on this council.", field="delegate_membership_id")
    if delegate.id == seat.id:
        raise Invalid("A seat cannot be its own delegate.", field="delegate_membership_id")
    return response_in.delegate_name.strip() or session.get(User, delegate.user_id).name


def save_answer(
    *, session: Session, access: Access, meeting: Meeting, membership_id: int, response_in: ResponseIn
) -> MeetingResponse:
    """Record a seat's answer (its holder, or the chair/secretary for them); a new answer replaces the last."""
    seat = _seat_for(session, access, membership_id)
    check_answers_open(session=session, meeting=meeting)
    if response_in.answer == Answer.apologies and not response_in.reason.strip():
        raise Invalid("Give a reason with your apologies: the chair reads it out.", field="reason")
    return _store(session, access, meeting, seat, response_in)


def _store(
    session: Session, access: Access, meeting: Meeting, seat: Membership, response_in: ResponseIn
) -> MeetingResponse:
    delegate_name = _delegate_name(session, access, seat, response_in) if response_in.answer == Answer.delegate else ""
    row = load_responses(session=session, meeting=meeting).get(seat.id) or MeetingResponse(
        meeting_id=meeting.id, membership_id=seat.id, answer=response_in.answer
    )
    row.answer = response_in.answer
    row.reason = "" if response_in.answer == Answer.attending else response_in.reason.strip()
    row.delegate_name = delegate_name
    row.delegate_membership_id = response_in.delegate_membership_id if response_in.answer == Answer.delegate else None
    row.answered_by_id = access.user.id
    row.answered_at = utcnow()
    session.add(row)
    session.flush()
    return row


def withdraw_answer(*, session: Session, access: Access, meeting: Meeting, membership_id: int) -> None:
    """Take a seat's answer back: it has not answered again."""
    seat = _seat_for(session, access, membership_id)
    check_answers_open(session=session, meeting=meeting)
    row = load_responses(session=session, meeting=meeting).get(seat.id)
    if row is not None:
        session.delete(row)
        session.flush()


def send_apologies(*, session: Session, access: Access, meeting: Meeting, note: str) -> MeetingResponse:
    """The older apologies route: apologies for my seat, the note (optional there) as the reason."""
    check_answers_open(session=session, meeting=meeting)
    return _store(session, access, meeting, access.membership, ResponseIn(answer=Answer.apologies, reason=note))


def withdraw_apologies(*, session: Session, access: Access, meeting: Meeting) -> None:
    """The older apologies route: withdraw my apologies (any other answer stays)."""
    check_answers_open(session=session, meeting=meeting)
    row = load_responses(session=session, meeting=meeting).get(access.membership.id)
    if row is not None and row.answer == Answer.apologies:
        session.delete(row)
        session.flush()


def response_public(seat: SeatRow, row: MeetingResponse | None, names: dict[int, str]) -> ResponsePublic:
    return ResponsePublic(
        membership_id=seat.membership.id,
        name=seat.name,
        role=seat.membership.role,
        department=seat.department,
        answer=row.answer if row else None,
        reason=row.reason if row else "",
        delegate_name=row.delegate_name if row else "",
        delegate_membership_id=row.delegate_membership_id if row else None,
        answered_at=row.answered_at if row else None,
        answered_by=names.get(row.answered_by_id) if row and row.answered_by_id else None,
    )


def list_responses(*, session: Session, meeting: Meeting) -> list[ResponsePublic]:
    """Every seat on the council with its answer (null when it has not answered), by name."""
    seats = _seats(session, meeting.council_id)
    rows = load_responses(session=session, meeting=meeting)
    by_ids = {r.answered_by_id for r in rows.values() if r.answered_by_id}
    names = {uid: name for uid, name in session.exec(select(User.id, User.name).where(col(User.id).in_(by_ids)))}
    return [response_public(s, rows.get(s.membership.id), names) for s in seats]


def forecast(council: Council, seats: list[tuple[str, int | None, str | None]]) -> Forecast:
    """The council's quorum rule on the answers so far. `seats` are (role, department id, answer or None);
    a seat that has not answered counts as expected, as the agenda lists it."""
    status = {Answer.attending: "present", Answer.delegate: "delegate", Answer.apologies: "apologies", None: "present"}
    c = count_quorum(
        [QuorumSeat(role=role, department_id=dept, status=status[answer]) for role, dept, answer in seats],
        quorum_members=council.quorum_members,
        quorum_departments=council.quorum_departments,
    )
    voting = [answer for role, _, answer in seats if role in (Role.chair, Role.secretary, Role.member)]
    not_answered = sum(1 for a in voting if a is None)
    by_delegate = f" ({c.delegates} by delegate)" if c.delegates else ""
    statement = (
        f"On the answers so far, {c.present} of {plural(c.voting, 'seat')} expected{by_delegate}, "
        f"quorum ({c.required_members}) {'met' if c.met else 'not met'}"
    )
    if c.required_departments:
        statement += (
            f"; {plural(c.departments_represented, 'department')} represented ({c.required_departments} required)"
        )
    statement += "."
    if not_answered:
        statement += f" {plural(not_answered, 'seat')} not answered yet."
    return Forecast(
        seats=c.voting,
        expected=c.present,
        apologies=sum(1 for a in voting if a == Answer.apologies),
        delegates=c.delegates,
        not_answered=not_answered,
        required_members=c.required_members,
        departments_represented=c.departments_represented,
        required_departments=c.required_departments,
        met=c.met,
        statement=statement,
    )


def meeting_forecast(*, session: Session, council: Council, meeting: Meeting) -> Forecast:
    """The quorum forecast for `meeting` from the answers stored now."""
    rows = load_responses(session=session, meeting=meeting)
    seats = session.exec(select(Membership).where(Membership.council_id == council.id))
    return forecast(
        council,
        [(s.role, s.department_id, rows[s.id].answer if s.id in rows else None) for s in seats],
    )


def partstats(session: Session, meeting: Meeting) -> dict[int, str]:
    """Each seat's answer as an iCalendar PARTSTAT (membership id → ACCEPTED/DECLINED/DELEGATED/NEEDS-ACTION)."""
    rows = load_responses(session=session, meeting=meeting)
    seats = session.exec(select(Membership.id).where(Membership.council_id == meeting.council_id))
    return {sid: PARTSTAT[Answer(rows[sid].answer)] if sid in rows else NO_ANSWER_PARTSTAT for sid in seats}


def answers_as_attendance(*, session: Session, meeting: Meeting) -> list[Attendance]:
    """The answers as attendance the secretary has not recorded yet (new rows, not added to the session)."""
    return [
        Attendance(
            meeting_id=meeting.id,
            membership_id=r.membership_id,
            status=ATTENDANCE_STATUS[Answer(r.answer)],
            delegate_name=r.delegate_name,
            note=r.reason,
        )
        for r in load_responses(session=session, meeting=meeting).values()
    ]


def seed_attendance(*, session: Session, meeting: Meeting) -> None:
    """When the minutes begin, their attendance starts from the answers (seats already recorded keep theirs)."""
    recorded = set(session.exec(select(Attendance.membership_id).where(Attendance.meeting_id == meeting.id)))
    for row in answers_as_attendance(session=session, meeting=meeting):
        if row.membership_id not in recorded:
            session.add(row)
    session.flush()
