"""Page: the council's Mail (chair and secretary): what waits, what was given up and why, what left."""

from fastapi import APIRouter, Request

from app.common import IdPath
from app.db import SessionDep
from app.errors import NotFound
from app.notifications import outbox_service as service
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser
from app.web.forms import attempt
from app.web.navigation import nav
from app.web.render import redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/councils/{council_id}/outbox")
def outbox_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """The council's mail: given up (with Send again), waiting, and the last 50 sent."""
    rows = service.list_council_outbox(session=session, access=access)
    settings = request.app.state.settings
    return render(
        request,
        "outbox.html",
        {
            "user": user,
            "access": access,
            "council": access.council,
            "nav": nav(session=session, council=access.council, here="council"),
            "failed": [r for r in rows if r.status == "failed"],
            "queued": [r for r in rows if r.status == "queued"],
            "sent": [r for r in rows if r.status == "sent"],
            "sent_listed": service.SENT_LISTED,
            "max_attempts": settings.OUTBOX_MAX_ATTEMPTS,
            "mail_configured": bool(settings.SMTP_URL),
        },
    )


@router.post("/councils/{council_id}/outbox/{outbox_message_id}/retry", dependencies=[CsrfChecked])
def retry_message_form(request: Request, session: SessionDep, access: PageCouncil, outbox_message_id: IdPath):
    """Send a given-up message again (chair, secretary)."""
    back = f"/councils/{access.council.id}/outbox"
    row, row_access = service.get_message_access(session=session, user=access.user, message_id=outbox_message_id)
    if row_access.council.id != access.council.id:
        raise NotFound("Message not found.")
    attempt(
        request,
        session,
        lambda: service.send_again(session=session, access=row_access, row=row),
        success=lambda sent: f"The message to {sent.recipient} is queued again; it leaves with the next delivery.",
    )
    return redirect(back)
