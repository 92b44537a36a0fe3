"""The minutes record that the council reviewed a feedback theme: a decision linked to the theme."""

from app.models import Theme
from tests.factories import make_council
from tests.helpers import error_fields
from tests.minutes.test_minutes_api import arrange, as_, url


def test_a_decision_records_the_theme_it_reviewed(app, client, session):
    w = arrange(session)
    theme = Theme(council_id=w.council.id, name="Repeat engineer visit", phrases=["second visit"])
    elsewhere = Theme(council_id=make_council(session).id, name="Elsewhere")
    session.add_all([theme, elsewhere])
    session.commit()
    headers = as_(app, w, "secretary")
    body = {
        "item_number": 6,
        "text": "Reviewed the repeat-visit theme: falling since the checklist.",
        "theme_id": theme.id,
    }
    made = client.post(url(w, "/decisions"), headers=headers, json=body)
    assert made.status_code == 201, made.text
    assert (made.json()["theme_id"], made.json()["theme_name"]) == (theme.id, "Repeat engineer visit")
    minutes = client.get(url(w, "/minutes"), headers=headers).json()
    reviewed = [d for item in minutes["items"] for d in item["decisions"] if d.get("theme_id") == theme.id]
    assert [d["theme_name"] for d in reviewed] == ["Repeat engineer visit"]
    assert [d["theme_name"] for d in minutes["decisions"]] == ["Repeat engineer visit"]
    # Unlinked by sending null; another council's theme is refused and nothing is written.
    path = url(w, f"/decisions/{made.json()['id']}")
    unlinked = client.patch(path, headers=headers, json={"theme_id": None}).json()
    assert (unlinked["theme_id"], unlinked["theme_name"]) == (None, None)
    minutes = client.get(url(w, "/minutes"), headers=headers).json()
    assert all(d["theme_name"] is None for d in minutes["decisions"])
    bad = client.post(url(w, "/decisions"), headers=headers, json={**body, "theme_id": elsewhere.id})
    assert bad.status_code == 422 and error_fields(bad) == {"theme_id"}
