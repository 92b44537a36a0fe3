"""A built document saved as .docx bytes: the same bytes for the same document, and the
template's own parts compressed once per process, not once per export.

The zip is written here rather than by `zipfile` so a part whose compressed form is known
(a template's styles: most of a small document's bytes) goes in as it is. The layout is
exactly what `zipfile` writes for these parts (a local header with the sizes, no data
descriptor, then the central directory), so the bytes do not depend on which parts were
compressed ahead: tests/docx/test_docx_saving.py holds it to `zipfile`'s own output.
"""

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from docx.document import Document
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.part import XmlPart
from docx.opc.pkgwriter import _ContentTypesItem
from docx.parts.image import ImagePart

# Every part of the zip dated alike (python-docx stamps the time of saving), so the same document
# is the same bytes: a cached pack equals a fresh build, and every worker gives it the same ETag.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_DOS_TIME = ZIP_DATE[3] << 11 | ZIP_DATE[4] << 5 | ZIP_DATE[5] // 2
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_VERSION = 20  # "2.0": deflate, what zipfile writes for a small member
_UNIX = 3  # the "made by" system: the external attributes are Unix permissions
_MODE = 0o600 << 16  # rw-------
_DEFLATED = 8
_UTF8_NAME = 0x800


@dataclass(frozen=True)
class Deflated:
    """A part's bytes compressed as a zip member: its CRC-32, its size, and the raw deflate stream."""

    crc: int
    size: int
    data: bytes


def deflate(blob: bytes) -> Deflated:
    """`blob` as `zipfile` compresses a member at the default level."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Deflated(zlib.crc32(blob), len(blob), compressor.compress(blob) + compressor.flush())


# Pictures compressed once per process, by their bytes: the charts come from a cache by content
# (app.charts), so a measure's chart is the same PNG in every pack and minutes until it changes.
IMAGES_KEPT = 64


@lru_cache(maxsize=IMAGES_KEPT)
def _deflated_picture(blob: bytes) -> Deflated:
    return deflate(blob)


@dataclass(frozen=True)
class Kept:
    """What a template gives every document built from it, worked out once: the XML of parts
    the exports only read (by element), and the compressed form of parts that do not change
    (by their bytes)."""

    blobs: Mapping[int, tuple[object, bytes]] = field(default_factory=dict)  # id(element) → (element, its XML)
    deflated: Mapping[bytes, Deflated] = field(default_factory=dict)
    # What word.py reads from the template's styles and page (style ids and sizes, the text width), by kind.
    lookups: dict[str, dict] = field(default_factory=dict)


KEPT_KEY = "_cxc_kept"  # where open_template leaves a document's Kept (in its __dict__)


def part_blob(part, kept: Kept) -> bytes:
    if isinstance(part, XmlPart):
        found = kept.blobs.get(id(part.element))
        if found is not None and found[0] is part.element:
            return found[1]
    return part.blob


class _Zip:
    """The members of a zip, dated ZIP_DATE, then its central directory."""

    def __init__(self, kept: Kept) -> None:
        self._kept = kept
        self._chunks: list[bytes] = []
        self._offset = 0
        self._directory: list[bytes] = []

    def _add(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        self._offset += len(chunk)

    def write(self, pack_uri, blob: bytes, *, picture: bool = False) -> None:
        name = pack_uri.membername
        encoded, flags = (name.encode("ascii"), 0) if name.isascii() else (name.encode("utf-8"), _UTF8_NAME)
        member = self._kept.deflated.get(blob) or (_deflated_picture(blob) if picture else deflate(blob))
        sizes = (member.crc, len(member.data), member.size, len(encoded))
        header = struct.pack(
            "<4s2B4HL2L2H", b"PK\003\004", _VERSION, 0, flags, _DEFLATED, _DOS_TIME, _DOS_DATE, *sizes, 0
        )
        self._directory.append(
            struct.pack(
                "<4s4B4HL2L5H2L",
                b"PK\001\002",
                _VERSION,
                _UNIX,
                _VERSION,
                0,
                flags,
                _DEFLATED,
                _DOS_TIME,
                _DOS_DATE,
                *sizes,
                0,
                0,
                0,
                0,
                _MODE,
                self._offset,
            )
            + encoded
        )
        self._add(header + encoded)
        self._add(member.data)

    def close(self) -> bytes:
        start, count = self._offset, len(self._directory)
        directory = b"".join(self._directory)
        end = struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, count, count, len(directory), start, 0)
        return b"".join(self._chunks) + directory + end


def document_bytes(doc: Document) -> bytes:
    """`doc` saved as .docx bytes, as doc.save writes them but with every part dated ZIP_DATE."""
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    kept = doc.__dict__.get(KEPT_KEY) or Kept()
    out = _Zip(kept)
    # The order python-docx's PackageWriter writes them in.
    out.write(CONTENT_TYPES_URI, _ContentTypesItem.from_parts(parts).blob)
    out.write(PACKAGE_URI.rels_uri, package.rels.xml)
    for part in parts:
        out.write(part.partname, part_blob(part, kept), picture=isinstance(part, ImagePart))
        if len(part.rels):
            out.write(part.partname.rels_uri, part.rels.xml)
    return out.close()
