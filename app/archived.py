"""Archived rows are hidden from every query unless the query asks for them.

Councils, meetings, actions and measures are archived rather than deleted when they
carry history (app/archive.py says which). An archived row must drop out of every list,
count, agenda, reminder and scorecard at once: one global filter here, rather than an
`archived_at IS NULL` in each of dozens of queries, so a query written tomorrow hides
them too. This is SQLAlchemy's documented "global filter" recipe (`with_loader_criteria`
from a `do_orm_execute` event); it also covers `session.get` and joins.

The few readers that must see archived rows (the archive list, restore, the minutes of
a meeting, an action's own page and history, purge) say so with
`.execution_options(include_archived=True)` (or `session.get(…, execution_options=…)`).
Bulk UPDATE and DELETE statements are not filtered.
"""

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.models import Action, Council, Measure, Meeting, Paper

ARCHIVABLE = (Council, Meeting, Action, Measure, Paper)
INCLUDE_ARCHIVED = {"include_archived": True}

# The filter's options, built once: a loader-criteria option is immutable and its lambda closes over nothing, so
# every SELECT can share them (building five of them on each statement was about a tenth of a page's CPU).
_HIDE_ARCHIVED = tuple(
    with_loader_criteria(model, lambda cls: cls.archived_at.is_(None), include_aliases=True) for model in ARCHIVABLE
)


@event.listens_for(Session, "do_orm_execute")
def _hide_archived(state: ORMExecuteState) -> None:
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get("include_archived", False)
    ):
        state.statement = state.statement.options(*_HIDE_ARCHIVED)
