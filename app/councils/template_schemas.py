"""API shapes for exports: the Word template a council's documents are built from."""

from datetime import datetime

from pydantic import BaseModel


class TemplatePublic(BaseModel):
    council_id: int
    filename: str
    is_default: bool  # true: the built-in CX Council styles
    size: int
    uploaded_at: datetime | None = None
    uploaded_by_id: int | None = None
    # What cleaning took out of the file just uploaded (macros, outside links, embedded objects…); one line each.
    removed: list[str] = []
