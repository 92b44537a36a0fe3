"""The council's own Word template: the styles, header and page settings its agenda pack and minutes use."""

import posixpath

from sqlmodel import Session

from app.auth import Access
from app.common import FileOut
from app.councils.template_schemas import TemplatePublic
from app.docx.sanitise import sanitise_template
from app.docx.template import MAX_TEMPLATE_BYTES, TemplateError, check_template, default_template
from app.docx.word import clean
from app.errors import Conflict, Invalid, TooLarge
from app.models import Council, CouncilTemplate, Role, utcnow
from app.web.downloads import DOCX_MEDIA_TYPE, content_disposition

DEFAULT_TEMPLATE_NAME = "cx-council-template.docx"


def template_public(
    *, council: Council, stored: CouncilTemplate | None, removed: list[str] | None = None
) -> TemplatePublic:
    if stored is None:
        return TemplatePublic(
            council_id=council.id, filename=DEFAULT_TEMPLATE_NAME, is_default=True, size=len(default_template())
        )
    return TemplatePublic(
        council_id=council.id,
        filename=stored.filename,
        is_default=False,
        size=len(stored.content),
        uploaded_at=stored.uploaded_at,
        uploaded_by_id=stored.uploaded_by_id,
        removed=removed or [],
    )


def get_template_file(*, session: Session, council: Council) -> FileOut:
    """The template in use: the council's own, or the default."""
    stored = session.get(CouncilTemplate, council.id)
    if stored is None:
        return FileOut(default_template(), DOCX_MEDIA_TYPE, content_disposition("cx-council-template", ".docx"))
    stem, _ = posixpath.splitext(stored.filename)
    # Cleaned again, like every export: a row stored before the sanitiser never goes out as it came in.
    content = template_for_export(session=session, council_id=council.id)
    return FileOut(content, DOCX_MEDIA_TYPE, content_disposition(stem, ".docx"))


def _upload_name(filename: str | None) -> str:
    # Browsers on Windows may send the whole path.
    name = clean(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable()) or "template.docx"
    if len(name) > 200:
        stem, ext = posixpath.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name


def save_template(
    *, session: Session, access: Access, filename: str | None, content: bytes
) -> tuple[CouncilTemplate, list[str]]:
    """Use this Word file's styles, header and page settings for the council's exports (chair); the file is
    stored cleaned, and what cleaning took out is returned for the uploader."""
    access.require(Role.chair, doing="change the council's Word template")
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TooLarge(
            f"The template is larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB; large pictures are the usual cause."
        )
    name = _upload_name(filename)
    try:
        cleaned = check_template(content, filename=name)
    except TemplateError as exc:
        raise Invalid(str(exc), field="file") from None
    content = cleaned.content
    stored = session.get(CouncilTemplate, access.council.id)
    if stored is None:
        stored = CouncilTemplate(council_id=access.council.id, filename=name, content=content)
    stored.filename, stored.content = name, content
    stored.uploaded_by_id, stored.uploaded_at = access.user.id, utcnow()
    session.add(stored)
    session.flush()
    return stored, cleaned.removed


def template_for_export(*, session: Session, council_id: int) -> bytes | None:
    """The council's template, checked again before use (rows stored before the sanitiser are cleaned too);
    None for our default. One that can no longer be cleaned is a 409 the chair can act on, never a 500."""
    stored = session.get(CouncilTemplate, council_id)
    if stored is None:
        return None
    try:
        return sanitise_template(stored.content, filename=stored.filename).content
    except TemplateError as exc:
        raise Conflict(
            f"The council's Word template cannot be used: {exc} The chair can upload it again, "
            "or remove it to use the default."
        ) from None


def saved_message(stored: CouncilTemplate, removed: list[str]) -> str:
    """What the uploader reads: the template is in use, and what cleaning took out (a few lines at most)."""
    name = stored.filename if len(stored.filename) <= 60 else stored.filename[:59] + "…"
    if not removed:
        return f"Word template “{name}” saved: agenda packs and minutes now use its styles."
    shown = "; ".join(removed[:4]) + (f"; and {len(removed) - 4} more" if len(removed) > 4 else "")
    return f"Word template “{name}” saved. Removed for safety: {shown}."


def delete_template(*, session: Session, access: Access) -> None:
    """Go back to the default template (chair); nothing to do if the council never uploaded one."""
    access.require(Role.chair, doing="change the council's Word template")
    stored = session.get(CouncilTemplate, access.council.id)
    if stored is not None:
        session.delete(stored)
        session.flush()
