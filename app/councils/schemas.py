"""API shapes for councils, departments and members."""

from datetime import datetime
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, EmailStr

from app.common import DbId, InputModel, Name, Password, Text
from app.models import Role


def _known_timezone(value: str) -> str:
    if value not in available_timezones():
        raise ValueError("must be an IANA time zone such as Europe/London")
    return value


TimeZone = Annotated[str, AfterValidator(_known_timezone)]


class CouncilCreate(InputModel):
    name: Name(120)
    description: Text(2000) = ""
    timezone: TimeZone = "Europe/London"


class CouncilUpdate(InputModel):
    name: Name(120) | None = None
    description: Text(2000) | None = None
    timezone: TimeZone | None = None


class CouncilPublic(BaseModel):
    id: int
    name: str
    description: str
    timezone: str
    version: int
    created_at: datetime
    updated_at: datetime
    my_role: str
    my_membership_id: int


class DepartmentCreate(InputModel):
    name: Name(120)
    description: Text(2000) = ""
    is_external: bool = False


class DepartmentUpdate(InputModel):
    name: Name(120) | None = None
    description: Text(2000) | None = None
    is_external: bool | None = None


class DepartmentPublic(BaseModel):
    id: int
    council_id: int
    name: str
    description: str
    is_external: bool


class MemberCreate(InputModel):
    email: EmailStr
    # Needed only when the email has no account yet.
    name: Name(120) | None = None
    role: Role = Role.member
    department_id: DbId | None = None
    # For a new account; without one a temporary password is made and returned once.
    password: Password | None = None


class MemberUpdate(InputModel):
    role: Role | None = None
    department_id: DbId | None = None


class MemberPublic(BaseModel):
    id: int
    user_id: int
    email: str
    name: str
    role: str
    department_id: int | None
    department_name: str | None = None
    is_external: bool = False


class MemberCreated(MemberPublic):
    # Present only when this call created the account without a password.
    temporary_password: str | None = None
