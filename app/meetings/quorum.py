"""The council's quorum rule, counted once: the minutes state it from recorded attendance,
the agenda forecasts it from members' answers (app/meetings/responses.py)."""

from collections.abc import Iterable
from dataclasses import dataclass

from app.models import Role

# Seats that count towards a quorum: observers attend but do not vote.
VOTING_ROLES = frozenset({Role.chair, Role.secretary, Role.member})
# A delegate attends in the member's place, so the seat is represented.
PRESENT_STATUSES = frozenset({"present", "delegate"})


@dataclass(frozen=True)
class QuorumSeat:
    role: str
    department_id: int | None
    # None until the secretary records it (or the member answers).
    status: str | None


@dataclass(frozen=True)
class QuorumCount:
    voting: int
    present: int
    delegates: int
    # Voting seats with nothing recorded (or answered) yet.
    unknown: int
    required_members: int
    departments_represented: int
    required_departments: int

    @property
    def met(self) -> bool:
        return self.present >= self.required_members and self.departments_represented >= self.required_departments


def count_quorum(
    seats: Iterable[QuorumSeat], *, quorum_members: int | None = None, quorum_departments: int | None = None
) -> QuorumCount:
    """The numbers behind the rule.

    Members: at least `quorum_members` voting seats (chair, secretary, member) present in
    person or by delegate; unset, more than half of the voting seats. Departments: when
    `quorum_departments` is set, at least that many departments represented by a voting
    seat that is present or delegated.
    """
    voting = [s for s in seats if s.role in VOTING_ROLES]
    present = [s for s in voting if s.status in PRESENT_STATUSES]
    return QuorumCount(
        voting=len(voting),
        present=len(present),
        delegates=sum(1 for s in present if s.status == "delegate"),
        unknown=sum(1 for s in voting if s.status is None),
        required_members=quorum_members if quorum_members is not None else len(voting) // 2 + 1,
        departments_represented=len({s.department_id for s in present if s.department_id is not None}),
        required_departments=quorum_departments or 0,
    )


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
