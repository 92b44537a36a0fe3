"""Download names: a council's name as a file name, and a Content-Disposition that survives any script."""

import re
import unicodedata
from urllib.parse import quote

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCX_RESPONSE = {"content": {DOCX_MEDIA_TYPE: {}}, "description": "A Word document"}


def ascii_slug(text: str, *, fallback: str = "council") -> str:
    """ "Ōsaka Café Council" -> "osaka-cafe-council": letters without accents, hyphens between words."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or fallback


def unicode_slug(text: str, *, fallback: str = "council") -> str:
    """ "東京 CX Council" -> "東京-cx-council": the same, keeping letters of every script."""
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text))
    return "-".join(w.replace("_", "-") for w in words).strip("-").lower() or fallback


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


def download_headers(disposition: str) -> dict[str, str]:
    """A download that a browser saves, and no shared cache keeps: agendas change until published."""
    return {"Content-Disposition": disposition, "Cache-Control": "private, no-cache"}
