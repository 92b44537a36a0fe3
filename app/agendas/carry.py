"""Unfinished any other business carried to the next meeting, when the chair says so.

The carried item is a new AOB item of the next meeting, linked to the original
(`AobItem.carried_from_id`, unique: an item is carried once) so the agenda there says
"carried from Meeting N". With no next meeting to carry it to, the chair is told so.
"""

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from app.auth import Access
from app.errors import Conflict, NotFound
from app.meetings.schemas import AobPublic
from app.models import AobItem, Meeting, MeetingStatus, Membership, Role, User


class AobCarried(AobPublic):
    carried_from_id: int
    carried_from_meeting: int


def next_meeting(*, session: Session, meeting: Meeting) -> Meeting | None:
    """The council's next meeting after `meeting` that is still to happen (cancelled ones skipped)."""
    return session.exec(
        select(Meeting)
        .where(
            Meeting.council_id == meeting.council_id,
            Meeting.scheduled_at > meeting.scheduled_at,
            Meeting.status == MeetingStatus.scheduled,
        )
        .order_by(col(Meeting.scheduled_at), col(Meeting.id))
        .limit(1)
    ).first()


# Built once (the minutes page asks on every open); the ids are an expanding parameter.
_CARRIED = select(AobItem.carried_from_id).where(
    col(AobItem.carried_from_id).in_(bindparam("item_ids", expanding=True))
)


def carried_ids(*, session: Session, item_ids: list[int]) -> set[int]:
    """Which of these AOB items have already been carried forward."""
    if not item_ids:
        return set()
    rows = session.exec(_CARRIED, params={"item_ids": item_ids})
    return {row for row in rows if row is not None}


def carry_aob(*, session: Session, access: Access, meeting: Meeting, item_id: int) -> AobCarried:
    """Carry an unfinished AOB item of `meeting` to the next meeting (chair), once."""
    access.require(Role.chair, doing="carry any other business to the next meeting")
    item = session.get(AobItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound("AOB item not found.")
    if carried_ids(session=session, item_ids=[item.id]):
        raise Conflict(f"“{item.title}” has already been carried to a later meeting.")
    target = next_meeting(session=session, meeting=meeting)
    if target is None:
        raise Conflict(
            f"There is no next meeting to carry “{item.title}” to: schedule the council's next meeting first."
        )
    carried = AobItem(
        meeting_id=target.id,
        submitted_by_id=item.submitted_by_id,
        title=item.title,
        details=item.details,
        carried_from_id=item.id,
    )
    session.add(carried)
    session.flush()
    submitter = None
    if item.submitted_by_id is not None:
        submitter = session.exec(
            select(User.name)
            .join(Membership, col(Membership.user_id) == User.id)
            .where(Membership.id == item.submitted_by_id)
        ).first()
    return AobCarried(**carried.model_dump(), submitted_by=submitter, carried_from_meeting=meeting.number)
