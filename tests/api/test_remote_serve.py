"""``integrationsgraph serve`` on a remote SPARQL server (a real ``oxigraph serve``): it starts, loads, answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

WRITE_TOKEN = "test-token"
KIO = "https://w3id.org/integrationsgraph/ontology#"


def test_serve_against_a_remote_store_answers_health_home_and_sparql(
    oxigraph_server: str, backend_settings: Callable[[str], dict[str, Any]], tmp_path: Path
) -> None:
    backend_settings("remote")  # empties the server
    with httpx.Client() as probe:
        port = _free_port()
        env = {
            **os.environ,
            "INTEGRATIONSGRAPH_STORE": str(tmp_path / "unused"),
            "INTEGRATIONSGRAPH_STORE_URL": f"{oxigraph_server}/query",
            "INTEGRATIONSGRAPH_UPDATE_URL": f"{oxigraph_server}/update",
            "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN,
        }
        log = (tmp_path / "serve.log").open("w+")
        proc = subprocess.Popen(
            [sys.executable, "-m", "graph.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(probe, f"{base}/health", proc, log)
            health = probe.get(f"{base}/health").json()
            assert health["status"] == "ok"
            assert health["graphs"] >= 4  # ontology, shapes, Rheine, Musterstadt — loaded into the server
            assert "integrationsgraph" in probe.get(f"{base}/").text
            counted = probe.get(
                f"{base}/sparql",
                params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?m a <{KIO}Massnahme> }}"},
                headers={"Accept": "application/sparql-results+json"},
            )
            assert counted.status_code == 200
            n = int(counted.json()["results"]["bindings"][0]["n"]["value"])
            assert n > 0
            # The same count straight from the Oxigraph server: the data really lives there.
            direct = probe.post(
                f"{oxigraph_server}/query",
                params={"union-default-graph": ""},
                content=f"SELECT (COUNT(*) AS ?n) WHERE {{ ?m a <{KIO}Massnahme> }}",
                headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            )
            assert int(direct.json()["results"]["bindings"][0]["n"]["value"]) == n
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(probe: httpx.Client, url: str, proc: subprocess.Popen[bytes], log: IO[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"serve exited: {log.read()}")
        try:
            if probe.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("serve did not come up within 120 s")


def test_a_server_that_goes_away_is_a_502_in_german(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from graph.config import Settings

    port = _free_port()
    exe = Path(sys.executable).parent / "oxigraph"
    server = subprocess.Popen(
        [str(exe), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client() as probe:
            for _ in range(300):
                try:
                    probe.get(f"http://127.0.0.1:{port}/", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        settings = Settings(store=tmp_path / "unused", store_url=f"{base}/query", update_url=f"{base}/update")
        with TestClient(create_app(settings)) as client:
            assert client.get("/api/datasets").status_code == 200
            server.terminate()
            server.wait(timeout=30)
            gone = client.get("/api/datasets")
            assert gone.status_code == 502
            assert "nicht erreichbar" in gone.json()["error"]
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=30)


EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_a_query_past_the_limit_is_a_503_and_the_next_query_is_answered(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from graph.config import Settings

    port = _free_port()
    exe = Path(sys.executable).parent / "oxigraph"
    server = subprocess.Popen(  # the server's own limit, so it stops working on what we gave up on
        [str(exe), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}", "--timeout-s", "3"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client() as probe:
            for _ in range(300):
                try:
                    probe.get(f"{base}/", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.05)
        settings = Settings(
            store=tmp_path / "unused",
            store_url=f"{base}/query",
            update_url=f"{base}/update",
            datasets=[],
            query_timeout=1,
        )
        with TestClient(create_app(settings)) as client:
            r = client.get("/sparql", params={"query": EXPLOSIVE})
            assert r.status_code == 503
            assert "Zeitlimit" in r.json()["error"]
            assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
