"""The real thing: `integrationsgraph serve` as a process on a loopback port, asked over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from integrationsgraph.graph.core.config import SHAPES_GRAPH, Settings
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import load_system_graphs


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


def test_landing_page_in_a_real_browser(live_server: str, browser: object, artifacts: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Kommunale Integrationskonzepte als Wissensgraph"
    assert page.locator('tr[data-dataset="rheine"]').count() == 1
    assert page.locator('tr[data-dataset="musterstadt"]').count() == 1
    page.screenshot(path=str(artifacts / "landing.png"))
    page.close()
    assert errors == []


def test_serve_does_not_start_without_shapes_and_keeps_the_stored_ones(tmp_path: Path) -> None:
    store_dir, empty = tmp_path / "store", tmp_path / "leer"
    empty.mkdir()
    store = EmbeddedStore(store_dir)
    load_system_graphs(store, Settings(store=store_dir, datasets=[]))
    before = set(store.triples(SHAPES_GRAPH))
    store.close()
    env = {**os.environ, "INTEGRATIONSGRAPH_STORE": str(store_dir), "INTEGRATIONSGRAPH_SHAPES_DIR": str(empty)}
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cmd = [sys.executable, "-m", "integrationsgraph", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 2, out
    assert f"„{empty}“ enthält keine Turtle-Dateien" in out and "INTEGRATIONSGRAPH_SHAPES_DIR" in out
    assert "Uvicorn running" not in out and "startup" not in out  # refused before the app or the port
    store = EmbeddedStore(store_dir)
    try:
        assert set(store.triples(SHAPES_GRAPH)) == before and before
    finally:
        store.close()


def test_sparql_csv_stays_the_w3c_format_for_programs(live_server: str) -> None:
    """/sparql answers as SPARQL 1.1 defines it, values untouched (graph/core/cells.py: spreadsheet outputs only)."""
    query = 'SELECT ?t ?n WHERE { VALUES (?t ?n) { ("=1+1" -5) } }'
    response = httpx.get(live_server + "/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.text == "t,n\r\n=1+1,-5\r\n"
