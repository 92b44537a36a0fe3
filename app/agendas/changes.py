"""What changed between two published versions of an agenda, in words a member reads in a mail.

Pure: two typed agendas in, a list of sentences out. The meeting itself (day, time,
place), the running order (items added, removed, renamed, given another time) and the
papers under each item (actions, department reports, initiatives, proposals, research,
any other business) are named, and so are the files attached to them (`files`, the
papers of app/papers, not to be confused with `papers` here); a section whose figures moved without a named change
says so in one line rather than listing every number.
"""

from app.agendas import model as m
from app.display import long_date

# Counts that move with the calendar rather than the data: an action published as
# 3 days overdue is 4 days overdue tomorrow, which is no reason to republish. That it
# is overdue at all (`overdue`) is still compared.
CALENDAR_ONLY = frozenset({"days_overdue"})


def comparable(value):
    """`value` (a section as JSON) without the fields that change by themselves each day."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if k not in CALENDAR_ONLY}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


# What one paper under an item is called when it is named on its own ("new: action “…”").
PAPER_NOUN = {
    "actions": "action",
    "department_reports": "report from",
    "best_practice": "best practice from",
    "initiatives": "initiative",
    "prioritisation": "proposal",
    "research": "research",
    "aob": "item",
}


def papers(section: m.SectionBase) -> list[str]:
    """The named things under an agenda item that a member would look for in the pack."""
    match section:
        case m.ActionsSection():
            return [f"“{a.title}”" for a in section.open_actions]
        case m.DepartmentReportsSection():
            return [d.name for d in section.departments if d.submitted]
        case m.BestPracticeSection():
            return [b.department for b in section.items]
        case m.InitiativesSection():
            return [f"“{i.title}”" for i in section.initiatives]
        case m.PrioritisationSection():
            return [f"“{p.title}”" for p in section.proposals]
        case m.ResearchSection() | m.AobSection():
            return [f"“{row.title}”" for row in section.items]
    return []


def files(section: m.SectionBase) -> dict[int, str]:
    """The files attached under an agenda item, by id: "“Q3.pdf”", or "“Q3.pdf” (Billing report)" on a row."""
    listed = m.Agenda.model_construct(sections=[section]).paper_listing()
    return {p.paper.id: f"“{p.paper.name}”" + (f" ({p.source})" if p.source else "") for p in listed}


def _file_changes(before: m.SectionBase, after: m.SectionBase) -> list[str]:
    old, new = files(before), files(after)
    changes = []
    if added := [name for paper_id, name in new.items() if paper_id not in old]:
        changes.append(f"Under “{after.title}”, papers attached: {'; '.join(added)}.")
    if removed := [name for paper_id, name in old.items() if paper_id not in new]:
        changes.append(f"Under “{after.title}”, papers withdrawn: {'; '.join(removed)}.")
    return changes


def _named(section: m.SectionBase, names: list[str]) -> str:
    noun = PAPER_NOUN.get(section.key, "")
    return "; ".join(f"{noun} {name}".strip() for name in names)


def _slot(section: m.SectionBase) -> str:
    return f"{section.starts_at} for {section.minutes_allocated} min"


def _meeting_changes(before: m.Header, after: m.Header) -> list[str]:
    changes = []
    when_before = f"{long_date(before.date)} {before.start_time}–{before.end_time}"
    when_after = f"{long_date(after.date)} {after.start_time}–{after.end_time}"
    if when_before != when_after:
        changes.append(f"The meeting moved: now {when_after} (was {when_before}).")
    if before.location != after.location:
        changes.append(
            f"The meeting's place changed: now {after.location or 'not set'} (was {before.location or 'not set'})."
        )
    if before.title != after.title:
        changes.append(f"The meeting is now called “{after.title}” (was “{before.title}”).")
    new_apologies = [p.name for p in after.apologies if p.name not in {q.name for q in before.apologies}]
    if new_apologies:
        changes.append("Apologies since the last version: " + ", ".join(new_apologies) + ".")
    return changes


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _place(section: m.SectionBase, header: m.Header) -> tuple[int, int]:
    """Where an item sits in the meeting: minutes after the start, and how long; a moved meeting moves none."""
    return (_minutes(section.starts_at) - _minutes(header.start_time)) % (24 * 60), section.minutes_allocated


def _section_changes(before: m.SectionBase, after: m.SectionBase, moved: bool) -> list[str]:
    changes = []
    if before.title != after.title:
        changes.append(f"“{before.title}” is now called “{after.title}”.")
    if moved:
        changes.append(f"“{after.title}” now at {_slot(after)} (was {_slot(before)}).")
    old, new = papers(before), papers(after)
    added = [p for p in new if p not in old]
    removed = [p for p in old if p not in new]
    if added:
        changes.append(f"Under “{after.title}”, new: {_named(after, added)}.")
    if removed:
        changes.append(f"Under “{after.title}”, no longer listed: {_named(after, removed)}.")
    file_changes = _file_changes(before, after)
    changes.extend(file_changes)
    if not (added or removed or file_changes) and _contents(before) != _contents(after):
        changes.append(f"“{after.title}”: figures or details updated.")
    return changes


def _contents(section: m.SectionBase):
    """The section's content apart from its place and time in the running order."""
    dumped = section.model_dump(mode="json", exclude={"position", "starts_at", "minutes_allocated", "title"})
    return comparable(dumped)


def agenda_changes(before: m.Agenda | None, after: m.Agenda) -> list[str]:
    """What a member should know changed since `before` was circulated; [] for the first version."""
    if before is None:
        return []
    changes = _meeting_changes(before.meeting, after.meeting)
    previous = {s.anchor: s for s in before.sections}
    current = {s.anchor: s for s in after.sections}
    for section in after.sections:
        if section.anchor not in previous:
            changes.append(f"Added to the running order: “{section.title}” at {_slot(section)}.")
        else:
            earlier = previous[section.anchor]
            moved = _place(earlier, before.meeting) != _place(section, after.meeting)
            changes.extend(_section_changes(earlier, section, moved))
    for section in before.sections:
        if section.anchor not in current:
            changes.append(f"Taken off the running order: “{section.title}”.")
    return changes
