"""API shapes for a council's agenda template: the running order, minutes per item, standing items."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.common import DbId, InputModel, Name, Text

Minutes = Annotated[int, Field(ge=0, le=600, strict=True)]


class TemplateEntry(BaseModel):
    # "actions" … "aob" for the nine standard sections, "standing-<id>" for a standing item.
    ref: str
    kind: Literal["section", "standing"]
    # The item's stable number in the minutes: 1–9, or above 100 for a standing item.
    number: int
    title: str
    # Relative minutes, scaled to each meeting's length; 0: not taken (standard sections are never removed).
    minutes: int
    standing_item_id: int | None = None
    details: str = ""
    owner_id: int | None = None
    owner_name: str | None = None


class AgendaTemplatePublic(BaseModel):
    council_id: int
    # The council's version: its ETag, sent back as If-Match when saving the template.
    version: int
    entries: list[TemplateEntry]


class TemplateEntryIn(InputModel):
    ref: Annotated[str, Field(min_length=1, max_length=40, description='A section key, or "standing-<id>"')]
    minutes: Minutes


class AgendaTemplateIn(InputModel):
    """The whole running order: each of the nine sections once, standing items by ref (any left out keep
    their place at the end, before AOB); minutes of 0 leave a standard section out of the running order."""

    entries: list[TemplateEntryIn] = Field(min_length=1, max_length=60)


class StandingItemCreate(InputModel):
    title: Name(200)
    details: Text(2000) = ""
    owner_id: DbId | None = Field(default=None, description="The seat (membership id) that leads it")
    minutes: Minutes = 10


class StandingItemUpdate(InputModel):
    """Fields not sent stay; owner_id null takes the owner off."""

    title: Name(200) | None = None
    details: Text(2000) | None = None
    owner_id: DbId | None = None
    minutes: Minutes | None = None


class StandingItemPublic(BaseModel):
    id: int
    council_id: int
    ref: str
    number: int
    title: str
    details: str
    owner_id: int | None
    owner_name: str | None
    minutes: int
    version: int
