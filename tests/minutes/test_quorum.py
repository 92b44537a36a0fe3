"""quorum() on plain seats, each case worked out by hand."""

from app.minutes.build import QuorumSeat, quorum


def seats(*specs: tuple[str, int | None, str | None]) -> list[QuorumSeat]:
    return [QuorumSeat(role=role, department_id=department, status=status) for role, department, status in specs]


def members(n: int, status: str | None, department: int | None = None) -> list[tuple]:
    return [("member", department, status)] * n


def test_default_more_than_half_of_voting_seats_delegates_count_observers_do_not():
    # 9 voting seats: chair, secretary, 7 members. Present: chair, secretary, 3 members and
    # one by delegate = 6. More than half of 9 is 5. The two observers are there but do not count.
    result = quorum(
        seats(
            ("chair", None, "present"),
            ("secretary", None, "present"),
            *members(3, "present"),
            ("member", None, "delegate"),
            *members(2, "apologies"),
            ("member", None, "absent"),
            ("observer", None, "present"),
            ("observer", None, "present"),
        )
    )
    assert (result.met, result.present, result.required_members) == (True, 6, 5)
    assert result.required_departments == 0
    assert result.statement == "Quorate: 6 of 9 members present, 1 by delegate (5 required)."


def test_exactly_half_is_not_more_than_half():
    # 8 voting seats, 4 present: more than half of 8 is 5.
    result = quorum(seats(("chair", None, "present"), *members(3, "present"), *members(4, "absent")))
    assert (result.met, result.present, result.required_members) == (False, 4, 5)
    assert result.statement == "Not quorate: 4 of 8 members present (5 required)."


def test_observers_present_do_not_make_a_quorum():
    # 2 voting seats, 1 present: 2 required. Five observers in the room change nothing.
    result = quorum(seats(("chair", None, "present"), ("member", None, "absent"), *[("observer", None, "present")] * 5))
    assert (result.met, result.present, result.required_members) == (False, 1, 2)


def test_the_councils_own_member_minimum_replaces_the_default():
    # 10 voting seats, a council minimum of 3: 3 present is enough, though not half.
    specs = seats(("chair", None, "present"), *members(2, "present"), *members(7, "apologies"))
    result = quorum(specs, quorum_members=3)
    assert (result.met, result.present, result.required_members) == (True, 3, 3)
    assert result.statement == "Quorate: 3 of 10 members present (3 required)."
    assert not quorum(specs, quorum_members=4).met


def test_departments_represented_by_present_or_delegated_seats():
    # Present: two from department 1, a delegate for department 2, the chair with no
    # department; department 3's member is absent. Represented: 1 and 2 = 2 of 3 required.
    specs = seats(
        ("chair", None, "present"),
        ("member", 1, "present"),
        ("member", 1, "present"),
        ("member", 2, "delegate"),
        ("member", 3, "absent"),
    )
    result = quorum(specs, quorum_departments=3)
    # Members alone would do: 4 of 5 present, 3 required.
    assert (result.present, result.required_members) == (4, 3)
    assert (result.met, result.departments_represented, result.required_departments) == (False, 2, 3)
    assert result.statement == (
        "Not quorate: 4 of 5 members present, 1 by delegate (3 required); 2 departments represented (3 required)."
    )
    met = quorum(specs, quorum_departments=2)
    assert (
        met.met and met.statement.startswith("Quorate: ") and "2 departments represented (2 required)" in met.statement
    )


def test_an_observer_does_not_represent_a_department():
    specs = seats(("chair", 1, "present"), ("observer", 2, "present"))
    assert quorum(specs, quorum_departments=2).departments_represented == 1


def test_a_department_minimum_of_zero_is_no_minimum():
    result = quorum(seats(("chair", None, "present")), quorum_departments=0)
    assert result.met and result.required_departments == 0
    assert result.statement == "Quorate: 1 of 1 member present (1 required)."


def test_seats_not_yet_recorded_are_not_present_and_are_named():
    # 4 voting seats: 2 present, 2 with nothing recorded yet; 3 required.
    result = quorum(seats(*members(2, "present"), *members(2, None)))
    assert (result.met, result.present, result.required_members) == (False, 2, 3)
    assert (
        result.statement
        == "Not quorate: 2 of 4 members present (3 required). Attendance not yet recorded for 2 members."
    )


def test_a_council_with_no_voting_seats_is_never_quorate():
    result = quorum([])
    assert (result.met, result.present, result.required_members) == (False, 0, 1)
    assert result.statement == "Not quorate: 0 of 0 members present (1 required)."
