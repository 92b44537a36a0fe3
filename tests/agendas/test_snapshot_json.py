"""A circulated agenda's snapshot is written with the JSON text pydantic makes (app/db.py JsonText), never dumped to a
dict: the same value as serialising the dict would write, read back as stored, in the publishing transaction too."""

import json
from datetime import date

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from app.agendas.model import Agenda
from app.db import JsonText, dump_json, dump_json_utf8
from app.models import AgendaSnapshot
from tests.agendas.test_agenda_api import arrange
from tests.factories import make_action
from tests.helpers import auth


def test_the_snapshot_read_back_is_the_agenda_that_was_circulated(app, client, session):
    chair, _, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Ring the depot “back” – café", due_on=date.today())
    session.commit()
    published = client.post(f"/api/meetings/{meeting.id}/agenda/publish", headers=auth(app, chair))
    assert published.status_code == 200, published.text
    with Session(app.state.engine) as fresh:  # as a later request reads it
        snapshot = fresh.exec(select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting.id)).one()
        content = snapshot.content
        stored = fresh.exec(
            text("SELECT content FROM agenda_snapshots WHERE id = :id").bindparams(id=snapshot.id)
        ).scalar_one()
    circulated = client.get(f"/api/meetings/{meeting.id}/agenda", headers=auth(app, chair)).json()
    assert content == circulated and circulated["status"] == "published"
    assert "Ring the depot “back” – café" in json.dumps(content, ensure_ascii=False)
    # The value read back builds the very agenda that was frozen, and serialises to the same dict.
    assert Agenda.model_validate(content).model_dump(mode="json") == content
    stored = stored if isinstance(stored, dict) else json.loads(stored)
    assert stored == content


def test_the_publishing_transaction_reads_the_snapshot_back_as_stored(session):
    from app.agendas import service
    from app.auth import Access
    from app.models import Council, Meeting, Membership

    chair, _, _, council, seat, meeting = arrange(session)
    make_action(session, council=council, owner=seat, title="Ring the depot “back” – café", due_on=date.today())
    session.commit()
    membership = session.exec(select(Membership).where(Membership.user_id == chair.id)).one()
    access = Access(user=chair, council=session.get(Council, council.id), membership=membership)
    agenda = service.publish_agenda(session=session, access=access, meeting=session.get(Meeting, meeting.id))
    snapshot = session.exec(select(AgendaSnapshot).where(AgendaSnapshot.meeting_id == meeting.id)).one()
    assert type(snapshot.content) is dict and snapshot.content == agenda.model_dump(mode="json")
    session.rollback()


def test_json_text_is_written_as_its_text_and_anything_else_as_json_dumps():
    value = {"a": [1, 2.5, None, "é"], "b": {"c": True}}
    made = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    given = JsonText(made.encode())
    assert dump_json(given) == made and dump_json_utf8(given) == made.encode()  # SQLite; psycopg takes UTF-8
    assert dump_json(value) == dump_json_utf8(value) == json.dumps(value)  # as SQLAlchemy and psycopg write it
    assert json.loads(dump_json(given)) == json.loads(dump_json(value))
    with pytest.raises(TypeError):  # nothing else writes it as anything but its text
        json.dumps(given)
