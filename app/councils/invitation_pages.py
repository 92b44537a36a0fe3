"""Pages: the chair invites, resends and withdraws; the invited person accepts or declines.

A signed-in person answers from their councils page; a person without an account opens
the emailed link, chooses a name and password, and is seated and signed in at once.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from pydantic import ValidationError

from app.auth import Access, sign_in_browser
from app.common import IdPath
from app.councils import invitation_service as service
from app.councils.invitation_mail import queue_invitation
from app.councils.invitation_schemas import InvitationCreate, InvitationSent, NewAccountIn
from app.db import SessionDep
from app.errors import AppError
from app.models import Council, Role, User, utcnow
from app.web.csrf import CsrfChecked
from app.web.deps import PageCouncil, PageUser, signed_in_user
from app.web.forms import attempt, form_errors, whole_or_text
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)

# token_urlsafe(32) is 43 characters; anything much longer is no link of ours.
Token = Annotated[str, Path(min_length=20, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


def _sent_message(sent: InvitationSent, verb: str) -> str:
    return f"Invitation {verb}: the mail is {sent.mail_detail}."


def _chair(access: Access) -> str:
    access.require(Role.chair, doing="manage invitations")
    return f"/councils/{access.council.id}#members-h"


@router.post("/councils/{council_id}/invitations", dependencies=[CsrfChecked])
def create_invitation_form(
    request: Request,
    session: SessionDep,
    access: PageCouncil,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "member",
    department_id: Annotated[str, Form()] = "",
):
    """Invite someone from the council page (chair)."""
    back = _chair(access)
    settings = request.app.state.settings

    def apply():
        invitation_in = InvitationCreate.model_validate(
            {"email": email, "name": name, "role": role, "department_id": whole_or_text(department_id)}
        )
        return service.invite_person(
            session=session,
            council=access.council,
            invited_by=access.user,
            invitation_in=invitation_in,
            days=settings.INVITATION_DAYS,
        )

    ok, made = attempt(request, session, apply)
    if ok:
        invitation, token = made
        _mail_and_say(request, session, access, invitation, token, done="saved")
    return redirect(back)


def _mail_and_say(request: Request, session, access: Access, invitation, token: str, *, done: str) -> None:
    """Queue the invitation's mail with it, and tell the chair so."""
    sent = queue_invitation(
        session=session,
        settings=request.app.state.settings,
        invitation=invitation,
        council=access.council,
        inviter=access.user,
        token=token,
    )
    flash(request, _sent_message(sent, done))


@router.post("/councils/{council_id}/invitations/{invitation_id}/resend", dependencies=[CsrfChecked])
def resend_invitation_form(request: Request, session: SessionDep, access: PageCouncil, invitation_id: IdPath):
    """Send a pending or expired invitation again, with a new link (chair)."""
    back = _chair(access)
    settings = request.app.state.settings
    invitation = service.get_council_invitation(session=session, council=access.council, invitation_id=invitation_id)
    ok, token = attempt(
        request,
        session,
        lambda: service.resend_invitation(session=session, invitation=invitation, days=settings.INVITATION_DAYS),
    )
    if ok:
        _mail_and_say(request, session, access, invitation, token, done="sent again")
    return redirect(back)


@router.post("/councils/{council_id}/invitations/{invitation_id}/revoke", dependencies=[CsrfChecked])
def revoke_invitation_form(request: Request, session: SessionDep, access: PageCouncil, invitation_id: IdPath):
    """Withdraw an invitation not yet answered (chair)."""
    back = _chair(access)
    invitation = service.get_council_invitation(session=session, council=access.council, invitation_id=invitation_id)
    attempt(
        request,
        session,
        lambda: service.revoke_invitation(session=session, invitation=invitation),
        success=lambda i: f"Invitation to {i.email} withdrawn.",
    )
    return redirect(back)


def _council_name(session: SessionDep, council_id: int) -> str:
    council = session.get(Council, council_id)
    return council.name if council else "the council"


@router.post("/invitations/{invitation_id}/accept", dependencies=[CsrfChecked])
def accept_invitation_form(request: Request, session: SessionDep, user: PageUser, invitation_id: IdPath):
    """Accept an invitation to my email from my councils page."""
    invitation = service.get_my_invitation(session=session, user=user, invitation_id=invitation_id)
    ok, _seat = attempt(
        request,
        session,
        lambda: service.accept_invitation(session=session, user=user, invitation=invitation),
        success=lambda seat: f"You joined {_council_name(session, seat.council_id)} as {seat.role}.",
    )
    return redirect(f"/councils/{invitation.council_id}" if ok else "/councils")


@router.post("/invitations/{invitation_id}/decline", dependencies=[CsrfChecked])
def decline_invitation_form(request: Request, session: SessionDep, user: PageUser, invitation_id: IdPath):
    """Decline an invitation to my email from my councils page."""
    invitation = service.get_my_invitation(session=session, user=user, invitation_id=invitation_id)
    attempt(
        request,
        session,
        lambda: service.decline_invitation(session=session, invitation=invitation),
        success=lambda i: f"You declined the invitation to {_council_name(session, i.council_id)}.",
    )
    return redirect("/councils")


def _link_page(
    request: Request,
    session: SessionDep,
    token: str,
    *,
    error: str | None = None,
    status_code: int = 200,
    typed_name: str | None = None,
):
    invitation = service.find_by_token(session=session, token=token)
    now = utcnow()
    status = invitation.status(now)
    signed_in: User | None = signed_in_user(request, session)
    context = {
        "invitation": invitation,
        "council_name": _council_name(session, invitation.council_id),
        "status": status.value,
        "token": token,
        "has_account": service.token_has_account(session=session, invitation=invitation),
        "signed_in": signed_in,
        "error": error,
        "typed_name": invitation.name if typed_name is None else typed_name,
    }
    if status.value in ("expired", "revoked"):
        status_code = 410
    elif status.value != "pending":
        status_code = 409
    return render(request, "invitation.html", context, status_code=status_code)


@router.get("/invitations/{token}")
def invitation_link_page(request: Request, session: SessionDep, token: Token):
    """The page an emailed invitation link opens: accept (choosing a password if new) or decline."""
    return _link_page(request, session, token)


@router.post("/invitations/{token}", dependencies=[CsrfChecked])
def invitation_link_answer(
    request: Request,
    session: SessionDep,
    token: Token,
    answer: Annotated[str, Form(max_length=20)] = "accept",
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
):
    """Answer by the emailed link: decline, or create my account and take the seat."""
    invitation = service.find_by_token(session=session, token=token)
    if answer == "decline":
        ok, _ = attempt(request, session, lambda: service.decline_invitation(session=session, invitation=invitation))
        if ok:
            flash(request, f"You declined the invitation to {_council_name(session, invitation.council_id)}.")
            return redirect("/login")
        return redirect(f"/invitations/{token}")
    try:
        account_in = NewAccountIn.model_validate({"name": name, "password": password})
        user = service.accept_with_new_account(session=session, invitation=invitation, account_in=account_in)
    except AppError as exc:
        session.rollback()
        return _link_page(request, session, token, error=exc.detail, status_code=exc.status_code, typed_name=name)
    except ValidationError as exc:
        session.rollback()
        return _link_page(request, session, token, error=form_errors(exc), status_code=422, typed_name=name)
    # Signed in as the new account, with a fresh session (nothing from before carries over).
    sign_in_browser(request=request, session=session, user=user)
    council_name = _council_name(session, invitation.council_id)
    flash(request, f"Welcome, {user.name}: you joined {council_name} as {invitation.role}.")
    return redirect(f"/councils/{invitation.council_id}")
