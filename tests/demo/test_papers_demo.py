"""The demo's next meeting has two papers, attached before its agenda is published: the pack lists them."""

import io

import docx
from sqlmodel import select

from app.agendas.model import Agenda
from app.demo.mail import load_mail_demo
from app.demo.papers import FIELD_PAPER, STORM_PAPER
from app.models import AgendaSnapshot, User
from app.models.base import utcnow
from app.papers.service import contents
from tests.demodb import load_demo
from tests.helpers import auth


def test_the_next_meetings_circulated_agenda_lists_a_pdf_and_a_word_paper(app, client, session, settings):
    now = utcnow()
    council = load_demo(session=session, today=now.date())
    load_mail_demo(session=session, settings=settings, council=council, now=now)
    session.commit()

    [snapshot] = session.exec(select(AgendaSnapshot)).all()
    listing = Agenda.model_validate(snapshot.content).paper_listing()
    assert [(p.source, p.paper.name, p.paper.kind) for p in listing] == [
        ("Field Engineering report", FIELD_PAPER, "PDF"),
        ("AOB: Winter storm readiness", STORM_PAPER, "Word"),
    ]
    found = contents(session, [p.paper.id for p in listing])
    assert found[listing[0].paper.id].startswith(b"%PDF")
    storm = docx.Document(io.BytesIO(found[listing[1].paper.id]))
    assert storm.paragraphs[0].text == "Storm script – draft for the call centre"

    # A member reads them from the agenda as circulated.
    member = session.exec(select(User).where(User.email == "billing@example.com")).one()
    download = client.get(f"/api/papers/{listing[0].paper.id}", headers=auth(app, member))
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
