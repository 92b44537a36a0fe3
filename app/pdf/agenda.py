"""The agenda pack as PDF: the cover and running order, every item of the agenda, the list of
papers, then each PDF paper appended with a bookmark.

Renders an `Agenda` and computes nothing of its own (one Agenda, many renderers): the
sections, words and colours are those of the page and the Word pack.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from app.agendas import model as m
from app.display import file_size, short_date
from app.pdf.papers import append_papers, plan_papers
from app.pdf.render import data_uri, render
from app.pdf.theme import Theme
from app.pdf.words import chart_alt, context_for

ChartFn = Callable[[m.MeasureRow], bytes | None]


def _charts(agenda: m.Agenda, charts: ChartFn) -> dict[int, str]:
    """The overall measures' trend charts as data: URIs, by measure id."""
    out: dict[int, str] = {}
    for section in agenda.sections:
        if isinstance(section, m.OverallMeasuresSection):
            for row in section.measures:
                png = charts(row)
                if png:
                    out[row.id] = data_uri(png, "image/png")
    return out


def render_agenda_pdf(agenda: m.Agenda, *, theme: Theme, charts: ChartFn, papers: Mapping[int, bytes]) -> bytes:
    """The agenda pack as PDF bytes: tagged, bookmarked per item, with the PDF papers appended."""
    h = agenda.meeting
    contents = dict(papers)
    planned = plan_papers(agenda.paper_listing(), contents)
    by_position: dict[int, list] = defaultdict(list)
    for paper in planned:
        by_position[paper.listing.position].append(paper)
    published = None
    if agenda.status == "published" and agenda.published_at:
        published = agenda.published_at.astimezone(ZoneInfo(h.timezone))
    status = "" if agenda.status == "published" else " · Draft"
    rendered = render(
        "agenda.html",
        **context_for(theme, header=h, title=f"{h.council_name}: meeting {h.number} agenda", subject="Agenda pack"),
        running=f"{h.council_name} · Meeting {h.number} · {short_date(h.date)}{status}",
        agenda=agenda,
        published=published,
        charts=_charts(agenda, charts),
        chart_alt=chart_alt,
        papers=planned,
        papers_at=by_position,
        size_text=file_size,
    )
    if not planned:
        return rendered.pdf
    return append_papers(rendered.pdf, planned, contents, list_page=rendered.anchors.get("papers", 0))
