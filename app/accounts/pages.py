"""Pages: sign in, sign out, and my account (password, the places I am signed in)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.accounts import service, throttle
from app.accounts.schemas import MeUpdate
from app.auth import (
    SESSION_USER_KEY,
    authenticate,
    end_other_sessions,
    list_live_sessions,
    sign_in_browser,
    sign_out_browser,
)
from app.common import IdPath
from app.db import SessionDep
from app.web.csrf import CsrfChecked
from app.web.deps import PageUser, safe_next
from app.web.forms import attempt
from app.web.render import flash, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request):
    """The login page, or my home page when I am signed in."""
    if request.session.get(SESSION_USER_KEY):
        return redirect("/home")
    return render(request, "login.html", {"next": "/home", "email": ""})


@router.get("/login")
def login_page(request: Request, next: str | None = None):
    """The sign-in form."""
    return render(request, "login.html", {"next": safe_next(next), "email": ""})


@router.post("/login", dependencies=[CsrfChecked])
def login(
    request: Request,
    failures: throttle.FailedSignIns,
    session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/home",
):
    """Sign in with email and password."""
    address = throttle.client_address(request)
    lockout = throttle.check(session=session, email=email, address=address)
    if lockout:
        response = render(
            request,
            "login.html",
            {"next": safe_next(next), "email": email, "error": lockout.message},
            status_code=429,
        )
        response.headers.update(lockout.headers)
        return response
    user = authenticate(session=session, email=email, password=password) if email and password else None
    if user is None:
        if email:
            failures.add(email=email, address=address)
        return render(
            request,
            "login.html",
            {"next": safe_next(next), "email": email, "error": "Incorrect email or password."},
            status_code=401,
        )
    throttle.record_success(session=session, email=email, address=address)
    sign_in_browser(request=request, session=session, user=user)
    return redirect(safe_next(next))


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, session: SessionDep):
    """Sign out: this browser's sign-in ends on the server too, so a copy of the cookie is useless."""
    sign_out_browser(request=request, session=session)
    return redirect("/login")


@router.get("/account")
def account_page(request: Request, session: SessionDep, user: PageUser):
    """My account: change my password, and see and end the places I am signed in."""
    current = request.state.user_session
    rows = list_live_sessions(session=session, user=user)
    sessions = [
        {"row": row, "device": service.describe_device(row.user_agent, row.kind), "current": row.id == current.id}
        for row in rows
    ]
    return render(request, "account.html", {"user": user, "sessions": sessions})


@router.post("/account/password", dependencies=[CsrfChecked])
def change_password_form(
    request: Request,
    session: SessionDep,
    user: PageUser,
    current_password: Annotated[str, Form(max_length=256)] = "",
    new_password: Annotated[str, Form(max_length=256)] = "",
):
    """Change my password; every other browser and token is signed out."""
    attempt(
        request,
        session,
        lambda: service.update_me(
            session=session,
            user=user,
            me_in=MeUpdate(current_password=current_password, new_password=new_password),
            current=request.state.user_session,
        ),
        success="Password changed. Every other browser and app signed in as you has been signed out.",
    )
    return redirect("/account")


@router.post("/account/sessions/revoke", dependencies=[CsrfChecked])
def revoke_other_sessions_form(request: Request, session: SessionDep, user: PageUser):
    """Sign out everywhere else."""
    ended = end_other_sessions(session=session, user=user, keep=request.state.user_session)
    flash(request, f"Signed out everywhere else ({ended} {'sign-in' if ended == 1 else 'sign-ins'} ended).")
    return redirect("/account")


@router.post("/account/sessions/{session_id}/revoke", dependencies=[CsrfChecked])
def revoke_session_form(request: Request, session: SessionDep, user: PageUser, session_id: IdPath):
    """Sign out one of my sign-ins (this browser's own signs me out here)."""
    if session_id == request.state.user_session.id:
        sign_out_browser(request=request, session=session)
        return redirect("/login")
    attempt(
        request,
        session,
        lambda: service.end_my_session(session=session, user=user, session_id=session_id),
        keep=(),
        success="Signed out there.",
    )
    return redirect("/account")
