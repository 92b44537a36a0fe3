"""Several decisions or actions recorded from one form on the minutes page ("Add another").

The page's one decision form and one action form post their rows as repeated fields
(`item_number`, `text`, … once per row). Each row is checked and a refusal names it
("Action 2: owner is required"); then every row is saved in the request's one
transaction, so either all of them are recorded or none is. A row left wholly blank (an
"Add another" nobody filled) is skipped. What was typed comes back in `typed`, row by
row, so a refused form is shown again filled in.
"""

from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError
from sqlmodel import Session

from app.auth import Access
from app.errors import AppError
from app.minutes import recording
from app.minutes.schemas import DecisionCreate, MeetingActionCreate
from app.models import Action, Meeting
from app.web.forms import form_errors, whole_or_text

DECISION_FIELDS = ("item_number", "text", "theme_id")
ACTION_FIELDS = ("item_number", "title", "owner_id", "due_on")
# A form is a person's typing, not a bulk import: more rows than this is not from the page.
MAX_ROWS = 50


class RowsRefused(AppError):
    """One or more rows cannot be saved: `errors` maps the row's number (from 1) to what is wrong with it."""

    status_code = 422

    def __init__(self, noun: str, errors: dict[int, str], fields: dict[int, str] | None = None) -> None:
        self.errors = {number: f"{noun} {number}: {problem}" for number, problem in sorted(errors.items())}
        # The field to fix in each refused row, where known (the page marks it and puts the cursor there).
        self.fields = {number: name for number, name in (fields or {}).items() if name}
        super().__init__(" ".join(f"{message}." for message in self.errors.values()))


@dataclass
class TypedRows:
    """A form's rows as typed (each a dict of its fields' text) and, once refused, what is wrong with which."""

    kind: str
    rows: list[dict[str, str]]
    errors: dict[int, str] = field(default_factory=dict)
    fields: dict[int, str] = field(default_factory=dict)


def typed_rows(kind: str, columns: dict[str, list[str] | None]) -> TypedRows:
    """The repeated fields put back together row by row (a field a row lacks is blank)."""
    lists = {name: list(values or []) for name, values in columns.items()}
    count = min(max((len(values) for values in lists.values()), default=0), MAX_ROWS + 1)
    rows = [{name: values[i] if i < len(values) else "" for name, values in lists.items()} for i in range(count)]
    return TypedRows(kind=kind, rows=rows)


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _field_of(exc: ValidationError) -> str | None:
    """The form field the first validation error is about."""
    names = [str(part) for part in exc.errors()[0]["loc"] if not isinstance(part, int)]
    return names[-1] if names else None


def _filled(typed: TypedRows, significant: tuple[str, ...], noun: str, empty: str) -> list[tuple[int, dict]]:
    if len(typed.rows) > MAX_ROWS:
        raise RowsRefused(noun, {MAX_ROWS + 1: f"one form records at most {MAX_ROWS}"})
    filled = [(n, row) for n, row in enumerate(typed.rows, 1) if any(row[name].strip() for name in significant)]
    if not filled:
        raise RowsRefused(noun, {1: empty})
    return filled


def decisions_in(typed: TypedRows) -> list[tuple[int, DecisionCreate]]:
    """The decision rows typed, checked: a row with neither text nor theme is skipped."""
    errors: dict[int, str] = {}
    fields: dict[int, str] = {}
    checked = []
    for number, row in _filled(typed, ("text", "theme_id"), "Decision", "write the decision first"):
        if not row["text"].strip():
            errors[number], fields[number] = "write the decision", "text"
            continue
        try:
            checked.append(
                (
                    number,
                    DecisionCreate(
                        item_number=whole_or_text(row["item_number"]),
                        text=_clean(row["text"]),
                        theme_id=whole_or_text(row["theme_id"]),
                    ),
                )
            )
        except ValidationError as exc:
            errors[number], fields[number] = form_errors(exc), _field_of(exc)
    if errors:
        raise RowsRefused("Decision", errors, fields)
    return checked


def _due(text: str) -> date | str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def actions_in(typed: TypedRows) -> list[tuple[int, MeetingActionCreate]]:
    """The action rows typed, checked: a row with neither title nor owner is skipped (its due date is pre-filled)."""
    errors: dict[int, str] = {}
    fields: dict[int, str] = {}
    checked = []
    for number, row in _filled(typed, ("title", "owner_id"), "Action", "write what needs doing first"):
        owner, due = whole_or_text(row["owner_id"]), _due(row["due_on"])
        needed = (("title", "title", row["title"].strip()), ("owner", "owner_id", owner), ("due date", "due_on", due))
        missing = [(words, name) for words, name, value in needed if not value]
        if missing:
            said = " and ".join(words for words, _ in missing)
            errors[number] = f"{said} {'is' if len(missing) == 1 else 'are'} required"
            fields[number] = missing[0][1]
            continue
        if isinstance(due, str):
            errors[number], fields[number] = f"due date '{due}' is not a date; use YYYY-MM-DD", "due_on"
            continue
        try:
            checked.append(
                (
                    number,
                    MeetingActionCreate(
                        item_number=whole_or_text(row["item_number"]),
                        title=row["title"].strip(),
                        owner_id=owner,
                        due_on=due,
                    ),
                )
            )
        except ValidationError as exc:
            errors[number], fields[number] = form_errors(exc), _field_of(exc)
    if errors:
        raise RowsRefused("Action", errors, fields)
    return checked


def record_decisions(
    *, session: Session, access: Access, meeting: Meeting, decisions: list[tuple[int, DecisionCreate]]
) -> list:
    """Record every decision row, in order; a row the rules refuse is named and the caller rolls back them all."""
    saved = []
    for number, decision_in in decisions:
        try:
            saved.append(
                recording.add_decision(session=session, access=access, meeting=meeting, decision_in=decision_in)
            )
        except AppError as exc:
            raise _named("Decision", number, exc) from None
    return saved


def raise_actions(
    *, session: Session, access: Access, meeting: Meeting, actions: list[tuple[int, MeetingActionCreate]]
) -> list[Action]:
    """Raise every action row, in order; a row the rules refuse is named and the caller rolls back them all."""
    raised = []
    for number, action_in in actions:
        try:
            raised.append(recording.raise_action(session=session, access=access, meeting=meeting, action_in=action_in))
        except AppError as exc:
            raise _named("Action", number, exc) from None
    return raised


def _named(noun: str, number: int, exc: AppError) -> AppError:
    """The service's refusal, saying which row: the approved-minutes refusal (a 409) keeps its own words and status."""
    if exc.status_code in (409, 404, 403):
        return exc
    return RowsRefused(noun, {number: exc.detail.rstrip(".")}, {number: getattr(exc, "field", None) or ""})
