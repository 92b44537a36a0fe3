"""Security headers on every response, and a Content-Security-Policy the pages live within."""

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.web.headers import CONTENT_SECURITY_POLICY
from tests.conftest import engine_independent
from tests.factories import make_council, make_user
from tests.helpers import auth, watch_csp_violations

TEMPLATES = Path(__file__).parents[2] / "templates"

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def assert_secured(response) -> None:
    assert {name: response.headers.get(name) for name in EXPECTED} == EXPECTED, response.url


def test_the_policy_allows_no_inline_script_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in directives["style-src"]
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_pages_api_errors_static_files_and_downloads_all_carry_the_headers(client, app, session):
    chair = make_user(session)
    council = make_council(session, chair=chair)
    session.commit()
    for response in [
        client.get("/login"),
        client.get("/api/health"),
        client.get("/councils", follow_redirects=False),  # a redirect to sign in
        client.get("/no/such/page", headers={"Accept": "text/html"}),  # an error page
        client.get("/api/me"),  # 401
        client.post("/api/auth/token", data={}),  # 422
        client.get("/static/style.css"),
        client.get(f"/api/councils/{council.id}/template", headers=auth(app, chair)),  # a Word download
    ]:
        assert_secured(response)
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_even_an_unhandled_error_carries_the_headers(app):
    def boom():
        raise RuntimeError("a bug")

    app.add_api_route("/api/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert_secured(response)


def test_a_response_own_header_is_kept_and_not_doubled(app):
    # A response may set a header for itself (stricter, say); the middleware only fills in gaps.
    from fastapi.responses import PlainTextResponse

    app.add_api_route("/api/own", lambda: PlainTextResponse("x", headers={"Referrer-Policy": "no-referrer"}))
    with TestClient(app) as client:
        response = client.get("/api/own")
    assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    assert response.headers.get_list("content-security-policy") == [CONTENT_SECURITY_POLICY]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_event_handlers(template):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>: move it to app/static/"
    assert not re.search(r"\son[a-z]+\s*=", html), "an on*= handler: attach it from a file in app/static/"
    # The PDF pack's HTML (templates/pdf) is never served: WeasyPrint reads it, fetching nothing,
    # so its stylesheet is inline by design. Scripts are refused there too.
    if template.relative_to(TEMPLATES).parts[0] != "pdf":
        assert "<style" not in html, "a <style> element: move it to a stylesheet in app/static/"
    assert "javascript:" not in html


# Engine-independent: the policy is a response header the browser enforces; no record is read.
@engine_independent
def test_the_browser_refuses_an_injected_inline_script(browser_context):
    page = browser_context.new_page()
    violations = watch_csp_violations(page)
    page.goto("/login")
    # What an HTML injection would plant: an inline script and an inline handler.
    page.evaluate(
        """() => {
        const s = document.createElement("script");
        s.textContent = "window.injected = true";
        document.body.append(s);
        const img = document.createElement("img");
        img.setAttribute("onerror", "window.handled = true");
        img.src = "/no-such-image.png";
        document.body.append(img);
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => [window.injected, window.handled]") == [None, None]
    assert any("script-src" in v for v in violations), violations


# Engine-independent: the policy is a response header the browser enforces; no record is read.
@engine_independent
def test_the_browser_will_not_show_a_page_inside_a_frame(browser_context, live_server):
    page = browser_context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    # A page of another origin (about:blank) that frames the sign-in page, as a clickjacker would.
    page.set_content(f'<iframe src="{live_server}/login" width="600" height="400"></iframe>')
    page.wait_for_timeout(500)
    assert page.frame_locator("iframe").locator("form").count() == 0
    assert any("frame-ancestors 'none'" in text for text in console), console


# Engine-independent: the policy is a response header the browser enforces; no record is read.
@engine_independent
def test_the_api_documentation_page_starts_under_its_own_policy(browser_context):
    """Swagger UI comes from the jsDelivr CDN and starts with one inline script: /docs alone
    allows that CDN and exactly its own inline script (by hash); nothing else inline runs."""
    page = browser_context.new_page()
    violations = watch_csp_violations(page)
    # No network here: the CDN's bundle is played by a stand-in that records being started.
    page.route(
        "https://cdn.jsdelivr.net/**",
        lambda route: route.fulfill(
            content_type="application/javascript" if route.request.url.endswith(".js") else "text/css",
            body="window.SwaggerUIBundle = function (config) { window.startedWith = config.url; return {}; };"
            "SwaggerUIBundle.presets = {apis: {}}; SwaggerUIBundle.SwaggerUIStandalonePreset = {};"
            if route.request.url.endswith(".js")
            else "",
        ),
    )
    response = page.goto("/docs")
    policy = response.headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in policy and "'sha256-" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.startedWith") == "/openapi.json"
    assert violations == []
    # An inline script planted later is still refused on this page.
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.injected = true";
        document.body.append(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert any("script-src" in v for v in violations), violations
