"""JSON routes: tokens, me, and account administration."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from app.accounts import service, throttle
from app.accounts.schemas import (
    MePublic,
    MeUpdate,
    SessionPublic,
    SessionsEnded,
    Token,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.auth import (
    CurrentSession,
    CurrentUser,
    SiteAdmin,
    authenticate,
    create_access_token,
    end_other_sessions,
    list_live_sessions,
    user_agent_of,
)
from app.common import IdPath, ListOf, list_of
from app.db import SessionDep
from app.web.deps import PageUser
from app.web.idempotency import CreateRoute

router = APIRouter(prefix="/api", tags=["accounts"], route_class=CreateRoute)
_SESSION_FIELDS = set(SessionPublic.model_fields) - {"current"}
# The API's documentation for signed-in people only (API_DOCS_PUBLIC off: production's default).
docs_router = APIRouter(include_in_schema=False)


@router.post(
    "/auth/token",
    response_model=Token,
    responses={
        401: {"description": "Wrong email or password"},
        429: {"description": "Too many failed sign-ins; see Retry-After"},
    },
)
def create_token(
    request: Request,
    failures: throttle.FailedSignIns,
    session: SessionDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> Token:
    """Exchange an email (`username`) and password for a bearer token.

    After repeated failures for this email from this client address, or from this address,
    the answer is 429 with a growing Retry-After (see app/accounts/throttle.py).
    """
    address = throttle.client_address(request)
    lockout = throttle.check(session=session, email=form.username, address=address)
    if lockout:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail=lockout.message, headers=lockout.headers)
    user = authenticate(session=session, email=form.username, password=form.password)
    if user is None:
        failures.add(email=form.username, address=address)
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect email or password.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    throttle.record_success(session=session, email=form.username, address=address)
    token = create_access_token(
        session=session, user=user, settings=request.app.state.settings, user_agent=user_agent_of(request)
    )
    return Token(access_token=token)


def _me(session, user) -> MePublic:
    return MePublic(
        **UserPublic.model_validate(user, from_attributes=True).model_dump(),
        councils=service.list_my_seats(session=session, user=user),
    )


@router.get("/me", response_model=MePublic)
def get_me(session: SessionDep, user: CurrentUser) -> MePublic:
    """Who I am, and the councils I sit on."""
    return _me(session, user)


@router.patch("/me", response_model=MePublic)
def update_me(session: SessionDep, user: CurrentUser, current: CurrentSession, me_in: MeUpdate) -> MePublic:
    """Change my name or password; a new password signs out every other browser and token."""
    service.update_me(session=session, user=user, me_in=me_in, current=current)
    return _me(session, user)


@router.get("/me/sessions", response_model=ListOf[SessionPublic])
def list_my_sessions(session: SessionDep, user: CurrentUser, current: CurrentSession) -> dict:
    """My sign-ins that still work (browsers and bearer tokens), most recently used first."""
    rows = list_live_sessions(session=session, user=user)
    return list_of(
        [SessionPublic(**row.model_dump(include=_SESSION_FIELDS), current=row.id == current.id) for row in rows]
    )


@router.post("/me/sessions/revoke", response_model=SessionsEnded)
def revoke_my_other_sessions(session: SessionDep, user: CurrentUser, current: CurrentSession) -> SessionsEnded:
    """Sign out everywhere else: every other browser and every other bearer token of mine."""
    return SessionsEnded(ended=end_other_sessions(session=session, user=user, keep=current))


@router.delete("/me/sessions/{session_id}", status_code=204, responses={404: {"description": "Not one of mine"}})
def revoke_my_session(session: SessionDep, user: CurrentUser, session_id: IdPath) -> Response:
    """Sign out one of my sign-ins (this token's own id signs this token out)."""
    service.end_my_session(session=session, user=user, session_id=session_id)
    return Response(status_code=204)


@router.get("/users", response_model=ListOf[UserPublic])
def list_users(session: SessionDep, _admin: SiteAdmin) -> dict:
    """Every account (site admins)."""
    return list_of(service.list_users(session=session))


@router.post("/users", response_model=UserPublic, status_code=201)
def create_user(session: SessionDep, _admin: SiteAdmin, user_in: UserCreate):
    """Create an account (site admins)."""
    return service.create_user(session=session, user_in=user_in)


@router.get("/users/{user_id}", response_model=UserPublic)
def get_user(session: SessionDep, _admin: SiteAdmin, user_id: IdPath):
    """One account (site admins)."""
    return service.get_user(session=session, user_id=user_id)


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(session: SessionDep, admin: SiteAdmin, current: CurrentSession, user_id: IdPath, user_in: UserUpdate):
    """Rename, reset the password of, deactivate or promote an account, or allow it to start councils (site admins).

    A new password or a deactivation signs the account out everywhere.
    """
    user = service.get_user(session=session, user_id=user_id)
    return service.update_user(session=session, user=user, user_in=user_in, by=admin, by_session=current)


@docs_router.get("/openapi.json")
def get_openapi_document(request: Request, _user: CurrentUser) -> JSONResponse:
    """The OpenAPI document, for a signed-in browser or a bearer token."""
    return JSONResponse(request.app.openapi())


@docs_router.get("/docs")
def get_swagger_ui(request: Request, _user: PageUser) -> HTMLResponse:
    """The interactive API documentation; signed out, the sign-in page first."""
    return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{request.app.title} - Swagger UI")


@docs_router.get("/redoc")
def get_redoc(request: Request, _user: PageUser) -> HTMLResponse:
    """The API reference; signed out, the sign-in page first."""
    return get_redoc_html(openapi_url="/openapi.json", title=f"{request.app.title} - ReDoc")
