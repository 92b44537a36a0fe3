"""JSON routes: a council's mail (queued, given up, recently sent) and "send again" (chair, secretary)."""

from fastapi import APIRouter

from app.auth import CouncilAccess, CurrentUser
from app.common import IdPath, ListOf, list_of
from app.db import SessionDep
from app.notifications import outbox_service as service
from app.notifications.outbox_service import OutboxRow
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["mail"], route_class=CreateRoute)


@router.get("/councils/{council_id}/outbox", response_model=ListOf[OutboxRow])
def list_outbox(session: SessionDep, access: CouncilAccess) -> dict:
    """The council's mail: given up, then waiting, then the last 50 sent (chair, secretary)."""
    return list_of(service.list_council_outbox(session=session, access=access))


@router.post(
    "/outbox/{outbox_message_id}/retry",
    response_model=OutboxRow,
    responses={409: {"description": "Not given up: already sent or still queued"}},
)
def retry_message(session: SessionDep, user: CurrentUser, outbox_message_id: IdPath) -> OutboxRow:
    """Send a given-up message again: queued with its attempts reset, due now (chair, secretary)."""
    row, access = service.get_message_access(session=session, user=user, message_id=outbox_message_id)
    return service.send_again(session=session, access=access, row=row)
