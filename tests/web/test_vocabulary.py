"""One vocabulary on every page of the demo council: the status words, changes in points with
the same arrow and word everywhere, the council's tabs and a whole breadcrumb, and notes'
bullets as lists (as in Word)."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from fastapi.routing import APIRoute
from sqlmodel import col, select

from app.demo.council import DEMO_PASSWORD
from app.measures.figures import add_months
from app.models import (
    Action,
    Initiative,
    InitiativeMeasure,
    Journey,
    Measure,
    Meeting,
    MinutesItem,
    Reading,
    utcnow,
)
from tests.demodb import load_demo
from tests.web.test_pages import sign_in

pytestmark = pytest.mark.usefixtures("db_backend")

# Every council page, by its route, with the name its breadcrumb ends in. A new page under a
# council (a GET route taking one of these ids) without an entry here fails the walk below.
CRUMB_NAMES = {
    "/councils/{council_id}": lambda d: d.council.name,
    "/councils/{council_id}/actions": lambda d: "Action log",
    "/actions/{action_id}": lambda d: d.action.title,
    "/meetings/{meeting_id}/agenda": lambda d: f"Meeting {d.meeting.number} agenda",
    "/meetings/{meeting_id}/minutes": lambda d: "Minutes",
    "/meetings/{meeting_id}/reports": lambda d: "Department reports",
    "/councils/{council_id}/agenda-template": lambda d: "Agenda template",
    "/councils/{council_id}/cadence": lambda d: "Cadence",
    "/councils/{council_id}/outbox": lambda d: "Mail",
    "/councils/{council_id}/archive": lambda d: "Archive",
    "/councils/{council_id}/notification-settings": lambda d: "Notification settings",
    "/councils/{council_id}/measures": lambda d: "Customer measures",
    "/measures/{measure_id}": lambda d: d.measure.name,
    "/councils/{council_id}/feedback": lambda d: "Customer feedback",
    "/councils/{council_id}/journeys": lambda d: "Customer journeys",
    "/journeys/{journey_id}": lambda d: d.journey.name,
    "/councils/{council_id}/initiatives": lambda d: "Initiatives",
    "/initiatives/{initiative_id}": lambda d: d.initiative.title,
    "/councils/{council_id}/priorities": lambda d: "Prioritising proposals",
    "/councils/{council_id}/scorecard": lambda d: "Department scorecard",
    "/councils/{council_id}/research": lambda d: "Customer research",
    "/councils/{council_id}/root-causes": lambda d: "Root causes",
}
IDS = ("council_id", "meeting_id", "action_id", "measure_id", "journey_id", "initiative_id")
OLD_WORDS = re.compile(r"\b(Amber|AMBER|Green|GREEN|RED)\b|[↑↓] (improving|worsening)|[▲▼] [+−\-]?[\d.]+%")


class Demo:
    def __init__(self, session, council):
        self.council = council
        by_council = {"council_id": council.id}
        self.meeting = session.exec(
            select(Meeting).where(Meeting.council_id == council.id).order_by(col(Meeting.number))
        ).first()
        self.action = session.exec(select(Action).where(Action.council_id == council.id)).first()
        self.measure = session.exec(select(Measure).where(Measure.council_id == council.id)).first()
        self.journey = session.exec(select(Journey).where(Journey.council_id == council.id)).first()
        self.initiative = session.exec(select(Initiative).where(Initiative.council_id == council.id)).first()
        self.ids = by_council | {
            "meeting_id": self.meeting.id,
            "action_id": self.action.id,
            "measure_id": self.measure.id,
            "journey_id": self.journey.id,
            "initiative_id": self.initiative.id,
        }


@pytest.fixture
def demo(session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    return Demo(session, council)


def council_pages(app) -> list[str]:
    """The HTML pages of one council from the route table: GET, not /api, a council record's id in the path."""
    paths = []
    for route in _walk(app.routes):
        if not isinstance(route, APIRoute) or "GET" not in route.methods or route.path.startswith("/api"):
            continue
        params = set(re.findall(r"{(\w+)}", route.path))
        if params and params <= set(IDS) and _is_page(route):
            paths.append(route.path)
    return sorted(set(paths))


def _walk(routes):
    """Every route, through routers included in routers."""
    for route in routes:
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        yield from _walk(inner) if inner is not None else [route]


def _is_page(route: APIRoute) -> bool:
    """A page, not a file (.ics, .docx, .csv, charts) served outside /api."""
    return "." not in route.path.rsplit("/", 1)[-1] and not route.path.endswith("/chart")


def text_of(fragment: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_every_council_page_has_the_tabs_and_a_whole_breadcrumb_and_the_one_vocabulary(app, client, demo):
    assert sign_in(client, "chair@example.com", DEMO_PASSWORD).status_code == 303
    pages = council_pages(app)
    assert set(pages) == set(CRUMB_NAMES), set(pages) ^ set(CRUMB_NAMES)
    for path in pages:
        url = path.format(**demo.ids)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.text
        # The tabs, with exactly one marked as the current page.
        tabs = re.search(r'<nav class="subnav" aria-label="Customer data">(.*?)</nav>', html, re.S)
        assert tabs, f"{url}: no council tabs"
        assert tabs.group(1).count('aria-current="page"') == 1, url
        assert ">Action log</a>" in tabs.group(1) and ">Measures</a>" in tabs.group(1), url
        # The breadcrumb: links all the way, then the page's own name, nothing dangling.
        crumbs = re.search(r'<nav class="crumbs small" aria-label="Breadcrumb"><ol>(.*?)</ol></nav>', html, re.S)
        assert crumbs, f"{url}: no breadcrumb"
        items = re.findall(r"<li( aria-current=\"page\")?>(.*?)</li>", crumbs.group(1), re.S)
        *above, (current, last) = items
        assert current and "<a " not in last and text_of(last) == CRUMB_NAMES[path](demo), url
        assert above and all(not mark and item.startswith("<a href=") for mark, item in above), url
        assert text_of(above[0][1]) == "My councils"
        assert not text_of(crumbs.group(1)).endswith("/"), url
        # One vocabulary: no Red/Amber/Green, no "↑ improving", no change of a percentage in "%".
        body = text_of(re.split(r"<main[^>]*>", html, maxsplit=1)[1].split("</main>", 1)[0])
        old = OLD_WORDS.search(body)
        assert old is None, f"{url}: {old.group(0)!r} in …{body[max(0, old.start() - 60) : old.end() + 60]}…"


def test_a_falling_lower_is_better_percentage_reads_the_same_on_every_page(client, session, demo):
    """Repeat contact 12.1% → 11.7%, lower is better: "▼ −0.4 pts, better" on each page that shows it."""
    this_month = add_months(date.today(), 0)
    measure = Measure(
        council_id=demo.council.id,
        name="Repeat contact rate",
        unit="%",
        direction="lower_is_better",
        target=10,
        scope="overall",
    )
    session.add(measure)
    session.flush()
    session.add(Reading(measure_id=measure.id, period=add_months(this_month, -2), value=12.5))
    session.add(Reading(measure_id=measure.id, period=add_months(this_month, -1), value=12.1))
    session.add(Reading(measure_id=measure.id, period=this_month, value=11.7))
    initiative = demo.initiative
    session.add(InitiativeMeasure(initiative_id=initiative.id, measure_id=measure.id, baseline_value=12.1))
    session.commit()
    upcoming = session.exec(
        select(Meeting)
        .where(Meeting.council_id == demo.council.id, Meeting.scheduled_at > utcnow() + timedelta(days=1))
        .order_by(col(Meeting.scheduled_at))
    ).first()
    assert sign_in(client, "chair@example.com", DEMO_PASSWORD).status_code == 303
    said = "▼ \u22120.4 pts, better"
    pages = {
        "measures": f"/councils/{demo.council.id}/measures",
        "measure": f"/measures/{measure.id}",
        "initiative": f"/initiatives/{initiative.id}",
        "agenda": f"/meetings/{upcoming.id}/agenda",
        "minutes": f"/meetings/{upcoming.id}/minutes",
    }
    for name, url in pages.items():
        html = unescape(client.get(url).text)
        row = html[html.index("Repeat contact rate") :]
        found = re.search(r'<span class="movement (\w+)">([^<]*)</span>', row)
        assert found and found.groups() == ("better", said), f"{name}: {found and found.groups()}"
        assert "↑" not in row[:2000] and "0.4%" not in row[:2000], name


def test_notes_bullets_are_a_list_on_the_minutes_page_as_in_word(client, session, demo):
    meeting = session.exec(
        select(Meeting).where(Meeting.council_id == demo.council.id, Meeting.status == "held")
    ).first()
    item = session.exec(
        select(MinutesItem).where(MinutesItem.meeting_id == meeting.id, MinutesItem.number == 5)
    ).first() or MinutesItem(meeting_id=meeting.id, number=5)
    item.notes = "Agreed the plan.\nLine two <b>stays text</b>.\n\n- Ask Field for parts data\n- Review in May"
    session.add(item)
    session.commit()
    # A member reads the circulated draft (the secretary and chair see the notes' form instead).
    assert sign_in(client, "field@example.com", DEMO_PASSWORD).status_code == 303
    html = client.get(f"/meetings/{meeting.id}/minutes").text
    assert (
        "<p>Agreed the plan.<br>Line two &lt;b&gt;stays text&lt;/b&gt;.</p>"
        "<ul><li>Ask Field for parts data</li><li>Review in May</li></ul>"
    ) in html
    assert "- Ask Field" not in html
