"""Papers through the API: upload, list, download, limits, content checks, archive and who may do what."""

import hashlib

from sqlmodel import select

from app.models import Paper, PaperBlob
from tests.helpers import auth
from tests.papers.conftest import PDF, PNG, docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def upload(client, app, user, meeting_id, name, content, **form):
    data = {"attached_to": "item", "section_key": "department_reports", **{k: str(v) for k, v in form.items()}}
    return client.post(
        f"/api/meetings/{meeting_id}/papers",
        files={"file": (name, content, "application/octet-stream")},
        data=data,
        headers=auth(app, user),
    )


def test_upload_list_and_download_give_back_the_same_bytes_as_a_download(app, client, board):
    content = docx_bytes()
    response = upload(client, app, board.chair, board.meeting.id, "C:\\Users\\me\\Board paper – Q3.docx", content)
    assert response.status_code == 201, response.text
    paper = response.json()
    assert paper["name"] == "Board paper – Q3.docx"  # no folders
    assert (paper["kind"], paper["media_type"], paper["size"]) == ("Word", DOCX, len(content))
    assert paper["sha256"] == hashlib.sha256(content).hexdigest()
    assert paper["url"] == f"/api/papers/{paper['id']}"

    listed = client.get(f"/api/meetings/{board.meeting.id}/papers", headers=auth(app, board.member)).json()
    assert [p["id"] for p in listed["data"]] == [paper["id"]] and listed["count"] == 1

    download = client.get(paper["url"], headers=auth(app, board.member))
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == DOCX
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Board%20paper%20%E2%80%93%20Q3.docx" in disposition


def test_a_file_over_the_councils_limit_is_refused_naming_it_and_nothing_is_stored(app, client, board, session):
    board.council.paper_max_file_mb = 1
    session.add(board.council)
    session.commit()
    big = PDF + b"0" * (1024 * 1024)
    response = upload(client, app, board.chair, board.meeting.id, "Annual review.pdf", big)
    assert response.status_code == 413
    assert "“Annual review.pdf”" in response.json()["detail"]
    assert "1 MB a file" in response.json()["detail"]
    session.expire_all()
    assert session.exec(select(Paper)).all() == [] and session.exec(select(PaperBlob)).all() == []


def test_a_file_that_would_take_the_meeting_over_its_total_is_refused_naming_the_total(app, client, board, session):
    board.council.paper_max_file_mb, board.council.paper_max_meeting_mb = 1, 1
    session.add(board.council)
    session.commit()
    first = PDF + b"1" * (700 * 1024)
    assert upload(client, app, board.chair, board.meeting.id, "one.pdf", first).status_code == 201
    response = upload(client, app, board.chair, board.meeting.id, "two.pdf", PDF + b"2" * (400 * 1024))
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "“two.pdf”" in detail and f"Meeting {board.meeting.number}" in detail and "limit of 1 MB a meeting" in detail
    # A removed paper no longer counts against the meeting.
    one = client.get(f"/api/meetings/{board.meeting.id}/papers", headers=auth(app, board.chair)).json()["data"][0]
    assert client.delete(one["url"], headers=auth(app, board.chair)).status_code == 204
    assert upload(client, app, board.chair, board.meeting.id, "two.pdf", PDF + b"2" * (400 * 1024)).status_code == 201


def test_content_that_is_not_what_the_name_says_is_refused_naming_what_it_is(app, client, board):
    response = upload(client, app, board.chair, board.meeting.id, "Figures.xlsx", PNG)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "file"]
    assert "“Figures.xlsx”" in error["msg"] and "Excel" in error["msg"] and "a PNG image" in error["msg"]

    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
    response = upload(client, app, board.chair, board.meeting.id, "report.pdf", page)
    assert response.status_code == 422
    assert "“report.pdf”" in response.json()["detail"][0]["msg"]
    assert "HTML" in response.json()["detail"][0]["msg"]


def test_older_office_formats_and_other_files_are_refused_with_a_way_forward(app, client, board):
    legacy = upload(client, app, board.chair, board.meeting.id, "Minutes.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    assert legacy.status_code == 422 and "save it as Word (.docx)" in legacy.json()["detail"][0]["msg"]
    other = upload(client, app, board.chair, board.meeting.id, "run.exe", b"MZ\x90\x00")
    assert other.status_code == 422 and "PDF, Word (.docx)" in other.json()["detail"][0]["msg"]


def test_a_removed_paper_leaves_the_list_but_stays_downloadable(app, client, board):
    paper = upload(client, app, board.chair, board.meeting.id, "pack.pdf", PDF).json()
    # The uploader's colleague may not remove the chair's paper on an agenda item.
    assert client.delete(paper["url"], headers=auth(app, board.member)).status_code == 403
    assert client.delete(paper["url"], headers=auth(app, board.secretary)).status_code == 204
    listed = client.get(f"/api/meetings/{board.meeting.id}/papers", headers=auth(app, board.chair)).json()
    assert listed["count"] == 0
    download = client.get(paper["url"], headers=auth(app, board.member))
    assert download.status_code == 200 and download.content == PDF
    about = client.get(f"{paper['url']}/about", headers=auth(app, board.member)).json()
    assert about["archived"] is True


def test_who_may_attach_mirrors_who_may_change_the_thing(app, client, board):
    meeting = board.meeting.id
    # A member: their department's report, the AOB item they raised, the initiative they own.
    mine = upload(client, app, board.member, meeting, "r.pdf", PDF, attached_to="report", report_id=board.report.id)
    assert mine.status_code == 201
    assert (
        upload(client, app, board.member, meeting, "a.pdf", PDF, attached_to="aob", aob_item_id=board.aob.id)
    ).status_code == 201
    initiative = client.post(
        f"/api/initiatives/{board.initiative.id}/papers",
        files={"file": ("plan.pdf", PDF, "application/pdf")},
        headers=auth(app, board.member),
    )
    assert initiative.status_code == 201, initiative.text
    # … but not an agenda item, nor another department's report.
    assert upload(client, app, board.member, meeting, "i.pdf", PDF).status_code == 403
    refused = upload(client, app, board.other, meeting, "r.pdf", PDF, attached_to="report", report_id=board.report.id)
    assert refused.status_code == 403 and "Billing report" in refused.json()["detail"]
    assert (
        client.post(
            f"/api/initiatives/{board.initiative.id}/papers",
            files={"file": ("plan.pdf", PDF, "application/pdf")},
            headers=auth(app, board.other),
        ).status_code
        == 403
    )
    assert upload(client, app, board.observer, meeting, "o.pdf", PDF).status_code == 403
    # Someone with no seat on the council: the meeting and the paper do not exist for them.
    assert upload(client, app, board.outsider, meeting, "x.pdf", PDF).status_code == 404
    paper_url = initiative.json()["url"]
    assert client.get(paper_url, headers=auth(app, board.outsider)).status_code == 404
    # Observers read a meeting's papers once its agenda is published (initiatives' as they read initiatives).
    assert client.get(paper_url, headers=auth(app, board.observer)).status_code == 200
    assert client.get(f"/api/meetings/{meeting}/papers", headers=auth(app, board.observer)).status_code == 403
    assert client.get(mine.json()["url"], headers=auth(app, board.observer)).status_code == 403
    listed = client.get(f"/api/initiatives/{board.initiative.id}/papers", headers=auth(app, board.other)).json()
    assert [p["name"] for p in listed["data"]] == ["plan.pdf"]


def test_a_target_that_is_not_this_meetings_is_named(app, client, board):
    bad_item = upload(client, app, board.chair, board.meeting.id, "a.pdf", PDF, section_key="nonsense")
    assert bad_item.status_code == 422 and bad_item.json()["detail"][0]["loc"] == ["body", "section_key"]
    bad_report = upload(client, app, board.chair, board.meeting.id, "a.pdf", PDF, attached_to="report", report_id=999)
    assert bad_report.status_code == 422 and bad_report.json()["detail"][0]["loc"] == ["body", "report_id"]
    no_file = client.post(
        f"/api/meetings/{board.meeting.id}/papers", data={"attached_to": "item"}, headers=auth(app, board.chair)
    )
    assert no_file.status_code == 422


def test_an_upload_sent_twice_with_one_idempotency_key_is_stored_once(app, client, board, session):
    headers = {**auth(app, board.chair), "Idempotency-Key": "upload-pack-1"}
    send = lambda content: client.post(  # noqa: E731
        f"/api/meetings/{board.meeting.id}/papers",
        files={"file": ("pack.pdf", content, "application/pdf")},
        data={"attached_to": "item", "section_key": "actions"},
        headers=headers,
    )
    first, again = send(PDF), send(PDF)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers["idempotent-replayed"] == "true"
    # Another file under the same key is another request: refused, naming the header.
    assert send(PDF + b"other").status_code == 422
    session.expire_all()
    assert len(session.exec(select(Paper)).all()) == 1


def test_a_withdrawn_aob_items_papers_leave_the_list_and_the_meetings_total(app, client, board, session):
    board.council.paper_max_meeting_mb = 1
    session.add(board.council)
    session.commit()
    big = PDF + b"a" * (700 * 1024)
    aob = upload(client, app, board.member, board.meeting.id, "a.pdf", big, attached_to="aob", aob_item_id=board.aob.id)
    assert aob.status_code == 201
    withdrawn = client.delete(f"/api/meetings/{board.meeting.id}/aob/{board.aob.id}", headers=auth(app, board.member))
    assert withdrawn.status_code == 204
    assert client.get(f"/api/meetings/{board.meeting.id}/papers", headers=auth(app, board.chair)).json()["count"] == 0
    assert upload(client, app, board.chair, board.meeting.id, "b.pdf", big + b"b").status_code == 201
    # Its bytes stay, as for a removed paper.
    assert client.get(aob.json()["url"], headers=auth(app, board.member)).content == big
