"""The demo shows actions between meetings: members may raise them, one was, and it has a comment thread."""

from datetime import date

from sqlmodel import select

from app.actions.service import list_comments
from app.demo.actions import BETWEEN_MEETINGS, COMMENTS
from app.models import Action
from tests.demodb import load_demo


def test_the_demo_has_an_action_raised_between_meetings_with_comments(session):
    today = date(2026, 11, 30)
    council = load_demo(session=session, today=today)
    session.commit()
    assert council.members_raise_actions is True
    action = session.exec(select(Action).where(Action.title == BETWEEN_MEETINGS[1])).one()
    assert action.raised_at_meeting_id is None and action.status == "open"
    thread = list_comments(session=session, action=action)
    assert [c.text for c in thread] == [text for _, text, _ in COMMENTS]
    assert thread[0].user_name == "Priya Shah"
