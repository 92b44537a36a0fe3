"""The council's paper limits: the chair sets them in the API (If-Match) and on the settings page."""

import re

import pytest

from app.models import Council
from tests.helpers import auth, error_fields, if_match
from tests.papers.conftest import PDF
from tests.papers.test_papers_api import upload
from tests.web.test_pages import csrf_from, sign_in


def test_the_chair_sets_the_limits_and_uploads_follow_them(app, client, board):
    url = f"/api/councils/{board.council.id}/notification-settings"
    headers = auth(app, board.chair)
    first = client.get(url, headers=headers).json()
    assert (first["paper_max_file_mb"], first["paper_max_meeting_mb"]) == (20, 100)
    assert client.put(url, headers=headers, json={"paper_max_file_mb": 5}).status_code == 428

    saved = client.put(url, headers=if_match(client, url, headers), json={"paper_max_file_mb": 1})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["paper_max_file_mb"], saved.json()["paper_max_meeting_mb"]) == (1, 100)
    response = upload(client, app, board.chair, board.meeting.id, "big.pdf", PDF + b"x" * (1024 * 1024))
    assert response.status_code == 413 and "limit of 1 MB a file" in response.json()["detail"]
    # The secretary reads them, and cannot change them.
    secretary = auth(app, board.secretary)
    assert client.get(url, headers=secretary).json()["paper_max_file_mb"] == 1
    assert client.put(url, headers=if_match(client, url, secretary), json={"paper_max_file_mb": 9}).status_code == 403


@pytest.mark.parametrize(
    ("field", "value"), [("paper_max_file_mb", 0), ("paper_max_file_mb", 51), ("paper_max_meeting_mb", 1001)]
)
def test_limits_out_of_range_are_refused_naming_the_field(app, client, board, field, value):
    url = f"/api/councils/{board.council.id}/notification-settings"
    headers = auth(app, board.chair)
    refused = client.put(url, headers=if_match(client, url, headers), json={field: value})
    assert refused.status_code == 422 and error_fields(refused) == {field}


def test_the_settings_page_has_a_papers_fieldset_the_chair_saves(client, board, session):
    url = f"/councils/{board.council.id}/notification-settings"
    assert sign_in(client, email=board.chair.email).status_code == 303
    page = client.get(url).text
    assert "<legend>Papers</legend>" in page and 'name="paper_max_file_mb"' in page and 'value="20"' in page
    form = {
        "csrf_token": csrf_from(page),
        "version": re.search(r'name="version" value="(\d+)"', page).group(1),
        "pack_attach_limit_kb": "5120",
        "report_reminder_days": "7",
        "correction_window_days": "5",
        "paper_max_file_mb": "10",
        "paper_max_meeting_mb": "60",
    }
    saved = client.post(url, data=form, follow_redirects=True)
    assert "Saved: largest paper, papers a meeting." in saved.text
    session.expire_all()
    council = session.get(Council, board.council.id)
    assert (council.paper_max_file_mb, council.paper_max_meeting_mb) == (10, 60)
