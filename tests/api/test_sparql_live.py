"""``/sparql`` for real: SPARQLWrapper against ``integrationsgraph serve``, and the time limit that kills
the work (a server process of its own with a 2-second limit) while another client is answered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import httpx
import pytest
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

TIMEOUT = 2
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out |= {int(p) for p in text}
    return out


@pytest.fixture(scope="module")
def short_server(
    tmp_path_factory: pytest.TempPathFactory, start_serve: Callable[..., AbstractContextManager[Any]]
) -> Iterator[tuple[str, int]]:
    """A server with a 2-second query limit and only the ontology and shapes loaded."""
    folder = tmp_path_factory.mktemp("short")
    env = {
        "INTEGRATIONSGRAPH_STORE": str(folder / "store"),
        "INTEGRATIONSGRAPH_DATASETS": "[]",
        "INTEGRATIONSGRAPH_QUERY_TIMEOUT": str(TIMEOUT),
    }
    with start_serve(env, folder) as served:
        yield served.base, served.pid


def test_explosive_query_is_stopped_while_others_are_answered(short_server: tuple[str, int]) -> None:
    base, pid = short_server
    assert httpx.get(f"{base}/sparql", params={"query": "ASK {}"}).status_code == 200  # workers are up
    before = children(pid)
    assert len(before) == 3  # two query workers and the update worker
    result: dict[str, httpx.Response] = {}

    def explode() -> None:
        # The client waits at most the limit plus 10 s: a server that did not stop the query fails here.
        result["r"] = httpx.get(f"{base}/sparql", params={"query": EXPLOSIVE}, timeout=TIMEOUT + 10)

    worker = threading.Thread(target=explode)
    worker.start()
    ask = httpx.get(f"{base}/sparql", params={"query": "ASK { ?s a ?t }"}, timeout=TIMEOUT + 10)
    still_running = worker.is_alive()
    worker.join()
    assert ask.status_code == 200 and ask.json()["boolean"] is True
    assert still_running, "the second client was answered while the explosive query ran"
    r = result["r"]
    assert r.status_code == 503, r.text
    assert f"nach {TIMEOUT} Sekunden abgebrochen" in r.json()["error"]
    after = children(pid)
    gone = before - after
    assert len(gone) == 1 and len(after) == 3, "the worker that ran the query was killed and replaced"
    assert not Path(f"/proc/{gone.pop()}").exists()


def test_sparqlwrapper_select_ask_construct(live_server: str) -> None:
    sparql = SPARQLWrapper(f"{live_server}/sparql")
    sparql.setReturnFormat(JSON)
    sparql.setQuery(
        """PREFIX kio: <https://w3id.org/integrationsgraph/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?code WHERE { GRAPH <https://w3id.org/integrationsgraph/graph/rheine> {
          ?f a kio:Handlungsfeld ; skos:notation ?code } } ORDER BY ?code"""
    )
    rows = sparql.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert [r["code"]["value"] for r in rows][:2] == ["HF1", "HF2"]
    sparql.setQuery("ASK { ?s a <https://w3id.org/integrationsgraph/ontology#Massnahme> }")
    assert sparql.queryAndConvert()["boolean"] is True  # type: ignore[index]
    sparql.setReturnFormat(TURTLE)
    sparql.setQuery(
        "CONSTRUCT { ?f ?p ?o } WHERE { ?f a <https://w3id.org/integrationsgraph/ontology#Handlungsfeld> ; ?p ?o }"
    )
    graph = sparql.queryAndConvert()
    assert b"Handlungsfeld" in graph  # type: ignore[operator]


def test_sparqlwrapper_update_with_token(live_server: str) -> None:
    g = "http://example.org/sparqlwrapper-test"
    sparql = SPARQLWrapper(f"{live_server}/sparql", updateEndpoint=f"{live_server}/sparql")
    sparql.setMethod(POST)
    sparql.addCustomHttpHeader("Authorization", "Bearer test-token")
    sparql.setQuery(f"INSERT DATA {{ GRAPH <{g}> {{ <http://example.org/a> <http://example.org/b> 'c' }} }}")
    response = sparql.query()
    assert response.response.status == 200
    check = SPARQLWrapper(f"{live_server}/sparql")
    check.setReturnFormat(JSON)
    check.setQuery(f"ASK {{ GRAPH <{g}> {{ <http://example.org/a> ?p 'c' }} }}")
    assert check.queryAndConvert()["boolean"] is True  # type: ignore[index]
