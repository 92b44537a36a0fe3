"""JSON routes: the mail a person receives from each council, and the council's notification settings."""

from fastapi import APIRouter, Response

from app.auth import CouncilAccess, CurrentUser
from app.common import IfMatch, ListOf, check_if_match, etag, list_of
from app.db import SessionDep
from app.models import Role
from app.notifications import choices as service
from app.notifications.schemas import ChoicesIn, CouncilChoices, NotificationSettingsIn, NotificationSettingsPublic
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["notifications"], route_class=CreateRoute)
STALE = {412: {"description": "Stale If-Match: someone changed the council since your copy was read"}}


@router.get("/me/notifications", response_model=ListOf[CouncilChoices])
def list_my_notifications(session: SessionDep, user: CurrentUser) -> dict:
    """For each council I sit on, every kind of mail that can reach my seat: whether I receive it, and
    whether the council requires it (then it cannot be turned off)."""
    return list_of(service.list_my_choices(session=session, user=user))


@router.get("/councils/{council_id}/notifications/me", response_model=CouncilChoices)
def get_my_notifications(session: SessionDep, access: CouncilAccess) -> CouncilChoices:
    """The kinds of mail I receive from this council."""
    return service.my_choices(session=session, access=access)


@router.put("/councils/{council_id}/notifications/me", response_model=CouncilChoices)
def put_my_notifications(session: SessionDep, access: CouncilAccess, choices_in: ChoicesIn) -> CouncilChoices:
    """Turn kinds of mail from this council on or off for me: the kinds named change, the others keep their
    choice. A kind the council requires cannot be turned off (422 naming it); an unknown kind is a 422."""
    found, _ = service.set_my_choices(session=session, access=access, choices_in=choices_in)
    return found


@router.get("/councils/{council_id}/notification-settings", response_model=NotificationSettingsPublic)
def get_notification_settings(access: CouncilAccess, response: Response) -> NotificationSettingsPublic:
    """The council's notification settings (chair and secretary): the kinds every member receives, the
    Word pack's attachment limit, report reminders, due date approval and the minutes' correction window.
    Its ETag is the council's version."""
    access.require(Role.chair, Role.secretary, doing="see the council's notification settings")
    response.headers["ETag"] = etag(access.council.version)
    return service.settings_public(access.council)


@router.put("/councils/{council_id}/notification-settings", response_model=NotificationSettingsPublic, responses=STALE)
def put_notification_settings(
    session: SessionDep,
    access: CouncilAccess,
    settings_in: NotificationSettingsIn,
    response: Response,
    if_match: IfMatch,
) -> NotificationSettingsPublic:
    """Change the council's notification settings (chair); fields left out keep their value. Out-of-range
    values and unknown kinds are a 422 naming the field."""
    access.require(Role.chair, doing=service.SETTINGS_DOING)
    check_if_match(if_match, access.council.version)
    service.update_settings(session=session, access=access, settings_in=settings_in)
    response.headers["ETag"] = etag(access.council.version)
    return service.settings_public(access.council)
