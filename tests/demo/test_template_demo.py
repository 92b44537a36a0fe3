"""The demo council's agenda carries its standing item and an AOB item carried from meeting 2."""

from datetime import date

from sqlmodel import select

from app.models import Meeting, User
from tests.demodb import load_demo
from tests.helpers import auth


def test_the_demo_agenda_shows_the_journey_owner_spotlight_and_the_carried_item(app, client, session):
    council = load_demo(session=session, today=date.today())
    session.commit()
    chair = session.exec(select(User).where(User.email == "chair@example.com")).one()
    upcoming = session.exec(select(Meeting).where(Meeting.council_id == council.id, Meeting.number == 3)).one()
    agenda = client.get(f"/api/meetings/{upcoming.id}/agenda", headers=auth(app, chair)).json()
    spotlight = [s for s in agenda["sections"] if s["key"] == "standing"]
    assert [(s["title"], s["owner_name"]) for s in spotlight] == [("Journey owner spotlight", "Priya Shah")]
    assert agenda["sections"][-1]["key"] == "aob" and agenda["sections"][-2] == spotlight[0]
    aob = agenda["sections"][-1]["items"]
    assert ("Smart meter exchange backlog", 2) in [(i["title"], i["carried_from_meeting"]) for i in aob]
    assert sum(s["minutes_allocated"] for s in agenda["sections"]) == upcoming.duration_minutes
