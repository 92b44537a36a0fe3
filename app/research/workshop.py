"""A five-whys workshop's links: the feedback theme it started from, the actions it raised,
and its action-plan metrics (DOMAIN.md, "The improvement loop", steps 3–5).

An action-plan metric is a measure with a target, owned by a department: the scorecard
scores a department on it (app/reports/score_parts.py), so a measure without either
cannot be one. Actions raised here are real actions on the log, created by the actions
service with its own rules (chair or secretary), then linked.
"""

from collections import defaultdict

from sqlmodel import Session, col, func, select

from app.actions.service import create_action
from app.auth import Access
from app.errors import Invalid
from app.measures.service import create_measure
from app.models import Measure, RootCause, RootCauseAction, RootCauseMeasure, Theme
from app.research.schemas import LinkedRecord, RootCauseCreate, RootCauseUpdate


def check_theme(*, session: Session, access: Access, theme_id: int | None) -> None:
    """A theme of this council, or 422."""
    if theme_id is None:
        return
    theme = session.get(Theme, theme_id)
    if theme is None or theme.council_id != access.council.id:
        raise Invalid(f"Theme {theme_id} is not a theme of this council.", field="theme_id")


def check_plan_metrics(*, session: Session, access: Access, measure_ids: list[int]) -> None:
    """Each is a measure of this council, owned by a department, with a target; else 422 naming it."""
    if not measure_ids:
        return
    found = {
        m.id: m
        for m in session.exec(
            select(Measure).where(col(Measure.id).in_(measure_ids), Measure.council_id == access.council.id)
        )
    }
    for measure_id in measure_ids:
        measure = found.get(measure_id)
        if measure is None:
            problem = "is not in this council"
        elif measure.department_id is None:
            problem = f"({measure.name}) is owned by no department: give it one first"
        elif measure.target is None:
            problem = f"({measure.name}) has no target: set one first"
        else:
            continue
        raise Invalid(f"Measure {measure_id} {problem}.", field="action_plan_measure_ids")


def _new_metric(session: Session, access: Access, root_cause_in: RootCauseCreate | RootCauseUpdate) -> list[int]:
    measure_in = root_cause_in.new_measure
    if measure_in is None:
        return []
    if measure_in.department_id is None:
        raise Invalid("An action-plan metric is owned by a department: send its department_id.", field="new_measure")
    if measure_in.target is None:
        raise Invalid("An action-plan metric needs a target.", field="new_measure")
    return [create_measure(session=session, access=access, measure_in=measure_in).id]


def _new_actions(session: Session, access: Access, root_cause_in: RootCauseCreate | RootCauseUpdate) -> list[int]:
    return [create_action(session=session, access=access, action_in=a).id for a in root_cause_in.new_actions]


def _add_links(session: Session, link_model, field: str, root_cause_id: int, ids: list[int]) -> None:
    have = set(session.exec(select(getattr(link_model, field)).where(link_model.root_cause_id == root_cause_id)))
    for other_id in dict.fromkeys(ids):
        if other_id not in have:
            session.add(link_model(root_cause_id=root_cause_id, **{field: other_id}))


def record_workshop(
    *, session: Session, access: Access, root_cause: RootCause, root_cause_in: RootCauseCreate | RootCauseUpdate
) -> None:
    """Create the new metric and actions sent, and link them (and the metrics named) to the root cause.

    `action_plan_measure_ids`, when sent, replaces the metric links; a new metric and new
    actions are added to whatever is linked."""
    sent = root_cause_in.model_fields_set
    if "action_plan_measure_ids" in sent and root_cause_in.action_plan_measure_ids is not None:
        ids = root_cause_in.action_plan_measure_ids
        check_plan_metrics(session=session, access=access, measure_ids=ids)
        for link in session.exec(select(RootCauseMeasure).where(RootCauseMeasure.root_cause_id == root_cause.id)):
            if link.measure_id not in ids:
                session.delete(link)
        _add_links(session, RootCauseMeasure, "measure_id", root_cause.id, ids)
    _add_links(session, RootCauseMeasure, "measure_id", root_cause.id, _new_metric(session, access, root_cause_in))
    _add_links(session, RootCauseAction, "action_id", root_cause.id, _new_actions(session, access, root_cause_in))
    session.flush()


def workshop_links(*, session: Session, root_cause_ids: list[int]) -> tuple[dict, dict[int, list[LinkedRecord]]]:
    """(root cause id → theme name, root cause id → its action-plan metrics by name), in two queries."""
    if not root_cause_ids:
        return {}, {}
    themes = dict(
        session.exec(
            select(RootCause.id, Theme.name)
            .join(Theme, Theme.id == RootCause.theme_id)
            .where(col(RootCause.id).in_(root_cause_ids))
        ).all()
    )
    metrics: dict[int, list[LinkedRecord]] = defaultdict(list)
    for root_cause_id, measure_id, name in session.exec(
        select(RootCauseMeasure.root_cause_id, Measure.id, Measure.name)
        .join(Measure, Measure.id == RootCauseMeasure.measure_id)
        .where(col(RootCauseMeasure.root_cause_id).in_(root_cause_ids))
        .order_by(func.lower(Measure.name), Measure.id)
    ):
        metrics[root_cause_id].append(LinkedRecord(id=measure_id, name=name))
    return themes, metrics
