"""The page templates are compiled when a worker starts, not by the first person to open each page."""

import pytest

from app.web import render


def test_a_started_app_has_every_page_template_compiled(app, client, monkeypatch):
    """Started (the client runs the app's lifespan): no page template is read or compiled on a first render; the
    mail and PDF templates, which other environments render, are left to them."""
    names = render.templates.env.list_templates(extensions=["html"])
    pages = [n for n in names if not n.startswith(render.NOT_PAGES)]
    assert "minutes.html" in pages and "agenda/_actions.html" in pages
    assert not any(n.startswith(("mail/", "pdf/")) for n in pages)

    def refused(environment, name):
        raise AssertionError(f"{name} read again")

    monkeypatch.setattr(render.templates.env.loader, "get_source", refused)
    for name in pages:
        render.templates.env.get_template(name)
    with pytest.raises(AssertionError, match="read again"):
        render.templates.env.get_template("mail/notice.html")
    assert render.compile_page_templates() == len(pages)
