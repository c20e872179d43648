"""YASGUI in a real browser (Debian's chromium, headless): open /sparql, run a query, see the rows —
no console error, nothing the Content-Security-Policy had to block, and no request leaves 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse


def test_yasgui_runs_a_query_offline(live_server: str, browser: Any, artifacts: Path) -> None:
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []

    def route(r: Any) -> None:
        requests.append(r.request.url)
        if urlparse(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{live_server}/sparql")
    assert response is not None and "script-src 'self';" in response.headers.get("content-security-policy", "")
    page.wait_for_selector(".yasqe .CodeMirror")
    tabs = page.locator(".tabsList .tab").all_inner_texts()
    assert any("zentrale-akteure" in t for t in tabs)
    page.locator(".yasqe_queryButton").first.click()
    page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    rows = page.locator(".yasr table tbody tr")
    assert rows.count() > 3
    assert "Kommunales Integrationszentrum" in page.locator(".yasr").inner_text()
    page.screenshot(path=str(artifacts / "sparql-yasgui.png"), full_page=True)
    violations = page.evaluate("() => window.__csp || []")
    page.close()
    assert errors == [] and violations == []
    outside = [u for u in requests if urlparse(u).hostname != "127.0.0.1"]
    assert outside == []
    assert any(u.endswith("/sparql") for u in requests[1:]), "the query went to the server's own /sparql"
