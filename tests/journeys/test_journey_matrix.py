"""The journey matrix on plain objects, with hand-checked gaps, overlaps and handoffs."""

import pytest

from app.journeys.matrix import (
    DepartmentRef,
    Gap,
    Handoff,
    MatrixDepartment,
    MatrixStep,
    Overlap,
    StepRef,
    gaps_and_overlaps,
    journey_matrix,
)

CALLS = MatrixDepartment(1, "Call Centre")
FIELD = MatrixDepartment(2, "Field Engineering")
BILLING = MatrixDepartment(3, "Billing")
SUPPLIER = MatrixDepartment(4, "ContactPlus", is_external=True)
ALL = [BILLING, CALLS, FIELD, SUPPLIER]  # deliberately not in journey order


def step(id_: int, position: int, name: str = "", channel: str = "", **roles: str) -> MatrixStep:
    """A step; roles by keyword: calls="owns", field="contributes" …"""
    ids = {"calls": CALLS.id, "field": FIELD.id, "billing": BILLING.id, "supplier": SUPPLIER.id}
    return MatrixStep(id_, position, name or f"Step {position}", channel, {ids[k]: v for k, v in roles.items()})


def ref(d: MatrixDepartment) -> DepartmentRef:
    return DepartmentRef(d.id, d.name)


def sref(s: MatrixStep) -> StepRef:
    return StepRef(s.id, s.position, s.name)


def test_no_steps_is_an_empty_grid_with_every_department_as_a_column():
    matrix = journey_matrix([], ALL)
    assert matrix.rows == [] and matrix.gaps == [] and matrix.overlaps == [] and matrix.handoffs == []
    # Nobody is involved yet, so the columns are simply by name.
    assert [d.name for d in matrix.departments] == ["Billing", "Call Centre", "ContactPlus", "Field Engineering"]


def test_no_departments_and_no_steps():
    matrix = journey_matrix([], [])
    assert (matrix.departments, matrix.rows, matrix.gaps, matrix.overlaps, matrix.handoffs) == ([], [], [], [], [])


def test_columns_follow_the_customer_then_uninvolved_departments_by_name():
    steps = [step(10, 1, field="owns"), step(11, 2, calls="owns", field="contributes")]
    matrix = journey_matrix(steps, ALL)
    assert [d.name for d in matrix.departments] == ["Field Engineering", "Call Centre", "Billing", "ContactPlus"]
    assert [r.cells for r in matrix.rows] == [["owns", None, None, None], ["contributes", "owns", None, None]]


def test_rows_follow_position_whatever_the_input_order():
    steps = [step(30, 3, calls="owns"), step(10, 1, calls="owns"), step(20, 2, calls="owns")]
    matrix = journey_matrix(steps, ALL)
    assert [r.position for r in matrix.rows] == [1, 2, 3]
    assert [r.step_id for r in matrix.rows] == [10, 20, 30]


def test_one_owner_throughout_has_no_gap_overlap_or_handoff():
    steps = [step(1, 1, calls="owns"), step(2, 2, calls="owns", billing="contributes")]
    matrix = journey_matrix(steps, ALL)
    assert [r.status for r in matrix.rows] == ["owned", "owned"]
    assert (matrix.gaps, matrix.overlaps, matrix.handoffs) == ([], [], [])


def test_a_step_with_only_contributors_is_a_gap_naming_them():
    only_help = step(1, 1, "Follow-up call", "Phone", calls="contributes", field="contributes")
    matrix = journey_matrix([only_help], ALL)
    assert matrix.rows[0].status == "gap"
    assert matrix.rows[0].owners == []
    assert matrix.gaps == [Gap(sref(only_help), [ref(CALLS), ref(FIELD)])]
    assert matrix.handoffs == []


def test_a_step_with_no_department_at_all_is_a_gap_with_no_contributors():
    nobody = step(1, 1)
    matrix = journey_matrix([nobody], ALL)
    assert matrix.gaps == [Gap(sref(nobody), [])]
    assert matrix.rows[0].cells == [None, None, None, None]


def test_a_step_owned_by_two_is_an_overlap_naming_both_in_column_order():
    booking = step(1, 1, "Book engineer", supplier="owns", calls="owns")
    matrix = journey_matrix([booking], ALL)
    assert matrix.rows[0].status == "overlap"
    # Both first appear at this step, so they are ordered by name.
    assert matrix.overlaps == [Overlap(sref(booking), [ref(CALLS), ref(SUPPLIER)])]
    assert matrix.gaps == []


def test_handoffs_where_the_owner_changes():
    s1 = step(1, 1, calls="owns")
    s2 = step(2, 2, calls="owns")  # same owner: no handoff
    s3 = step(3, 3, field="owns", calls="contributes")  # contributors do not matter
    s4 = step(4, 4, billing="owns")
    matrix = journey_matrix([s1, s2, s3, s4], ALL)
    assert matrix.handoffs == [
        Handoff(sref(s2), sref(s3), [ref(CALLS)], [ref(FIELD)], []),
        Handoff(sref(s3), sref(s4), [ref(FIELD)], [ref(BILLING)], []),
    ]


def test_an_unowned_step_between_two_owners_is_one_handoff_across_the_gap():
    # Field Engineering repairs, nobody owns the follow-up, Billing adjusts the bill. The
    # customer is handed from Field to Billing *through* the gap: one handoff, which names
    # the gap it crosses; the gap itself is reported once, in gaps. "Field -> nobody" and
    # "nobody -> Billing" would count one break twice and name no one to fix it.
    repair = step(1, 1, "Repair", field="owns")
    follow_up = step(2, 2, "Follow-up", calls="contributes")
    bill = step(3, 3, "Bill adjustment", billing="owns")
    matrix = journey_matrix([repair, follow_up, bill], ALL)
    assert matrix.gaps == [Gap(sref(follow_up), [ref(CALLS)])]
    assert matrix.handoffs == [Handoff(sref(repair), sref(bill), [ref(FIELD)], [ref(BILLING)], [sref(follow_up)])]


def test_a_gap_between_two_steps_of_the_same_owner_is_a_gap_but_no_handoff():
    s1, s2, s3 = step(1, 1, calls="owns"), step(2, 2), step(3, 3, calls="owns")
    matrix = journey_matrix([s1, s2, s3], ALL)
    assert [g.step.id for g in matrix.gaps] == [2]
    assert matrix.handoffs == []


def test_several_unowned_steps_in_a_row_are_all_named_in_the_handoff():
    s1, s2, s3, s4 = step(1, 1, calls="owns"), step(2, 2), step(3, 3), step(4, 4, field="owns")
    matrix = journey_matrix([s1, s2, s3, s4], ALL)
    assert matrix.handoffs == [Handoff(sref(s1), sref(s4), [ref(CALLS)], [ref(FIELD)], [sref(s2), sref(s3)])]


def test_gaps_at_the_start_and_end_hand_nobody_over():
    s1, s2, s3 = step(1, 1), step(2, 2, calls="owns"), step(3, 3, billing="contributes")
    matrix = journey_matrix([s1, s2, s3], ALL)
    assert [g.step.id for g in matrix.gaps] == [1, 3]
    assert matrix.handoffs == []


def test_handoffs_into_and_out_of_an_overlap_compare_the_sets_of_owners():
    s1 = step(1, 1, calls="owns")
    s2 = step(2, 2, calls="owns", supplier="owns")  # the supplier joins: a handoff
    s3 = step(3, 3, supplier="owns", calls="owns")  # the same two owners: none
    s4 = step(4, 4, field="owns")
    matrix = journey_matrix([s1, s2, s3, s4], ALL)
    both = [ref(CALLS), ref(SUPPLIER)]
    assert [o.step.id for o in matrix.overlaps] == [2, 3]
    assert matrix.handoffs == [
        Handoff(sref(s1), sref(s2), [ref(CALLS)], both, []),
        Handoff(sref(s3), sref(s4), both, [ref(FIELD)], []),
    ]


def test_the_power_cut_journey_from_the_demo():
    steps = [
        step(1, 1, "Report the fault", calls="owns", supplier="contributes"),
        step(2, 2, "Diagnose on the call", calls="owns", field="contributes"),
        step(3, 3, "Book the engineer", calls="owns", supplier="owns"),
        step(4, 4, "Engineer visit", field="owns"),
        step(5, 5, "Follow-up", calls="contributes", field="contributes"),
        step(6, 6, "Bill adjustment", billing="owns"),
    ]
    matrix = journey_matrix(steps, ALL)
    assert [d.name for d in matrix.departments] == ["Call Centre", "ContactPlus", "Field Engineering", "Billing"]
    assert [r.status for r in matrix.rows] == ["owned", "owned", "overlap", "owned", "gap", "owned"]
    assert [(h.from_step.position, h.to_step.position) for h in matrix.handoffs] == [(2, 3), (3, 4), (4, 6)]
    assert [s.position for s in matrix.handoffs[-1].across] == [5]


def test_a_department_not_in_the_matrix_is_a_programming_error():
    with pytest.raises(ValueError, match="department 99"):
        journey_matrix([MatrixStep(1, 1, "Call", responsibilities={99: "owns"})], ALL)


def test_an_unknown_responsibility_is_a_programming_error():
    with pytest.raises(ValueError, match="responsibility"):
        journey_matrix([MatrixStep(1, 1, "Call", responsibilities={CALLS.id: "leads"})], ALL)


def test_gaps_and_overlaps_alone_are_the_matrix_own():
    # The agenda's review reads only these: the same steps, owners in the same column order.
    steps = [
        step(14, 4, supplier="owns", billing="owns", calls="owns"),
        step(10, 1, field="owns", calls="contributes"),
        step(12, 2, billing="contributes"),
        step(11, 2),
        step(13, 3, field="owns", calls="owns"),
    ]
    matrix = journey_matrix(steps, ALL)
    gaps, overlaps = gaps_and_overlaps(steps, ALL)
    assert gaps == [g.step for g in matrix.gaps] == [sref(steps[3]), sref(steps[2])]
    assert overlaps == matrix.overlaps
    assert [d.name for d in overlaps[1].owners] == ["Call Centre", "Billing", "ContactPlus"]
    assert gaps_and_overlaps([], ALL) == ([], [])
    with pytest.raises(ValueError):
        gaps_and_overlaps([step(1, 1, calls="leads")], ALL)
