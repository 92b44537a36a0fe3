"""API shapes for invitations to sit on a council."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, EmailStr

from app.common import DbId, InputModel, Name, Password, Text
from app.models import Role


class InvitationCreate(InputModel):
    email: EmailStr
    # How to address the person; an invited person without an account may change it.
    name: Text(120) = ""
    role: Role = Role.member
    department_id: DbId | None = None


class InvitationPublic(BaseModel):
    """One invitation as the council's chair sees it: who invited whom, when, and where it stands."""

    id: int
    council_id: int
    email: str
    name: str
    role: str
    department_id: int | None
    department_name: str | None
    status: Literal["pending", "expired", "accepted", "declined", "revoked"]
    invited_by_id: int | None
    invited_by_name: str | None
    created_at: datetime
    expires_at: datetime
    mailed_at: datetime | None
    accepted_at: datetime | None
    declined_at: datetime | None
    revoked_at: datetime | None


class InvitationSent(InvitationPublic):
    """The same answer whether or not the email has an account; the link's mail is queued with it.

    The deliverer sends it shortly; one it cannot send shows on the council's Mail page.
    """

    mail: Literal["queued"]
    mail_detail: str


class MyInvitation(BaseModel):
    """A pending invitation addressed to me."""

    id: int
    council_id: int
    council_name: str
    role: str
    department_name: str | None
    invited_by_name: str | None
    created_at: datetime
    expires_at: datetime


class InvitationAnswer(BaseModel):
    id: int
    council_id: int
    status: Literal["accepted", "declined"]
    # The seat an accepted invitation gave.
    membership_id: int | None = None


class NewAccountIn(InputModel):
    """What a person without an account gives to accept by the emailed link."""

    name: Name(120)
    password: Password
