"""Whole graphs over the SPARQL 1.1 Graph Store HTTP Protocol (``INTEGRATIONSGRAPH_GRAPH_STORE_URL``).

Optional: without it a :class:`graph.store.remote.RemoteStore` reads a graph with ``CONSTRUCT`` and writes with
``INSERT DATA``. With it, reading a whole graph is one ``GET ?graph=…`` in N-Triples, and a bulk load sends each
new graph as one ``POST ?graph=…`` — no SPARQL text to build or parse on either side.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pyoxigraph as ox

from integrationsgraph.graph.core.errors import IntegrationsgraphError

NTRIPLES = "application/n-triples"


class GraphStoreError(IntegrationsgraphError):
    """The Graph Store endpoint refused a request or did not answer."""


def read_graph(client: httpx.Client, url: str, graph: str) -> list[ox.Triple]:
    """All triples of ``graph`` (none for a graph the server does not have)."""
    try:
        response = client.get(url, params={"graph": graph}, headers={"Accept": NTRIPLES})
    except httpx.HTTPError as exc:
        raise GraphStoreError(f"Der Graph-Store {url} ist nicht erreichbar: {exc}") from exc
    if response.status_code == 404:
        return []
    if response.status_code >= 300:
        raise GraphStoreError(f"Der Graph-Store antwortete mit {response.status_code}: {response.text.strip()[:300]}")
    return [q.triple for q in ox.parse(response.content, ox.RdfFormat.N_TRIPLES)]


def add_graph(client: httpx.Client, url: str, graph: str, triples: Sequence[ox.Triple]) -> None:
    """Add ``triples`` to ``graph`` in one request (``POST``: the server merges them into the graph)."""
    body = ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in triples], format=ox.RdfFormat.N_TRIPLES)
    try:
        response = client.post(url, params={"graph": graph}, content=body or b"", headers={"Content-Type": NTRIPLES})
    except httpx.HTTPError as exc:
        raise GraphStoreError(f"Der Graph-Store {url} ist nicht erreichbar: {exc}") from exc
    if response.status_code >= 300:
        raise GraphStoreError(
            f"Der Graph-Store lehnte die Tripel für {graph} ab ({response.status_code}): {response.text.strip()[:300]}"
        )
