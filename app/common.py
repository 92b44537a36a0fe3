"""Shapes and checks shared by every domain: ids, text, list envelopes, versions (ETag, If-Match)."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Generic, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Form, Header, Path, Query
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from app.errors import IF_MATCH_HEADER, PreconditionFailed

T = TypeVar("T")

# Ids are 32-bit on every engine: PostgreSQL's INTEGER and SERIAL stop at 2**31 - 1, and
# SQLite's 64-bit integers overflow (a 500) at 2**63; one bound that fits both keeps an id
# that is valid here valid after a move between engines. A larger number is a 422, never a 500.
MAX_ID = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]

# A whole number as text: ASCII digits with an optional minus, nothing else. "²" and "١٢" pass
# str.isdigit(); "1_000", "+5", " 7" and "12.0" pass int() or pydantic; none is a number a form,
# a link or a program sends on purpose. Thirty digits is far beyond any bound and far below
# int()'s own limit of 4,300.
WHOLE_TEXT = re.compile(r"-?[0-9]{1,30}")
# A decimal as text: ASCII digits, an optional sign and at most one decimal point. No
# exponent, no "NaN" or "inf", no "_" and no Unicode digits (float() takes all of those).
# 400 decimals hold any double written out in full (the smallest takes about 340).
DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,400})?|\.[0-9]{1,400})")
_NOT_WHOLE = "Input should be a whole number written with the digits 0-9"


def parse_whole(text: str) -> int | None:
    """The whole number `text` spells in plain ASCII digits (surrounding spaces allowed), else None."""
    text = text.strip()
    return int(text) if WHOLE_TEXT.fullmatch(text) else None


def parse_decimal(text: str) -> float | None:
    """The decimal `text` spells (ASCII digits, optional sign, one point), else None; never NaN or infinity."""
    text = text.strip()
    return float(text) if DECIMAL_TEXT.fullmatch(text) else None


def _ascii_whole(value):
    """Before pydantic's own int parsing of a path or query value: plain ASCII digits only."""
    if isinstance(value, str) and not WHOLE_TEXT.fullmatch(value):
        raise PydanticCustomError("int_parsing", _NOT_WHOLE)
    return value


def _blank_or_whole(value):
    """A query value that may be left empty (a filter's "any"): blank is None, else plain digits."""
    if isinstance(value, str):
        if not value.strip():
            return None
        return _ascii_whole(value.strip())
    return value


StrictWhole = BeforeValidator(_ascii_whole)
# The FieldInfo first: after a validator, FastAPI writes "ge"/"le" into the schema, not minimum/maximum.
IdPath = Annotated[int, Path(ge=1, le=MAX_ID), StrictWhole]
# An optional id in a query string; on a page, an empty value (a filter's "any") is the same as none.
IdQuery = Annotated[Annotated[int, Field(ge=1, le=MAX_ID)] | None, BeforeValidator(_blank_or_whole), Query()]
# The same in a form (a multipart upload's target).
IdForm = Annotated[Annotated[int, Field(ge=1, le=MAX_ID)] | None, BeforeValidator(_blank_or_whole), Form()]


def WholeQuery(*, ge: int, le: int, description: str | None = None, blank: int | None = None):  # noqa: N802
    """A bounded whole number in a query string, in plain ASCII digits; `blank` stands for an empty value if given."""
    if blank is None:
        return Annotated[int, Query(ge=ge, le=le, description=description), StrictWhole]

    def blank_or_whole(value):
        return blank if isinstance(value, str) and not value.strip() else _ascii_whole(value)

    return Annotated[int, Query(ge=ge, le=le, description=description), BeforeValidator(blank_or_whole)]


# The C0 controls but tab, line feed and carriage return. One search instead of a Python step per
# character: every name and note sent is checked (an action update's note twice).
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _no_control_chars(value: str) -> str:
    # PostgreSQL refuses NUL in text; other C0 controls are never meant in a name or note.
    if _CONTROL_CHAR.search(value):
        raise ValueError("must not contain control characters")
    return value


def Name(max_length: int = 120):  # noqa: N802  (reads as a type)
    """A required one-line name: trimmed, not blank."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length),
        AfterValidator(_no_control_chars),
    ]


def Text(max_length: int = 5000):  # noqa: N802
    """Optional free text: trimmed, may be empty."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length),
        AfterValidator(_no_control_chars),
    ]


Password = Annotated[str, StringConstraints(min_length=8, max_length=256)]


class InputModel(BaseModel):
    """Request bodies: unknown fields are refused, so a typo is an error, not a no-op."""

    model_config = ConfigDict(extra="forbid")


class ListOf(BaseModel, Generic[T]):
    data: list[T]
    count: int


def list_of(items: list) -> dict:
    return {"data": items, "count": len(items)}


# Required on every versioned JSON write: a client that leaves it out would overwrite whatever
# another person saved since it read the record. A missing header answers 428 (see
# `app.errors`, which turns FastAPI's "missing header" into that answer); `*` is an explicit
# "overwrite whatever is there" and is accepted.
IfMatch = Annotated[
    str,
    Header(
        alias=IF_MATCH_HEADER,
        description='The ETag of the copy being changed, as the record\'s GET answered it (e.g. `"3"`). '
        "Required: without it the write answers 428; a stale one answers 412.",
    ),
]


@dataclass(frozen=True)
class FileOut:
    """A download: its bytes, media type and Content-Disposition."""

    content: bytes
    media_type: str
    disposition: str


def etag(version: int) -> str:
    return f'"{version}"'


def entity_tags(header: str) -> set[str]:
    """The entity tags listed in an If-Match or If-None-Match header, weak ones compared by their value."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def matches_any(header: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names this tag (or `*`)."""
    return bool(header) and (header.strip() == "*" or tag in entity_tags(header))


def check_if_match(if_match: str | None, version: int, *, current: dict | None = None) -> None:
    """Refuse a write made against an older copy than the stored one.

    `None` is only ever passed by page forms that carry no version; the JSON API requires
    the header (see `IfMatch`). `current` goes into the 412 body so a client can show what
    the other person saved without a second request.
    """
    if if_match is None or if_match.strip() == "*":
        return
    if etag(version) not in entity_tags(if_match):
        raise PreconditionFailed(
            f"This record has changed since you loaded it (now version {version}); "
            "reload it and apply your change again.",
            current=current,
        )


def today_in(timezone: str) -> date:
    """Today's date where the council meets."""
    return datetime.now(ZoneInfo(timezone)).date()


def made(cls: type[T], fields: dict) -> T:
    """The frozen dataclass `cls` holding `fields` (every field, each already of its type), as `cls(**fields)` makes
    it but without its __init__'s object.__setattr__ call per field: the scorecard, the ranking and the agenda make
    such objects by the hundred a build from values already typed. `fields` becomes the instance's own dict."""
    instance = object.__new__(cls)
    object.__setattr__(instance, "__dict__", fields)
    return instance
