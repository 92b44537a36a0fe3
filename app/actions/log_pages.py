"""Pages: the council's action log, and raising an action on it between meetings.

The raise form posts to the page route below; a refused form is shown again at once with
everything that was typed (a description can be long: it does not travel through the
session cookie) and the field to fix named beside it.
"""

from datetime import date, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlmodel import Session, col, select

from app.actions import log, service
from app.actions.schemas import ActionCreate
from app.auth import Access
from app.common import IdQuery, today_in
from app.councils.schemas import MemberPublic
from app.councils.service import list_departments, list_members
from app.db import SessionDep
from app.display import ACTION_STATUSES as STATUSES
from app.display import short_date
from app.errors import AppError, Invalid
from app.meetings.service import list_meetings
from app.meetings.state import MeetingState, meeting_state
from app.models import Department, Initiative, Journey
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import TextField, field_errors, whole_or_text
from app.web.idempotency import ALREADY_SAVED, spend_form_token
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)

# Without a meeting ahead, an action raised between meetings is due in two weeks.
DEFAULT_DUE_DAYS = 14
RAISE_LABELS = {
    "title": "Title",
    "description": "Description",
    "owner_id": "Owner",
    "department_id": "Department",
    "due_on": "Due date",
    "initiative_id": "Initiative",
    "journey_id": "Journey",
}


# Query strings from GET forms: an empty or unknown value means "any", never an error page.
def status_param(value: str) -> str | None:
    return value if value in STATUSES else None


def overdue_param(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


def _query(**params) -> str:
    """A clean query string (the API's names and spellings) for the filters that are set."""
    return urlencode(
        {k: ("true" if v else "false") if isinstance(v, bool) else v for k, v in params.items() if v is not None}
    )


def default_due(session: Session, access: Access) -> tuple[date, str]:
    """The next meeting's date (in the council's time zone), else today + 14 days; with words saying which."""
    zone = ZoneInfo(access.council.timezone)
    for meeting in list_meetings(session=session, council=access.council):
        if meeting_state(meeting) == MeetingState.scheduled:
            day = meeting.scheduled_at.astimezone(zone).date()
            return day, f"the next meeting's date (meeting {meeting.number}, {short_date(day)})"
    return today_in(access.council.timezone) + timedelta(
        days=DEFAULT_DUE_DAYS
    ), "two weeks from today (no meeting ahead)"


def _raise_context(  # noqa: PLR0913
    session: Session,
    access: Access,
    typed: dict | None,
    errors: dict[str, str],
    members: list[MemberPublic],
    departments: list[Department],
) -> dict:
    """What the raise form shows: choices the person may pick (from the council's `members` and `departments`,
    which the log's filters list too), and the values typed or defaulted."""
    council = access.council
    manager = access.is_(*service.MANAGERS)
    own = access.membership.department_id
    if not manager:  # a member raises for their own department, owned within it
        members = [m for m in members if m.department_id == own]
        departments = [d for d in departments if d.id == own]
    due, due_rule = default_due(session, access)
    values = typed or {
        "title": "",
        "description": "",
        "owner_id": "" if manager else str(access.membership.id),
        "department_id": "" if manager else str(own or ""),
        "due_on": due.isoformat(),
        "initiative_id": "",
        "journey_id": "",
    }
    return {
        "values": values,
        "errors": errors,
        "open": bool(errors),
        "manager": manager,
        "members": members,
        "departments": departments,
        "initiatives": session.exec(
            select(Initiative.id, Initiative.title)
            .where(Initiative.council_id == council.id)
            .order_by(col(Initiative.title))
        ).all(),
        "journeys": session.exec(
            select(Journey.id, Journey.name).where(Journey.council_id == council.id).order_by(col(Journey.name))
        ).all(),
        "due_rule": due_rule,
    }


def _render_log(
    request: Request,
    session: Session,
    access: Access,
    filters: service.ActionFilters,
    *,
    pages: tuple[int, int] = (1, 1),
    typed: dict | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
):
    """The log page: a page of open actions and one of closed ones (app/actions/log.py), with their totals."""
    open_total, closed_total = log.count_log(session=session, access=access, filters=filters)
    open_actions = log.open_page(session=session, access=access, filters=filters, page=pages[0], total=open_total)
    closed_actions = log.closed_page(session=session, access=access, filters=filters, page=pages[1], total=closed_total)
    query = _query(
        status=filters.status, owner_id=filters.owner_id, department_id=filters.department_id, overdue=filters.overdue
    )
    base = f"/councils/{access.council.id}/actions?" + (f"{query}&" if query else "")
    can_raise = service.may_raise_actions(access=access) and (
        access.is_(*service.MANAGERS) or access.membership.department_id is not None
    )
    # Read once for the filters and the raise form both.
    members = list_members(session=session, council=access.council)
    departments = list_departments(session=session, council=access.council)
    return render(
        request,
        "action_log.html",
        {
            "user": access.user,
            "access": access,
            "council": access.council,
            "nav": nav(session=session, council=access.council, here="actions"),
            "total": open_total + closed_total,
            "open_actions": open_actions,
            "closed_actions": closed_actions,
            # Where each pager's links go: the same filters, the other list's page kept.
            "open_page_url": f"{base}closed_page={closed_actions.page}&open_page=",
            "closed_page_url": f"{base}open_page={open_actions.page}&closed_page=",
            "filters": filters,
            "filtered": bool(query),
            "csv_url": f"/api/councils/{access.council.id}/actions.csv" + (f"?{query}" if query else ""),
            "members": members,
            "departments": departments,
            "can_raise": can_raise,
            "raise_form": _raise_context(session, access, typed, errors or {}, members, departments)
            if can_raise
            else None,
        },
        status_code=status_code,
    )


@router.get("/councils/{council_id}/actions")
def action_log_page(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    status: str = "",
    owner_id: IdQuery = None,
    department_id: IdQuery = None,
    overdue: str = "",
    open_page: str = "",
    closed_page: str = "",
):
    """The council's action log: open actions first (overdue leading), then closed, a page of each; filters, CSV,
    a raise form."""
    filters = service.ActionFilters(
        status=status_param(status), owner_id=owner_id, department_id=department_id, overdue=overdue_param(overdue)
    )
    pages = (log.page_number(open_page), log.page_number(closed_page))
    return _render_log(request, session, access, filters, pages=pages)


@router.post("/councils/{council_id}/actions", dependencies=[CsrfChecked])
def raise_action_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    access: PageCouncil,
    title: TextField = "",
    description: TextField = "",
    owner_id: TextField = "",
    department_id: TextField = "",
    due_on: TextField = "",
    initiative_id: TextField = "",
    journey_id: TextField = "",
):
    """Raise an action between meetings from the log's form; a refused form comes back with what was typed."""
    service.require_raiser(access=access)
    # Browsers send a textarea's line breaks as CRLF; counted as one, as its maxlength does.
    description = description.replace("\r\n", "\n")
    typed = {
        "title": title,
        "description": description,
        "owner_id": owner_id,
        "department_id": department_id,
        "due_on": due_on,
        "initiative_id": initiative_id,
        "journey_id": journey_id,
    }
    log = f"/councils/{access.council.id}/actions"
    once = spend_form_token(request, session)
    if once.first is not None:
        flash(request, ALREADY_SAVED)
        return redirect(log)

    def show_again(errors: dict[str, str]):
        session.rollback()
        return _render_log(
            request, session, access, service.ActionFilters(), typed=typed, errors=errors, status_code=422
        )

    data = {
        "title": title,
        "description": description,
        "owner_id": whole_or_text(owner_id),
        "department_id": whole_or_text(department_id),
        "due_on": due_on.strip() or None,
        "initiative_id": whole_or_text(initiative_id),
        "journey_id": whole_or_text(journey_id),
    }
    try:
        # A box left empty is missing ("is required"), not a wrong value.
        action_in = ActionCreate.model_validate({k: v for k, v in data.items() if v is not None})
        action = service.create_action(session=session, access=access, action_in=action_in)
    except ValidationError as exc:
        return show_again({f: f"{RAISE_LABELS.get(f, 'Title')} {message}." for f, message in field_errors(exc).items()})
    except Invalid as exc:
        return show_again({exc.field if exc.field in RAISE_LABELS else "title": exc.detail})
    except AppError as exc:
        if exc.status_code in (403, 404):
            raise
        return show_again({"title": exc.detail})
    once.remember(session, action)
    public = service.get_action_public(session=session, action=action)
    flash(request, f"Action raised: “{public.title}”, owned by {public.owner_name}, due {short_date(public.due_on)}.")
    return redirect(log)
