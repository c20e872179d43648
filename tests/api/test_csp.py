"""The Content-Security-Policy (api/security.py): on every response of every GET route in the app's route table,
no page with an inline script or an inline event handler, the docs pages' exception, and the policy at work
in a real browser (an injected ``javascript:`` link and ``onerror`` handler do not run)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient

from integrationsgraph.api.routes.api_docs import PAGES as DOCS_PAGES
from integrationsgraph.api.security import POLICY, docs_policy

SAMPLES = {
    "dataset": "musterstadt",
    "rest": "akteur/volkshochschule",
    "field": "HF1",
    "suffix": "html",
    "file": "musterstadt.ttl",
}
"""Values for path parameters (any other gets ``probe``: a 404 must carry the policy too)."""
DATA_SCRIPTS = {"application/json", "application/ld+json"}


@pytest.fixture(scope="module")
def client(app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client("embedded", "csp", datasets=["musterstadt"]) as c:
        yield c


def get_routes(client: TestClient) -> list[str]:
    """Paths of every GET route, from the app's route table (included routers walked, as in test_write_auth)."""
    app: Any = client.app
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are copied into app.routes
        routes: list[Any] = [r for r in app.routes if hasattr(r, "methods")]
    else:
        routes = [r for r in iter_route_contexts(app.routes) if hasattr(r.original_route, "methods")]
    return sorted({str(r.path) for r in routes if "GET" in (r.methods or set())})


def concrete(path: str) -> str:
    path = re.sub(r"\{(\w+)(:path)?\}", lambda m: SAMPLES.get(m.group(1), "probe"), path)
    return path.replace("/static/js/probe", "/static/js/map.js")


class Inline(HTMLParser):
    """What a page would run inline: ``<script>`` without ``src`` (data blocks aside), ``on…=`` attributes,
    ``javascript:`` addresses."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and not a.get("src") and (a.get("type") or "text/javascript") not in DATA_SCRIPTS:
            self._in_script = True
        self.found += [f"<{tag} {k}=…>" for k, _v in attrs if k.startswith("on")]
        self.found += [f"<{tag} {k}={v}>" for k, v in attrs if v and v.strip().lower().startswith("javascript:")]

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}…")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_code(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    return parser.found


def test_every_get_route_answers_with_the_policy_and_html_pages_have_no_inline_code(client: TestClient) -> None:
    pages = []
    for path in get_routes(client):
        url = concrete(path)
        r = client.get(url, headers={"Accept": "text/html"})
        assert r.status_code < 500, (url, r.status_code)
        assert r.headers.get("x-content-type-options") == "nosniff", url
        if path in DOCS_PAGES:
            assert r.headers["content-security-policy"] == docs_policy(r.content), url
            continue
        assert r.headers.get("content-security-policy") == POLICY, url
        if r.headers.get("content-type", "").startswith("text/html"):
            pages.append(url)
            assert inline_code(r.text) == [], url
    for expected in ("/", "/sparql", "/maps/actors", "/id/musterstadt/akteur/volkshochschule", "/felder", "/suche"):
        assert expected in pages, f"{expected} was not checked as an HTML page: {pages}"


def test_the_strict_policy_says_what_the_issue_asks() -> None:
    directives = dict(d.split(" ", 1) for d in POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] in ("'self'", "'none'")
    assert "unsafe-eval" not in POLICY and "'unsafe-inline'" not in directives["script-src"]


def test_the_docs_pages_allow_only_their_own_inline_script(client: TestClient) -> None:
    """No other host: Swagger UI and ReDoc are vendored (api/routes/api_docs.py), so the docs pages' policy is the
    strict one plus their inline start script (by its hash) and ReDoc's blob worker."""
    r = client.get("/docs")
    [script] = re.findall(rb"<script>(.*?)</script>", r.content, re.S)
    digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
    directives = dict(d.split(" ", 1) for d in r.headers["content-security-policy"].split("; "))
    assert directives["script-src"] == f"'self' 'sha256-{digest}'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'self'"
    assert directives["worker-src"] == "'self' blob:"
    strict = dict(d.split(" ", 1) for d in POLICY.split("; "))
    rest = ("script-src", "worker-src")
    assert {k: v for k, v in directives.items() if k not in rest} == {k: v for k, v in strict.items() if k not in rest}
    redoc = client.get("/redoc").headers["content-security-policy"]
    assert redoc == f"{POLICY}; worker-src 'self' blob:"  # ReDoc's page has no inline script
    assert "http" not in r.headers["content-security-policy"] and "http" not in redoc


def test_a_page_script_is_served_from_our_origin(client: TestClient) -> None:
    r = client.get("/static/js/map.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert "integrationsgraphMap" in r.text
    missing = client.get("/static/js/gibt-es-nicht.js")
    assert missing.status_code == 404 and missing.json()["error"] == "Kein Skript gibt-es-nicht.js."
    assert "'self'" in missing.headers["content-security-policy"]


INJECT = """() => {
    const a = document.createElement('a');
    a.id = 'eingeschleust'; a.href = 'javascript:alert("link")'; a.textContent = 'eingeschleust';
    document.body.prepend(a);
    document.body.insertAdjacentHTML('beforeend', '<img src="/gibt-es-nicht.png" onerror="alert(\\'onerror\\')">');
}"""


@pytest.mark.parametrize("path", ["/felder", "/sparql", "/maps/actors?dataset=musterstadt"])
def test_injected_script_does_not_run_in_chromium(live_server: str, browser: Any, path: str) -> None:
    """The second wall: markup that got into a page anyway (here put there by the test) cannot run script."""
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective));"
    )
    try:
        page.goto(f"{live_server}{path}")
        page.evaluate(INJECT)
        page.click("#eingeschleust")
        page.wait_for_function("() => (window.__csp || []).length >= 2")
        assert dialogs == []
        assert set(page.evaluate("() => window.__csp")) >= {"script-src-attr"}
    finally:
        page.close()


def test_the_route_table_is_walked(client: TestClient) -> None:
    """A guard for the walk above: the included routers' routes are there, not only the app's own."""
    paths = get_routes(client)
    assert "/sparql" in paths and "/maps/actors/table" in paths and "/id/{dataset}/{rest:path}" in paths
