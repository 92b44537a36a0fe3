"""Words and numbers as a council reads them in Word: the core helpers under the names Word code uses, and small print.

Every number, date and label comes from app.display, so Word, pages and CSV read the same.
"""

from docx.document import Document

from app.display import label, long_date, money, plural
from app.display import month_year as month
from app.display import short_date as day
from app.docx.word import MUTED, Run, add_paragraph

__all__ = ["day", "label", "long_date", "money", "month", "plural", "say_none", "small"]


def small(text: str, color: str = MUTED) -> Run:
    return Run(text, color=color, size=8)


def say_none(doc: Document, text: str) -> None:
    add_paragraph(doc, Run(text, italic=True, color=MUTED))
