"""Pages: a council's archive (its chair or a site admin) and the archived councils, with Restore buttons.

The archive gathers actions, measures and meetings, so it sits here above those domains;
each restore calls its own domain's service, and app/archive.py says who may.
"""

from fastapi import APIRouter, Request

from app.actions.service import restore_action
from app.archive import list_archived, list_archived_councils, load_council_for_archive, load_for_restore
from app.common import IdPath
from app.councils.service import delete_council, restore_council
from app.db import SessionDep
from app.measures.service import restore_measure
from app.meetings.service import restore_meeting
from app.models import Action, Measure, Meeting, Role
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.navigation import nav
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)

RESTORERS = {
    "actions": (Action, "Action", restore_action, "action"),
    "measures": (Measure, "Measure", restore_measure, "measure"),
    "meetings": (Meeting, "Meeting", restore_meeting, "meeting"),
}


@router.get("/councils/{council_id}/archive")
def archive_page(request: Request, session: SessionDep, user: PageUser, council_id: IdPath):
    """What was archived in this council, newest first, each with a Restore button."""
    council = load_council_for_archive(session=session, user=user, council_id=council_id)
    rows = list_archived(session=session, council=council)
    return render(
        request,
        "archive.html",
        {"user": user, "council": council, "nav": nav(session=session, council=council, here="council"), "rows": rows},
    )


@router.get("/archived-councils")
def archived_councils_page(request: Request, session: SessionDep, user: PageUser):
    """The archived councils I may restore."""
    councils = list_archived_councils(session=session, user=user)
    return render(request, "archived_councils.html", {"user": user, "councils": councils})


@router.post("/councils/{council_id}/delete", dependencies=[CsrfChecked])
def archive_council_form(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """Archive the council (chair): hidden from everyone until restored from "Archived councils"."""
    access.require(Role.chair, doing="archive the council")
    delete_council(session=session, user=user, council=access.council)
    flash(request, "Council archived. You can restore it from Archived councils.")
    return redirect("/archived-councils")


@router.post("/councils/{council_id}/restore", dependencies=[CsrfChecked])
def restore_council_form(request: Request, session: SessionDep, user: PageUser, council_id: IdPath):
    """Restore an archived council (its chair or a site admin)."""
    council = load_council_for_archive(session=session, user=user, council_id=council_id)
    restore_council(session=session, user=user, council=council)
    flash(request, "Council restored: everyone who sits on it sees it again.")
    return redirect(f"/councils/{council.id}")


def _restore(request: Request, session: SessionDep, user, kind: str, record_id: int):
    model, label, restore, keyword = RESTORERS[kind]
    record = load_for_restore(session=session, user=user, model=model, record_id=record_id, label=label)
    restore(session=session, user=user, **{keyword: record})
    flash(request, f"{label} restored.")
    return redirect(f"/councils/{record.council_id}/archive")


@router.post("/actions/{action_id}/restore", dependencies=[CsrfChecked])
def restore_action_form(request: Request, session: SessionDep, user: PageUser, action_id: IdPath):
    """Restore an archived action onto the log."""
    return _restore(request, session, user, "actions", action_id)


@router.post("/measures/{measure_id}/restore", dependencies=[CsrfChecked])
def restore_measure_form(request: Request, session: SessionDep, user: PageUser, measure_id: IdPath):
    """Restore an archived measure with its readings."""
    return _restore(request, session, user, "measures", measure_id)


@router.post("/meetings/{meeting_id}/restore", dependencies=[CsrfChecked])
def restore_meeting_form(request: Request, session: SessionDep, user: PageUser, meeting_id: IdPath):
    """Restore an archived meeting with its minutes."""
    return _restore(request, session, user, "meetings", meeting_id)
