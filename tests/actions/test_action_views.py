"""My actions across councils, the CSV log, progress and unconditional writes."""

import csv
import io
from datetime import date, timedelta

from app.models import Role
from tests.factories import make_action, make_council, make_department, make_membership, make_user
from tests.helpers import auth, error_fields, if_match


def two_councils(session):
    me = make_user(session, name="Priya Shah")
    first = make_council(session, name="Utility council")
    second = make_council(session, name="Water council", timezone="America/New_York")
    billing = make_department(session, council=first, name="Billing")
    seat_one = make_membership(session, council=first, user=me, role=Role.member, department=billing)
    seat_two = make_membership(session, council=second, user=me, role=Role.observer)
    someone = make_membership(session, council=first, role=Role.member)
    today = date.today()
    mine = {
        "late": make_action(session, council=first, owner=seat_one, title="Late one", due_on=today - timedelta(days=5)),
        "soon": make_action(
            session, council=second, owner=seat_two, title="Soon one", due_on=today + timedelta(days=2)
        ),
        "done": make_action(session, council=first, owner=seat_one, title="Done one", status="done"),
    }
    make_action(session, council=first, owner=someone, title="Not mine")
    session.commit()
    return me, first, mine


def test_my_actions_span_councils_sorted_by_due_date(app, client, session):
    me, _, mine = two_councils(session)
    body = client.get("/api/me/actions", headers=auth(app, me)).json()
    titles = [a["title"] for a in body["data"]]
    assert "Not mine" not in titles
    assert set(titles) == {"Late one", "Soon one", "Done one"}
    dues = [a["due_on"] for a in body["data"]]
    assert dues == sorted(dues)
    late = next(a for a in body["data"] if a["title"] == "Late one")
    assert (late["overdue"], late["days_overdue"], late["council_name"]) == (True, 5, "Utility council")
    assert late["department_name"] == "Billing"


def test_my_actions_filters(app, client, session):
    me, _, _ = two_councils(session)
    headers = auth(app, me)
    overdue = client.get("/api/me/actions?overdue=true", headers=headers).json()["data"]
    assert [a["title"] for a in overdue] == ["Late one"]
    not_overdue = client.get("/api/me/actions?overdue=false", headers=headers).json()["data"]
    assert {a["title"] for a in not_overdue} == {"Soon one", "Done one"}
    done = client.get("/api/me/actions?status=done", headers=headers).json()["data"]
    assert [a["title"] for a in done] == ["Done one"]
    bad = client.get("/api/me/actions?status=finished", headers=headers)
    assert bad.status_code == 422 and error_fields(bad) == {"status"}


def test_csv_download_of_the_log(app, client, session):
    me, council, _ = two_councils(session)
    chair = make_user(session)
    make_membership(session, council=council, user=chair, role=Role.chair)
    make_action(session, council=council, owner=make_membership(session, council=council), title="=HYPERLINK(1)")
    session.commit()
    response = client.get(f"/api/councils/{council.id}/actions.csv?overdue=false", headers=auth(app, chair))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="utility-council-actions-' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    titles = {row["Action"] for row in rows}
    assert "Late one" not in titles  # the filter applies
    assert {"Done one", "Not mine", "'=HYPERLINK(1)"} <= titles  # formulas are neutralised
    done = next(row for row in rows if row["Action"] == "Done one")
    assert (done["Owner"], done["Department"], done["Status"], done["Overdue"]) == (
        "Priya Shah",
        "Billing",
        "done",
        "no",
    )


def test_owner_reports_progress_and_done_means_100(app, client, session):
    me, _, mine = two_councils(session)
    url = f"/api/actions/{mine['late'].id}"
    headers = auth(app, me)
    progress = client.patch(url, headers=if_match(client, url, headers), json={"percent_complete": 40})
    assert progress.json()["percent_complete"] == 40
    for bad in (101, -1, "half", 12.5, True):
        response = client.patch(url, headers=if_match(client, url, headers), json={"percent_complete": bad})
        assert response.status_code == 422 and error_fields(response) == {"percent_complete"}, bad
    finished = client.patch(
        url, headers=if_match(client, url, headers), json={"status": "done", "note": "Checklist live in all teams"}
    ).json()
    assert (finished["status"], finished["percent_complete"], finished["overdue"]) == ("done", 100, False)


def test_writes_without_if_match_are_recorded_as_such(app, client, session):
    me, _, mine = two_councils(session)
    url = f"/api/actions/{mine['late'].id}"
    headers = auth(app, me)
    etag = client.get(url, headers=headers).headers["ETag"]
    client.patch(url, headers={**headers, "If-Match": etag}, json={"note": "checked first"})
    # A write without If-Match is refused now (428); "*" is the explicit blind write, and is marked.
    assert client.patch(url, headers=headers, json={"note": "refused"}).status_code == 428
    client.patch(url, headers={**headers, "If-Match": "*"}, json={"note": "blind write"})
    history = client.get(f"{url}/history", headers=headers).json()["data"]
    flags = {entry["note"]: entry["without_if_match"] for entry in history if entry["note"]}
    assert flags == {"checked first": False, "blind write": True}


def test_raised_at_agenda_item(app, client, session):
    me, council, _ = two_councils(session)
    secretary = make_user(session)
    make_membership(session, council=council, user=secretary, role=Role.secretary)
    owner = make_membership(session, council=council)
    session.commit()
    headers = auth(app, secretary)
    base = {"title": "Map the journey", "owner_id": owner.id, "due_on": "2031-01-01"}
    created = client.post(f"/api/councils/{council.id}/actions", headers=headers, json={**base, "raised_at_item": 6})
    assert created.status_code == 201 and created.json()["raised_at_item"] == 6
    for bad in (0, 10, "six"):
        response = client.post(
            f"/api/councils/{council.id}/actions", headers=headers, json={**base, "raised_at_item": bad}
        )
        assert response.status_code == 422 and error_fields(response) == {"raised_at_item"}
