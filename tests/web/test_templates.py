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


def test_outside_development_a_render_does_not_look_at_the_template_files_again(client, monkeypatch):
    """A worker's templates never change on disk while it runs, so a page is rendered without a stat of each of its
    template files (Jinja's auto-reload); in development an edited template shows on the next render."""
    import os.path

    from app.config import Settings
    from app.main import create_app

    original, looked = os.path.getmtime, []

    def getmtime(path):
        looked.append(str(path))
        return original(path)

    monkeypatch.setattr(os.path, "getmtime", getmtime)
    response = client.get("/login")
    assert response.status_code == 200 and "<form" in response.text
    assert not [p for p in looked if p.startswith(str(render.TEMPLATES_DIR))]

    monkeypatch.setattr(render.templates.env, "auto_reload", False)  # put back as it was after the test
    development = Settings(_env_file=None, ENVIRONMENT="development", DATABASE_URL="sqlite://", SMTP_URL=None)
    create_app(development).state.engine.dispose()
    client.get("/login")
    assert [p for p in looked if p.startswith(str(render.TEMPLATES_DIR))]
