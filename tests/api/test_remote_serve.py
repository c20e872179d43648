"""``integrationsgraph serve`` on a remote SPARQL server (a real ``oxigraph serve``): it starts, loads, answers."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest

WRITE_TOKEN = "test-token"
KIO = "https://w3id.org/integrationsgraph/ontology#"


def test_serve_against_a_remote_store_answers_health_home_and_sparql(
    oxigraph_server: str,
    backend_settings: Callable[[str], dict[str, Any]],
    start_serve: Callable[..., AbstractContextManager[Any]],
    tmp_path: Path,
) -> None:
    backend_settings("remote")  # empties the server
    env = {
        "INTEGRATIONSGRAPH_STORE": str(tmp_path / "unused"),
        "INTEGRATIONSGRAPH_STORE_URL": f"{oxigraph_server}/query",
        "INTEGRATIONSGRAPH_UPDATE_URL": f"{oxigraph_server}/update",
        "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN,
    }
    with httpx.Client() as probe, start_serve(env, tmp_path) as served:
        base = served.base
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


def test_a_server_that_goes_away_is_a_502_in_german(
    tmp_path: Path, start_oxigraph: Callable[..., AbstractContextManager[Any]]
) -> None:
    from fastapi.testclient import TestClient

    from integrationsgraph.api.main import create_app
    from integrationsgraph.graph.core.config import Settings

    with start_oxigraph(tmp_path / "db", tmp_path) as server:
        settings = Settings(
            store=tmp_path / "unused", store_url=f"{server.base}/query", update_url=f"{server.base}/update"
        )
        with TestClient(create_app(settings)) as client:
            assert client.get("/api/datasets").status_code == 200
            os.kill(server.pid, signal.SIGTERM)
            wait_until_gone(server.pid)
            gone = client.get("/api/datasets")
            assert gone.status_code == 502
            assert "nicht erreichbar" in gone.json()["error"]


def wait_until_gone(pid: int) -> None:
    for _ in range(300):
        try:
            os.kill(pid, 0)
            status = Path(f"/proc/{pid}/status").read_text()
            if "zombie" in status:
                return
        except (ProcessLookupError, FileNotFoundError):
            return
        time.sleep(0.05)
    pytest.fail(f"process {pid} did not stop")


EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def test_a_query_past_the_limit_is_a_503_and_the_next_query_is_answered(
    tmp_path: Path, start_oxigraph: Callable[..., AbstractContextManager[Any]]
) -> None:
    from fastapi.testclient import TestClient

    from integrationsgraph.api.main import create_app
    from integrationsgraph.graph.core.config import Settings

    # The server's own limit, so it stops working on what we gave up on.
    with start_oxigraph(tmp_path / "db", tmp_path, "--timeout-s", "3") as server:
        settings = Settings(
            store=tmp_path / "unused",
            store_url=f"{server.base}/query",
            update_url=f"{server.base}/update",
            datasets=[],
            query_timeout=1,
        )
        with TestClient(create_app(settings)) as client:
            r = client.get("/sparql", params={"query": EXPLOSIVE})
            assert r.status_code == 503
            assert "Zeitlimit" in r.json()["error"]
            assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
