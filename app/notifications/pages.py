"""Pages: the mail I receive (/notifications), the chair's notification settings, and unsubscribing from a mail."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.db import SessionDep
from app.errors import Conflict
from app.models import Role
from app.models.papers import PAPER_FILE_MB_CEILING, PAPER_MEETING_MB_CEILING
from app.notifications import choices as service
from app.notifications.kinds import KINDS
from app.notifications.preferences import required_kinds
from app.notifications.schemas import MAX_ATTACH_KB, ChoicesIn, NotificationSettingsIn
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser, signed_in_user
from app.web.forms import ListField, attempt, whole_or_text
from app.web.navigation import nav
from app.web.render import redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/notifications")
def notifications_page(request: Request, session: SessionDep, user: PageUser):
    """Every council I sit on, with a box per kind of mail that can reach my seat."""
    councils = service.list_my_choices(session=session, user=user)
    return render(request, "notifications.html", {"user": user, "councils": councils, "audience": service.AUDIENCE})


def _said(keys: list[str], changed: list[str], on: bool) -> str:
    return ", ".join(f"“{KINDS[k].label}”" for k in changed if (k in keys) == on)


@router.post("/notifications/{council_id}", dependencies=[CsrfChecked])
def save_notifications_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    kind: ListField = [],  # noqa: B006 (FastAPI copies defaults)
):
    """Save one council's boxes: the kinds ticked are on, the other kinds shown for my seat are off."""
    ticked = [key for key in kind if key in KINDS]
    # A required kind's box is disabled, so the browser never sends it: it is not the person's to choose.
    required = required_kinds(access.council)
    shown = [k.key for k in service.kinds_for(access.role) if k.key not in required]

    def save():
        choices_in = ChoicesIn(kinds={key: key in ticked for key in shown})
        return service.set_my_choices(session=session, access=access, choices_in=choices_in)

    def said(result) -> str:
        _, changed = result
        if not changed:
            return f"Nothing changed for {access.council.name}."
        parts = [
            f"{verb}: {names}"
            for verb, names in (("On", _said(ticked, changed, True)), ("Off", _said(ticked, changed, False)))
            if names
        ]
        return f"Saved for {access.council.name}. " + "; ".join(parts) + "."

    attempt(request, session, save, success=said)
    return redirect(f"/notifications#council-{access.council.id}")


def _settings_page(council_id: int) -> str:
    return f"/councils/{council_id}/notification-settings"


@router.get("/councils/{council_id}/notification-settings")
def notification_settings_page(request: Request, session: SessionDep, user: PageUser, access: PageCouncil):
    """The council's notification settings: the chair changes them, the secretary may read them."""
    access.require(Role.chair, Role.secretary, doing="see the council's notification settings")
    return render(
        request,
        "notification_settings.html",
        {
            "user": user,
            "access": access,
            "council": access.council,
            "nav": nav(session=session, council=access.council, here="council"),
            "settings": service.settings_public(access.council),
            "is_chair": access.is_(Role.chair),
            "max_attach_kb": MAX_ATTACH_KB,
            "paper_ceilings": (PAPER_FILE_MB_CEILING, PAPER_MEETING_MB_CEILING),
        },
    )


_SETTING_NAMES = {
    "required_notifications": "required kinds",
    "pack_attach_limit_kb": "Word pack limit",
    "report_reminder_days": "report reminder",
    "due_moves_need_approval": "due date approval",
    "correction_window_days": "correction window",
    "paper_max_file_mb": "largest paper",
    "paper_max_meeting_mb": "papers a meeting",
}


@router.post("/councils/{council_id}/notification-settings", dependencies=[CsrfChecked])
def save_notification_settings_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    required: ListField = [],  # noqa: B006
    pack_attach_limit_kb: Annotated[str, Form()] = "",
    report_reminder_days: Annotated[str, Form()] = "",
    due_moves_need_approval: Annotated[str, Form()] = "",
    correction_window_days: Annotated[str, Form()] = "",
    paper_max_file_mb: Annotated[str, Form()] = "",
    paper_max_meeting_mb: Annotated[str, Form()] = "",
    version: Annotated[str, Form()] = "",
):
    """Save every setting on the form (chair); refused whole, naming the field, when one is out of range."""
    access.require(Role.chair, doing=service.SETTINGS_DOING)

    def save():
        if whole_or_text(version) != access.council.version:
            raise Conflict(
                "Someone changed the council since this page was opened; nothing was saved. Check and save again."
            )
        settings_in = NotificationSettingsIn.model_validate(
            {
                "required_notifications": list(required),
                "pack_attach_limit_kb": whole_or_text(pack_attach_limit_kb),
                "report_reminder_days": whole_or_text(report_reminder_days),
                "due_moves_need_approval": due_moves_need_approval == "true",
                "correction_window_days": whole_or_text(correction_window_days),
                "paper_max_file_mb": whole_or_text(paper_max_file_mb),
                "paper_max_meeting_mb": whole_or_text(paper_max_meeting_mb),
            }
        )
        return service.update_settings(session=session, access=access, settings_in=settings_in)

    def said(changed: list[str]) -> str:
        if not changed:
            return "Nothing changed."
        return "Saved: " + ", ".join(_SETTING_NAMES[name] for name in changed) + "."

    attempt(request, session, save, success=said)
    return redirect(_settings_page(access.council.id))


def _unsubscribe_page(request: Request, session: SessionDep, token: str, *, done: bool):
    found = service.read_unsubscribe(session=session, settings=request.app.state.settings, token=token)
    if found is None:
        return render(request, "notifications_unsubscribe.html", {"user": None, "found": None}, status_code=404)
    if done:
        found = service.unsubscribe(session=session, found=found)
    context = {"user": None, "found": found, "done": done, "signed_in": signed_in_user(request, session) is not None}
    return render(request, "notifications_unsubscribe.html", context)


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, session: SessionDep, token: str):
    """What the link in a mail turns off (no sign-in needed), with the button that does it."""
    return _unsubscribe_page(request, session, token[:500], done=False)


# No CSRF check, on purpose: mail clients post here with no cookie and no form token (RFC 8058
# one-click, body "List-Unsubscribe=One-Click"). The signed token in the address is the
# authority, and the only thing a forged post can do is what the link's owner asked for.
@router.post("/unsubscribe/{token}")
def unsubscribe_form(request: Request, session: SessionDep, token: str):
    """Turn off the kind of mail the link names (the page's button, or a mail client's one-click post)."""
    return _unsubscribe_page(request, session, token[:500], done=True)
