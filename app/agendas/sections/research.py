"""Sections 8 and 9: customer research since the previous meeting, and any other business."""

from app.agendas import model as m
from app.agendas.data import AgendaData


def build_research(data: AgendaData, base: dict) -> m.ResearchSection:
    """The research recorded since the previous meeting (or the last 90 days)."""
    notes = []
    if not data.research:
        previous = data.previous
        since = f"since meeting {previous.number}" if previous else "in the last 90 days"
        notes.append(f"No customer research recorded {since}.")
    return m.ResearchSection(
        **base,
        notes=notes,
        items=[
            m.ResearchRow(
                id=r.id, title=r.title, conducted_on=r.conducted_on, method=r.method, summary=r.summary, link=r.link
            )
            for r in data.research
        ],
    )


def build_aob(data: AgendaData, base: dict) -> m.AobSection:
    """Any other business members submitted for this meeting."""
    items = [
        m.AobRow(
            id=item.id,
            title=item.title,
            details=item.details,
            submitted_by=who,
            carried_from_meeting=data.aob_carried_from.get(item.id),
        )
        for item, who in data.aob
    ]
    return m.AobSection(**base, notes=[] if items else ["No other business submitted."], items=items)
