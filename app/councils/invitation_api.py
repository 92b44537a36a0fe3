"""JSON routes: invitations to sit on a council (the chair's side, and the invited person's)."""

from fastapi import APIRouter, Request

from app.auth import CouncilAccess, CurrentUser
from app.common import IdPath, ListOf, list_of
from app.councils import invitation_service as service
from app.councils.invitation_mail import queue_invitation
from app.councils.invitation_schemas import (
    InvitationAnswer,
    InvitationCreate,
    InvitationPublic,
    InvitationSent,
    MyInvitation,
)
from app.db import SessionDep
from app.models import Role
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["invitations"], route_class=CreateRoute)

CLOSED = {
    409: {"description": "Already answered, or you already sit on the council"},
    410: {"description": "Expired or withdrawn"},
}


@router.get("/councils/{council_id}/invitations", response_model=ListOf[InvitationPublic])
def list_invitations(session: SessionDep, access: CouncilAccess) -> dict:
    """Every invitation of the council: who invited whom, when, and where each stands (chair)."""
    access.require(Role.chair, doing="see invitations")
    return list_of(service.list_council_invitations(session=session, council=access.council))


@router.post(
    "/councils/{council_id}/invitations",
    response_model=InvitationSent,
    status_code=201,
    responses={409: {"description": "The email already sits on the council"}},
)
def create_invitation(
    request: Request, session: SessionDep, access: CouncilAccess, invitation_in: InvitationCreate
) -> InvitationSent:
    """Invite someone by email (chair); they are seated only when they accept.

    The answer is the same whether or not the email has an account; the link's mail is
    queued with it (`mail`: "queued"). A pending invitation to the same email is replaced.
    """
    access.require(Role.chair, doing="invite people")
    settings = request.app.state.settings
    invitation, token = service.invite_person(
        session=session,
        council=access.council,
        invited_by=access.user,
        invitation_in=invitation_in,
        days=settings.INVITATION_DAYS,
    )
    return queue_invitation(
        session=session,
        settings=settings,
        invitation=invitation,
        council=access.council,
        inviter=access.user,
        token=token,
    )


@router.post(
    "/councils/{council_id}/invitations/{invitation_id}/resend",
    response_model=InvitationSent,
    responses={409: {"description": "Already answered or withdrawn"}},
)
def resend_invitation(
    request: Request, session: SessionDep, access: CouncilAccess, invitation_id: IdPath
) -> InvitationSent:
    """Send a new link with a new expiry; the old link stops working (chair)."""
    access.require(Role.chair, doing="resend invitations")
    settings = request.app.state.settings
    invitation = service.get_council_invitation(session=session, council=access.council, invitation_id=invitation_id)
    token = service.resend_invitation(session=session, invitation=invitation, days=settings.INVITATION_DAYS)
    return queue_invitation(
        session=session,
        settings=settings,
        invitation=invitation,
        council=access.council,
        inviter=access.user,
        token=token,
    )


@router.post(
    "/councils/{council_id}/invitations/{invitation_id}/revoke",
    response_model=InvitationPublic,
    responses={409: {"description": "Already answered or withdrawn"}},
)
def revoke_invitation(session: SessionDep, access: CouncilAccess, invitation_id: IdPath) -> InvitationPublic:
    """Withdraw an invitation not yet answered; it stays in the record (chair)."""
    access.require(Role.chair, doing="withdraw invitations")
    invitation = service.get_council_invitation(session=session, council=access.council, invitation_id=invitation_id)
    service.revoke_invitation(session=session, invitation=invitation)
    return service.invitation_public(session=session, invitation=invitation)


@router.get("/me/invitations", response_model=ListOf[MyInvitation])
def list_my_invitations(session: SessionDep, user: CurrentUser) -> dict:
    """Invitations to my email that I can still accept or decline."""
    return list_of(service.list_my_invitations(session=session, user=user))


@router.post("/invitations/{invitation_id}/accept", response_model=InvitationAnswer, responses=CLOSED)
def accept_invitation(session: SessionDep, user: CurrentUser, invitation_id: IdPath) -> InvitationAnswer:
    """Take the seat an invitation to my email offers."""
    invitation = service.get_my_invitation(session=session, user=user, invitation_id=invitation_id)
    seat = service.accept_invitation(session=session, user=user, invitation=invitation)
    return InvitationAnswer(
        id=invitation.id, council_id=invitation.council_id, status="accepted", membership_id=seat.id
    )


@router.post("/invitations/{invitation_id}/decline", response_model=InvitationAnswer, responses=CLOSED)
def decline_invitation(session: SessionDep, user: CurrentUser, invitation_id: IdPath) -> InvitationAnswer:
    """Turn down an invitation to my email."""
    invitation = service.get_my_invitation(session=session, user=user, invitation_id=invitation_id)
    service.decline_invitation(session=session, invitation=invitation)
    return InvitationAnswer(id=invitation.id, council_id=invitation.council_id, status="declined")
