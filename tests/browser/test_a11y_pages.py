"""axe-core on every page of the app, as the chair, a member and the secretary: no WCAG 2.1 AA violations.

The pages are the GET routes that are not /api, read from the app's route table the way
tests/security does, so a page added later is checked without anyone listing it here. Path
parameters are filled from the demo council (the `demo` fixture's `values`, or its `routes` for a
route whose parameter means something of its own, such as a token); a route neither fills fails
the test and says where to add it. Every `<details>` and collapsed section is opened before axe runs, so what a
reader can expand is checked too. The agenda and minutes pages are checked again at phone width.

Only "violations" fail: axe's "incomplete" (needs a person to review) results are not violations.

Axe runs once per page template and state, not once per address: every address is opened (it must
answer, be HTML, and have everything expanded), but where a page of the same route was checked
earlier in the walk and this one shows no kind of element that those did not (tag, classes, role,
type, aria attributes, whether it has text or a name; `ELEMENT_KINDS`), it is a near-duplicate
(say the second of two held meetings' agendas) and axe is not run on it again. The chair, the member
and the secretary are walked in that order in one test, so a member's page that shows nothing the
chair's page of its route did not is not checked again either; one that does (their own forms and
states) is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.routing import APIRoute
from sqlmodel import Session, select

from app.auth import Access
from app.councils.invitation_schemas import InvitationCreate
from app.councils.invitation_service import invite_person
from app.demo.council import DEMO_PASSWORD
from app.models import Action, AobItem, Council, Initiative, Journey, Measure, Meeting, Membership, Role, User
from app.notifications.preferences import unsubscribe_token
from tests.conftest import engine_independent
from tests.demodb import load_demo

pytestmark = pytest.mark.browser

ROLES = {"chair": "chair@example.com", "member": "field@example.com", "secretary": "secretary@example.com"}
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
# Routes that answer with something other than a page (nothing for axe to read).
NOT_PAGES = {"/feeds/{token}.ics": "a calendar feed"}
# Pages a signed-out visitor sees, and error pages, checked once (as nobody) rather than per role.
SIGNED_OUT = ["/login", "/no-such-page", "/councils/999999999"]
# Pages a member or the secretary may not open answer with the error page, checked like any other.
NOT_FOR_EVERYONE = {403, 404}
# Opens what a reader can open, then waits two frames: what the page's scripts do when a section
# changes size (scroll-regions.js gives a table that now scrolls its tab stop) happens before paint.
OPEN_EVERYTHING = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('button[aria-expanded="false"]').forEach(c => c.click());
  return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""
# What a page is made of, element by element: what axe's rules read (the element, its classes, which
# set its colours under the CSP, its role, type and aria attributes) and whether it has text or a name.
ELEMENT_KINDS = """() => Array.from(document.querySelectorAll('*'), e => [
  e.tagName, e.getAttribute('class') || '', e.getAttribute('role') || '', e.getAttribute('type') || '',
  e.getAttributeNames().filter(n => n.startsWith('aria-')).sort().join(' '),
  e.textContent.trim() ? 'text' : 'empty',
  ['alt', 'title', 'aria-label', 'for', 'id'].filter(n => (e.getAttribute(n) || '').trim()).join(' '),
].join('|'))"""


@dataclass
class Demo:
    council_id: int
    values: dict[str, list[str]]  # path parameter name -> the demo's records to fill it with
    routes: dict[str, list[str]]  # route path -> values for its one parameter, where the name is not enough
    extra: list[str]  # addresses with a query that shows a page in another state


def _page_routes(routes) -> list[str]:
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            if "GET" in route.methods and not route.path.startswith("/api"):
                found.append(route.path)
        elif hasattr(route, "original_router"):
            found += _page_routes(route.original_router.routes)
    return found


def addresses(app_routes, demo: Demo) -> list[str]:
    """Every page address to check: each GET page route with its parameters filled from the demo."""
    found: list[str] = []
    unfilled: list[str] = []
    for path in _page_routes(app_routes):
        if path in NOT_PAGES:
            continue
        names = re.findall(r"{(\w+)}", path)
        if not names:
            found.append(path)
            continue
        if path in demo.routes:
            found += [path.replace("{" + names[0] + "}", value) for value in demo.routes[path]]
            continue
        if any(name not in demo.values for name in names):
            unfilled.append(path)
            continue
        options = [demo.values[name] for name in names]
        for index in range(max(len(o) for o in options)):
            address = path
            for name, values in zip(names, options, strict=True):
                address = address.replace("{" + name + "}", values[min(index, len(values) - 1)])
            found.append(address)
    assert not unfilled, (
        f"The accessibility walk cannot fill the path parameters of {unfilled}: add the demo's record for "
        "each parameter to `values` in the `demo` fixture of tests/browser/test_a11y_pages.py (or a route's own "
        "values to its `routes`), or, if the route is no HTML page, to `NOT_PAGES` with the reason."
    )
    return found


def _first(session: Session, model, *where) -> str:
    row = session.exec(select(model).where(*where).order_by(model.id)).first()
    assert row is not None, f"the demo has no {model.__name__}"
    return str(row.id)


@pytest.fixture
def demo(session, settings) -> Demo:
    """The demo council with its next meeting's agenda published, an invitation out, and the ids to walk."""
    from app.agendas.service import publish_agenda

    council: Council = load_demo(session=session, today=date.today())
    chair_user = session.exec(select(User).where(User.email == ROLES["chair"])).one()
    seat = session.exec(select(Membership).where(Membership.user_id == chair_user.id)).one()
    meetings = session.exec(select(Meeting).where(Meeting.council_id == council.id).order_by(Meeting.number)).all()
    upcoming = next(m for m in meetings if m.status == "scheduled")
    held = [m for m in meetings if m.status == "held"]
    called_off = [m for m in meetings if m.status == "cancelled"]
    publish_agenda(session=session, access=Access(user=chair_user, council=council, membership=seat), meeting=upcoming)
    # Raised after publishing: comparing with today's data marks the section "changed".
    session.add(AobItem(meeting_id=upcoming.id, submitted_by_id=seat.id, title="Raised after publishing", details=""))
    _, invitation = invite_person(
        session=session,
        council=council,
        invited_by=chair_user,
        invitation_in=InvitationCreate(email="new.member@example.com", name="New Member", role=Role.member),
        days=14,
    )
    unsubscribe = unsubscribe_token(settings, user_id=chair_user.id, council_id=council.id, kind="action_digest")
    session.commit()
    values = {
        "council_id": [str(council.id)],
        # The next meeting (published agenda, draft minutes), the held ones (circulated minutes, reports)
        # and the one called off.
        "meeting_id": [str(m.id) for m in [upcoming, *reversed(held), *called_off]],
        "action_id": [_first(session, Action, Action.council_id == council.id)],
        "measure_id": [_first(session, Measure, Measure.council_id == council.id)],
        "journey_id": [_first(session, Journey, Journey.council_id == council.id)],
        "initiative_id": [_first(session, Initiative, Initiative.council_id == council.id)],
    }
    routes = {"/invitations/{token}": [invitation], "/unsubscribe/{token}": [unsubscribe]}
    # Pages in a state only their address reaches: the published agenda beside today's data.
    extra = [f"/meetings/{upcoming.id}/agenda?live=1"]
    return Demo(council_id=council.id, values=values, routes=routes, extra=extra)


def minute_live(session: Session, demo: Demo) -> None:
    """The next meeting started an hour ago: the secretary's minutes page shows its editing forms."""
    meeting = session.get(Meeting, int(demo.values["meeting_id"][0]))
    meeting.scheduled_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    session.add(meeting)
    session.commit()


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"^(?!.*/login)"))


def describe(address: str, violations: list[dict]) -> list[str]:
    """Each violation as a reader can act on it: page, rule, impact, the first nodes' targets and HTML."""
    lines = []
    for violation in violations:
        lines.append(f"{address}: {violation['id']} ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"][:3]:
            lines.append(f"    {node['target']}  {node['html'][:200]}")
        if len(violation["nodes"]) > 3:
            lines.append(f"    … and {len(violation['nodes']) - 3} more")
    return lines


def route_of(address: str) -> str:
    """The route an address is a page of, its ids as `{id}`: what axe's record of checked kinds is kept by."""
    return re.sub(r"/\d+(?=/|$)", "/{id}", urlsplit(address).path)


def part_of(pages: list[str], part: int, parts: int) -> list[str]:
    """The addresses of `pages` whose routes fall in `part` of `parts`, in walk order; a route is never split.

    Routes go to the part with the fewest addresses so far, the routes with most addresses first
    (ties by route, so every process splits the same way). The parts hold about as many addresses,
    not as much time: a meeting's agenda and minutes cost axe more than most pages.
    """
    counts: dict[str, int] = {}
    for address in pages:
        counts[route_of(address)] = counts.get(route_of(address), 0) + 1
    loads = [0] * parts
    owner: dict[str, int] = {}
    for route, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        owner[route] = loads.index(min(loads))
        loads[owner[route]] += count
    return [address for address in pages if owner[route_of(address)] == part]


def already_checked(checked: dict[str, set[str]], address: str, kinds: set[str]) -> bool:
    """Whether axe checked every kind of element on `address` on other pages of its route in this walk.

    If not, the page is to be checked, and its kinds count as checked on its route from now on.
    """
    route = route_of(address)
    if route in checked and kinds <= checked[route]:
        return True
    checked.setdefault(route, set()).update(kinds)
    return False


def check(page, address: str, *, allowed: set[int] = frozenset(), checked: dict[str, set[str]]) -> list[str]:
    """Open `address`, expand everything, run axe unless it is a near-duplicate; the violations as readable lines."""
    response = page.goto(address)
    assert response is not None
    problems = []
    if response.status != 200 and response.status not in allowed:
        problems.append(f"{address}: answered {response.status}")
    assert "text/html" in response.headers.get("content-type", ""), f"{address} is no page; add it to NOT_PAGES"
    page.evaluate(OPEN_EVERYTHING)
    if already_checked(checked, address, set(page.evaluate(ELEMENT_KINDS))):
        return problems
    results = Axe().run(page, options=WCAG_21_AA)
    return problems + describe(address, results.response["violations"])


def walk(page, addresses_: list[str], allowed: set[int] = frozenset(), checked: dict | None = None) -> list[str]:
    """Every address checked (`check`); `checked` carries what axe saw from an earlier walk of the same pages."""
    checked = {} if checked is None else checked  # route -> the kinds of element axe has checked on its pages
    problems = []
    for address in addresses_:
        problems += check(page, address, allowed=allowed, checked=checked)
    return problems


def _run(page, addresses_: list[str], allowed: set[int] = frozenset()) -> None:
    problems = walk(page, addresses_, allowed)
    assert not problems, f"axe-core found WCAG 2.1 AA violations on {len(addresses_)} pages:\n" + "\n".join(problems)


def walk_as(page, session, demo: Demo, roles: list[str], pages: list[str], *, others_may_be_refused: bool) -> None:
    """`pages` walked as each of `roles` in turn, sharing what axe checked; the secretary's on a meeting minuted live.

    The chair comes first: a later role's page that shows no kind of element an earlier role's page
    of that route did not is not checked by axe again (`already_checked`); one with their own forms
    or state is. Every address is still opened, expanded and must answer for every role.
    """
    checked: dict[str, set[str]] = {}
    problems = []
    for role in roles:
        if role == "secretary":
            minute_live(session, demo)
        page.context.clear_cookies()
        sign_in(page, ROLES[role])
        allowed = NOT_FOR_EVERYONE if others_may_be_refused and role != "chair" else set()
        problems += [f"as the {role}: {line}" for line in walk(page, pages, allowed, checked)]
    assert not problems, f"axe-core found WCAG 2.1 AA violations on {len(pages)} pages:\n" + "\n".join(problems)


# The three roles in one walk (about half the axe runs of three separate walks, every address of
# every role still opened). The HTML is the same on both engines: SQLite only.
# The walk is split by route into WALK_PARTS tests: what the roles share (`already_checked`) is
# per route and a route's addresses stay in one part, so together the parts open every address as
# every role and run axe on exactly the pages the whole walk did. As one test the walk was the
# browser phase's longest by far, one worker walking while the other ran every other browser test;
# as parts both workers share it (one after another in one process on a loaded machine the three
# took 123, 75 and 38 s).
WALK_PARTS = 3


@engine_independent
@pytest.mark.parametrize("part", range(WALK_PARTS))
def test_every_page_has_no_wcag_violations(demo, app, page, session, part) -> None:
    pages = part_of(addresses(app.routes, demo) + demo.extra, part, WALK_PARTS)
    assert pages, f"part {part} of the walk has no pages: fewer routes than WALK_PARTS?"
    walk_as(page, session, demo, list(ROLES), pages, others_may_be_refused=True)


@engine_independent
def test_signed_out_and_error_pages_have_no_wcag_violations(demo, page) -> None:
    _run(page, SIGNED_OUT + [f"/invitations/{demo.routes['/invitations/{token}'][0]}"], allowed={404})


# The chair, then the secretary on a meeting being minuted live, in one walk as above.
@engine_independent
def test_agenda_and_minutes_at_phone_width_have_no_wcag_violations(demo, page, session) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    pages = []
    for meeting_id in demo.values["meeting_id"][:2]:
        pages += [f"/meetings/{meeting_id}/agenda", f"/meetings/{meeting_id}/minutes"]
    walk_as(page, session, demo, ["chair", "secretary"], pages, others_may_be_refused=False)


def test_a_page_route_the_walk_cannot_fill_fails_and_says_where_to_add_it() -> None:
    new_page = APIRoute("/widgets/{widget_id}", endpoint=lambda widget_id: None, methods=["GET"])
    known = Demo(council_id=1, values={"council_id": ["1"]}, routes={}, extra=[])
    with pytest.raises(AssertionError, match=r"/widgets/\{widget_id\}.*`demo` fixture"):
        addresses([new_page], known)
    filled = Demo(council_id=1, values={"widget_id": ["7", "8"]}, routes={}, extra=[])
    assert addresses([new_page], filled) == ["/widgets/7", "/widgets/8"]


def test_axe_skips_a_page_of_a_checked_route_only_when_it_shows_nothing_new() -> None:
    checked: dict[str, set[str]] = {}
    assert not already_checked(checked, "/meetings/3/agenda", {"H1|||||text|", "A|button||||text|"})
    # Another meeting's agenda made of the same kinds of element: a near-duplicate.
    assert already_checked(checked, "/meetings/2/agenda?live=1", {"A|button||||text|"})
    # One with an element the others did not show (here a link with no text) is checked, and then counts.
    assert not already_checked(checked, "/meetings/1/agenda", {"A|button||||empty|"})
    assert already_checked(checked, "/meetings/4/agenda", {"A|button||||empty|", "H1|||||text|"})
    # The same kinds on another route are checked there too.
    assert not already_checked(checked, "/meetings/3/minutes", {"H1|||||text|"})
    assert not already_checked(checked, "/councils/1", {"H1|||||text|"})


def test_the_walk_parts_cover_every_address_once_and_keep_each_route_whole() -> None:
    pages = ["/", "/councils/1", "/meetings/3/agenda", "/meetings/2/agenda", "/meetings/3/agenda?live=1"]
    pages += ["/meetings/3/minutes", "/meetings/2/minutes", "/actions/5", "/login", "/councils/1/actions"]
    parts = [part_of(pages, part, 3) for part in range(3)]
    assert sorted(address for part in parts for address in part) == sorted(pages)
    for part in parts:
        assert part == [address for address in pages if address in part]  # walk order kept
    owners = {(route_of(address), index) for index, part in enumerate(parts) for address in part}
    assert len(owners) == len({route_of(address) for address in pages})  # no route in two parts
    assert all(parts)
