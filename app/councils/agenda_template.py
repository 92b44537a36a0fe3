"""A council's agenda template: the order of the nine standard sections and its own standing items,
and the minutes each gets.

The order lives in `Council.agenda_order` (section keys and "standing-<id>"), the standard
sections' minutes in `Council.agenda_minutes`, a standing item's in its own row. The
council's version is the template's ETag: every change here moves it. `build_agenda`
(app/agendas/build.py) reads the same three things through `running_order`.
"""

from sqlmodel import Session, col, select

from app.auth import Access
from app.councils.agenda_template_schemas import (
    AgendaTemplateIn,
    AgendaTemplatePublic,
    StandingItemCreate,
    StandingItemPublic,
    StandingItemUpdate,
    TemplateEntry,
)
from app.councils.sections import (
    DEFAULT_MINUTES,
    SECTION_KEYS,
    SECTION_TITLES,
    STANDING_ITEM_BASE,
    item_key,
    running_order,
    standing_id,
    standing_ref,
)
from app.errors import Invalid, NotFound
from app.models import Council, Decision, Membership, MinutesItem, Role, StandingItem, User, utcnow

DOING = "change the agenda template"


def standing_items(session: Session, council: Council) -> list[StandingItem]:
    """The council's standing items in use, oldest first (archived ones only live on in old minutes)."""
    return list(
        session.exec(
            select(StandingItem)
            .where(StandingItem.council_id == council.id, col(StandingItem.archived_at).is_(None))
            .order_by(col(StandingItem.id))
        )
    )


def _seat_names(session: Session, council: Council) -> dict[int, str]:
    rows = session.exec(
        select(Membership.id, User.name)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.council_id == council.id)
    )
    return dict(rows.all())


def section_minutes(council: Council) -> dict[str, int]:
    return {**DEFAULT_MINUTES, **(council.agenda_minutes or {})}


def get_template(*, session: Session, council: Council) -> AgendaTemplatePublic:
    """The running order as build_agenda will follow it, with each entry's minutes."""
    items = {standing_ref(i.id): i for i in standing_items(session, council)}
    names = _seat_names(session, council)
    minutes = section_minutes(council)
    entries = []
    for ref in running_order(council.agenda_order, [i.id for i in items.values()]):
        item = items.get(ref)
        if item is None:
            entries.append(
                TemplateEntry(
                    ref=ref, kind="section", number=item_key(ref), title=SECTION_TITLES[ref], minutes=minutes[ref]
                )
            )
        else:
            entries.append(
                TemplateEntry(
                    ref=ref,
                    kind="standing",
                    number=item_key(ref),
                    title=item.title,
                    minutes=item.minutes,
                    standing_item_id=item.id,
                    details=item.details,
                    owner_id=item.owner_id,
                    owner_name=names.get(item.owner_id) if item.owner_id else None,
                )
            )
    return AgendaTemplatePublic(council_id=council.id, version=council.version, entries=entries)


def _touch(session: Session, council: Council) -> None:
    """Move the council's version: the template's ETag follows every change to it."""
    council.updated_at = utcnow()
    session.add(council)
    session.flush()


def save_template(*, session: Session, access: Access, template_in: AgendaTemplateIn) -> AgendaTemplatePublic:
    """Set the whole running order and the minutes per entry (chair)."""
    access.require(Role.chair, doing=DOING)
    council = access.council
    items = {standing_ref(i.id): i for i in standing_items(session, council)}
    refs = [e.ref for e in template_in.entries]
    unknown = [r for r in refs if r not in SECTION_KEYS and r not in items]
    if unknown:
        raise Invalid(
            f"“{unknown[0][:40]}” is not on this council's agenda: use the section keys "
            f"({', '.join(SECTION_KEYS)}) and standing-<id> for its standing items.",
            field="entries",
        )
    repeated = sorted({r for r in refs if refs.count(r) > 1})
    if repeated:
        raise Invalid(f"“{repeated[0]}” is listed twice; each item has one place.", field="entries")
    missing = [k for k in SECTION_KEYS if k not in refs]
    if missing:
        raise Invalid(
            f"The nine standard sections are kept: {', '.join(missing)} missing (give a section 0 minutes "
            "to leave it out of a meeting).",
            field="entries",
        )
    if not any(e.minutes for e in template_in.entries):
        raise Invalid("At least one item needs some time.", field="entries")
    council.agenda_order = refs
    council.agenda_minutes = {e.ref: e.minutes for e in template_in.entries if e.ref in SECTION_KEYS}
    for entry in template_in.entries:
        item = items.get(entry.ref)
        if item is not None and item.minutes != entry.minutes:
            item.minutes = entry.minutes
            session.add(item)
    _touch(session, council)
    return get_template(session=session, council=council)


def move(*, session: Session, access: Access, ref: str, step: int) -> str:
    """Move one entry up (-1) or down (+1) the running order (chair); the entry's title."""
    access.require(Role.chair, doing=DOING)
    council = access.council
    items = standing_items(session, council)
    order = running_order(council.agenda_order, [i.id for i in items])
    if ref not in order:
        raise Invalid("That item is not on this council's agenda.", field="ref")
    at = order.index(ref)
    to = at + step
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
        council.agenda_order = order
        _touch(session, council)
    found = standing_id(ref)
    if found is None:
        return SECTION_TITLES[ref]
    return next(i.title for i in items if i.id == found)


# Standing items


def item_public(session: Session, item: StandingItem) -> StandingItemPublic:
    owner = session.get(Membership, item.owner_id) if item.owner_id else None
    user = session.get(User, owner.user_id) if owner else None
    return StandingItemPublic(
        **item.model_dump(exclude={"created_at", "archived_at"}),
        ref=standing_ref(item.id),
        number=STANDING_ITEM_BASE + item.id,
        owner_name=user.name if user else None,
    )


def get_item(*, session: Session, council: Council, item_id: int) -> StandingItem:
    item = session.get(StandingItem, item_id)
    if item is None or item.council_id != council.id or item.archived_at is not None:
        raise NotFound("Standing item not found.")
    return item


def _check_owner(session: Session, council: Council, owner_id: int | None) -> None:
    if owner_id is None:
        return
    seat = session.get(Membership, owner_id)
    if seat is None or seat.council_id != council.id:
        raise Invalid("The owner must be a seat on this council (a member id).", field="owner_id")


def create_item(*, session: Session, access: Access, item_in: StandingItemCreate) -> StandingItem:
    """Add a standing item to every agenda from now on (chair); it starts just before AOB."""
    access.require(Role.chair, doing=DOING)
    _check_owner(session, access.council, item_in.owner_id)
    item = StandingItem.model_validate(item_in, update={"council_id": access.council.id})
    session.add(item)
    session.flush()
    _touch(session, access.council)
    return item


def update_item(*, session: Session, access: Access, item: StandingItem, item_in: StandingItemUpdate) -> StandingItem:
    """Change a standing item's title, details, owner or minutes (chair)."""
    access.require(Role.chair, doing=DOING)
    changes = item_in.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        _check_owner(session, access.council, changes["owner_id"])
        item.owner_id = changes.pop("owner_id")
    for field, value in changes.items():
        if value is not None:
            setattr(item, field, value)
    session.add(item)
    session.flush()
    _touch(session, access.council)
    return item


def minuted(session: Session, item: StandingItem) -> bool:
    """Whether any minutes hold notes or decisions under this standing item."""
    number = STANDING_ITEM_BASE + item.id
    notes = session.exec(select(MinutesItem.id).where(MinutesItem.number == number).limit(1)).first()
    decided = session.exec(select(Decision.id).where(Decision.item_number == number).limit(1)).first()
    return notes is not None or decided is not None


def remove_item(*, session: Session, access: Access, item: StandingItem) -> bool:
    """Take a standing item off future agendas (chair). Minutes that recorded notes under it keep it:
    then it is archived rather than deleted (True). Published agendas keep their own copy."""
    access.require(Role.chair, doing=DOING)
    council = access.council
    archived = minuted(session, item)
    if archived:
        item.archived_at = utcnow()
        session.add(item)
    else:
        session.delete(item)
    if council.agenda_order:
        council.agenda_order = [r for r in council.agenda_order if r != standing_ref(item.id)]
    session.flush()
    _touch(session, council)
    return archived
