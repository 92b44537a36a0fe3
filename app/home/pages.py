"""Page: one council at a glance (members, departments, meetings and open actions).

It gathers what the domains below it hold, so it sits above them: councils, meetings and
actions each keep their own pages, and none of them imports another's.
"""

from fastapi import APIRouter, Request

from app.actions import log
from app.actions.service import ActionFilters
from app.councils import invitation_service, service
from app.db import SessionDep
from app.meetings import calendar_links
from app.meetings.service import list_meetings, meeting_public
from app.models import Role, utcnow
from app.notifications.outbox_service import failed_count
from app.web.deps import PageCouncil, PageUser
from app.web.navigation import nav
from app.web.render import render

router = APIRouter(include_in_schema=False)

# Open actions the council page lists; a longer list links to the rest on the action log.
COUNCIL_OPEN_ACTIONS = 25


@router.get("/councils/{council_id}")
def council_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """A council at a glance: members, departments, meetings and open actions."""
    council = access.council
    now = utcnow()
    meetings = [meeting_public(m, council, now) for m in list_meetings(session=session, council=council)]
    # The soonest due of the open actions (overdue first), with how many there are: the log has the rest.
    open_total, _ = log.count_log(session=session, access=access, filters=ActionFilters())
    actions = log.open_page(
        session=session, access=access, filters=ActionFilters(), page=1, total=open_total, size=COUNCIL_OPEN_ACTIONS
    )
    invitations = (
        invitation_service.list_council_invitations(session=session, council=council) if access.is_(Role.chair) else []
    )
    return render(
        request,
        "council.html",
        {
            "user": user,
            "access": access,
            "council": council,
            "is_chair": access.is_(Role.chair),
            "members": service.list_members(session=session, council=council),
            "invitations": invitations,
            # How each seat came to be: who invited them and when (the chair's view).
            "invited": {i.email: i for i in reversed(invitations) if i.status == "accepted"},
            "departments": service.list_departments(session=session, council=council),
            # By the clock (app/meetings/state.py): a meeting leaves "upcoming" once it has ended;
            # a cancelled one stays listed where its date puts it, marked so.
            "upcoming": [m for m in meetings if m.ends_at > now],
            "past": list(reversed([m for m in meetings if m.ends_at <= now])),
            "may_change_meetings": access.is_(Role.chair, Role.secretary),
            # Chair and secretary see the council's Mail page, and a banner when mail was given up.
            "failed_mail": failed_count(session=session, council_id=council.id)
            if access.is_(Role.chair, Role.secretary)
            else None,
            "actions": actions,
            "roles": [r.value for r in Role],
            "nav": nav(session=session, council=council, here="council"),
            "calendar_link": calendar_links.get_link(access=access, base_url=request.app.state.settings.BASE_URL).url,
        },
    )
