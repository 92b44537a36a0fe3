"""Mail text from templates/mail/: a plain-text and an HTML part from one context.

`templates/mail/<name>.txt` and `<name>.html` extend `_layout.txt` / `_layout.html`,
which add the greeting's frame, the link to the record and the footer (why you receive
it, your preferences, and the unsubscribe link for kinds that are optional). The HTML is
autoescaped; the text is not (it is never read as markup).
"""

from __future__ import annotations

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


def render_mail(template: str, context: dict) -> tuple[str, str]:
    """(plain text, HTML) of `templates/mail/<template>.txt|.html` with `context`."""
    text = _TEXT.get_template(f"mail/{template}.txt").render(context)
    html = _HTML.get_template(f"mail/{template}.html").render(context)
    return text, html
