"""The history over HTTP: who changed what, readable by the dataset's accounts only, undone with one request."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.write import accounts, history
from integrationsgraph.graph.write.rights import Role
from tests.conftest import WRITE_TOKEN


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client(request.param, "history", write_token=WRITE_TOKEN, datasets=["musterstadt"]) as c:
        yield c


@pytest.fixture(scope="module")
def tokens(client: TestClient) -> dict[str, str]:
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    return {
        "editor": accounts.add(store, "muster-red", Role.EDITOR, ["musterstadt"]),
        "other": accounts.add(store, "rheine-red", Role.EDITOR, ["rheine"]),
        "reader": accounts.add(store, "muster-les", Role.READER, ["musterstadt"]),
    }


def auth(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def test_every_write_is_listed_with_its_account_and_door_and_can_be_undone(
    client: TestClient, tokens: dict[str, str]
) -> None:
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    before = set(store.triples(graph_iri("musterstadt")))
    made = client.post(
        "/api/musterstadt/felder",
        json={"label": {"de": "Verlaufsprobe"}, "code": "VERLAUF-1"},
        headers=auth(tokens["editor"]),
    )
    assert made.status_code == 201, made.text
    listing = client.get("/api/musterstadt/history", params={"limit": 1}, headers=auth(tokens["reader"]))
    assert listing.status_code == 200, listing.text
    [entry] = listing.json()["entries"]
    assert listing.json()["total"] >= 2  # the start-up load, then this
    assert (entry["account"], entry["door"], entry["summary"]) == ("muster-red", "REST", "POST /api/musterstadt/felder")
    assert entry["added"] == len(set(store.triples(graph_iri("musterstadt"))) - before) and entry["removed"] == 0
    detail = client.get(f"/api/musterstadt/history/{entry['id']}", headers=auth(tokens["editor"])).json()
    assert "Verlaufsprobe" in detail["graphs"][0]["added"]

    undone = client.post(f"/api/musterstadt/history/{entry['id']}/revert", headers=auth(tokens["editor"]))
    assert undone.status_code == 200, undone.text
    assert set(store.triples(graph_iri("musterstadt"))) == before  # exactly as before
    assert undone.json()["entry"]["reverts"] == entry["id"] and undone.json()["entry"]["door"] == "Rückgängig"
    again = client.post(f"/api/musterstadt/history/{entry['id']}/revert", headers=auth(tokens["editor"]))
    assert again.status_code == 409 and "spätere Änderung" in again.json()["error"]  # a double submit
    assert set(store.triples(graph_iri("musterstadt"))) == before


def test_only_the_datasets_accounts_read_or_revert_its_history(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/musterstadt/history").status_code == 401
    assert client.get("/api/musterstadt/history", headers=auth(tokens["other"])).status_code == 403
    assert client.get("/api/musterstadt/history", headers=auth(WRITE_TOKEN)).status_code == 200
    _, [entry] = history.listing(client.app.state.ctx.store, "musterstadt", limit=1)  # type: ignore[attr-defined]
    for token, code in ((None, 401), (tokens["reader"], 403), (tokens["other"], 403)):
        r = client.post(f"/api/musterstadt/history/{entry.id}/revert", headers=auth(token))
        assert r.status_code == code, (token, r.text)
    bad = client.get("/api/musterstadt/history/..%2F..%2Fsystem", headers=auth(tokens["editor"]))
    assert bad.status_code in (404, 422)


def test_no_public_door_shows_the_history(client: TestClient, tokens: dict[str, str]) -> None:
    graph = history.history_graph("musterstadt")
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/ns/prov#endedAtTime> ?t }"
    accept = {"Accept": "application/sparql-results+json"}
    public = client.get("/sparql", params={"query": query}, headers=accept).json()
    assert public["results"]["bindings"][0]["n"]["value"] == "0"
    assert client.get("/store", params={"graph": graph}).status_code == 404
    own = client.get("/sparql", params={"query": query}, headers={**accept, **auth(tokens["reader"])}).json()
    assert int(own["results"]["bindings"][0]["n"]["value"]) > 0


def test_the_history_survives_sigkill_and_a_killed_import_leaves_both_or_neither(
    tmp_path: Path, start_serve: Callable[..., AbstractContextManager[Any]]
) -> None:
    """A real server, killed with SIGKILL: after the restart the recorded change is there with its entry; an import
    killed while it runs has landed with its entry or not at all."""
    env = {"INTEGRATIONSGRAPH_STORE": str(tmp_path / "store"), "INTEGRATIONSGRAPH_WRITE_TOKEN": WRITE_TOKEN}
    update = f"INSERT DATA {{ GRAPH <{graph_iri('neustart')}> {{ <urn:x:a> <urn:x:p> 1 }} }}"
    headers = {**auth(WRITE_TOKEN), "Content-Type": "application/sparql-update"}
    workbook = (ROOT / "data" / "musterstadt.xlsx").read_bytes()
    with start_serve(env, tmp_path) as served:
        assert httpx.post(f"{served.base}/sparql", content=update, headers=headers, timeout=60).status_code == 200

        def upload() -> None:
            files = {"file": ("m.xlsx", workbook)}
            with contextlib.suppress(httpx.HTTPError):
                httpx.post(
                    f"{served.base}/api/import", files=files, data={"dataset": "abbruch"}, headers=auth(WRITE_TOKEN)
                )

        thread = threading.Thread(target=upload)
        thread.start()
        time.sleep(random.uniform(0.5, 2.5))
        os.kill(served.pid, signal.SIGKILL)
        thread.join(60)
    with start_serve(env, tmp_path) as served:

        def entries(dataset: str) -> list[dict[str, Any]]:
            r = httpx.get(f"{served.base}/api/{dataset}/history", headers=auth(WRITE_TOKEN), timeout=60)
            assert r.status_code == 200, r.text
            return list(r.json()["entries"])

        assert [(e["account"], e["door"], e["added"]) for e in entries("neustart")] == [
            ("INTEGRATIONSGRAPH_WRITE_TOKEN", "SPARQL Update", 1)
        ]
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), '%s')) }"
        query = count % graph_iri("abbruch")
        r = httpx.get(
            f"{served.base}/sparql", params={"query": query}, headers={**auth(WRITE_TOKEN), "Accept": "text/csv"}
        )
        landed = int(r.text.split()[-1])
        recorded = entries("abbruch")
        if recorded:
            [entry] = recorded
            assert entry["door"] == "Arbeitsmappe" and landed > entry["added"] > 0  # the data and its entry
        else:
            assert landed == 0, "a change without its history entry"
