"""Fuzzing the pages: every form's fields, and every page route's path and query, on both engines.

Signed in as the chair of the seeded council (`build_world`, the same world the API fuzzing
uses), the test GETs every page with the ids of real records and reads the `<form>`s in
them: each form is then posted with the page's valid CSRF token and Hypothesis values in
its fields (the values the page wrote, or the shapes that used to give 500s: Unicode digits
such as `²` and `١٢`, `1_000`, ints beyond the database, negatives, NaN, lone surrogates
sent as the bytes a browser would never send, control characters, empty and long text).
Every page route, form or not, is also requested with generated path and query values.
Nothing may answer 5xx.

Bounded: `PAGE_EXAMPLES` examples per form and per route (env `FUZZ_PAGE_EXAMPLES` to
change it), derandomized, no shrinking, so a run fits in about a minute per engine.
Destructive forms (deletes) run last, the council's own deletion very last of all, and
signing out is never posted.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, quote_from_bytes, urlsplit

from fastapi.routing import APIRoute
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.security.test_permissions import PASSWORD, build_world

PAGE_EXAMPLES = int(os.environ.get("FUZZ_PAGE_EXAMPLES", "2"))
PAGE_SETTINGS = settings(
    max_examples=PAGE_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# Values that pass one reader and break the next: str.isdigit(), int(), float(), the database.
NASTY = [
    "²",
    "١٢",
    "１２",
    "1_000",
    "+1",
    " 1",
    "1.0",
    "1e999",
    "NaN",
    "inf",
    "-1",
    "0",
    "2147483648",
    "99999999999999999999",
    "9" * 5000,
    "",
    " ",
    "\ud800",
    "a\udfffb",
    "\x00",
    "\x1b[0m",
    "2026-02-30",
    "99999-01-01",
    "%",
    "<b>x</b>",
    "x" * 6000,
]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
# Every form and every parameter gets each of these as an explicit example, before the random
# ones: the three findings (passes isdigit() but not int(); overflows SQLite; cannot be UTF-8).
FINDINGS = ["²", "99999999999999999999", "\ud800"]
NEVER_POSTED = {"/logout"}
# The answer to the request itself: a redirect's target page is fuzzed as a page of its own.
NO_FOLLOW = {"follow_redirects": False}


def _bytes(value: str) -> bytes:
    # A lone surrogate cannot be UTF-8; send the bytes a broken client would (ED A0 80).
    return value.encode("utf-8", "surrogatepass")


def _encode_form(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k)}={quote_from_bytes(_bytes(v), safe='')}" for k, v in pairs).encode()


# -- finding the forms ---------------------------------------------------------------


@dataclass
class Form:
    action: str
    multipart: bool
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values the page offered
    files: set[str] = field(default_factory=set)


class _Forms(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page, self.forms, self.current = page, [], None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            action = urlsplit(a.get("action") or self.page).path
            self.current = Form(action, "multipart" in a.get("enctype", ""))
            self.forms.append(self.current)
        elif self.current is None or not a.get("name"):
            if tag == "option" and self.current is not None and self.select:
                self.current.fields[self.select].append(a.get("value", ""))
            return
        elif tag == "input" and a.get("type") == "file":
            self.current.files.add(a["name"])
        elif tag in ("input", "textarea"):
            self.current.fields.setdefault(a["name"], []).append(a.get("value", ""))
        elif tag == "select":
            self.select = a["name"]
            self.current.fields.setdefault(a["name"], [])
        if tag == "option" and self.current is not None and self.select:
            self.current.fields[self.select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def _page_routes(routes) -> list[APIRoute]:
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            if not route.path.startswith("/api"):
                found.append(route)
        elif hasattr(route, "original_router"):
            found += _page_routes(route.original_router.routes)
    return found


def _path_names(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _fill(path: str, values: dict[str, str]) -> str:
    for name in _path_names(path):
        path = path.replace("{" + name + "}", quote_from_bytes(_bytes(values[name]), safe=""))
    return path


def _matches(template: str, path: str) -> bool:
    return re.fullmatch(re.sub(r"{\w+}", "[^/]+", template), path) is not None


def _real(ids: dict[str, int | str], name: str) -> str:
    return str(ids.get(name, 1))


def _order(action: str) -> tuple[int, str]:
    """Deletes after every other write; the council's own deletion very last."""
    if re.fullmatch(r"/councils/\d+/delete", action):
        return (2, action)
    return (1 if "delete" in action or "withdraw" in action else 0, action)


# -- the test ------------------------------------------------------------------------


def test_the_pages_survive_fuzzing(app, client, session) -> None:
    world = build_world(session)
    ids = world.ids
    chair = world.users["chair"]

    def sign_in() -> str:
        login = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        data = {"email": chair.email, "password": PASSWORD, "csrf_token": token, "next": "/councils"}
        assert client.post("/login", data=data, follow_redirects=False).status_code == 303
        page = client.get(f"/councils/{ids['council_id']}").text
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    csrf = sign_in()
    routes = _page_routes(app.routes)
    assert len(routes) > 50
    failures: list[str] = []
    requests = 0
    signed_out: list[str] = []  # a form that ends the chair's session (a password change) sends them to /login
    started = time.monotonic()

    def check(label: str, send) -> None:
        nonlocal requests
        requests += 1
        try:
            response = send()
        except Exception as exc:  # the test client re-raises the server's exception: that is the 500
            failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:300]}")
            return
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code} {response.text[:300]}")
        if urlsplit(response.headers.get("location", "")).path == "/login":
            signed_out.append(label)

    # 1. The forms on every page, read as the chair sees them.
    forms: dict[str, Form] = {}
    for route in routes:
        if "GET" not in route.methods or route.path in {"/feeds/{token}.ics"}:
            continue
        address = _fill(route.path, {n: _real(ids, n) for n in _path_names(route.path)})
        page = client.get(address, headers={"Accept": "text/html"})
        if page.status_code != 200 or "html" not in page.headers.get("content-type", ""):
            continue
        parser = _Forms(address)
        parser.feed(page.text)
        for form in parser.forms:
            # One form per route: the minutes page has a notes form per item, all alike.
            template = next((r.path for r in routes if "POST" in r.methods and _matches(r.path, form.action)), None)
            known = forms.setdefault(template or form.action, form)
            for name, offered in form.fields.items():
                known.fields.setdefault(name, []).extend(offered)
            known.files |= form.files
    assert len(forms) > 30, sorted(forms)

    def fuzz_form(form: Form) -> None:
        names = [n for n in form.fields if n != "csrf_token"]
        strategy = st.fixed_dictionaries(
            {n: st.one_of(st.sampled_from(form.fields[n] or [""]), VALUES) for n in names},
        )
        upload = st.sampled_from(
            [b"", b"\xff\xfe", "measure,period,value\nx,2026-01-01,\u0661\n".encode(), b"a,b\n1,2\n"]
        )

        @PAGE_SETTINGS
        @given(values=strategy, content=upload)
        def run(values, content) -> None:
            pairs = [("csrf_token", csrf), *values.items()]
            if form.multipart:
                data = {k: _bytes(v) for k, v in pairs}
                files = {n: ("fuzz.csv", content, "text/csv") for n in form.files}
                check(
                    f"POST {form.action} {values!r}"[:400],
                    lambda: client.post(form.action, data=data, files=files, **NO_FOLLOW),
                )
            else:
                body = _encode_form(pairs)
                headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
                check(
                    f"POST {form.action} {values!r}"[:400],
                    lambda: client.post(form.action, content=body, headers=headers, **NO_FOLLOW),
                )

        for value in FINDINGS:
            run = example(values=dict.fromkeys(names, value), content=b"")(run)
        run()

    # 2. Every page route's path and query parameters, real ids mixed with malformed ones.
    def fuzz_route(route: APIRoute, method: str) -> None:
        names = _path_names(route.path)
        queries = [p.name for p in route.dependant.query_params]
        real = {n: _real(ids, n) for n in names}
        path_values = st.fixed_dictionaries({n: st.one_of(st.just(real[n]), VALUES) for n in names})
        query_values = st.fixed_dictionaries({}, optional={n: VALUES for n in queries})

        @PAGE_SETTINGS
        @given(path=path_values, query=query_values)
        def run(path, query) -> None:
            address = _fill(route.path, path)
            if query:
                address += "?" + "&".join(
                    f"{quote(k)}={quote_from_bytes(_bytes(v), safe='')}" for k, v in query.items()
                )
            headers = {"Accept": "text/html"}
            if method == "GET":
                check(f"GET {address[:300]}", lambda: client.get(address, headers=headers, **NO_FOLLOW))
            else:
                body = _encode_form([("csrf_token", csrf)])
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                check(f"POST {address[:300]}", lambda: client.post(address, content=body, headers=headers, **NO_FOLLOW))

        for value in FINDINGS:
            for name in names:
                run = example(path={**real, name: value}, query={})(run)
            for name in queries:
                run = example(path=real, query={name: value})(run)
        run()

    # Reads first, then writes, then deletes; the council's own deletion very last.
    jobs = [(_order(r.path), lambda r=r: fuzz_route(r, "GET")) for r in routes if "GET" in r.methods]
    jobs += [(_order(f.action), lambda f=f: fuzz_form(f)) for f in forms.values() if f.action not in NEVER_POSTED]
    jobs += [
        (_order(r.path), lambda r=r: fuzz_route(r, "POST"))
        for r in routes
        if "POST" in r.methods and r.path not in NEVER_POSTED and _path_names(r.path)
    ]
    for _key, job in sorted(jobs, key=lambda j: j[0][0]):
        job()
        if signed_out:
            signed_out.clear()
            csrf = sign_in()

    elapsed = time.monotonic() - started
    assert not failures, f"{len(failures)} of {requests} requests failed ({elapsed:.1f} s):\n\n" + "\n\n".join(
        failures[:30]
    )
