"""The VTIMEZONE of a calendar file: every meeting in the file at its right local time, in every calendar.

icalendar builds the block from the tz database for a range of dates; what it writes
is then made plain. It lists each observance's transitions as dates (RDATE) and notes
the range it was asked for in a COMMENT ("only works from … to …"): the range is the
file's, so the note only misleads. Outlook mishandles RDATE in a VTIMEZONE (meetings in
summer time move by an hour), and some readers keep only the first of a comma-separated
list (vobject does). So an observance whose transitions follow one yearly rule to the
end of the range, as current tz rules do, is written as that rule (RRULE: one STANDARD
and one DAYLIGHT, the form Outlook and Google write themselves); any other keeps its
exact dates, one RDATE a line.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from icalendar import Calendar, Timezone, vRecur


def add_timezone(calendar: Calendar, timezone: str, starts: Sequence[datetime]) -> None:
    """Add the VTIMEZONE for meetings starting at `starts` in `timezone` (none for UTC or no meetings)."""
    if not starts:
        return
    # Transitions from a year before the first meeting to a year past the last, whatever their years.
    years = [start.astimezone(ZoneInfo(timezone)).year for start in starts]
    calendar.add_missing_timezones(first_date=date(min(years) - 1, 1, 1), last_date=date(max(years) + 2, 1, 1))
    for zone in calendar.walk("VTIMEZONE"):
        _plain_timezone(zone, last_year=max(years) + 1)


WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _plain_timezone(zone: Timezone, *, last_year: int) -> None:
    """The library's VTIMEZONE without its COMMENT, its transitions as rules where they follow one."""
    zone.pop("COMMENT", None)
    initial, ruled, dated = [], [], []
    for observance in zone.subcomponents:
        listed = observance.pop("RDATE", None)
        if listed is None:
            initial.append(observance)
            continue
        transitions = [observance.decoded("dtstart")]
        for value in listed if isinstance(listed, list) else [listed]:
            transitions.extend(transition.dt for transition in value.dts)
        transitions.sort()
        rule = _yearly_rule(transitions, last_year=last_year)
        if rule is not None:
            observance.add("rrule", rule)
            ruled.append(observance)
        else:
            for transition in transitions[1:]:
                observance.add("rdate", transition)
            dated.append(observance)
    if ruled and not dated:
        # Only rules: the offset before the range's first transition (a year before the
        # first meeting) concerns no meeting, and Outlook reads one STANDARD and one
        # DAYLIGHT, as Outlook and Google write them.
        zone.subcomponents = [o for o in zone.subcomponents if o not in initial]


def _yearly_rule(transitions: list[datetime], *, last_year: int) -> dict | None:
    """FREQ=YEARLY;BYMONTH=m;BYDAY=nXX when it yields exactly `transitions` and goes on past them, else None."""
    first = transitions[0]
    if len(transitions) < 2 or transitions[-1].year != last_year:
        return None  # a rule that stopped inside the range (DST abolished) must not run on
    if any(t.month != first.month or t.weekday() != first.weekday() or t.time() != first.time() for t in transitions):
        return None
    if all((t + timedelta(days=7)).month != t.month for t in transitions):
        nth = -1  # the last one of the month, whether it is the fourth or the fifth
    elif len({(t.day - 1) // 7 for t in transitions}) == 1:
        nth = (first.day - 1) // 7 + 1
    else:
        return None
    rule = {"freq": "yearly", "bymonth": first.month, "byday": f"{nth}{WEEKDAYS[first.weekday()]}"}
    counted = f"{vRecur(rule).to_ical().decode()};COUNT={len(transitions)}"
    expanded = list(rrulestr(counted, dtstart=first))
    return rule if expanded == transitions else None
