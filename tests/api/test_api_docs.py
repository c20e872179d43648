"""The API docs work offline: /docs (Swagger UI) and /redoc load only vendored files from this server."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from integrationsgraph.api.routes.api_docs import REDOC_FILES, SWAGGER_UI_FILES


@pytest.fixture(scope="module")
def client(app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client("embedded", "api-docs", datasets=["musterstadt"]) as c:
        yield c


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_name_no_other_host(client: TestClient, page: str) -> None:
    html = client.get(page).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    assert "fonts.googleapis" not in html and "cdn.jsdelivr" not in html
    for asset in assets:
        if asset.startswith("/static/vendor/"):
            r = client.get(asset)
            assert r.status_code == 200 and r.content, asset


def test_every_vendored_file_is_served_and_nothing_else(client: TestClient) -> None:
    for folder, files in (("swagger-ui", SWAGGER_UI_FILES), ("redoc", REDOC_FILES)):
        for name, media in files.items():
            r = client.get(f"/static/vendor/{folder}/{name}")
            assert r.status_code == 200 and r.headers["content-type"].startswith(media.split(";")[0]), name
        for probe in ("README.md", "..%2F..%2F..%2Fpyproject.toml", "gibt-es-nicht.js"):
            r = client.get(f"/static/vendor/{folder}/{probe}")
            assert r.status_code == 404, (probe, r.status_code)
            assert "[tool." not in r.text


def test_the_vendored_redoc_loads_no_logo_from_its_cdn(client: TestClient) -> None:
    assert b"cdn.redoc.ly" not in client.get("/static/vendor/redoc/redoc.standalone.js").content


@pytest.mark.parametrize(("page", "ready"), [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_the_docs_render_in_chromium_without_any_other_host(
    live_server: str, browser: Any, page: str, ready: str
) -> None:
    """The real thing: chromium renders the operations, asks no other host, and the policy blocks nothing."""
    origin = urlsplit(live_server).netloc
    tab = browser.new_page()
    elsewhere: list[str] = []
    tab.on("request", lambda r: None if urlsplit(r.url).netloc in (origin, "") else elsewhere.append(r.url))
    tab.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    try:
        tab.goto(f"{live_server}{page}")
        tab.wait_for_selector(ready, timeout=30_000)
        assert "sparql" in tab.content().lower()  # the operations are there, read from /openapi.json
        assert elsewhere == []
        assert tab.evaluate("() => window.__csp || []") == []
    finally:
        tab.close()
