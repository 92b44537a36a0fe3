"""What the minutes take from the agenda they follow: its header, its version, its items in running order, the
items it gave no time, and the overall measures it presented.

The minutes page opens a five-year council's agenda for these few parts of it: a header, a dozen titles, and
twenty measures of the ~20,000 objects the agenda is. A worker that has not built or read that agenda yet would
otherwise read the whole of it from the workers' shared folder (about 14 ms of CPU, a third of the page); the
outline is kept beside it under the same key (app/agendas/cache.py), a twentieth of its size.

Derived from the agenda only, so it is exactly as current as the agenda it came from. Its objects are the
agenda's own (shared, read-only, as the agenda in the cache is).
"""

from dataclasses import dataclass

from app.agendas.model import Agenda, Header, MeasureRow, NotTaken, OverallMeasuresSection


@dataclass(frozen=True)
class OutlineItem:
    """An item of the running order: its stable number, its place, its section key and its title."""

    number: int
    position: int
    key: str
    title: str


@dataclass(frozen=True)
class AgendaOutline:
    meeting: Header
    version: int
    items: list[OutlineItem]
    not_taken: list[NotTaken]
    # Those of the "overall measures" item (none when the agenda has no such item).
    overall_measures: list[MeasureRow]


def outline_of(agenda: Agenda) -> AgendaOutline:
    """The parts of `agenda` the minutes follow."""
    overall = next((s.measures for s in agenda.sections if isinstance(s, OverallMeasuresSection)), [])
    return AgendaOutline(
        meeting=agenda.meeting,
        version=agenda.version,
        items=[OutlineItem(number=s.number, position=s.position, key=s.key, title=s.title) for s in agenda.sections],
        not_taken=agenda.not_taken,
        overall_measures=overall,
    )
