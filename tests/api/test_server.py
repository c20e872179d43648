"""The real thing: `integrationsgraph serve` as a process on a loopback port, asked over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from graph.config import ROOT


def test_server_serves_landing_page_with_both_datasets(live_server: str) -> None:
    response = httpx.get(live_server + "/")
    assert response.status_code == 200
    assert "Musterstadt" in response.text and 'data-dataset="rheine"' in response.text


def test_server_health_over_http(live_server: str) -> None:
    assert httpx.get(live_server + "/health").json()["status"] == "ok"


def test_server_lists_both_datasets(live_server: str) -> None:
    body = httpx.get(live_server + "/api/datasets").json()
    # The server is shared by the session: other tests may have added graphs of their own.
    assert {d["name"] for d in body} >= {"rheine", "musterstadt"}


def test_landing_page_in_a_real_browser(live_server: str, browser: object, tmp_path: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Kommunale Integrationskonzepte als Wissensgraph"
    assert page.locator('tr[data-dataset="rheine"]').count() == 1
    assert page.locator('tr[data-dataset="musterstadt"]').count() == 1
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "test-artifacts" / "landing.png"))
    page.close()
    assert errors == []
