"""The query pool: a snapshot a worker is reading survives newer snapshots made meanwhile."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyoxigraph as ox

from graph.sparql_pool import QueryPool, QueryTimeout
from graph.store import EmbeddedStore

EX = "http://example.org/"
EXPLOSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def job(query: str) -> dict[str, object]:
    return {
        "query": query,
        "default_graphs": None,
        "named_graphs": None,
        "bindings": {},
        "base_iri": None,
        "results_format": "json",
        "rdf_format": "ttl",
        "limit": 100,
    }


def test_a_running_querys_snapshot_is_not_collected(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    g = ox.NamedNode(EX + "g")
    store.native.extend(
        ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), ox.Literal(str(i)), g) for i in range(300)
    )
    pool = QueryPool(store.native, path, 2)
    try:
        pool.run(job("ASK {}"), 30)  # both workers started, a first snapshot made
        pool.run(job("ASK {}"), 30)
        outcome: dict[str, object] = {}

        def explode() -> None:
            try:
                outcome["result"] = pool.run(job(EXPLOSIVE), 4)
            except QueryTimeout as exc:
                outcome["result"] = exc

        def write(name: str) -> None:  # changes the live folder, so the next query makes a new snapshot
            store.native.add(ox.Quad(ox.NamedNode(EX + name), ox.NamedNode(EX + "p"), ox.Literal("x"), g))
            store.native.flush()

        write("vorher")  # the long query starts on a snapshot newer than the one its worker read last
        runner = threading.Thread(target=explode)
        runner.start()
        time.sleep(0.5)
        reading = pool.snapshots.current()
        write("nachher")  # the next query makes another snapshot and collects the ones no worker reads
        header, _body = pool.run(job("ASK { ?s ?p ?o }"), 30)
        assert header.get("ok"), header
        assert reading.exists(), "the snapshot the long query reads was deleted under its worker"
        runner.join()
        assert isinstance(outcome["result"], QueryTimeout), outcome["result"]
    finally:
        pool.close()
        store.close()


def test_pool_answers_a_plain_query(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    store.native.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal("1"), ox.NamedNode(EX + "g")))
    pool = QueryPool(store.native, path, 1)
    try:
        header, body = pool.run(job("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"), 30)
        assert header["ok"] and b'"1"' in body
    finally:
        pool.close()
        store.close()


def test_public_queries_read_the_union_of_a_snapshot_without_private_graphs(tmp_path: Path) -> None:
    """The public snapshot drops the private companion graphs, so the fast union default graph is safe."""
    from graph.sparql import QueryService

    g = "https://w3id.org/integrationsgraph/graph/probe"
    ex = "http://example.org/"
    store = EmbeddedStore(tmp_path / "store")
    store.apply(g, add=[ox.Triple(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.Literal("öffentlich"))])
    store.apply(g + "/privat", add=[ox.Triple(ox.NamedNode(ex + "b"), ox.NamedNode(ex + "p"), ox.Literal("geheim"))])
    service = QueryService(store, timeout=30, limit=100, workers=1)
    try:
        public = service.pool.snapshots.current(public=True)  # type: ignore[union-attr]
        full = service.pool.snapshots.current()  # type: ignore[union-attr]
        assert {str(n) for n in ox.Store.read_only(str(full)).named_graphs()} == {f"<{g}>", f"<{g}/privat>"}
        assert {str(n) for n in ox.Store.read_only(str(public)).named_graphs()} == {f"<{g}>"}
        query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
        seen = service.run(query, accept="text/tab-separated-values").body.decode()
        assert "öffentlich" in seen and "geheim" not in seen
        graphs = service.run("SELECT ?g WHERE { GRAPH ?g { } }", accept="text/tab-separated-values").body.decode()
        assert "privat" not in graphs
        everything = service.run(query, accept="text/tab-separated-values", private=True).body.decode()
        assert "öffentlich" in everything and "geheim" in everything
    finally:
        service.close()
        store.close()
