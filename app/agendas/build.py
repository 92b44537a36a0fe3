"""build_agenda: the standard nine-section agenda from the council's data.

Pure: `AgendaData` (rows already loaded) in, a typed `Agenda` out. Each section has
its own builder in `app.agendas.sections`; this module gives every section its time
slot and assembles them. The JSON API, the page and the Word pack all render this
object and compute nothing of their own.
"""

from collections.abc import Mapping
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
from app.agendas.sections.prioritisation import build_prioritisation
from app.agendas.sections.research import build_aob, build_research
from app.agendas.sections.rows import measure_rows, name_of_seat


def allocate_minutes(duration: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Share `duration` between the sections in proportion to `weights`, summing exactly.

    Whole five-minute blocks when the meeting is long enough for every section to get
    one, otherwise whole minutes; leftovers go to the largest remainders, first
    section first on ties. Every section with a weight gets at least one block when
    there are enough to go round (taken from the largest), so a one-hour meeting still
    leaves time for any other business. No weights at all share the time equally.
    """
    keys = list(m.SECTION_KEYS)
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
                # Enough blocks for every weighted section, so one section holds two or more.
                donor = max(range(len(keys)), key=lambda j: (blocks[j], -j))
                blocks[donor] -= 1
                blocks[i] += 1
    minutes = {k: b * step for k, b in zip(keys, blocks, strict=True)}
    minutes[keys[-1]] += duration - sum(minutes.values())  # a remainder under one block
    return minutes


def section_bases(data: AgendaData, zone: ZoneInfo) -> dict[str, dict]:
    """section key → its number, title, minutes and start time: the fields every section shares."""
    council, meeting = data.council, data.meeting
    # A council's own times override the defaults section by section; the rest keep theirs.
    minutes = allocate_minutes(meeting.duration_minutes, {**DEFAULT_MINUTES, **(council.agenda_minutes or {})})
    clock = meeting.scheduled_at.astimezone(zone)
    bases: dict[str, dict] = {}
    for number, key in enumerate(m.SECTION_KEYS, start=1):
        bases[key] = {
            "number": number,
            "key": key,
            "title": m.SECTION_TITLES[key],
            "minutes_allocated": minutes[key],
            "starts_at": clock.strftime("%H:%M"),
        }
        clock += timedelta(minutes=minutes[key])
    return bases


def build_agenda(data: AgendaData, *, status: str = "draft", version: int = 0, published_at=None) -> m.Agenda:
    """The nine standard sections for `data.meeting`, in order, with times that fit the meeting."""
    zone = ZoneInfo(data.council.timezone)
    bases = section_bases(data, zone)
    name_of = name_of_seat(data)
    by_measure = measure_rows(data)
    rows = list(by_measure.values())
    departments = build_department_reports(data, bases["department_reports"], by_measure)
    sections = [
        build_actions(data, bases["actions"], zone),
        build_overall_measures(data, bases["overall_measures"], rows),
        departments,
        build_best_practice(bases["best_practice"], departments.departments),
        build_initiatives(data, bases["initiatives"], by_measure, name_of),
        build_measures_review(data, bases["measures_review"], rows, name_of),
        build_prioritisation(data, bases["prioritisation"], name_of),
        build_research(data, bases["research"]),
        build_aob(data, bases["aob"]),
    ]
    return m.Agenda(
        meeting=build_header(data, zone),
        status=status,
        version=version,
        published_at=published_at,
        sections=sections,
    )
