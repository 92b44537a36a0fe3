"""The five-whys workshop's part of the root-causes page: choices for its form and the form's data.

The page's form sends flat fields (a select, checkboxes, a few boxes for one new metric
and one new action); these turn them into the API's RootCauseCreate/Update payload,
leaving every check to the schema and the service, so the page and the API refuse the
same things with the same words.
"""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlmodel import Session, col, select

from app.auth import Access
from app.display import format_value
from app.models import Department, Measure, Membership, Role, Theme, User
from app.web.forms import ListField, TextField, number_or_text, whole_or_text


@dataclass(frozen=True)
class WorkshopChoices:
    themes: list[tuple[int, str]]
    # (id, "name — department, target") of measures that can be action-plan metrics
    metrics: list[tuple[int, str]]
    departments: list[tuple[int, str]]
    owners: list[tuple[int, str]]
    may_add_metric: bool
    may_add_action: bool


def workshop_choices(*, session: Session, access: Access) -> WorkshopChoices:
    """What the workshop form offers this seat."""
    council_id = access.council.id
    themes = session.exec(select(Theme.id, Theme.name).where(Theme.council_id == council_id).order_by(Theme.name))
    rows = session.exec(
        select(Measure.id, Measure.name, Department.name, Measure.target, Measure.unit)
        .join(Department, Department.id == Measure.department_id)
        .where(Measure.council_id == council_id, col(Measure.target).is_not(None))
        .order_by(Department.name, Measure.name)
    )
    departments = session.exec(
        select(Department.id, Department.name).where(Department.council_id == council_id).order_by(Department.name)
    )
    owners = session.exec(
        select(Membership.id, User.name)
        .join(User, User.id == Membership.user_id)
        .where(Membership.council_id == council_id, Membership.role != Role.observer)
        .order_by(User.name)
    )
    return WorkshopChoices(
        themes=list(themes.all()),
        metrics=[(i, f"{name} — {dept}, target {format_value(target, unit)}") for i, name, dept, target, unit in rows],
        departments=list(departments.all()),
        owners=list(owners.all()),
        may_add_metric=access.is_(Role.chair),
        may_add_action=access.is_(Role.chair, Role.secretary),
    )


def _id(value: str) -> int | str | None:
    return whole_or_text(value)


def workshop_data(
    *,
    theme_id: str,
    metric_ids: list[str],
    metric_name: str,
    metric_department_id: str,
    metric_target: str,
    metric_direction: str,
    metric_unit: str,
    action_title: str,
    action_owner_id: str,
    action_due_on: str,
) -> dict:
    """The workshop's fields of a root-cause payload, from the form (blank new metric/action: none)."""
    data: dict = {
        "theme_id": _id(theme_id),
        "action_plan_measure_ids": [_id(v) for v in metric_ids if v.strip()],
    }
    if metric_name.strip():
        data["new_measure"] = {
            "name": metric_name,
            "department_id": _id(metric_department_id),
            "target": number_or_text(metric_target),
            "direction": metric_direction or None,
            "unit": metric_unit,
        }
    if action_title.strip():
        data["new_actions"] = [
            {"title": action_title, "owner_id": _id(action_owner_id), "due_on": action_due_on.strip() or None}
        ]
    return data


def workshop_form(
    theme_id: TextField = "",
    action_plan_measure_ids: ListField = [],  # noqa: B006 (FastAPI copies defaults)
    new_metric_name: TextField = "",
    new_metric_department_id: TextField = "",
    new_metric_target: TextField = "",
    new_metric_direction: TextField = "",
    new_metric_unit: TextField = "",
    new_action_title: TextField = "",
    new_action_owner_id: TextField = "",
    new_action_due_on: TextField = "",
) -> dict:
    """The workshop's form fields, as a dependency both root-cause forms share."""
    return workshop_data(
        theme_id=theme_id,
        metric_ids=action_plan_measure_ids,
        metric_name=new_metric_name,
        metric_department_id=new_metric_department_id,
        metric_target=new_metric_target,
        metric_direction=new_metric_direction,
        metric_unit=new_metric_unit,
        action_title=new_action_title,
        action_owner_id=new_action_owner_id,
        action_due_on=new_action_due_on,
    )


WorkshopForm = Annotated[dict, Depends(workshop_form)]
