"""tests/kept.py: an arrange built once, then copied whole into each fresh database, a test's writes left behind."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from app.models import Council, Membership, Role
from tests.conftest import engine_for
from tests.factories import make_council, make_membership
from tests.kept import kept


@dataclass
class Arranged:
    council: Council
    seats: list[Membership]
    note: dict[str, str]


def test_a_kept_arrange_is_the_same_in_every_test_and_its_writes_are_not(session: Session, make_database) -> None:
    built = []

    def build() -> Arranged:
        built.append(1)
        council = make_council(session, name="Kept")
        seats = [make_membership(session, council=council, role=role) for role in (Role.chair, Role.member)]
        session.commit()
        return Arranged(council=council, seats=seats, note={"made": "once"})

    key = f"{__name__}.arranged"  # this test's own (kept per engine): each engine's run builds it first
    first = kept(session, key, build)
    first.council.name = "Renamed in the first test"
    session.add(first.council)
    session.commit()

    # The next test's fresh database: the rows as built, not as the first test left them; not built again.
    later = engine_for(make_database())
    try:
        with Session(later, expire_on_commit=False) as other:
            second = kept(other, key, build)
            assert len(built) == 1
            assert second.council.id == first.council.id
            assert second.council.name == "Kept"
            assert [(s.id, s.role) for s in second.seats] == [(s.id, s.role) for s in first.seats]
            assert second.note == {"made": "once"}
            assert other.exec(select(Council.name)).all() == ["Kept"]

            # A database that already holds rows is arranged by building, not by the copy.
            third = kept(other, key, build)
            assert len(built) == 2
            assert third.council.id != first.council.id
    finally:
        later.dispose()
