"""``/sparql`` never makes the server call another host: SERVICE and LOAD, however they are written.

A listener on a loopback port plays the other host. It counts every connection and answers as a
SPARQL endpoint and as a file server would, so a request that got through would show in the result
or in the store. Every variant of the corpus (:mod:`tests.data.sparql.reach_out`) must be refused
(400/403) with no connection, by GET, form POST and direct POST, on the embedded store and on a
SPARQL server backend alike.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.data.sparql.listener import Listener
from tests.data.sparql.reach_out import HARMLESS, QUERIES, UPDATES

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FOREIGN = "https://w3id.org/integrationsgraph/graph/fremd"


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with Listener() as other:
        yield other


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client(request.param, "reach-out", write_token=TOKEN, datasets=[]) as c:
        yield c


def test_the_listener_counts_a_connection(listener: Listener) -> None:
    """The test's own check: a connection to the listener is seen (else 0 would prove nothing)."""
    before = listener.connections
    with socket.create_connection(("127.0.0.1", listener.server.server_address[1]), timeout=5) as s:
        s.sendall(b"GET /x HTTP/1.0\r\n\r\n")
        s.recv(100)
    assert listener.connections == before + 1


def test_the_corpus_is_large_enough() -> None:
    assert len(QUERIES) + len(UPDATES) >= 30
    assert len(QUERIES) >= 30


def _refused(response: Any, text: str) -> None:
    assert response.status_code in (400, 403), (text, response.status_code, response.text)
    assert response.json()["error"], response.text


@pytest.mark.parametrize("index", range(len(QUERIES)))
def test_queries_never_reach_out(client: TestClient, listener: Listener, index: int) -> None:
    query = QUERIES[index].replace("{url}", listener.url)
    before = listener.connections
    _refused(client.get("/sparql", params={"query": query}), query)
    _refused(client.post("/sparql", data={"query": query}), query)
    _refused(client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"}), query)
    assert listener.connections == before, query


@pytest.mark.parametrize("index", range(len(UPDATES)))
def test_updates_never_reach_out(client: TestClient, listener: Listener, index: int) -> None:
    update = UPDATES[index].replace("{url}", listener.url)
    before = listener.connections
    _refused(client.post("/sparql", data={"update": update}, headers=AUTH), update)
    direct = {"Content-Type": "application/sparql-update", **AUTH}
    _refused(client.post("/sparql", content=update, headers=direct), update)
    assert listener.connections == before, update
    r = client.get("/sparql", params={"query": f"ASK {{ GRAPH <{FOREIGN}> {{ ?s ?p ?o }} }}"})
    assert r.json()["boolean"] is False, "nothing fetched was committed"
    r = client.get("/sparql", params={"query": 'ASK { ?s ?p "von fremdem Server" }'})
    assert r.json()["boolean"] is False


@pytest.mark.parametrize("query", HARMLESS)
def test_the_words_where_they_do_no_harm(client: TestClient, query: str) -> None:
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text


def test_the_refusal_says_why_in_german(client: TestClient, listener: Listener) -> None:
    r = client.get("/sparql", params={"query": QUERIES[4].replace("{url}", listener.url)})
    assert r.status_code == 403
    assert "SERVICE ist auf diesem Endpunkt nicht erlaubt" in r.json()["error"]
    r = client.post("/sparql", data={"update": UPDATES[0].replace("{url}", listener.url)}, headers=AUTH)
    assert r.status_code == 403
    assert "LOAD" in r.json()["error"] and "INSERT DATA" in r.json()["error"]
