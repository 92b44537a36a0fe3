"""API shapes for accounts."""

from datetime import datetime

from pydantic import BaseModel, EmailStr

from app.common import InputModel, Name, Password


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class UserPublic(BaseModel):
    id: int
    email: str
    name: str
    is_active: bool
    is_site_admin: bool
    # May start councils (see COUNCIL_CREATORS); set by a site admin.
    can_create_councils: bool
    created_at: datetime


class MySeat(BaseModel):
    council_id: int
    council_name: str
    membership_id: int
    role: str
    department_id: int | None


class MePublic(UserPublic):
    councils: list[MySeat]


class MeUpdate(InputModel):
    name: Name(120) | None = None
    current_password: str | None = None
    new_password: Password | None = None


class UserCreate(InputModel):
    email: EmailStr
    name: Name(120)
    password: Password
    is_site_admin: bool = False
    can_create_councils: bool = False


class UserUpdate(InputModel):
    name: Name(120) | None = None
    password: Password | None = None
    is_active: bool | None = None
    is_site_admin: bool | None = None
    can_create_councils: bool | None = None


class SessionPublic(BaseModel):
    """One of my sign-ins: a browser (the session cookie) or a bearer token."""

    id: int
    kind: str
    user_agent: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool


class SessionsEnded(BaseModel):
    ended: int
