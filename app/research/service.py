"""Customer research and five-whys root causes: recording, linking, who may change them."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, func, select

from app.auth import Access, load_record_access
from app.common import today_in
from app.errors import Forbidden, Invalid
from app.models import (
    Action,
    Council,
    Initiative,
    Measure,
    Research,
    ResearchInitiative,
    ResearchMeasure,
    Role,
    RootCause,
    RootCauseAction,
    RootCauseInitiative,
    User,
    utcnow,
)
from app.research.schemas import (
    LinkedRecord,
    ResearchCreate,
    ResearchPublic,
    ResearchUpdate,
    RootCauseCreate,
    RootCausePublic,
    RootCauseUpdate,
)
from app.research.workshop import check_theme, record_workshop, workshop_links

# Fields of a root cause's input that are links made by record_workshop, not columns.
WORKSHOP_FIELDS = {"action_plan_measure_ids", "new_measure", "new_actions"}

# Members propose research and root causes; observers only read.
CONTRIBUTORS = (Role.chair, Role.secretary, Role.member)


@dataclass(frozen=True)
class RecordAccess:
    """A research item or root cause, and the seat of whoever is asking."""

    record: Research | RootCause
    access: Access

    @property
    def is_author(self) -> bool:
        return self.record.created_by_id is not None and self.record.created_by_id == self.access.user.id

    @property
    def may_edit(self) -> bool:
        """The chair, and the author while they hold a seat that may contribute."""
        return self.access.is_(Role.chair) or (self.is_author and self.access.is_(*CONTRIBUTORS))


def _load(session: Session, user: User, model: type[SQLModel], record_id: int, label: str) -> RecordAccess:
    record, access = load_record_access(session=session, user=user, model=model, record_id=record_id, label=label)
    return RecordAccess(record=record, access=access)


def load_research_access(*, session: Session, user: User, research_id: int) -> RecordAccess:
    """A research item in a council the user sits on; any other does not exist for them."""
    return _load(session, user, Research, research_id, "Research")


def load_root_cause_access(*, session: Session, user: User, root_cause_id: int) -> RecordAccess:
    """A root cause in a council the user sits on; any other does not exist for them."""
    return _load(session, user, RootCause, root_cause_id, "Root cause")


def check_may_edit(*, found: RecordAccess, what: str) -> None:
    """Refuse (403) anyone but the record's author and the chair."""
    if not found.may_edit:
        raise Forbidden(f"Only the council's chair or the person who recorded this {what} can change it.")


# Links to other records of the same council


def _check_ids(session: Session, council: Council, model, ids: list[int], field: str, label: str) -> None:
    if not ids:
        return
    ours = set(session.exec(select(model.id).where(col(model.id).in_(ids), model.council_id == council.id)).all())
    missing = [i for i in ids if i not in ours]
    if missing:
        listed = ", ".join(str(i) for i in missing)
        raise Invalid(f"{label} {listed} {'is' if len(missing) == 1 else 'are'} not in this council.", field=field)


def _set_links(session: Session, link_model, owner_field: str, owner_id: int, other_field: str, ids: list[int]):
    """Make the record's links exactly `ids`, changing only what differs."""
    current = session.exec(select(link_model).where(getattr(link_model, owner_field) == owner_id)).all()
    wanted = set(ids)
    for link in current:
        if getattr(link, other_field) not in wanted:
            session.delete(link)
    have = {getattr(link, other_field) for link in current}
    for other_id in ids:
        if other_id not in have:
            session.add(link_model(**{owner_field: owner_id, other_field: other_id}))


def _linked(session: Session, link_model, owner_field: str, other_field: str, model, name_col, owner_ids: list[int]):
    """{owner id: [LinkedRecord, …]} for a batch of records, by name."""
    result: dict[int, list[LinkedRecord]] = defaultdict(list)
    if not owner_ids:
        return result
    rows = session.exec(
        select(getattr(link_model, owner_field), model.id, name_col)
        .join(model, model.id == getattr(link_model, other_field))
        .where(col(getattr(link_model, owner_field)).in_(owner_ids))
        .order_by(func.lower(name_col), model.id)
    ).all()
    for owner_id, other_id, name in rows:
        result[owner_id].append(LinkedRecord(id=other_id, name=name))
    return result


def _check_conducted_on(council: Council, conducted_on: date | None) -> None:
    if conducted_on is not None and conducted_on > today_in(council.timezone):
        raise Invalid(
            "Research is recorded once it has taken place: conducted_on cannot be in the future.", field="conducted_on"
        )


def _no_nulls(changes: dict, nullable: frozenset[str] = frozenset()) -> None:
    for field, value in changes.items():
        if value is None and field not in nullable:
            raise Invalid(f"{field} cannot be empty.", field=field)


# Research


def _research_publics(session: Session, rows: list[tuple[Research, str | None]]) -> list[ResearchPublic]:
    ids = [r.id for r, _ in rows]
    measures = _linked(session, ResearchMeasure, "research_id", "measure_id", Measure, Measure.name, ids)
    initiatives = _linked(
        session, ResearchInitiative, "research_id", "initiative_id", Initiative, Initiative.title, ids
    )
    return [
        ResearchPublic(
            **research.model_dump(),
            created_by_name=author,
            measures=measures[research.id],
            measure_ids=[m.id for m in measures[research.id]],
            initiatives=initiatives[research.id],
            initiative_ids=[i.id for i in initiatives[research.id]],
        )
        for research, author in rows
    ]


def _research_query():
    return select(Research, User.name).outerjoin(User, User.id == Research.created_by_id)


def list_research(*, session: Session, council: Council, since: date | None = None) -> list[ResearchPublic]:
    """The council's research, newest first; with `since`, only what was conducted on or after it."""
    query = _research_query().where(Research.council_id == council.id)
    if since is not None:
        query = query.where(Research.conducted_on >= since)
    rows = session.exec(query.order_by(col(Research.conducted_on).desc(), col(Research.id).desc())).all()
    return _research_publics(session, list(rows))


def get_research_public(*, session: Session, research: Research) -> ResearchPublic:
    """One research item with its author's name and its linked measures and initiatives."""
    return _research_publics(session, list(session.exec(_research_query().where(Research.id == research.id))))[0]


def create_research(*, session: Session, access: Access, research_in: ResearchCreate) -> Research:
    """Record research that has taken place (chair, secretary or member)."""
    access.require(*CONTRIBUTORS, doing="add research")
    council = access.council
    _check_conducted_on(council, research_in.conducted_on)
    _check_ids(session, council, Measure, research_in.measure_ids, "measure_ids", "Measure(s)")
    _check_ids(session, council, Initiative, research_in.initiative_ids, "initiative_ids", "Initiative(s)")
    research = Research.model_validate(
        research_in.model_dump(exclude={"measure_ids", "initiative_ids"}),
        update={"council_id": council.id, "created_by_id": access.user.id},
    )
    session.add(research)
    session.flush()
    _set_links(session, ResearchMeasure, "research_id", research.id, "measure_id", research_in.measure_ids)
    _set_links(session, ResearchInitiative, "research_id", research.id, "initiative_id", research_in.initiative_ids)
    session.flush()
    return research


def update_research(*, session: Session, found: RecordAccess, research_in: ResearchUpdate) -> Research:
    """Correct a research item (its author or the chair); id lists replace the links."""
    check_may_edit(found=found, what="research")
    research, council = found.record, found.access.council
    changes = research_in.model_dump(exclude_unset=True)
    _no_nulls(changes)
    _check_conducted_on(council, changes.get("conducted_on"))
    if "measure_ids" in changes:
        _check_ids(session, council, Measure, changes["measure_ids"], "measure_ids", "Measure(s)")
        _set_links(session, ResearchMeasure, "research_id", research.id, "measure_id", changes.pop("measure_ids"))
    if "initiative_ids" in changes:
        _check_ids(session, council, Initiative, changes["initiative_ids"], "initiative_ids", "Initiative(s)")
        _set_links(
            session, ResearchInitiative, "research_id", research.id, "initiative_id", changes.pop("initiative_ids")
        )
    for field, value in changes.items():
        setattr(research, field, value)
    research.updated_at = utcnow()
    session.add(research)
    session.flush()
    return research


def delete_research(*, session: Session, found: RecordAccess) -> None:
    """Remove a research item (its author or the chair); root causes drawn from it stay."""
    check_may_edit(found=found, what="research")
    session.delete(found.record)
    session.flush()


# Root causes


def _root_cause_publics(session: Session, access: Access, rows) -> list[RootCausePublic]:
    ids = [r.id for r, _, _ in rows]
    actions = _linked(session, RootCauseAction, "root_cause_id", "action_id", Action, Action.title, ids)
    initiatives = _linked(
        session, RootCauseInitiative, "root_cause_id", "initiative_id", Initiative, Initiative.title, ids
    )
    theme_names, metrics = workshop_links(session=session, root_cause_ids=ids)
    if access.is_(Role.observer):
        # Observers see only the actions they own, here as on the action log.
        own = set(session.exec(select(Action.id).where(Action.owner_id == access.membership.id)).all())
        actions = {k: [a for a in v if a.id in own] for k, v in actions.items()}
    result = []
    for root_cause, author, research_title in rows:
        linked_actions = actions.get(root_cause.id, [])
        result.append(
            RootCausePublic(
                **root_cause.model_dump(),
                created_by_name=author,
                research_title=research_title,
                actions=linked_actions,
                action_ids=[a.id for a in linked_actions],
                initiatives=initiatives[root_cause.id],
                initiative_ids=[i.id for i in initiatives[root_cause.id]],
                theme_name=theme_names.get(root_cause.id),
                action_plan_measures=metrics[root_cause.id],
                action_plan_measure_ids=[m.id for m in metrics[root_cause.id]],
            )
        )
    return result


def _root_cause_query():
    source = aliased(Research)
    return (
        select(RootCause, User.name, source.title)
        .outerjoin(User, User.id == RootCause.created_by_id)
        .outerjoin(source, source.id == RootCause.research_id)
    )


def list_root_causes(*, session: Session, access: Access) -> list[RootCausePublic]:
    """The council's root-cause analyses, newest first."""
    rows = session.exec(
        _root_cause_query()
        .where(RootCause.council_id == access.council.id)
        .order_by(col(RootCause.created_at).desc(), col(RootCause.id).desc())
    ).all()
    return _root_cause_publics(session, access, list(rows))


def get_root_cause_public(*, session: Session, access: Access, root_cause: RootCause) -> RootCausePublic:
    """One root cause with its chain of whys, its source research and its linked actions and initiatives."""
    rows = list(session.exec(_root_cause_query().where(RootCause.id == root_cause.id)))
    return _root_cause_publics(session, access, rows)[0]


def _check_research(session: Session, council: Council, research_id: int | None) -> None:
    if research_id is None:
        return
    research = session.get(Research, research_id)
    if research is None or research.council_id != council.id:
        raise Invalid(f"Research {research_id} is not research of this council.", field="research_id")


def create_root_cause(*, session: Session, access: Access, root_cause_in: RootCauseCreate) -> RootCause:
    """Record a five-whys analysis; the root cause defaults to the last why (chair, secretary or member)."""
    access.require(*CONTRIBUTORS, doing="add root causes")
    council = access.council
    _check_research(session, council, root_cause_in.research_id)
    check_theme(session=session, access=access, theme_id=root_cause_in.theme_id)
    _check_ids(session, council, Action, root_cause_in.action_ids, "action_ids", "Action(s)")
    _check_ids(session, council, Initiative, root_cause_in.initiative_ids, "initiative_ids", "Initiative(s)")
    root_cause = RootCause.model_validate(
        root_cause_in.model_dump(exclude={"action_ids", "initiative_ids", *WORKSHOP_FIELDS}),
        update={
            "council_id": council.id,
            "created_by_id": access.user.id,
            "root_cause": root_cause_in.root_cause or root_cause_in.whys[-1],
        },
    )
    session.add(root_cause)
    session.flush()
    _set_links(session, RootCauseAction, "root_cause_id", root_cause.id, "action_id", root_cause_in.action_ids)
    _set_links(
        session, RootCauseInitiative, "root_cause_id", root_cause.id, "initiative_id", root_cause_in.initiative_ids
    )
    record_workshop(session=session, access=access, root_cause=root_cause, root_cause_in=root_cause_in)
    return root_cause


def update_root_cause(*, session: Session, found: RecordAccess, root_cause_in: RootCauseUpdate) -> RootCause:
    """Revise an analysis (its author or the chair); a root cause that was the last why follows new whys."""
    check_may_edit(found=found, what="root cause")
    root_cause, council = found.record, found.access.council
    changes = root_cause_in.model_dump(exclude_unset=True, exclude=WORKSHOP_FIELDS)
    _no_nulls(changes, frozenset({"root_cause", "research_id", "theme_id"}))
    if "research_id" in changes:
        _check_research(session, council, changes["research_id"])
    if "theme_id" in changes:
        check_theme(session=session, access=found.access, theme_id=changes["theme_id"])
    if root_cause_in.model_fields_set & WORKSHOP_FIELDS:
        _no_nulls(root_cause_in.model_dump(include={"action_plan_measure_ids"}, exclude_unset=True))
        record_workshop(session=session, access=found.access, root_cause=root_cause, root_cause_in=root_cause_in)
    if "action_ids" in changes:
        _check_ids(session, council, Action, changes["action_ids"], "action_ids", "Action(s)")
        _set_links(session, RootCauseAction, "root_cause_id", root_cause.id, "action_id", changes.pop("action_ids"))
    if "initiative_ids" in changes:
        _check_ids(session, council, Initiative, changes["initiative_ids"], "initiative_ids", "Initiative(s)")
        _set_links(
            session, RootCauseInitiative, "root_cause_id", root_cause.id, "initiative_id", changes.pop("initiative_ids")
        )
    whys = changes.get("whys", root_cause.whys)
    followed_last_why = bool(root_cause.whys) and root_cause.root_cause == root_cause.whys[-1]
    if "root_cause" in changes:
        changes["root_cause"] = changes["root_cause"] or whys[-1]
    elif "whys" in changes and followed_last_why:
        changes["root_cause"] = whys[-1]
    for field, value in changes.items():
        setattr(root_cause, field, value)
    root_cause.updated_at = utcnow()
    session.add(root_cause)
    session.flush()
    return root_cause


def delete_root_cause(*, session: Session, found: RecordAccess) -> None:
    """Remove a root-cause analysis (its author or the chair); its actions stay on the log."""
    check_may_edit(found=found, what="root cause")
    session.delete(found.record)
    session.flush()
