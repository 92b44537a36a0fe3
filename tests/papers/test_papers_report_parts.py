"""A department's report on the agenda page: its parts are kept with the agenda, its papers are each reader's own."""

import re

from app.agendas import pages as agenda_pages
from tests.papers.conftest import PDF
from tests.papers.test_papers_api import upload
from tests.web.test_pages import sign_in

TOKENS = re.compile(r'(name|value)="[A-Za-z0-9_-]{24,}"')


def test_the_kept_report_parts_read_as_the_page_rendered_whole(app, client, board, monkeypatch):
    upload(
        client,
        app,
        board.member,
        board.meeting.id,
        "Billing Q3.pdf",
        PDF,
        attached_to="report",
        report_id=board.report.id,
    )
    url = f"/meetings/{board.meeting.id}/agenda"
    for reader in (board.member, board.other, board.chair):
        assert sign_in(client, email=reader.email).status_code == 303
        kept = client.get(url).text
        again = client.get(url).text  # from the parts kept with the agenda
        with monkeypatch.context() as whole:
            whole.setattr(agenda_pages, "department_parts", lambda entry: {})
            rendered = client.get(url).text  # each department rendered with the page, as before they were kept
        assert TOKENS.sub("", kept) == TOKENS.sub("", again) == TOKENS.sub("", rendered)
        assert "Billing Q3.pdf" in kept
        # The papers between the kept parts are the reader's own: the report's author may attach to it.
        attach = f'name="report_id" value="{board.report.id}"' in kept
        assert attach == (reader in (board.member, board.chair))
