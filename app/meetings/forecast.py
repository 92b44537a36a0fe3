"""The quorum forecast's shape: plain pydantic, so the agenda model (and the Word renderer reading it) stays
free of the database layer."""

from pydantic import BaseModel


class Forecast(BaseModel):
    """The quorum on the answers so far: seats not answered count as expected."""

    seats: int
    expected: int
    apologies: int
    delegates: int
    not_answered: int
    required_members: int
    departments_represented: int
    required_departments: int
    met: bool
    # e.g. "On the answers so far, 7 of 9 seats expected, quorum (5) met."
    statement: str
