"""The papers under each agenda item and row: the typed `PaperRef` lists, filled from the papers in use.

Pure: the sections already built and `data.papers` in; each section's, department's, AOB
item's and initiative's `papers` set (in the order they were attached). A paper whose
item is not on this agenda (not taken, or a withdrawn AOB item) is not listed.
"""

from collections import defaultdict

from app.agendas import model as m
from app.agendas.data import AgendaData


def paper_ref(paper) -> m.PaperRef:
    return m.PaperRef(
        id=paper.id,
        name=paper.name,
        size=paper.size,
        media_type=paper.media_type,
        kind=paper.kind,
        uploaded_by=paper.uploaded_by_name or None,
    )


def attach_papers(data: AgendaData, sections: list) -> None:
    """Fill the `papers` of every section and row in `sections` from `data.papers`."""
    if not data.papers:
        return
    refs: dict[tuple[str, object], list[m.PaperRef]] = defaultdict(list)
    for paper in data.papers:
        ident = {
            "item": paper.section_key,
            "report": paper.report_id,
            "aob": paper.aob_item_id,
            "initiative": paper.initiative_id,
        }.get(paper.attached_to)
        if ident is not None:
            refs[(paper.attached_to, ident)].append(paper_ref(paper))
    for section in sections:
        section.papers = refs.get(("item", section.anchor), [])
        if isinstance(section, m.DepartmentReportsSection):
            for entry in section.departments:
                entry.papers = refs.get(("report", entry.report.id), []) if entry.report else []
        elif isinstance(section, m.AobSection):
            for row in section.items:
                row.papers = refs.get(("aob", row.id), [])
        elif isinstance(section, m.InitiativesSection):
            for row in section.initiatives:
                row.papers = refs.get(("initiative", row.id), [])
