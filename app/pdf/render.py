"""HTML to PDF: the Jinja environment over templates/pdf and WeasyPrint, locked down.

The HTML carries everything it shows (stylesheet inline, charts and the logo as data: URIs),
so the fetcher refuses every URL: text a person typed can never make the server fetch
anything. `pdf/ua-1` writes a tagged PDF (structure, reading order, alt text, language).
"""

import base64
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app import display

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "pdf"

# The display words every renderer shares (app.display), under the names the page templates
# use, and a few the PDF templates call as functions.
FILTERS = display.TEMPLATE_FILTERS
GLOBALS = {
    **display.TEMPLATE_GLOBALS,
    "status_word": display.status_word,
    "movement_text": display.movement_text,
    "plural": display.plural,
}


def data_uri(content: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(content).decode()}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True, default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


ENV = _environment()


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    # The page (0-based) each element with an id starts on: where the pack's own bookmarks point.
    anchors: dict[str, int]


def render(template: str, **context) -> Rendered:
    """`templates/pdf/<template>` with `context`, as a tagged PDF."""
    from weasyprint import HTML  # about 0.5 s to import: only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    html = ENV.get_template(template).render(**context)
    # data: only: a link or image URL a person typed is never fetched (files, the network).
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, url_fetcher=fetcher, base_url=str(TEMPLATES_DIR)).render()
    anchors = {name: index for index, page in enumerate(document.pages) for name in page.anchors}
    return Rendered(pdf=document.write_pdf(pdf_variant="pdf/ua-1"), pages=len(document.pages), anchors=anchors)
