"""Papers as the API shows them."""

from datetime import datetime

from pydantic import BaseModel

from app.models import Paper


class PaperPublic(BaseModel):
    id: int
    # As uploaded (without folders); the download offers it as the file's name.
    name: str
    size: int
    # Read from the content, not the name: "PDF", "Word", "Excel", "PowerPoint" or "Image".
    kind: str
    media_type: str
    # Of the bytes: the same on download.
    sha256: str
    # item | report | aob | initiative, and which one.
    attached_to: str
    meeting_id: int | None
    section_key: str | None
    report_id: int | None
    aob_item_id: int | None
    initiative_id: int | None
    uploaded_by: str
    uploaded_at: datetime
    # Removed papers are archived: still downloadable, for the packs circulated with them.
    archived: bool
    # Where to download it (always as an attachment).
    url: str

    @classmethod
    def of(cls, paper: Paper) -> "PaperPublic":
        return cls(
            **paper.model_dump(exclude={"uploaded_by_id", "archived_at", "archived_by_id"}),
            uploaded_by=paper.uploaded_by_name,
            archived=paper.archived_at is not None,
            url=f"/api/papers/{paper.id}",
        )
