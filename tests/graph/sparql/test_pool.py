"""The query pool: a snapshot a worker is reading survives newer snapshots made meanwhile; workers have no
network (the second wall behind :mod:`graph.sparql.guard`); a server removes only its own snapshots."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.sparql.pool import OWNER, SNAPSHOT_PREFIX, QueryPool, QueryTimeout, Sandbox, UpdateRunner
from integrationsgraph.graph.store.embedded import EmbeddedStore
from tests.data.sparql.listener import Listener

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


def wait_for_new_snapshot(pool: QueryPool, known: set[str], seconds: float = 30) -> str:
    """The snapshot a worker took up after ``known`` were read (a worker marks it before its query runs)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if new := pool._open_snapshots() - known:
            [path] = new
            return path
        time.sleep(0.01)
    pytest.fail(f"no worker took up a new snapshot within {seconds:.0f} s")


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
        read_before = pool._open_snapshots()
        runner = threading.Thread(target=explode)
        runner.start()
        reading = Path(wait_for_new_snapshot(pool, read_before))  # the one the long query's worker reads
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
    from integrationsgraph.graph.sparql.service import QueryService

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


def _service(url: str) -> str:
    return f"SELECT ?s WHERE {{ SERVICE SILENT <{url}s> {{ ?s ?p ?o }} }}"


def test_query_workers_cannot_reach_another_host(tmp_path: Path) -> None:
    """Straight to the pool, past the guard: SERVICE SILENT in a walled-in worker reaches nobody."""
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    try:
        with Listener() as other:
            walled = QueryPool(store.native, path, 1, sandbox=Sandbox("required"))
            try:
                header, body = walled.run(job(_service(other.url)), 30)
            finally:
                walled.close()
            assert header["ok"], header
            assert b"fremd" not in body
            assert other.connections == 0
            open_pool = QueryPool(store.native, path, 1, sandbox=Sandbox("off"))  # the control: the wall matters
            try:
                _header, body = open_pool.run(job(_service(other.url)), 30)
            finally:
                open_pool.close()
            assert other.connections >= 1 and b"fremd" in body
    finally:
        store.close()


def test_the_update_worker_cannot_load_from_another_host() -> None:
    load = "LOAD SILENT <{url}d.ttl> INTO GRAPH <http://example.org/g>"
    with Listener() as other:
        walled = UpdateRunner(Sandbox("required"))
        try:
            header, body = walled.run({"op": "update", "update": load.format(url=other.url)}, b"", 30)
        finally:
            walled.close()
        assert header["ok"], header
        assert b"fremd" not in body and other.connections == 0
        open_runner = UpdateRunner(Sandbox("off"))
        try:
            _header, body = open_runner.run({"op": "update", "update": load.format(url=other.url)}, b"", 30)
        finally:
            open_runner.close()
        assert other.connections >= 1 and b"fremd" in body


def test_a_worker_has_at_most_its_memory(tmp_path: Path) -> None:
    """A query past the worker's address space ends the worker, not the server; the next query runs."""
    from integrationsgraph.graph.sparql.pool import WorkerFailed

    path = tmp_path / "store"
    store = EmbeddedStore(path)
    pool = QueryPool(store.native, path, 1, sandbox=Sandbox("required", memory_mb=1500))
    try:
        huge = (
            "SELECT (STRLEN(GROUP_CONCAT(?x)) AS ?n) WHERE { VALUES ?a { 1 2 3 4 5 6 7 8 9 10 } "
            + " ".join(f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(10))} }}" for i in range(6))
            + ' BIND(CONCAT(STR(?a), "'
            + "x" * 2000
            + '") AS ?x) }'
        )
        with pytest.raises(WorkerFailed):  # without the bound: a QueryTimeout after 60 s (or the machine's memory)
            pool.run(job(huge), 60)
        header, _ = pool.run(job("ASK {}"), 30)
        assert header["ok"] and pool.killed == 1
    finally:
        pool.close()
        store.close()


def test_a_server_removes_only_its_own_snapshots(tmp_path: Path) -> None:
    """Two stores in one parent folder: starting the second keeps the first one's snapshots."""
    a_path, b_path = tmp_path / "a", tmp_path / "b"
    a, b = EmbeddedStore(a_path), EmbeddedStore(b_path)
    first = QueryPool(a.native, a_path, 1)
    second: QueryPool | None = None
    try:
        first.run(job("ASK {}"), 30)
        kept = first.snapshots.current()
        second = QueryPool(b.native, b_path, 1)
        assert kept.exists(), "starting the second server deleted the first one's snapshot"
        header, _ = first.run(job("ASK {}"), 30)
        assert header["ok"], header
    finally:
        first.close()
        if second is not None:
            second.close()
        a.close()
        b.close()


def test_a_crashed_servers_snapshots_of_the_same_store_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    left = tmp_path / f"{SNAPSHOT_PREFIX}abgestuerzt"
    (left / "x").mkdir(parents=True)
    (left / OWNER).write_text(str(path.resolve()), encoding="utf-8")
    foreign = tmp_path / f"{SNAPSHOT_PREFIX}fremd"
    foreign.mkdir()
    (foreign / OWNER).write_text(str((tmp_path / "anderer").resolve()), encoding="utf-8")
    pool = QueryPool(store.native, path, 1)
    try:
        assert not left.exists() and foreign.exists()
    finally:
        pool.close()
        store.close()
