"""Shapes and checks shared by every domain: ids, text, list envelopes, versions (ETag, If-Match)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Generic, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Header, Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.errors import IF_MATCH_HEADER, PreconditionFailed

T = TypeVar("T")

# Ids are 32-bit on every engine; a larger number is simply not found, never a 500.
MAX_ID = 2_147_483_647
DbId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


def _no_control_chars(value: str) -> str:
    # PostgreSQL refuses NUL in text; other C0 controls are never meant in a name or note.
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
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
