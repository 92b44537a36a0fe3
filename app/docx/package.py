"""A .docx file read safely: within size limits, its parts, content types and relationships.

Used by the template sanitiser (sanitise.py); nothing here trusts the file: entities are not
expanded, nothing is fetched, declared sizes are not believed, and part names ignore case.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote

from lxml import etree

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# A zip that unpacks to far more than this is not a template (and may be a zip bomb).
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_PARTS = 1000
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .docx and old .doc files

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class TemplateError(ValueError):
    """The file cannot be used as a Word template; the message says why, for a person."""


def short(text: str, limit: int = 80) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Package:
    """The zip, read once within the size limits, with its content types."""

    def __init__(self, content: bytes, what: str) -> None:
        self.what = what
        if content[:8] == OLE_MAGIC:
            raise TemplateError(
                f"{what} is password-protected or an old Word .doc: save it as a .docx without a password."
            )
        try:
            archive = zipfile.ZipFile(io.BytesIO(content))
        except (zipfile.BadZipFile, ValueError):
            raise TemplateError(f"{what} is not a Word document: upload a .docx saved from Word.") from None
        with archive:
            items = archive.infolist()
            if len(items) > MAX_PARTS:
                raise TemplateError(f"{what} holds more than {MAX_PARTS} parts; it is not a Word template.")
            if sum(item.file_size for item in items) > MAX_UNPACKED_BYTES:
                raise TemplateError(f"{what} unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB.")
            if any(item.flag_bits & 0x1 for item in items):
                raise TemplateError(f"{what} is encrypted: save it without a password.")
            self.parts: dict[str, bytes] = {}
            self.names: dict[str, str] = {}  # lower case → as stored (part names ignore case)
            budget = MAX_UNPACKED_BYTES
            for item in items:
                if item.is_dir():
                    continue
                try:
                    # Declared sizes can lie: read at most what is left of the budget.
                    with archive.open(item) as stream:
                        data = stream.read(budget + 1)
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError):
                    raise TemplateError(f"{what} is damaged: open it in Word and save it again.") from None
                budget -= len(data)
                if budget < 0:
                    raise TemplateError(f"{what} unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MB.")
                name = item.filename.lstrip("/")
                if name.lower() in self.names:
                    raise TemplateError(f"{what} is damaged (two parts named {short(name)}).")
                self.parts[name] = data
                self.names[name.lower()] = name
        types = self.xml("[Content_Types].xml")
        if types is None:
            raise TemplateError(f"{what} could not be opened as a Word document (it has no content types).")
        self.defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in types.iter(CT + "Default")}
        self.overrides = {
            e.get("PartName", "").lstrip("/").lower(): e.get("ContentType", "") for e in types.iter(CT + "Override")
        }

    def name(self, partname: str) -> str | None:
        return self.names.get(partname.lower())

    def content_type(self, name: str) -> str:
        found = self.overrides.get(name.lower())
        if found is not None:
            return found
        return self.defaults.get(posixpath.splitext(name)[1].lstrip(".").lower(), "")

    def xml(self, name: str):
        stored = self.name(name)
        if stored is None:
            return None
        try:
            return etree.fromstring(self.parts[stored], PARSER)
        except etree.XMLSyntaxError:
            raise TemplateError(f"{self.what} is damaged ({short(name)} cannot be read).") from None


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target)).lstrip("/")
