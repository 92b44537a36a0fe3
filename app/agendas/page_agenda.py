"""What the agenda page reads of an agenda whose shared HTML it has: the agenda without the rows of the sections
that HTML shows, and each section's one-line summary.

A worker's first open of a council's agenda page, when the server's shared folder holds that agenda and the HTML of
its sections that read the same to everyone (app/agendas/bodies.py), used to read the whole agenda back (10 to 14 ms
of CPU for a five-year council, most of such a first open's extra cost): some 15,000 objects, most of them the
actions, measures and proposals that HTML already shows. The page itself reads only those sections' place, title,
time, notes and papers, and a summary counting their rows; and of a department's or an initiative's row, whose HTML is
kept around each reader's papers, only its id, name and papers. So, beside the HTML and under the same key and tag,
the shared folder keeps just that: the agenda with those sections' own rows and those rows' own parts left out, and
the summaries counted on the whole agenda (a twelfth of the agenda's size, under a millisecond to read). A worker
reads it instead of the agenda for the page, and only for the page: the JSON, the packs, publishing and the minutes
still read (or build) the whole agenda.

Derived from the agenda only, with the same sections as the HTML it is kept with, so it is exactly as current as
both. Nothing of it is ever rendered but through the page, which shows those sections from the HTML.
"""

from dataclasses import dataclass

from pydantic import BaseModel

from app.agendas.model import Agenda, SectionBase
from app.agendas.summary import section_summary

_OWN_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class PageAgenda:
    # The agenda, its sections in `same` without the rows and parts only their shared HTML shows.
    agenda: Agenda
    # Each section's summary (app/agendas/summary.py) by anchor, counted on the whole agenda.
    summaries: dict[str, str]


# Sections whose rows' HTML is kept around each reader's papers (app/agendas/bodies.py SPLIT_ROWS, the same rows and
# ids): the list of rows, a row's id, and what the page reads of a row outside that HTML (its id, its papers and what
# names them, its report's id).
SPLIT_ROWS = {
    "department_reports": ("departments", "department_id", frozenset({"department_id", "name", "report", "papers"})),
    "initiatives": ("initiatives", "id", frozenset({"id", "title", "papers"})),
}


def page_agenda(agenda: Agenda, same: frozenset[str]) -> PageAgenda:
    """The page's part of `agenda` when the HTML of its `same` sections and of its SPLIT_ROWS rows is kept (see the
    module)."""
    sections = [_bare(s) if s.key in same else _bare_rows(s) if s.key in SPLIT_ROWS else s for s in agenda.sections]
    return PageAgenda(
        agenda=agenda.model_copy(update={"sections": sections}),
        summaries={s.anchor: section_summary(s) for s in agenda.sections},
    )


def _bare(section: SectionBase) -> SectionBase:
    """`section` with its own lists emptied and its own models left out; what every section has (number, place,
    title, time, notes, papers) and its own plain values (an id, a name: a standing item's anchor) kept."""
    cls = type(section)
    own = _OWN_FIELDS.get(cls)
    if own is None:
        own = _OWN_FIELDS[cls] = tuple(name for name in cls.model_fields if name not in SectionBase.model_fields)
    return _without(section, own)


def _bare_rows(section: SectionBase) -> SectionBase:
    """`section` with each of its rows (SPLIT_ROWS) bare but for what the page reads of it."""
    rows, _, kept = SPLIT_ROWS[section.key]
    bare = [
        _without(row, tuple(name for name in type(row).model_fields if name not in kept))
        for row in getattr(section, rows)
    ]
    return section.model_copy(update={rows: bare})


def _without(model: BaseModel, names: tuple[str, ...]) -> BaseModel:
    """`model` with its lists among `names` emptied and its models among them left out (its plain values kept)."""
    update: dict[str, object] = {}
    for name in names:
        value = getattr(model, name)
        if isinstance(value, list):
            update[name] = []
        elif isinstance(value, BaseModel):
            update[name] = None
    return model.model_copy(update=update)


def shows_all(page: PageAgenda, bodies: dict[str, object], same: frozenset[str], rows_key: str) -> bool:
    """Does `bodies` (the kept HTML, its rows' parts under `rows_key`) hold every section and row the page shows from
    it? (They were rendered from the same agenda: always, unless a file is not what it should be.)"""
    parts = bodies.get(rows_key)
    if not isinstance(parts, dict):
        return False
    for section in page.agenda.sections:
        if section.key in same and section.anchor not in bodies:
            return False
        if section.key in SPLIT_ROWS:
            rows, ident, _ = SPLIT_ROWS[section.key]
            if any(getattr(row, ident) not in parts.get(section.key, {}) for row in getattr(section, rows)):
                return False
    return True


@dataclass(frozen=True)
class PageView:
    """A PageAgenda with the shared HTML it was kept with (as AgendaEntry.bodies holds it), as a worker keeps them."""

    page: PageAgenda
    bodies: dict[str, object]
