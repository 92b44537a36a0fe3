"""Mail text from templates/mail/: a plain-text and an HTML part from one context.

`templates/mail/<name>.txt` and `<name>.html` extend `_layout.txt` / `_layout.html`,
which add the greeting's frame, the link to the record and the footer (why you receive
it, your preferences, and the unsubscribe link for kinds that are optional). The HTML is
autoescaped; the text is not (it is never read as markup). A context may name the button
to the record with `link_label` ("Open the agenda"); without it the button says "Open it
in CX Council".

The text part is wrapped at WIDTH characters after rendering, line by line, so a template
may write a paragraph on one line: a list item ("- …", "* …", "1. …") or an indented line
keeps its indent on the lines it wraps onto, and a word longer than the line (an address)
is never broken, so links stay clickable.
"""

from __future__ import annotations

import re
import textwrap

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from app.web.filters import register_filters
from app.web.render import TEMPLATES_DIR


def _environment(*, html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=html,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=not html,
        lstrip_blocks=not html,
    )
    register_filters(env)
    return env


_TEXT = _environment(html=False)
_HTML = _environment(html=True)


WIDTH = 76
# What starts a line whose continuation lines are indented under its text: spaces, then a
# bullet or a number ("- ", "* ", "• ", "12. ", "3) ").
_HANGING = re.compile(r"\s*(?:[-*•]|\d{1,3}[.)])?\s*")


def wrap_text(text: str, width: int = WIDTH) -> str:
    """`text` with each line longer than `width` wrapped at spaces; shorter lines (the signature's "-- ") untouched."""
    lines = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        indent = " " * len(_HANGING.match(line).group())
        lines.extend(
            textwrap.wrap(
                line,
                width=width,
                subsequent_indent=indent if len(indent) < width // 2 else "",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def render_mail(template: str, context: dict) -> tuple[str, str]:
    """(plain text, HTML) of `templates/mail/<template>.txt|.html` with `context`; the text wrapped at WIDTH."""
    text = _TEXT.get_template(f"mail/{template}.txt").render(context)
    html = _HTML.get_template(f"mail/{template}.html").render(context)
    return wrap_text(text), html
