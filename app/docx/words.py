"""Words and numbers as a council reads them in Word: dates, labels, money, small print."""

from datetime import date, datetime

from docx.document import Document

from app.docx.word import MUTED, Run, add_paragraph


def day(value: date | datetime | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else "—"


def long_date(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


def month(value: date) -> str:
    return f"{value:%b %Y}"


def label(value: str | None) -> str:
    return value.replace("_", " ").capitalize() if value else "—"


def money(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "−" if value < 0 else ""
    value = abs(value)
    return f"{sign}£{value:,.0f}" if value == round(value) else f"{sign}£{value:,.2f}"


def small(text: str, color: str = MUTED) -> Run:
    return Run(text, color=color, size=8)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def say_none(doc: Document, text: str) -> None:
    add_paragraph(doc, Run(text, italic=True, color=MUTED))
