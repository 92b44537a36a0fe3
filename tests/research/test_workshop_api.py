"""A five-whys workshop from a feedback theme to its action-plan metric, through the JSON API."""

from datetime import date, timedelta

from sqlmodel import Session, select

from app.models import Action, Measure, RootCauseMeasure, Theme, User
from tests.factories import make_council, make_department, make_membership
from tests.helpers import auth, error_fields


def arrange(app, session: Session):
    council = make_council(session, name="Utility council")
    field = make_department(session, council=council, name="Field Engineering")
    chair = make_membership(session, council=council, role="chair")
    member = make_membership(session, council=council, role="member", department=field)
    theme = Theme(council_id=council.id, name="Engineer came back twice", phrases=["second visit"])
    checklist = Measure(
        council_id=council.id,
        name="Diagnosis checklist completed",
        department_id=field.id,
        scope="department",
        target=90,
    )
    no_target = Measure(council_id=council.id, name="Visits", department_id=field.id, scope="department")
    overall = Measure(council_id=council.id, name="NPS", target=30)
    other_theme = Theme(council_id=make_council(session).id, name="Elsewhere")
    session.add_all([theme, checklist, no_target, overall, other_theme])
    session.commit()
    headers = {s.id: auth(app, session.get(User, s.user_id)) for s in (chair, member)}
    return council, field, chair, member, theme, checklist, no_target, overall, other_theme, headers


WHYS = [
    "The engineer could not fix it on the first visit",
    "The fault was misdiagnosed on the call",
    "The call handler had no checklist",
    "No one owns the diagnosis standard",
    "Field Engineering and the contact centre never agreed one",
]


def test_a_workshop_from_a_theme_raises_actions_and_a_new_metric(app, client, session):
    council, field, chair, member, theme, checklist, *_, headers = arrange(app, session)
    due = (date.today() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/api/councils/{council.id}/root-causes",
        headers=headers[chair.id],
        json={
            "theme": theme.name,
            "theme_id": theme.id,
            "whys": WHYS,
            "action_plan_measure_ids": [checklist.id],
            "new_measure": {
                "name": "Repeat-visit rate",
                "unit": "%",
                "direction": "lower_is_better",
                "target": 10,
                "department_id": field.id,
            },
            "new_actions": [{"title": "Agree the diagnosis checklist", "owner_id": member.id, "due_on": due}],
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["theme_id"], body["theme_name"]) == (theme.id, "Engineer came back twice")
    assert body["root_cause"] == WHYS[-1]
    assert [m["name"] for m in body["action_plan_measures"]] == ["Diagnosis checklist completed", "Repeat-visit rate"]
    # The action is a real action on the log, owned and in the owner's department.
    [linked] = body["actions"]
    action = session.get(Action, linked["id"])
    assert action.title == "Agree the diagnosis checklist" and action.department_id == field.id
    created = session.exec(select(Measure).where(Measure.name == "Repeat-visit rate")).one()
    assert (created.department_id, created.target, created.scope) == (field.id, 10, "department")

    # PATCH: the metric list sent replaces the links; read back by GET.
    url = f"/api/root-causes/{body['id']}"
    patched = client.patch(url, headers=headers[chair.id], json={"action_plan_measure_ids": [checklist.id]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["action_plan_measure_ids"] == [checklist.id]
    assert client.get(url, headers=headers[member.id]).json()["action_plan_measure_ids"] == [checklist.id]
    assert len(session.exec(select(RootCauseMeasure)).all()) == 1


def test_a_metric_needs_a_department_and_a_target_and_the_theme_this_council(app, client, session):
    council, field, chair, member, theme, checklist, no_target, overall, other_theme, headers = arrange(app, session)
    url = f"/api/councils/{council.id}/root-causes"
    base = {"theme": "Came back twice", "whys": WHYS[:2]}
    for ids in ([no_target.id], [overall.id], [999999]):
        bad = client.post(url, headers=headers[chair.id], json={**base, "action_plan_measure_ids": ids})
        assert bad.status_code == 422 and error_fields(bad) == {"action_plan_measure_ids"}, bad.text
    bad = client.post(url, headers=headers[chair.id], json={**base, "theme_id": other_theme.id})
    assert bad.status_code == 422 and error_fields(bad) == {"theme_id"}
    no_dept = {"name": "Checklist", "target": 90}
    bad = client.post(url, headers=headers[chair.id], json={**base, "new_measure": no_dept})
    assert bad.status_code == 422 and error_fields(bad) == {"new_measure"}
    # A member may record a workshop and link an existing metric, but not create measures or actions.
    ok = client.post(url, headers=headers[member.id], json={**base, "action_plan_measure_ids": [checklist.id]})
    assert ok.status_code == 201, ok.text
    metric = {"name": "Checklist", "target": 90, "department_id": field.id}
    refused = client.post(url, headers=headers[member.id], json={**base, "new_measure": metric})
    assert refused.status_code == 403
    # Nothing of a refused request was written.
    assert session.exec(select(Measure).where(Measure.name == "Checklist")).first() is None


def test_deleting_the_theme_keeps_the_workshop(app, client, session):
    council, field, chair, member, theme, *_, headers = arrange(app, session)
    made = client.post(
        f"/api/councils/{council.id}/root-causes",
        headers=headers[chair.id],
        json={"theme": theme.name, "theme_id": theme.id, "whys": WHYS},
    ).json()
    session.delete(session.get(Theme, theme.id))
    session.commit()
    again = client.get(f"/api/root-causes/{made['id']}", headers=headers[chair.id]).json()
    assert (again["theme"], again["theme_id"], again["theme_name"]) == ("Engineer came back twice", None, None)
