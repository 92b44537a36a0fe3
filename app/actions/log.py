"""The action log as the pages show it: a page of open actions and a page of closed ones, in SQL.

A five-year council's log holds thousands of actions, most of them closed long ago; the
pages used to load, validate and render every one to show the open few. Here each list is
read a page at a time in the log's order (service.log_order, written as ORDER BY), with one
count query for the totals the page states, so a request reads the same few statements and
at most a page of rows whatever the log's size. The JSON API and the CSV still answer the
whole log.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from app.actions import service
from app.actions.schemas import ActionPublic
from app.auth import Access
from app.models import CLOSED_STATUSES, Action, Membership, User

# Rows per page: open actions are what people work through; closed ones are history.
OPEN_PAGE = 100
CLOSED_PAGE = 50


@dataclass(frozen=True)
class LogPage:
    """One page of a list: its rows, where it starts, and how many the whole list holds."""

    rows: list[ActionPublic]
    total: int
    page: int
    size: int

    @property
    def first(self) -> int:
        """The position of the first row shown (1-based; 0 when none)."""
        return (self.page - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.size + len(self.rows)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def partial(self) -> bool:
        """Whether some of the list is on other pages (the page then says so and links to them)."""
        return self.total > len(self.rows)


def page_number(value: str) -> int:
    """A page asked for in a query string: a whole number from 1; anything else is the first page."""
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses.
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 1_000_000 else 1


def _is_closed():
    return col(Action.status).in_(list(CLOSED_STATUSES))


def count_log(*, session: Session, access: Access, filters: service.ActionFilters) -> tuple[int, int]:
    """(open, closed) actions on the log with these filters: one query."""
    closed = func.coalesce(func.sum(case((_is_closed(), 1), else_=0)), 0)
    total, closed_count = session.exec(
        select(func.count(col(Action.id)), closed).where(*service.log_conditions(access=access, filters=filters))
    ).one()
    return total - closed_count, closed_count


def open_page(
    *, session: Session, access: Access, filters: service.ActionFilters, page: int, total: int, size: int = OPEN_PAGE
) -> LogPage:
    """Open actions, soonest due first (so the overdue lead), `size` from page `page`."""
    return _page(session, access, filters, ~_is_closed(), (col(Action.due_on), col(Action.id)), page, total, size)


def closed_page(
    *, session: Session, access: Access, filters: service.ActionFilters, page: int, total: int, size: int = CLOSED_PAGE
) -> LogPage:
    """Done and cancelled actions, latest closed first (an action closed before closed_at was kept: its last change)."""
    closed = func.coalesce(col(Action.closed_at), col(Action.updated_at))
    return _page(session, access, filters, _is_closed(), (closed.desc(), col(Action.id)), page, total, size)


def _page(session, access, filters, which, order, page: int, total: int, size: int) -> LogPage:
    # A page past the end shows the last one: a link kept from a longer log still lands on actions.
    page = min(page, max(1, -(-total // size)))
    if total == 0:
        return LogPage(rows=[], total=0, page=1, size=size)
    # The page's ids first, from the actions table alone (an index on the council, a top-N sort of
    # narrow rows); only those rows are then joined to their owner's, department's and meeting's names.
    ids = (
        select(Action.id)
        .where(*service.log_conditions(access=access, filters=filters), which)
        .order_by(*order)
        .limit(size)
        .offset((page - 1) * size)
    )
    query = service._public_query().where(col(Action.id).in_(ids.scalar_subquery())).order_by(*order)
    return LogPage(rows=service._publics(session, query), total=total, page=page, size=size)


def open_actions_of(*, session: Session, user: User, council_ids: set[int], due_by: date) -> list[ActionPublic]:
    """The open actions `user` owns in `council_ids` due by `due_by`, soonest due first (the home page's)."""
    if not council_ids:
        return []
    query = (
        service._public_query()
        .where(
            Membership.user_id == user.id,
            col(Action.council_id).in_(council_ids),
            ~_is_closed(),
            Action.due_on <= due_by,
        )
        .order_by(col(Action.due_on), col(Action.id))
    )
    return service._publics(session, query)
