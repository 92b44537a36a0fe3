"""Department reports and initiatives on the agenda page: rows kept with the agenda, papers each reader's own."""

import re

from app.agendas import pages as agenda_pages
from tests.helpers import auth
from tests.papers.conftest import PDF
from tests.papers.test_papers_api import upload
from tests.web.test_pages import sign_in

TOKENS = re.compile(r'(name|value)="[A-Za-z0-9_-]{24,}"')


def test_the_kept_rows_read_as_the_page_rendered_whole(app, client, board, monkeypatch):
    meeting = board.meeting.id
    report = upload(client, app, board.member, meeting, "Q3.pdf", PDF, attached_to="report", report_id=board.report.id)
    plan = client.post(
        f"/api/initiatives/{board.initiative.id}/papers",
        files={"file": ("Plan.pdf", PDF, "application/pdf")},
        headers=auth(app, board.member),
    )
    assert (report.status_code, plan.status_code) == (201, 201)
    url = f"/meetings/{meeting}/agenda"
    for reader in (board.member, board.other, board.chair):
        assert sign_in(client, email=reader.email).status_code == 303
        kept = client.get(url).text
        again = client.get(url).text  # from the rows kept with the agenda
        with monkeypatch.context() as whole:
            # Each row rendered with the page, as before they were kept.
            whole.setattr(agenda_pages, "row_parts", lambda entry: {key: {} for key in agenda_pages.SPLIT_ROWS})
            rendered = client.get(url).text
        assert TOKENS.sub("", kept) == TOKENS.sub("", again) == TOKENS.sub("", rendered)
        assert "Q3.pdf" in kept and "Plan.pdf" in kept
        # The papers between the kept parts are the reader's own: the report's author may attach to it.
        attach = f'name="report_id" value="{board.report.id}"' in kept
        assert attach == (reader in (board.member, board.chair))
    # What is kept for every reader holds no reader's form or token.
    [entry] = [e for e in app.state.agenda_cache.entries() if e.bodies]
    kept_rows = agenda_pages.row_parts(entry)
    assert board.report.department_id in kept_rows["department_reports"]
    assert board.initiative.id in kept_rows["initiatives"]
    html = [str(part) for rows in kept_rows.values() for pair in rows.values() for part in pair]
    assert not any(word in text for text in html for word in ("<form", "csrf", "form_once", "Q3.pdf", "Plan.pdf"))
