"""Pages: sign in and sign out."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.accounts import throttle
from app.auth import SESSION_USER_KEY, authenticate
from app.db import SessionDep
from app.web.csrf import CsrfChecked
from app.web.deps import safe_next
from app.web.render import redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request):
    """The login page, or my councils when I am signed in."""
    if request.session.get(SESSION_USER_KEY):
        return redirect("/councils")
    return render(request, "login.html", {"next": "/councils", "email": ""})


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
    next: Annotated[str, Form(max_length=2000)] = "/councils",
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
    # A fresh session on sign-in, so nothing from before (fixation) carries over.
    request.session.clear()
    request.session[SESSION_USER_KEY] = user.id
    return redirect(safe_next(next))


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request):
    """Sign out."""
    request.session.clear()
    return redirect("/login")
