"""What a file really is, read from its content (the `filetype` package), never from its name.

Pure: a name and bytes in, a `Sniffed` out or `Invalid` naming the file and what it is.
A paper is accepted when its content is one of the kinds below and its name ends with an
extension of that kind, so nobody opens a "report.pdf" that is really a web page.
The older Office formats (.doc, .xls, .ppt) share one container format that cannot be
told apart from the content alone, so they are refused with a way forward.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import filetype

from app.errors import Invalid


@dataclass(frozen=True)
class Kind:
    word: str  # what a reader calls it: "PDF", "Word" …
    media_type: str
    extensions: tuple[str, ...]


KINDS = (
    Kind("PDF", "application/pdf", ("pdf",)),
    Kind("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    Kind("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    Kind("PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
    Kind("Image", "image/png", ("png",)),
    Kind("Image", "image/jpeg", ("jpg", "jpeg")),
)
BY_EXTENSION = {ext: kind for kind in KINDS for ext in kind.extensions}
BY_MEDIA_TYPE = {kind.media_type: kind for kind in KINDS}
LEGACY = {"doc": "Word (.docx)", "xls": "Excel (.xlsx)", "ppt": "PowerPoint (.pptx)"}
ACCEPTED = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG or JPEG"
# What a browser's file picker offers (the `accept` attribute of the upload forms).
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for ext in BY_EXTENSION)
MAX_NAME = 200
_SPACES = re.compile(r"\s+")


def clean_name(raw: str | None) -> str:
    """The file's own name: no folders (either slash), no control or format characters, at most 200 characters."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))
    name = _SPACES.sub(" ", name).strip().lstrip(".")
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _looks_like_text(content: bytes) -> str | None:
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<")):
        return "an SVG image" if head.startswith(b"<svg") else "an HTML or XML page"
    try:
        content[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "plain text"


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "AEIOU" else f"a {word}"


def describe(content: bytes) -> str:
    """What the content is, in words: "a PNG image", "an HTML or XML page", "a file of no type we know"."""
    if not content:
        return "an empty file"
    guess = filetype.guess(content)
    if guess is not None:
        kind = BY_MEDIA_TYPE.get(guess.mime)
        if kind is not None:
            if kind.word == "Image":
                return f"a {guess.extension.upper()} image"
            return f"{_a(kind.word)} file (.{kind.extensions[0]})"
        return f"a .{guess.extension} file ({guess.mime})"
    return _looks_like_text(content) or "a file of no type we know"


@dataclass(frozen=True)
class Sniffed:
    name: str
    kind: str
    media_type: str


def sniff(raw_name: str | None, content: bytes) -> Sniffed:
    """The cleaned name, the reader's kind and the media type, all checked from the content; Invalid otherwise."""
    name = clean_name(raw_name)
    if not name:
        raise Invalid("Choose a file to upload: the one sent had no name.", field="file")
    if not content:
        raise Invalid(f"“{name}” is empty.", field="file")
    ext = extension_of(name)
    if ext in LEGACY:
        raise Invalid(
            f"“{name}” is in the older .{ext} format, which cannot be checked reliably: "
            f"open it and save it as {LEGACY[ext]}, then upload that.",
            field="file",
        )
    expected = BY_EXTENSION.get(ext)
    if expected is None:
        raise Invalid(f"“{name}” is not a kind of paper we take: upload a {ACCEPTED} file.", field="file")
    guess = filetype.guess(content)
    actual = BY_MEDIA_TYPE.get(guess.mime) if guess is not None else None
    if actual is None or actual.media_type != expected.media_type:
        raise Invalid(
            f"“{name}” is named as {_a(expected.word)} file (.{ext}) but its content is {describe(content)}; "
            "upload the file itself, with the name it should have.",
            field="file",
        )
    return Sniffed(name=name, kind=actual.word, media_type=actual.media_type)
