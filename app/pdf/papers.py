"""The agenda's papers in the PDF pack: which can be appended, and appending them with a bookmark each.

A paper is appended when it is a PDF that opens (not encrypted, at least one page); every
other paper is listed for downloading separately, and the list says why. A damaged paper
never stops the pack: it is listed, not appended.
"""

import io
import logging
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from app.agendas.model import PaperListing

log = logging.getLogger(__name__)


@dataclass
class PackPaper:
    listing: PaperListing
    pages: int = 0  # its pages in this pack; 0 when not appended
    why_not: str = ""  # why it is not appended, for the reader
    number: int = 0  # "Paper 1", "Paper 2" …: its place among the appended ones

    @property
    def appended(self) -> bool:
        return self.pages > 0

    @property
    def bookmark(self) -> str:
        return f"Paper: {self.listing.paper.name} (item {self.listing.position})"


def _pages(content: bytes) -> int:
    """How many pages a readable PDF has; 0 when it cannot be appended."""
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            return 0
        # Appended once here, so a paper that would fail when the pack is put together is listed instead.
        PdfWriter().append(reader, import_outline=False)
        return len(reader.pages)
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError, RecursionError):
        return 0


def plan_papers(listings: list[PaperListing], contents: dict[int, bytes]) -> list[PackPaper]:
    """Every paper in running order, with what the pack does with it (a paper listed twice is appended once)."""
    out: list[PackPaper] = []
    seen: set[int] = set()
    number = 0
    for listing in listings:
        paper = PackPaper(listing)
        content = contents.get(listing.paper.id)
        if not listing.paper.is_pdf:
            paper.why_not = "Download it separately"
        elif listing.paper.id in seen:
            paper.why_not = "Appended once, under its first item"
        elif content is None:
            paper.why_not = "Not available: download it separately"
        else:
            paper.pages = _pages(content)
            if not paper.pages:
                paper.why_not = "Not a readable PDF: download it separately"
                log.warning("paper %s is not a readable PDF; listed, not appended", listing.paper.id)
        if paper.appended:
            number += 1
            paper.number = number
            seen.add(listing.paper.id)
        out.append(paper)
    return out


def append_papers(pack: bytes, papers: list[PackPaper], contents: dict[int, bytes], *, list_page: int) -> bytes:
    """The pack with each appended paper after it, and a "Papers" bookmark (at the list) with one per paper."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pack)))
    top = writer.add_outline_item(title="Papers", page_number=list_page)
    for paper in papers:
        if not paper.appended:
            continue
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(contents[paper.listing.paper.id])), import_outline=False)
        writer.add_outline_item(title=paper.bookmark, page_number=start, parent=top)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
