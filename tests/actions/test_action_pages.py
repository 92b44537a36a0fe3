"""The action pages through the ASGI client: my actions, the log, one action, the update form."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlmodel import select

from app.models import Action, ActionEvent, Initiative, Journey, Role, User
from tests.factories import make_action, make_council, make_department, make_meeting, make_membership, make_user
from tests.web.test_pages import csrf_from, sign_in

HTML = {"Accept": "text/html"}


@pytest.fixture
def council_of_three(session):
    """A council with a chair, two members (Tom owns two actions, Aisha one) and an observer."""
    council = make_council(session, name="Utility council")
    field = make_department(session, council=council, name="Field Engineering")
    billing = make_department(session, council=council, name="Billing")
    seats = {
        "chair": make_membership(
            session, council=council, user=make_user(session, email="chair@example.com", name="Helen"), role=Role.chair
        ),
        "tom": make_membership(
            session, council=council, user=make_user(session, email="tom@example.com", name="Tom"), department=field
        ),
        "aisha": make_membership(
            session,
            council=council,
            user=make_user(session, email="aisha@example.com", name="Aisha"),
            department=billing,
        ),
        "olga": make_membership(
            session, council=council, user=make_user(session, email="olga@example.com", name="Olga"), role=Role.observer
        ),
    }
    today = date.today()
    actions = {
        "late": make_action(
            session,
            council=council,
            owner=seats["tom"],
            title="Share no-access reasons weekly",
            due_on=today - timedelta(days=3),
        ),
        "soon": make_action(
            session,
            council=council,
            owner=seats["tom"],
            title="Report repeat visits",
            due_on=today + timedelta(days=10),
        ),
        "billing": make_action(
            session,
            council=council,
            owner=seats["aisha"],
            title="Explain estimated bills",
            due_on=today + timedelta(days=2),
        ),
        "olgas": make_action(
            session,
            council=council,
            owner=seats["olga"],
            title="Observe the journey map",
            due_on=today + timedelta(days=30),
        ),
    }
    session.commit()
    return council, seats, actions


def update_form(html: str, action_id: int) -> dict[str, str]:
    """The fields an action's update form would send, as the page filled them in."""
    match = re.search(rf'<form method="post" action="/actions/{action_id}/update".*?</form>', html, re.S)
    assert match, f"no update form for action {action_id}"
    chunk = match.group(0)
    fields = {name: unescape(value) for name, value in re.findall(r'<input [^>]*name="([^"]+)" value="([^"]*)"', chunk)}
    fields["status"] = re.search(r'<option value="([^"]+)" selected', chunk).group(1)
    fields["note"] = unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", chunk, re.S).group(1))
    return fields


def history_of(session, action: Action) -> list[ActionEvent]:
    session.expire_all()
    return list(session.exec(select(ActionEvent).where(ActionEvent.action_id == action.id).order_by(ActionEvent.id)))


def test_action_pages_need_a_sign_in(client, council_of_three):
    council, _, actions = council_of_three
    for path in ["/actions", f"/councils/{council.id}/actions", f"/actions/{actions['late'].id}"]:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next={path}"


def test_my_actions_lists_only_mine_by_council_with_overdue_marked(client, session, council_of_three):
    council, seats, actions = council_of_three
    other = make_council(session, name="Digital council")
    seat = make_membership(session, council=other, user=session.get(User, seats["tom"].user_id))
    make_action(session, council=other, owner=seat, title="Ship SMS arrival windows")
    session.commit()
    sign_in(client, "tom@example.com")
    page = client.get("/actions").text
    assert '<a href="/actions" aria-current="page">My actions</a>' in page
    for text in ["Share no-access reasons weekly", "Report repeat visits", "Ship SMS arrival windows"]:
        assert text in page, text
    assert "Explain estimated bills" not in page and "Observe the journey map" not in page
    # Grouped by council, each with its name as a heading.
    assert page.index("Digital council") < page.index("Ship SMS arrival windows")
    assert page.index("Utility council") < page.index("Share no-access reasons weekly")
    assert f'class="action-item overdue" id="action-{actions["late"].id}"' in page
    assert f'class="action-item" id="action-{actions["soon"].id}"' in page
    assert "3 days overdue" in page
    # Every row carries its own form with the version the person saw.
    assert update_form(page, actions["soon"].id)["version"] == "1"


def test_my_actions_filters_by_status_and_overdue(client, session, council_of_three):
    _, _, actions = council_of_three
    actions["soon"].status = "blocked"
    session.add(actions["soon"])
    session.commit()
    sign_in(client, "tom@example.com")
    overdue = client.get("/actions?overdue=true").text
    assert "Share no-access reasons weekly" in overdue and "Report repeat visits" not in overdue
    assert '<option value="true" selected>Overdue only</option>' in overdue
    not_overdue = client.get("/actions?overdue=false").text
    assert "Share no-access reasons weekly" not in not_overdue and "Report repeat visits" in not_overdue
    blocked = client.get("/actions?status=blocked&overdue=").text
    assert "Report repeat visits" in blocked and "Share no-access reasons weekly" not in blocked
    assert "None of your actions match" in client.get("/actions?status=done").text
    # An unknown value is "any", not an error page.
    both = client.get("/actions?status=nonsense&overdue=maybe")
    assert both.status_code == 200 and "Report repeat visits" in both.text


def test_action_log_filters_sorts_and_links_the_csv(client, session, council_of_three):
    council, seats, actions = council_of_three
    sign_in(client)
    assert f'href="/councils/{council.id}/actions">Full action log →' in client.get(f"/councils/{council.id}").text
    base = f"/councils/{council.id}/actions"
    page = client.get(base).text
    titles = [
        "Share no-access reasons weekly",
        "Explain estimated bills",
        "Report repeat visits",
        "Observe the journey map",
    ]
    assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles), "soonest due first"
    assert page.count('<tr class="overdue">') == 1
    assert f'href="/api/councils/{council.id}/actions.csv" download>Download CSV' in page

    by_owner = client.get(f"{base}?status=&owner_id={seats['aisha'].id}&department_id=&overdue=").text
    assert "Explain estimated bills" in by_owner and "Report repeat visits" not in by_owner
    csv_url = unescape(re.search(r'href="([^"]+)" download>Download CSV', by_owner).group(1))
    assert csv_url == f"/api/councils/{council.id}/actions.csv?owner_id={seats['aisha'].id}"
    csv = client.get(csv_url)  # the session cookie is enough for a download
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "Explain estimated bills" in csv.text and "Report repeat visits" not in csv.text

    by_department = client.get(f"{base}?department_id={seats['tom'].department_id}").text
    assert "Report repeat visits" in by_department and "Explain estimated bills" not in by_department
    overdue = client.get(f"{base}?overdue=true&status=open").text
    assert "Share no-access reasons weekly" in overdue and "Explain estimated bills" not in overdue
    assert "actions.csv?status=open&amp;overdue=true" in overdue


def test_observer_sees_only_their_own_actions_read_only(client, session, council_of_three):
    council, _, actions = council_of_three
    sign_in(client, "olga@example.com")
    log = client.get(f"/councils/{council.id}/actions").text
    assert "Observe the journey map" in log and "Report repeat visits" not in log
    mine = client.get("/actions").text
    assert "Observe the journey map" in mine and "/update" not in mine
    page = client.get(f"/actions/{actions['olgas'].id}").text
    assert "Read-only" in page and "/update" not in page
    assert client.get(f"/actions/{actions['late'].id}", headers=HTML).status_code == 404
    post = client.post(
        f"/actions/{actions['olgas'].id}/update",
        data={"csrf_token": csrf_from(page), "version": "1", "note": "Seen it"},
        headers=HTML,
    )
    assert post.status_code == 403
    assert len(history_of(session, actions["olgas"])) == 0


def test_update_is_saved_and_lands_in_history(client, session, council_of_three):
    _, _, actions = council_of_three
    late = actions["late"]
    sign_in(client, "tom@example.com")
    page = client.get("/actions?status=open").text
    fields = update_form(page, late.id)
    assert fields["back"] == f"/actions?status=open#action-{late.id}"
    fields.update(csrf_token=csrf_from(page), status="done", note="Sent the first weekly list.\r\nMore to come.")
    response = client.post(f"/actions/{late.id}/update", data=fields, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == fields["back"]
    assert "Saved." in client.get("/actions").text
    session.refresh(late)
    assert (late.status, late.percent_complete, late.version) == ("done", 100, 2)
    assert late.closed_at is not None
    [entry] = history_of(session, late)
    assert entry.changes == {"status": ["open", "done"], "percent_complete": [0, 100]}
    assert entry.note == "Sent the first weekly list.\nMore to come."
    assert entry.without_if_match is False
    action_page = client.get(f"/actions/{late.id}").text
    for text in ["Sent the first weekly list.", 'Status</span> <span class="old">Open</span> → <span class="new">Done']:
        assert text in action_page, text
    assert 'Percent complete</span> <span class="old">0%</span> → <span class="new">100%' in action_page
    assert "written without If-Match" not in action_page


def test_history_marks_writes_made_without_if_match(client, session, council_of_three):
    _, seats, actions = council_of_three
    session.add(
        ActionEvent(
            action_id=actions["soon"].id, user_id=seats["chair"].user_id, note="Via a script", without_if_match=True
        )
    )
    session.commit()
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{actions['soon'].id}").text
    assert "Via a script" in page and "written without If-Match" in page


def test_moving_the_due_date_needs_a_note_and_keeps_what_was_typed(client, session, council_of_three):
    _, _, actions = council_of_three
    soon = actions["soon"]
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{soon.id}").text
    assert "Moving it? Say why in the note (required)." in page
    fields = update_form(page, soon.id)
    later = (soon.due_on + timedelta(days=14)).isoformat()
    fields.update(csrf_token=csrf_from(page), due_on=later, percent_complete="40")
    response = client.post(f"/actions/{soon.id}/update", data=fields)
    assert response.status_code == 422
    assert "Say why the due date moves: add a note." in response.text
    kept = update_form(response.text, soon.id)
    assert (kept["due_on"], kept["percent_complete"]) == (later, "40")
    session.refresh(soon)
    assert soon.version == 1 and history_of(session, soon) == []
    kept.update(csrf_token=fields["csrf_token"], note="The depot moved the survey.")
    assert client.post(f"/actions/{soon.id}/update", data=kept, follow_redirects=False).status_code == 303
    session.refresh(soon)
    assert (soon.due_on.isoformat(), soon.percent_complete, soon.version) == (later, 40, 2)


def test_invalid_input_is_explained_and_the_note_is_kept(client, session, council_of_three):
    _, _, actions = council_of_three
    soon = actions["soon"]
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{soon.id}").text
    fields = update_form(page, soon.id) | {
        "csrf_token": csrf_from(page),
        "percent_complete": "150",
        "note": "Half way & more",
    }
    response = client.post(f"/actions/{soon.id}/update", data=fields)
    assert response.status_code == 422
    assert "percent complete" in response.text and 'role="alert"' in response.text
    assert update_form(response.text, soon.id)["note"] == "Half way & more"
    too_long = fields | {"percent_complete": "10", "note": "x" * 2001}
    response = client.post(f"/actions/{soon.id}/update", data=too_long)
    assert response.status_code == 422 and "note" in response.text
    assert update_form(response.text, soon.id)["note"] == "x" * 2001
    session.refresh(soon)
    assert soon.version == 1


def test_a_stale_version_is_a_conflict_that_keeps_what_was_typed(client, session, council_of_three):
    _, seats, actions = council_of_three
    late = actions["late"]
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{late.id}").text
    stale = update_form(page, late.id)
    # Meanwhile the chair moves it on.
    late.status, late.percent_complete = "in_progress", 30
    session.add(late)
    session.add(
        ActionEvent(
            action_id=late.id,
            user_id=seats["chair"].user_id,
            changes={"status": ["open", "in_progress"]},
            note="Chased the depot",
        )
    )
    session.commit()
    assert late.version == 2
    stale.update(csrf_token=csrf_from(page), status="blocked", note="Waiting for <the depot's> list")
    response = client.post(f"/actions/{late.id}/update", data=stale)
    assert response.status_code == 409
    assert "Someone else updated this action since you opened it" in response.text
    assert "They also changed status" in response.text
    assert "Chased the depot" in response.text  # the newer history
    kept = update_form(response.text, late.id)
    # Their typed note and chosen status are kept; the percent they did not touch shows the newer value.
    assert kept["note"] == "Waiting for <the depot's> list"
    assert (kept["status"], kept["percent_complete"], kept["version"]) == ("blocked", "30", "2")
    assert "Waiting for <the depot" not in response.text  # escaped, not raw
    assert len(history_of(session, late)) == 1
    session.refresh(late)
    assert (late.status, late.version) == ("in_progress", 2)

    kept["csrf_token"] = stale["csrf_token"]
    assert client.post(f"/actions/{late.id}/update", data=kept, follow_redirects=False).status_code == 303
    session.refresh(late)
    assert (late.status, late.percent_complete, late.version) == ("blocked", 30, 3)
    assert history_of(session, late)[-1].note == "Waiting for <the depot's> list"


def test_a_write_that_loses_the_race_at_the_database_is_a_conflict_too(client, session, council_of_three, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from app.actions import pages

    _, _, actions = council_of_three
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{actions['soon'].id}").text
    fields = update_form(page, actions["soon"].id) | {"csrf_token": csrf_from(page), "note": "Raced"}

    def lose(**_):  # what the ORM's version check raises when another save landed first
        raise StaleDataError("UPDATE statement on table 'actions' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(pages.service, "update_action", lose)
    response = client.post(f"/actions/{actions['soon'].id}/update", data=fields)
    assert response.status_code == 409 and update_form(response.text, actions["soon"].id)["note"] == "Raced"
    assert history_of(session, actions["soon"]) == []


def test_a_form_without_a_version_is_never_an_unconditional_write(client, session, council_of_three):
    _, _, actions = council_of_three
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{actions['soon'].id}").text
    fields = update_form(page, actions["soon"].id) | {"csrf_token": csrf_from(page), "note": "No version"}
    del fields["version"]
    response = client.post(f"/actions/{actions['soon'].id}/update", data=fields)
    assert response.status_code == 409 and "No version" in response.text
    assert history_of(session, actions["soon"]) == []


def test_a_post_without_the_csrf_token_is_refused(client, session, council_of_three):
    _, _, actions = council_of_three
    sign_in(client, "tom@example.com")
    fields = update_form(client.get(f"/actions/{actions['soon'].id}").text, actions["soon"].id)
    del fields["csrf_token"]
    response = client.post(f"/actions/{actions['soon'].id}/update", data=fields | {"note": "Forged"}, headers=HTML)
    assert response.status_code == 403
    assert history_of(session, actions["soon"]) == []


def test_a_member_who_does_not_own_the_action_reads_it_but_cannot_update_it(client, session, council_of_three):
    _, _, actions = council_of_three
    sign_in(client, "aisha@example.com")
    page = client.get(f"/actions/{actions['late'].id}")
    assert page.status_code == 200 and "Share no-access reasons weekly" in page.text
    assert "/update" not in page.text and "Read-only" in page.text
    response = client.post(
        f"/actions/{actions['late'].id}/update",
        data={"csrf_token": csrf_from(page.text), "version": "1", "status": "done", "note": "Not mine"},
        headers=HTML,
    )
    assert response.status_code == 403
    session.refresh(actions["late"])
    assert actions["late"].status == "open" and history_of(session, actions["late"]) == []


def test_the_chair_updates_anyones_action(client, session, council_of_three):
    _, _, actions = council_of_three
    sign_in(client)
    page = client.get(f"/actions/{actions['billing'].id}").text
    fields = update_form(page, actions["billing"].id) | {"csrf_token": csrf_from(page), "percent_complete": "60"}
    assert (
        client.post(f"/actions/{actions['billing'].id}/update", data=fields, follow_redirects=False).status_code == 303
    )
    session.refresh(actions["billing"])
    assert actions["billing"].percent_complete == 60


def test_non_members_find_nothing(client, session, council_of_three):
    council, _, actions = council_of_three
    make_council(session, name="Their own council", chair=make_user(session, email="out@example.com"))
    session.commit()
    sign_in(client, "out@example.com")
    for path in [f"/actions/{actions['late'].id}", f"/councils/{council.id}/actions"]:
        response = client.get(path, headers=HTML)
        assert response.status_code == 404, path
        assert "Share no-access reasons weekly" not in response.text
    token = csrf_from(client.get("/actions").text)
    response = client.post(
        f"/actions/{actions['late'].id}/update", data={"csrf_token": token, "version": "1", "note": "x"}, headers=HTML
    )
    assert response.status_code == 404
    assert "Share no-access reasons weekly" not in client.get("/actions").text
    assert client.get("/actions/2147483648", headers=HTML).status_code in (404, 422)


def test_nothing_changed_saves_nothing(client, session, council_of_three):
    _, _, actions = council_of_three
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{actions['soon'].id}").text
    fields = update_form(page, actions["soon"].id) | {"csrf_token": csrf_from(page)}
    response = client.post(f"/actions/{actions['soon'].id}/update", data=fields)
    assert "Nothing to save" in response.text
    assert history_of(session, actions["soon"]) == []


def test_back_only_goes_to_paths_on_this_site(client, council_of_three):
    _, _, actions = council_of_three
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{actions['soon'].id}").text
    for evil in ["https://evil.example/", "//evil.example/", "/\\evil.example"]:
        fields = update_form(page, actions["soon"].id) | {"csrf_token": csrf_from(page), "note": "n", "back": evil}
        page_after = client.post(f"/actions/{actions['soon'].id}/update", data=fields, follow_redirects=False)
        assert page_after.headers["location"] == f"/actions/{actions['soon'].id}"
        page = client.get(f"/actions/{actions['soon'].id}").text


def test_text_is_escaped_on_every_action_page(client, session, council_of_three):
    council, seats, actions = council_of_three
    late = actions["late"]
    late.title, late.description = "<script>alert('t')</script>", "<script>alert('d')</script>"
    session.add(late)
    session.add(ActionEvent(action_id=late.id, user_id=seats["chair"].user_id, note="<script>alert('n')</script>"))
    session.commit()
    sign_in(client, "tom@example.com")
    for path in ["/actions", f"/councils/{council.id}/actions", f"/actions/{late.id}"]:
        page = client.get(path).text
        assert "<script>alert" not in page, path
        assert "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;" in page, path
    page = client.get(f"/actions/{late.id}").text
    assert "&lt;script&gt;alert(&#39;d&#39;)" in page and "&lt;script&gt;alert(&#39;n&#39;)" in page


def test_my_actions_puts_work_still_to_do_before_closed_work(client, session, council_of_three):
    """Regression: sorted by due date alone, long-closed actions sat above the overdue one."""
    council, seats, actions = council_of_three
    make_action(
        session,
        council=council,
        owner=seats["tom"],
        title="Closed long ago",
        status="done",
        due_on=date.today() - timedelta(days=60),
    )
    session.commit()
    sign_in(client, "tom@example.com")
    page = client.get("/actions").text
    order = [page.index(t) for t in ["Share no-access reasons weekly", "Report repeat visits", "Closed long ago"]]
    assert order == sorted(order)


def test_the_action_page_links_what_the_action_belongs_to(client, session, council_of_three):
    """Regression: an action's initiative, journey and meeting were not shown or linked on its page."""
    council, seats, actions = council_of_three
    journey = Journey(council_id=council.id, name="No supply")
    initiative = Initiative(council_id=council.id, title="Checklist on every call")
    session.add_all([journey, initiative])
    meeting = make_meeting(session, council=council, status="held")
    action = actions["late"]
    action.initiative_id, action.journey_id, action.raised_at_meeting_id = initiative.id, journey.id, meeting.id
    session.add(action)
    session.commit()
    sign_in(client, "tom@example.com")
    page = client.get(f"/actions/{action.id}").text
    assert f'<a href="/initiatives/{initiative.id}">Checklist on every call</a>' in page
    assert f'<a href="/journeys/{journey.id}">No supply</a>' in page
    assert f'<a href="/meetings/{meeting.id}/minutes">meeting {meeting.number}</a>' in page
    for link in [f"/initiatives/{initiative.id}", f"/journeys/{journey.id}"]:
        assert client.get(link).status_code == 200, link
