"""The five-whys workshop on the root-causes page: started from a theme, it records the metric and an action."""

from datetime import date, timedelta
from html import unescape

from sqlmodel import select

from app.models import Action, Measure, RootCause, RootCauseMeasure, Theme
from tests.journeys.test_journey_pages import as_, council  # noqa: F401 (the fixture)
from tests.web.test_pages import csrf_from


def test_a_workshop_from_a_theme_records_its_metric_and_action(client, session, council):  # noqa: F811
    c, field = council["council"], council["field"]
    theme = Theme(council_id=c.id, name="Engineer came back twice", phrases=["second visit"])
    session.add(theme)
    session.commit()
    path = f"/councils/{c.id}/root-causes"
    html = as_(client, "chair", f"{path}?theme_id={theme.id}")
    # Started from the theme: it is chosen, and its name fills the theme box.
    assert f'<option value="{theme.id}" selected>Engineer came back twice</option>' in html
    assert 'value="Engineer came back twice"' in html
    due = (date.today() + timedelta(days=20)).isoformat()
    response = client.post(
        path,
        data={
            "csrf_token": csrf_from(html),
            "theme": "Engineer came back twice",
            "theme_id": str(theme.id),
            "whys": ["Wrong part", "Thin fault report", "No checklist", "", ""],
            "new_metric_name": "Diagnosis checklist completed",
            "new_metric_department_id": str(field.id),
            "new_metric_target": "90",
            "new_metric_unit": "%",
            "new_metric_direction": "higher_is_better",
            "new_action_title": "Agree the diagnosis checklist",
            "new_action_owner_id": str(council["owner"].id),
            "new_action_due_on": due,
        },
    )
    page = unescape(response.text)
    assert "Root cause for “Engineer came back twice” recorded." in page
    root_cause = session.exec(select(RootCause)).one()
    assert root_cause.theme_id == theme.id
    metric = session.exec(select(Measure).where(Measure.name == "Diagnosis checklist completed")).one()
    assert (metric.department_id, metric.target, metric.unit) == (field.id, 90, "%")
    assert session.exec(select(RootCauseMeasure)).one().measure_id == metric.id
    assert session.exec(select(Action).where(Action.title == "Agree the diagnosis checklist")).one()
    assert "Action-plan metrics" in page and "Diagnosis checklist completed" in page


def test_a_metric_without_a_department_is_explained_on_the_page(client, session, council):  # noqa: F811
    path = f"/councils/{council['council'].id}/root-causes"
    html = as_(client, "chair", path)
    response = client.post(
        path,
        data={"csrf_token": csrf_from(html), "theme": "Waits", "whys": ["Why"], "new_metric_name": "Checklist"},
    )
    assert "An action-plan metric is owned by a department" in unescape(response.text)
    assert session.exec(select(RootCause)).first() is None
