"""The minutes page's one decision form and one action form post several rows at once: each row is checked and
named when refused, and either every row is recorded or none is."""

from datetime import date, timedelta

from sqlmodel import func, select

from app.models import Action, Decision, MinutesEvent
from tests.minutes.test_minutes_page import flashes, token_for, world  # noqa: F401  (world is a fixture)
from tests.web.test_pages import sign_in

DUE = (date.today() + timedelta(days=14)).isoformat()


def post_rows(client, world, form: str, rows: list[dict[str, str]]):  # noqa: F811
    """Post `rows` as the page does: each field repeated once per row, in row order."""
    data: dict[str, str | list[str]] = {"csrf_token": token_for(client, world)}
    for name in rows[0]:
        data[name] = [row[name] for row in rows]
    return client.post(f"{world.url}/{form}", data=data, follow_redirects=False)


def decisions(session) -> list[tuple[int, int, str]]:
    session.expire_all()
    return [(d.number, d.item_number, d.text) for d in session.exec(select(Decision).order_by(Decision.number))]


def actions(session) -> list[tuple[int, str, int]]:
    session.expire_all()
    rows = session.exec(select(Action).where(Action.raised_at_meeting_id.is_not(None)).order_by(Action.id))
    return [(a.raised_at_item, a.title, a.owner_id) for a in rows]


def test_two_decisions_and_two_actions_in_one_post_each(client, session, world):  # noqa: F811
    sign_in(client, "secretary@example.com")
    made = post_rows(
        client,
        world,
        "decisions",
        [
            {"item_number": "3", "text": "Keep the checklist.", "theme_id": ""},
            {"item_number": "5", "text": "Extend the SMS pilot.", "theme_id": ""},
            {"item_number": "7", "text": "   ", "theme_id": ""},  # an "Add another" nobody filled: skipped
        ],
    )
    assert made.status_code == 303
    assert made.headers["location"] == f"{world.url}?item=7#record-decision"
    assert decisions(session) == [(1, 3, "Keep the checklist."), (2, 5, "Extend the SMS pilot.")]
    page = client.get(made.headers["location"]).text
    assert flashes(page) == ["2 decisions recorded: D1 under item 3, D2 under item 5. Add another below."]

    member, supplier = world.seats["member"].id, world.seats["supplier"].id
    raised = post_rows(
        client,
        world,
        "actions",
        [
            {"item_number": "4", "title": "Brief the call centre", "owner_id": str(member), "due_on": DUE},
            {"item_number": "6", "title": "Send the storm plan", "owner_id": str(supplier), "due_on": DUE},
        ],
    )
    assert raised.headers["location"] == f"{world.url}?item=6#raise-action"
    assert actions(session) == [(4, "Brief the call centre", member), (6, "Send the storm plan", supplier)]
    page = client.get(world.url).text
    assert flashes(page) == [
        "2 actions raised: “Brief the call centre”, “Send the storm plan”. They are on the action log now."
    ]
    # Each is audited as if recorded one by one.
    kinds = session.exec(select(MinutesEvent.kind).where(MinutesEvent.meeting_id == world.meeting.id)).all()
    assert kinds.count("decision_added") == 2 and kinds.count("action_raised") == 2


def test_a_refused_row_is_named_and_nothing_is_saved(client, session, world):  # noqa: F811
    sign_in(client, "secretary@example.com")
    member = str(world.seats["member"].id)
    refused = post_rows(
        client,
        world,
        "actions",
        [
            {"item_number": "4", "title": "Brief the call centre", "owner_id": member, "due_on": DUE},
            {"item_number": "6", "title": "Send the storm plan", "owner_id": "", "due_on": DUE},
            {"item_number": "2", "title": "", "owner_id": member, "due_on": "soon"},
        ],
    )
    assert refused.status_code == 422
    assert flashes(refused.text) == ["Action 2: owner is required. Action 3: title is required."]
    # Every row comes back as typed, under its item, the refused rows saying why.
    page = refused.text
    assert 'value="Brief the call centre"' in page and 'value="Send the storm plan"' in page
    assert 'value="soon"' in page
    assert '<p class="row-error" id="action-2-error">Action 2: owner is required</p>' in page
    # The field to fix is marked: row 2's owner, row 3's title.
    assert 'id="action-2-owner" name="owner_id" aria-invalid="true" aria-describedby="action-2-error"' in page
    assert 'id="action-3-title" name="title" maxlength="200" autocomplete="off" value="" aria-invalid="true"' in page
    assert page.count('aria-invalid="true"') == 2
    assert 'id="action-1-error"' not in page
    assert actions(session) == []

    # The rule checks (an owner from another council) name the row too, and roll back the rows before it.
    refused = post_rows(
        client,
        world,
        "actions",
        [
            {"item_number": "4", "title": "Brief the call centre", "owner_id": member, "due_on": DUE},
            {"item_number": "6", "title": "Send the storm plan", "owner_id": "999999", "due_on": DUE},
        ],
    )
    assert refused.status_code == 422
    [said] = flashes(refused.text)
    assert said.startswith("Action 2: ")
    assert actions(session) == []


def test_a_refused_decision_row_rolls_back_the_others(client, session, world):  # noqa: F811
    sign_in(client, "secretary@example.com")
    refused = post_rows(
        client,
        world,
        "decisions",
        [
            {"item_number": "3", "text": "Keep the checklist.", "theme_id": ""},
            {"item_number": "5", "text": "Extend the SMS pilot.", "theme_id": "abc"},
            {"item_number": "6", "text": "", "theme_id": "1"},
        ],
    )
    assert refused.status_code == 422
    assert flashes(refused.text) == [
        "Decision 2: theme id: 'abc' is not a whole number. Decision 3: write the decision."
    ]
    assert 'value="Keep the checklist."' in refused.text and 'value="Extend the SMS pilot."' in refused.text
    assert decisions(session) == []
    assert session.exec(select(func.count()).select_from(MinutesEvent)).one() == 0

    # Nothing typed at all: said once, nothing recorded.
    refused = post_rows(client, world, "decisions", [{"item_number": "3", "text": " ", "theme_id": ""}])
    assert flashes(refused.text) == ["Decision 1: write the decision first."]
    assert decisions(session) == []


def test_a_long_decision_comes_back_whole(client, session, world):  # noqa: F811
    # Longer than a refused form's values kept in the session cookie: the page itself carries it back.
    sign_in(client, "secretary@example.com")
    long_text = "The council agreed " + "and noted the risk " * 200
    refused = post_rows(
        client,
        world,
        "decisions",
        [
            {"item_number": "3", "text": long_text.strip(), "theme_id": ""},
            {"item_number": "99", "text": "Under no item.", "theme_id": ""},
        ],
    )
    assert refused.status_code == 422
    assert f'value="{long_text.strip()}"' in refused.text
    [said] = flashes(refused.text)
    assert said.startswith("Decision 2: item number:")
    assert decisions(session) == []


def test_the_page_starts_the_forms_under_the_item_asked_for(client, world):  # noqa: F811
    sign_in(client, "secretary@example.com")
    page = client.get(f"{world.url}?item=6").text
    assert page.count('<option value="6" selected>') == 2  # the decision row and the action row
    # Anything else in `item` is ignored: the forms start under the first item.
    for bad in ("abc", "-1", "10", "1e999"):
        page = client.get(f"{world.url}?item={bad}")
        assert page.status_code == 200
        assert page.text.count('<option value="1" selected>') == 2
