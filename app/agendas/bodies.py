"""The agenda page's HTML that shows every reader the same, rendered once per kept agenda and shared by a server.

Most of a five-year council's agenda page is sections and rows that read the same to every reader (no papers, forms
or answers of the reader's own): SAME_FOR_EVERYONE's sections, and SPLIT_ROWS' rows around each reader's papers.
They are rendered once per kept agenda (app/agendas/cache.py AgendaEntry.bodies) rather than on every view, and
since that rendering was most of a worker's CPU for its first open of a council's agenda (the load run's first
seconds, when every worker opens every council's agenda cold), once per SERVER: the HTML is kept in the workers'
shared folder beside the agenda, under the same key (AgendaFiles.read_bodies), by whichever process rendered it
first, the warm-up's job process included (app/agendas/warm.py). A worker that finds it there reads it back (a
fraction of a millisecond against some 50 ms of rendering).

What is kept is exactly what the templates render: each section's template rendered alone, as the page would include
it, and taken as Jinja gives it (TemplateModule.__html__, escaped as the template escapes), never HTML of ours; the
shared copy is those strings, marked as the same template output when read back. They show the agenda's sections and
the council's id, nothing else (the templates' globals and filters are the code's), so the key of the agenda they
were rendered from, with the council and the set of sections kept, is all they depend on.
"""

import hashlib
import threading
from types import SimpleNamespace

from markupsafe import Markup

from app.agendas.cache import AgendaCache, AgendaEntry, AgendaKey
from app.agendas.page_agenda import PageView, page_agenda, shows_all
from app.web.render import templates

# Sections whose body shows every reader the same (no papers, forms or answers of the reader's own):
# rendered once per kept agenda, not on every view. The others are rendered with the page.
SAME_FOR_EVERYONE = frozenset(
    {"actions", "overall_measures", "measures_review", "prioritisation", "research", "best_practice", "standing"}
)
# Sections whose rows hold the reader's own papers between parts that read the same to every reader: the section,
# its rows, a row's id, the templates of the parts before and after its papers (agenda/_<name>_top.html, _bottom)
# and the name they give the row.
SPLIT_ROWS = {
    "department_reports": ("departments", "department_id", "dept", "d"),
    "initiatives": ("initiatives", "id", "initiative", "i"),
}
ROW_PARTS = "rows:parts"
# One thread of the worker renders a kept agenda's shared HTML at a time (kept_bodies).
_RENDERING = threading.Lock()
# Kept agendas of the same meeting whose sections a new one's are compared with before rendering (most recent first).
SAME_COMPARED = 2


def kept_bodies(
    entry: AgendaEntry, *, council_id: int, cache: AgendaCache | None = None, same: frozenset[str] = SAME_FOR_EVERYONE
) -> dict[str, object]:
    """The HTML of each `same` section's body and of each SPLIT_ROWS row's parts (under ROW_PARTS), kept with the
    agenda entry: from another kept agenda with the same sections (bodies_of_same_sections), else from the server's
    shared folder, else rendered (and written there for the server's other workers)."""
    if entry.bodies is None:
        # Readers arriving together at a new agenda (as the agenda cache's build, service.kept_entry) wait for the
        # first one's rendering rather than each rendering the same HTML: the kept bodies are set once complete.
        with _RENDERING:
            if entry.bodies is None:
                entry.bodies = _find_or_render(entry, council_id=council_id, cache=cache, same=same)
    return entry.bodies


def _find_or_render(
    entry: AgendaEntry, *, council_id: int, cache: AgendaCache | None, same: frozenset[str]
) -> dict[str, object]:
    shared = cache.shared if cache is not None and entry.key is not None else None
    tag = shared_tag(council_id, same)
    bodies = bodies_of_same_sections(entry, cache)
    if bodies is None and shared is not None:
        bodies = shared.read_bodies(entry.key, tag)
        if bodies is not None:
            return bodies
    if bodies is None:
        bodies = render_bodies(entry.agenda, council_id=council_id, same=same)
    if shared is not None and not shared.has_bodies(entry.key, tag):
        # What the page reads of the agenda beside this HTML first, so that a worker finding the HTML finds it too.
        shared.write_page(entry.key, tag, page_agenda(entry.agenda, same))
        shared.write_bodies(entry.key, tag, bodies)
    return bodies


def kept_view(
    key: AgendaKey | None, *, council_id: int, cache: AgendaCache | None, same: frozenset[str] = SAME_FOR_EVERYONE
) -> PageView | None:
    """The agenda page's part of the agenda of `key` with its shared HTML (app/agendas/page_agenda.py), for a worker
    that does not hold that agenda: kept from a read before, else read from the server's shared folder where the
    process that rendered the HTML wrote both. None when either is not there (the page then reads the agenda)."""
    if cache is None or key is None or cache.shared is None:
        return None
    tag = shared_tag(council_id, same)
    if (view := cache.get_page(key, tag)) is not None:
        return view
    page = cache.shared.read_page(key, tag)
    bodies = cache.shared.read_bodies(key, tag) if page is not None else None
    if page is None or bodies is None or not shows_all(page, bodies, same, ROW_PARTS):
        return None
    view = PageView(page=page, bodies=bodies)
    cache.put_page(key, tag, view)
    return view


def shared_tag(council_id: int, same: frozenset[str]) -> str:
    """What the shared bodies depend on besides the agenda's key: the council's id and which sections are kept."""
    return hashlib.sha256(f"{council_id}|{','.join(sorted(same))}".encode()).hexdigest()[:16]


def render_bodies(agenda, *, council_id: int, same: frozenset[str] = SAME_FOR_EVERYONE) -> dict[str, object]:
    """Each `same` section's template rendered alone, by anchor, and the rows' parts under ROW_PARTS."""
    council = SimpleNamespace(id=council_id)  # the one thing of the council's these templates show
    bodies: dict[str, object] = {
        s.anchor: _html(templates.env.get_template(f"agenda/_{s.key}.html").make_module({"s": s, "council": council}))
        for s in agenda.sections
        if s.key in same
    }
    bodies[ROW_PARTS] = render_row_parts(agenda)
    return bodies


def render_row_parts(agenda) -> dict[str, dict[int, tuple[Markup, Markup]]]:
    """Each SPLIT_ROWS row as two rendered templates, the part before its papers and the part after, by section and
    row id."""
    parts: dict[str, dict[int, tuple[Markup, Markup]]] = {key: {} for key in SPLIT_ROWS}
    for s in agenda.sections:
        if s.key in SPLIT_ROWS:
            rows, ident, name, var = SPLIT_ROWS[s.key]
            top, bottom = (templates.env.get_template(f"agenda/_{name}_{part}.html") for part in ("top", "bottom"))
            parts[s.key] |= {
                getattr(row, ident): (_html(top.make_module({var: row})), _html(bottom.make_module({var: row})))
                for row in getattr(s, rows)
            }
    return parts


def _html(module) -> Markup:
    """A rendered template's output as Jinja hands it to a page that inserts it (what `{{ module }}` would insert)."""
    return module.__html__()


def bodies_of_same_sections(entry: AgendaEntry, cache: AgendaCache | None) -> dict[str, object] | None:
    """The bodies kept with another agenda of the same meeting whose sections are this one's, so the same HTML
    (the bodies show the sections and the council's id, nothing else).

    First the very same list (a published copy of a kept draft shares it; renderers never change a kept agenda),
    else an equal one, the most recently used first, at most SAME_COMPARED of them: publishing again with nothing
    changed, a circulated agenda read from the workers' shared folder by a worker that keeps its draft, or a draft
    rebuilt after a write that changed nothing it shows. Comparing a five-year council's sections costs about 6 ms,
    rendering them 50 to 80."""
    if cache is None or entry.key is None:
        return None
    candidates = [
        other
        for other in reversed(cache.entries())
        if other is not entry
        and other.bodies is not None
        and other.key is not None
        and other.key.meeting_id == entry.key.meeting_id
    ]
    sections = entry.agenda.sections
    for other in candidates:
        if other.agenda.sections is sections:
            return other.bodies
    for other in candidates[:SAME_COMPARED]:
        if other.agenda.sections == sections:
            return other.bodies
    return None
