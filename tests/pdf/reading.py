"""Reading a PDF back as a person's reader would: its text (whitespace collapsed, so nothing
depends on where lines wrap), its bookmarks, its pages and whether it is tagged.

The text comes from poppler's pdftotext, as a reader's viewer would copy it: pypdf 7 misreads
a font WeasyPrint writes with its own encoding (when a glyph is missing from DejaVu, e.g. an
emoji), interleaving NULs; the structure (bookmarks, tags, metadata) is read with pypdf.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass

from pypdf import PdfReader

from tests.conftest import unavailable


def collapse(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Mark:
    title: str
    page: int  # 0-based
    children: list[Mark]


def _marks(reader: PdfReader, outline) -> list[Mark]:
    out: list[Mark] = []
    for entry in outline:
        if isinstance(entry, list):
            out[-1].children = _marks(reader, entry)
        else:
            out.append(Mark(entry.title, reader.get_destination_page_number(entry), []))
    return out


def _structure(node, depth=0):
    node = node.get_object()
    yield node
    kids = node.get("/K")
    if kids is None or depth > 60:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and "/S" in kid:
            yield from _structure(kid, depth + 1)


class Pdf:
    def __init__(self, content: bytes) -> None:
        assert content.startswith(b"%PDF-")
        self.content = content
        self.reader = PdfReader(io.BytesIO(content))

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def text(self, first: int = 0, last: int | None = None) -> str:
        """Pages first … last − 1 (0-based, as Python slices), whitespace collapsed."""
        tool = shutil.which("pdftotext")
        if tool is None:
            unavailable("pdftotext not found (apt-get install poppler-utils)")
        last = self.pages if last is None else last
        command = [tool, "-enc", "UTF-8", "-f", str(first + 1), "-l", str(last), "-", "-"]
        done = subprocess.run(command, input=self.content, capture_output=True, check=True)
        return collapse(done.stdout.decode())

    def page_text(self, index: int) -> str:
        return self.text(index, index + 1)

    @property
    def bookmarks(self) -> list[Mark]:
        return _marks(self.reader, self.reader.outline)

    def titles(self) -> list[str]:
        return [mark.title for mark in self.bookmarks]

    def find(self, title: str) -> Mark:
        return next(mark for mark in self.bookmarks if mark.title == title)

    @property
    def marked(self) -> bool:
        """Tagged: the catalogue says so and carries a structure tree."""
        root = self.reader.trailer["/Root"]
        return bool(root.get("/MarkInfo", {}).get("/Marked")) and "/StructTreeRoot" in root

    @property
    def metadata(self):
        return self.reader.metadata

    def figure_alts(self) -> list[str]:
        """The alternative text of every figure in the structure tree, in reading order."""
        root = self.reader.trailer["/Root"]["/StructTreeRoot"]
        return [str(node.get("/Alt", "")) for node in _structure(root) if node.get("/S") == "/Figure"]

    def page_size(self) -> tuple[float, float]:
        box = self.reader.pages[0].mediabox
        return round(float(box.width)), round(float(box.height))

    def pdfinfo(self, tmp_path) -> str:
        """What poppler's pdfinfo says about the file (Tagged: yes/no …)."""
        tool = shutil.which("pdfinfo")
        if tool is None:
            unavailable("pdfinfo not found (apt-get install poppler-utils)")
        path = tmp_path / "pack.pdf"
        path.write_bytes(self.content)
        return subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout


def make_pdf(*pages: str) -> bytes:
    """A real PDF of the given pages (one paragraph each), made by WeasyPrint as a paper would be."""
    from weasyprint import HTML

    body = "".join(f'<p style="break-before: page">{text}</p>' for text in pages)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()
