"""Agenda models made from fields the builders typed themselves, without validating them again.

The agenda makes thousands of rows (measures, actions, initiatives) from values that are
already of their fields' types: read from typed columns, or computed here. Validation
would only check them once more, at about a tenth of a build's time. `built` makes the
model as `Model.model_construct(**fields)` does when every field is given (which
pydantic's own Python loop makes slower than validating), and the tests check that every
model built so equals its validated self (tests/agendas/test_build_speed.py).

Only for fields of exactly the declared types: a float field given a float (not an int),
a list field a list, a nested model an instance of it.
"""

from functools import cache
from typing import TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__
# BaseModel's own slots, set through their descriptors: a name looked up on the class per call
# (object.__setattr__) costs about as much again as the store itself, ~1,600 models a build.
_slots = BaseModel.__dict__
_set_fields_set = _slots["__pydantic_fields_set__"].__set__
_set_extra = _slots["__pydantic_extra__"].__set__
_set_private = _slots["__pydantic_private__"].__set__
_FIELDS: dict[type[BaseModel], set[str]] = {}


def built(model: type[M], fields: dict) -> M:
    """`model` with exactly `fields` (every field, each already of its type), not validated again."""
    made = _new(model)  # BaseModel's own __new__ (object's): the agenda's models define none
    _set(made, "__dict__", fields)
    # Every field is set, so every model made here shares one set of them per class: setting a
    # field later adds a name already in it, and a copy (model_copy) copies the set. Looked up in
    # a plain dict (a cached function's call costs more).
    try:
        every = _FIELDS[model]
    except KeyError:
        every = _FIELDS[model] = _every_field(model)
    _set_fields_set(made, every)
    _set_extra(made, None)
    _set_private(made, None)
    return made


@cache
def _every_field(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def real(value: float | None) -> float | None:
    """`value` as a float field validates it (an int column's 3 as 3.0), None kept."""
    return None if value is None else float(value)
