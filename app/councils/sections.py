"""The agenda's sections as a council sets them: keys and default minutes.

Plain constants with no imports, so the typed Agenda (and the Word renderer that reads
it) can name them without loading the council's schemas, the models or the database.
"""

# The standard agenda's nine sections, in order. A council gives each its minutes (the
# agenda domain builds them), so the keys belong to the council's settings.
SECTION_KEYS = (
    "actions",
    "overall_measures",
    "department_reports",
    "best_practice",
    "initiatives",
    "measures_review",
    "prioritisation",
    "research",
    "aob",
)

SECTION_TITLES = {
    "actions": "Actions from the last meeting",
    "overall_measures": "Overall customer satisfaction results",
    "department_reports": "Department reports",
    "best_practice": "Sharing best practice",
    "initiatives": "Review of current initiatives",
    "measures_review": "Review of customer measures",
    "prioritisation": "Prioritisation and planning",
    "research": "Customer research",
    "aob": "Any other business",
}

# Minutes per section for a two-hour meeting; scaled to the meeting's length.
DEFAULT_MINUTES: dict[str, int] = {
    "actions": 15,
    "overall_measures": 10,
    "department_reports": 30,
    "best_practice": 10,
    "initiatives": 15,
    "measures_review": 10,
    "prioritisation": 15,
    "research": 10,
    "aob": 5,
}

# A standing item of the council's own is agenda item STANDING_ITEM_BASE + its id in the
# minutes (notes, decisions), so the standard items keep their numbers 1–9 whatever the
# order, and a standing item keeps its key however the order changes.
STANDING_ITEM_BASE = 100
STANDING_PREFIX = "standing-"


def standing_ref(item_id: int) -> str:
    """A standing item's place-holder in the running order ("standing-3")."""
    return f"{STANDING_PREFIX}{item_id}"


def standing_id(ref: str) -> int | None:
    """The standing item id a running-order entry names, or None for a standard section."""
    if not ref.startswith(STANDING_PREFIX):
        return None
    digits = ref.removeprefix(STANDING_PREFIX)
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 12 else None


def item_key(ref: str) -> int:
    """The stable agenda item number the minutes file notes under: 1–9, or above 100."""
    found = standing_id(ref)
    return STANDING_ITEM_BASE + found if found is not None else SECTION_KEYS.index(ref) + 1


def running_order(saved: list[str] | None, standing_ids: list[int]) -> list[str]:
    """The council's running order as it stands: the saved order without entries that no
    longer exist or repeat, then any standard section and standing item it leaves out
    (so none of the nine is ever lost; a new standing item starts just before AOB)."""
    known = set(SECTION_KEYS) | {standing_ref(i) for i in standing_ids}
    order: list[str] = []
    for ref in saved or SECTION_KEYS:
        if ref in known and ref not in order:
            order.append(ref)
    order += [k for k in SECTION_KEYS if k not in order]
    for ref in (standing_ref(i) for i in standing_ids):
        if ref not in order:
            order.insert(order.index("aob"), ref)  # before any other business, where chairs put them
    return order
