"""The action lists read plain columns (app/actions/service.py _publics) and the member lists too
(app/councils/service.py list_members): each equals what whole ORM objects gave, row for row."""

from datetime import date, timedelta

from sqlmodel import col

from app.actions import service
from app.common import today_in
from app.councils.service import list_members
from app.meetings.responses import _seats, delegate_choices
from app.models import Action, Membership, Role
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership


def arrange(session):
    council = make_council(session)
    department = make_department(session, council=council)
    owner = make_membership(session, council=council, department=department)
    other = make_membership(session, council=council, role=Role.observer)
    meeting = make_meeting(session, council=council)
    make_action(session, council=council, owner=owner, raised_at=meeting, due_on=date.today() - timedelta(days=3))
    make_action(session, council=council, owner=owner, status="done", description="Closed, with a description")
    make_action(session, council=council, owner=other)
    return council, owner


def test_the_action_rows_equal_those_built_from_whole_actions(session):
    council, _ = arrange(session)
    query = service._public_query().where(Action.council_id == council.id).order_by(col(Action.id))
    whole = [service._public(row, today=today_in(row[4])) for row in session.exec(query)]
    assert len(whole) == 3
    assert service._publics(session, query) == whole
    assert [a.model_dump() for a in service._publics(session, query)] == [a.model_dump() for a in whole]


def test_an_edited_action_shows_in_the_next_rows(session):
    council, owner = arrange(session)
    query = service._public_query().where(Action.owner_id == owner.id).order_by(col(Action.id))
    first = session.exec(query).first()[0]
    first.title = "Renamed"
    session.add(first)
    session.commit()
    assert service._publics(session, query)[0].title == "Renamed"


def test_member_rows_and_delegate_choices_equal_those_from_whole_seats(session):
    council, owner = arrange(session)
    members = list_members(session=session, council=council)
    assert len(members) == 2
    seats = {s.membership.id: s for s in _seats(session, council.id)}
    assert [m.id for m in members] == list(seats)
    for member in members:
        seat = session.get(Membership, member.id)
        assert (member.role, member.department_id, member.name) == (seat.role, seat.department_id, seats[seat.id].name)
        assert member.department_name == seats[seat.id].department
    expected = [
        (s.membership.id, f"{s.name} — {s.department}" if s.department else s.name)
        for s in seats.values()
        if s.membership.id != owner.id
    ]
    assert delegate_choices(session=session, council_id=council.id, me=owner.id) == expected
