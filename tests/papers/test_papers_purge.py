"""Purging an archived council removes its papers and their bytes, but not a file another council also holds."""

from sqlmodel import select

from app.models import Council, PaperBlob, User
from app.papers.service import contents
from app.purge import purge
from tests.factories import make_council, make_meeting, make_user
from tests.helpers import auth
from tests.papers.conftest import PDF
from tests.papers.test_papers_api import upload


def test_purging_a_council_takes_its_paper_bytes_and_keeps_those_shared(app, client, board, session):
    other_chair = make_user(session)
    other = make_council(session, chair=other_chair)
    other_meeting = make_meeting(session, council=other)
    admin = make_user(session)
    admin.is_site_admin = True
    session.add(admin)
    session.commit()
    upload(client, app, board.chair, board.meeting.id, "shared.pdf", PDF)
    upload(client, app, board.chair, board.meeting.id, "own.pdf", PDF + b"own")
    kept = upload(client, app, other_chair, other_meeting.id, "shared.pdf", PDF).json()["id"]
    assert client.delete(f"/api/councils/{board.council.id}", headers=auth(app, board.chair)).status_code == 204

    session.expire_all()
    purge(session=session, kind="council", record_id=board.council.id, by=session.get(User, admin.id).email)
    session.commit()
    assert session.get(Council, board.council.id, execution_options={"include_archived": True}) is None
    assert len(session.exec(select(PaperBlob)).all()) == 1
    assert contents(session, [kept]) == {kept: PDF}
