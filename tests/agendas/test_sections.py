"""Each section of the agenda has its own pure builder; build_agenda only assembles them.

Called on its own with the same plain objects, each builder gives exactly the section
build_agenda puts in the agenda, so a section can be tested (and changed) alone.
"""

from zoneinfo import ZoneInfo

import pytest

from app.agendas.build import build_agenda, section_bases
from app.agendas.model import SECTION_KEYS
from app.agendas.sections.actions import build_actions
from app.agendas.sections.departments import build_best_practice, build_department_reports
from app.agendas.sections.header import build_header
from app.agendas.sections.initiatives import build_initiatives
from app.agendas.sections.measures import build_measures_review, build_overall_measures
from app.agendas.sections.prioritisation import build_prioritisation
from app.agendas.sections.research import build_aob, build_research
from app.agendas.sections.rows import measure_rows, name_of_seat
from tests.agendas.test_build_agenda import empty_data, known_data


def built_alone(data, key):
    zone = ZoneInfo(data.council.timezone)
    base = section_bases(data, zone)[key]
    rows = measure_rows(data)
    name_of = name_of_seat(data)
    builders = {
        "actions": lambda: build_actions(data, base, zone),
        "overall_measures": lambda: build_overall_measures(data, base, list(rows.values())),
        "department_reports": lambda: build_department_reports(data, base, rows),
        "best_practice": lambda: build_best_practice(
            base, build_department_reports(data, section_bases(data, zone)["department_reports"], rows).departments
        ),
        "initiatives": lambda: build_initiatives(data, base, rows, name_of),
        "measures_review": lambda: build_measures_review(data, base, list(rows.values()), name_of),
        "prioritisation": lambda: build_prioritisation(data, base, name_of),
        "research": lambda: build_research(data, base),
        "aob": lambda: build_aob(data, base),
    }
    assert set(builders) == set(SECTION_KEYS)
    return builders[key]()


@pytest.mark.parametrize("make", [empty_data, known_data], ids=["empty", "known"])
@pytest.mark.parametrize("key", SECTION_KEYS)
def test_each_builder_alone_gives_the_section_build_agenda_shows(make, key):
    data = make()
    agenda = build_agenda(data)
    [expected] = [s for s in agenda.sections if s.key == key]
    assert built_alone(data, key) == expected


def test_the_header_is_built_alone_too():
    data = known_data()
    assert build_header(data, ZoneInfo(data.council.timezone)) == build_agenda(data).meeting
