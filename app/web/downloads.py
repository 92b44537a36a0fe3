"""Download names: a council's name as a file name, and a Content-Disposition that survives any script.

The slugs themselves are app.display's (mail attachments use them too).
"""

from urllib.parse import quote

from app.display import ascii_slug, unicode_slug

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_RESPONSE = {"content": {DOCX_MEDIA_TYPE: {}}, "description": "A Word document"}
PDF_MEDIA_TYPE = "application/pdf"
PDF_RESPONSE = {"content": {PDF_MEDIA_TYPE: {}}, "description": "A PDF document"}


def content_disposition(name: str, suffix: str) -> str:
    """`attachment` with an ASCII filename and, when the name needs it, an RFC 5987 `filename*`.

    `name` is the part to slug (a council's name), `suffix` the rest ("-agenda-2026-03-04.docx").
    """
    ascii_name = ascii_slug(name) + suffix
    value = f'attachment; filename="{ascii_name}"'
    full = unicode_slug(name) + suffix
    if full != ascii_name:
        value += f"; filename*=UTF-8''{quote(full, safe='')}"
    return value


def file_disposition(filename: str) -> str:
    """`attachment` under a file's own name: ASCII as it is, anything else also as RFC 5987 `filename*`.

    The plain `filename` keeps the extension and spells the rest in ASCII (accents dropped),
    for the few clients that do not read `filename*`.
    """
    stem, dot, ext = filename.rpartition(".")
    ascii_ext = ascii_slug(ext, fallback="") if dot else ""
    ascii_name = ascii_slug(stem if dot else filename, fallback="file") + (f".{ascii_ext}" if ascii_ext else "")
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value


def download_headers(disposition: str) -> dict[str, str]:
    """A download that a browser saves, and no shared cache keeps: agendas change until published."""
    return {"Content-Disposition": disposition, "Cache-Control": "private, no-cache"}
