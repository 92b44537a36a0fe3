"""The journey matrix: steps × departments, and where the customer falls through the net.

Pure: plain dataclasses in, a `JourneyMatrix` out; no database, no HTTP. The API, the
page and (later) the agenda render the same matrix.

Rules, in the customer's order of steps:
- a **gap** is a step no department owns (nobody, or contributors only);
- an **overlap** is a step owned by more than one department;
- a **handoff** is where the owning departments change between one owned step and the
  next owned step. Unowned steps in between are skipped and listed as `across`: the
  customer is passed from the last owner to the next one *through* steps nobody owns,
  which is the riskiest handover of all. Counting "X → nobody" and "nobody → Y" as two
  handoffs would report one break twice and name no one who could fix it; the gap itself
  is already in `gaps`. Unowned steps before the first or after the last owned step hand
  nobody over to anybody, so they make no handoff.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

OWNS = "owns"
CONTRIBUTES = "contributes"
RESPONSIBILITIES = (OWNS, CONTRIBUTES)


@dataclass(frozen=True)
class MatrixDepartment:
    id: int
    name: str
    is_external: bool = False


@dataclass(frozen=True)
class MatrixStep:
    id: int
    position: int
    name: str
    channel: str = ""
    # department id -> "owns" | "contributes"
    responsibilities: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DepartmentRef:
    id: int
    name: str


@dataclass(frozen=True)
class StepRef:
    id: int
    position: int
    name: str


@dataclass(frozen=True)
class MatrixRow:
    step_id: int
    position: int
    name: str
    channel: str
    # One cell per column of `JourneyMatrix.departments`, in the same order.
    cells: list[str | None]
    owners: list[DepartmentRef]
    contributors: list[DepartmentRef]
    status: Literal["owned", "gap", "overlap"]


@dataclass(frozen=True)
class Gap:
    step: StepRef
    # Who helps at this step without owning it (may be nobody).
    contributors: list[DepartmentRef]


@dataclass(frozen=True)
class Overlap:
    step: StepRef
    owners: list[DepartmentRef]


@dataclass(frozen=True)
class Handoff:
    from_step: StepRef
    to_step: StepRef
    from_departments: list[DepartmentRef]
    to_departments: list[DepartmentRef]
    # Unowned steps the customer crosses between the two owners (usually none).
    across: list[StepRef]


@dataclass(frozen=True)
class JourneyMatrix:
    departments: list[MatrixDepartment]
    rows: list[MatrixRow]
    gaps: list[Gap]
    overlaps: list[Overlap]
    handoffs: list[Handoff]


def _column_order(steps: Sequence[MatrixStep], departments: Sequence[MatrixDepartment]) -> list[MatrixDepartment]:
    """Departments in the order the customer meets them, then the uninvolved ones by name.

    The grid then reads as a staircase from top left, and a department that serves no step
    (a back office left out of the journey) stands apart at the right.
    """
    first_step: dict[int, int] = {}
    for index, step in enumerate(steps):
        for department_id in step.responsibilities:
            first_step.setdefault(department_id, index)
    never = len(steps)
    return sorted(departments, key=lambda d: (first_step.get(d.id, never), d.name.casefold(), d.id))


def _check(steps: Sequence[MatrixStep], departments: Sequence[MatrixDepartment]) -> None:
    known = {d.id for d in departments}
    for step in steps:
        for department_id, responsibility in step.responsibilities.items():
            if department_id not in known:
                raise ValueError(f"step {step.id} names department {department_id}, which is not in the matrix")
            if responsibility not in RESPONSIBILITIES:
                raise ValueError(f"step {step.id}: responsibility must be owns or contributes, not {responsibility!r}")


def gaps_and_overlaps(
    steps: Sequence[MatrixStep], departments: Sequence[MatrixDepartment]
) -> tuple[list[StepRef], list[Overlap]]:
    """`journey_matrix`'s gap steps and overlaps alone, by the same rules and in the same order, without
    building the grid: the agenda reviews every journey and shows only these."""
    _check(steps, departments)
    gaps: list[StepRef] = []
    overlaps: list[Overlap] = []
    column_of: dict[int, int] | None = None
    refs: dict[int, DepartmentRef] = {}
    ordered_steps = sorted(steps, key=lambda s: (s.position, s.id))
    for step in ordered_steps:
        owners = [d for d, r in step.responsibilities.items() if r == OWNS]
        if len(owners) == 1:
            continue
        if not owners:
            gaps.append(StepRef(step.id, step.position, step.name))
            continue
        if column_of is None:  # the columns' order names the owners, as the grid does
            columns = _column_order(ordered_steps, departments)
            column_of = {d.id: index for index, d in enumerate(columns)}
            refs = {d.id: DepartmentRef(d.id, d.name) for d in columns}
        owners.sort(key=column_of.__getitem__)
        overlaps.append(Overlap(StepRef(step.id, step.position, step.name), [refs[d] for d in owners]))
    return gaps, overlaps


def journey_matrix(steps: Sequence[MatrixStep], departments: Sequence[MatrixDepartment]) -> JourneyMatrix:
    """The steps × departments grid with its gaps, overlaps and handoffs."""
    _check(steps, departments)

    ordered_steps = sorted(steps, key=lambda s: (s.position, s.id))
    columns = _column_order(ordered_steps, departments)
    refs = {d.id: DepartmentRef(d.id, d.name) for d in columns}
    column_of = {d.id: index for index, d in enumerate(columns)}

    def serving(step: MatrixStep, responsibility: str) -> list[DepartmentRef]:
        """The step's departments with that responsibility, in column order."""
        ids = [d for d, r in step.responsibilities.items() if r == responsibility]
        return [refs[d] for d in sorted(ids, key=column_of.__getitem__)]

    rows: list[MatrixRow] = []
    gaps: list[Gap] = []
    overlaps: list[Overlap] = []
    handoffs: list[Handoff] = []
    last_owned: tuple[StepRef, list[DepartmentRef]] | None = None
    unowned_since_last: list[StepRef] = []

    for step in ordered_steps:
        ref = StepRef(step.id, step.position, step.name)
        cells = [step.responsibilities.get(d.id) for d in columns]
        owners = serving(step, OWNS)
        contributors = serving(step, CONTRIBUTES)
        status = "gap" if not owners else ("overlap" if len(owners) > 1 else "owned")
        rows.append(MatrixRow(step.id, step.position, step.name, step.channel, cells, owners, contributors, status))

        if not owners:
            gaps.append(Gap(ref, contributors))
            unowned_since_last.append(ref)
            continue
        if len(owners) > 1:
            overlaps.append(Overlap(ref, owners))
        if last_owned is not None:
            previous_step, previous_owners = last_owned
            if {d.id for d in previous_owners} != {d.id for d in owners}:
                handoffs.append(Handoff(previous_step, ref, previous_owners, owners, list(unowned_since_last)))
        last_owned = (ref, owners)
        unowned_since_last = []

    return JourneyMatrix(departments=list(columns), rows=rows, gaps=gaps, overlaps=overlaps, handoffs=handoffs)
