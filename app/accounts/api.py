"""JSON routes: tokens, me, and account administration."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from app.accounts import service, throttle
from app.accounts.schemas import MePublic, MeUpdate, Token, UserCreate, UserPublic, UserUpdate
from app.auth import CurrentUser, SiteAdmin, authenticate, create_access_token
from app.common import IdPath, ListOf, list_of
from app.db import SessionDep

router = APIRouter(prefix="/api", tags=["accounts"])


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
    return Token(access_token=create_access_token(user=user, settings=request.app.state.settings))


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
def update_me(session: SessionDep, user: CurrentUser, me_in: MeUpdate) -> MePublic:
    """Change my name or password."""
    service.update_me(session=session, user=user, me_in=me_in)
    return _me(session, user)


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
def update_user(session: SessionDep, admin: SiteAdmin, user_id: IdPath, user_in: UserUpdate):
    """Rename, reset the password of, deactivate or promote an account (site admins)."""
    user = service.get_user(session=session, user_id=user_id)
    return service.update_user(session=session, user=user, user_in=user_in, by=admin)
