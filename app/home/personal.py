"""Page: my home after signing in (/home): my next meetings with my answer, the reports my department
owes, my actions falling due, and what changed since my last visit. `/` leads here once signed in."""

from datetime import timedelta

from fastapi import APIRouter, Request

from app.db import SessionDep
from app.display import local_date
from app.home.personal_data import CHANGES_SHOWN, DUE_SOON_DAYS, load_home, note_visit
from app.meetings.responses import delegate_choices
from app.meetings.service import meeting_public
from app.web.deps import PageUser
from app.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/home")
def home_page(request: Request, session: SessionDep, user: PageUser, changes: str = ""):
    """My next meetings (answer the invitation in one click), reports owed, actions due, and what changed
    (the latest few; `changes=all` lists every one)."""
    settings = request.app.state.settings
    since = note_visit(
        engine=request.app.state.engine,
        user=user,
        gap=timedelta(minutes=settings.HOME_VISIT_GAP_MINUTES),
        session=session,
    )
    home = load_home(session=session, user=user, since=since, changes_shown=None if changes == "all" else CHANGES_SHOWN)
    return render(
        request,
        "home.html",
        {
            "user": user,
            "home": home,
            "local": {n.meeting.id: meeting_public(n.meeting, n.seat.council) for n in home.meetings},
            "since_on": local_date(since, "UTC") if since else None,
            "due_soon_days": DUE_SOON_DAYS,
            # Other seats to send as a delegate, once per council (one query each).
            "others": {
                council_id: delegate_choices(session=session, council_id=council_id, me=me)
                for council_id, me in {n.seat.council.id: n.seat.membership.id for n in home.meetings}.items()
            },
        },
    )
