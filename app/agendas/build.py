"""build_agenda: the standard nine-section agenda from the council's data.

Pure: `AgendaData` (rows already loaded) in, a typed `Agenda` out. Each section has
its own builder in `app.agendas.sections`; this module gives every section its time
slot and assembles them. The JSON API, the page and the Word pack all render this
object and compute nothing of their own.
"""

from collections.abc import Mapping, Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from app.agendas import model as m
from app.agendas.data import AgendaData
from app.agendas.model import DEFAULT_MINUTES
from app.agendas.sections.actions import build_actions
from app.agendas.sections.departments import build_best_practice, build_department_reports
from app.agendas.sections.header import build_header
from app.agendas.sections.initiatives import build_initiatives
from app.agendas.sections.measures import build_measures_review, build_overall_measures
from app.agendas.sections.papers import attach_papers
from app.agendas.sections.prioritisation import build_prioritisation
from app.agendas.sections.research import build_aob, build_research
from app.agendas.sections.rows import measure_rows, name_of_seat
from app.councils.sections import item_key, running_order, standing_id, standing_ref


def allocate_minutes(
    duration: int, weights: Mapping[str, float], keys: Sequence[str] = m.SECTION_KEYS
) -> dict[str, int]:
    """Share `duration` between the items `keys` (in order) in proportion to `weights`, summing exactly.

    Whole five-minute blocks when the meeting is long enough for every item to get
    one, otherwise whole minutes; leftovers go to the largest remainders, first
    item first on ties. Every item with a weight gets at least one block when
    there are enough to go round (taken from the largest), so a one-hour meeting still
    leaves time for any other business. No weights at all share the time equally.
    """
    keys = list(keys)
    step = 5 if duration >= 5 * len(keys) else 1
    units = duration // step
    clean = {k: max(float(weights.get(k, 0) or 0), 0.0) for k in keys}
    if not sum(clean.values()):
        clean = dict.fromkeys(keys, 1.0)
    total = sum(clean.values())
    shares = [clean[k] / total * units for k in keys]
    blocks = [int(share) for share in shares]
    order = sorted(range(len(keys)), key=lambda i: (-(shares[i] - blocks[i]), i))
    for i in order[: units - sum(blocks)]:
        blocks[i] += 1
    if units >= sum(1 for k in keys if clean[k] > 0):
        for i, k in enumerate(keys):
            if clean[k] > 0 and blocks[i] == 0:
                # Enough blocks for every weighted item, so one item holds two or more.
                donor = max(range(len(keys)), key=lambda j: (blocks[j], -j))
                blocks[donor] -= 1
                blocks[i] += 1
    minutes = {k: b * step for k, b in zip(keys, blocks, strict=True)}
    minutes[keys[-1]] += duration - sum(minutes.values())  # a remainder under one block
    return minutes


def template_weights(data: AgendaData) -> tuple[list[str], dict[str, float]]:
    """The council's running order (section keys and standing refs) and each entry's minutes."""
    council = data.council
    weights: dict[str, float] = {**DEFAULT_MINUTES, **(council.agenda_minutes or {})}
    for item in data.standing:
        weights[standing_ref(item.id)] = item.minutes
    return running_order(council.agenda_order, [item.id for item in data.standing]), weights


def taken_entries(data: AgendaData) -> tuple[list[str], dict[str, float]]:
    """The entries of the running order this meeting takes (those given time), and their weights."""
    order, weights = template_weights(data)
    taken = [ref for ref in order if weights.get(ref, 0) > 0]
    if not taken:  # the settings refuse this; an agenda still shares the time rather than failing
        taken = [ref for ref in order if standing_id(ref) is None]
    return taken, weights


def not_taken_sections(data: AgendaData) -> list[m.NotTaken]:
    """The items this meeting leaves out (given no time), in the council's order: standard sections, which are
    never removed, and standing items set to 0 minutes."""
    order, _ = template_weights(data)
    taken, _ = taken_entries(data)
    titles = {**m.SECTION_TITLES, **{standing_ref(item.id): item.title for item in data.standing}}
    return [m.NotTaken(number=item_key(ref), key=ref, title=titles[ref]) for ref in order if ref not in taken]


def section_bases(data: AgendaData, zone: ZoneInfo) -> dict[str, dict]:
    """Entry taken (section key or standing ref) → its numbers, title, minutes and start time, in the
    council's running order."""
    meeting = data.meeting
    taken, weights = taken_entries(data)
    minutes = allocate_minutes(meeting.duration_minutes, weights, taken)
    clock = meeting.scheduled_at.astimezone(zone)
    bases: dict[str, dict] = {}
    for position, ref in enumerate(taken, start=1):
        bases[ref] = {
            "number": item_key(ref),
            "position": position,
            "key": ref if standing_id(ref) is None else "standing",
            "title": m.SECTION_TITLES.get(ref, ""),
            "minutes_allocated": minutes[ref],
            "starts_at": clock.strftime("%H:%M"),
        }
        clock += timedelta(minutes=minutes[ref])
    return bases


def build_agenda(data: AgendaData, *, status: str = "draft", version: int = 0, published_at=None) -> m.Agenda:
    """The council's agenda for `data.meeting`: the nine standard sections and its standing items in its
    running order, with times that fit the meeting; sections given no time are listed as not taken."""
    zone = ZoneInfo(data.council.timezone)
    bases = section_bases(data, zone)
    name_of = name_of_seat(data)
    by_measure = measure_rows(data)
    rows = list(by_measure.values())
    # Best practice reads the department reports, so they are built whether or not that section is taken.
    departments = build_department_reports(data, _base(bases, "department_reports"), by_measure)
    builders = {
        "actions": lambda base: build_actions(data, base, zone),
        "overall_measures": lambda base: build_overall_measures(data, base, rows),
        "department_reports": lambda base: departments,
        "best_practice": lambda base: build_best_practice(base, departments.departments),
        "initiatives": lambda base: build_initiatives(data, base, by_measure, name_of),
        "measures_review": lambda base: build_measures_review(data, base, rows, name_of),
        "prioritisation": lambda base: build_prioritisation(data, base, name_of),
        "research": lambda base: build_research(data, base),
        "aob": lambda base: build_aob(data, base),
    }
    standing = {standing_ref(item.id): item for item in data.standing}
    sections = []
    for ref, base in bases.items():
        if ref in builders:
            sections.append(builders[ref](base))
        else:
            sections.append(build_standing(data, base, standing[ref]))
    attach_papers(data, sections)
    return m.Agenda(
        meeting=build_header(data, zone),
        status=status,
        version=version,
        published_at=published_at,
        sections=sections,
        not_taken=not_taken_sections(data),
    )


def _base(bases: dict[str, dict], key: str) -> dict:
    # A section not taken is still built for what other sections read from it, never shown.
    unseen = {"number": item_key(key), "key": key, "title": m.SECTION_TITLES[key], "minutes_allocated": 0}
    return bases.get(key, {**unseen, "starts_at": ""})


def build_standing(data: AgendaData, base: dict, item) -> m.StandingSection:
    """A standing item of the council's own: its title, owner and what it is for."""
    seats = {s.id: s for s in data.seats}
    departments = {d.id: d.name for d in data.departments}
    owner = seats.get(item.owner_id) if item.owner_id is not None else None
    notes = [] if owner else ["No owner: the chair can give this standing item to a seat in the agenda template."]
    return m.StandingSection(
        **{**base, "title": item.title},
        standing_item_id=item.id,
        details=item.details,
        owner_name=owner.name if owner else None,
        owner_department=departments.get(owner.department_id) if owner and owner.department_id else None,
        notes=notes,
    )
