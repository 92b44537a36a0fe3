"""The meeting a route is about, with the caller's seat: one loader for the API and the pages."""

from typing import Annotated

from fastapi import Depends

from app.auth import MeetingAccess, get_meeting_access

MeetingDep = Annotated[MeetingAccess, Depends(get_meeting_access)]
