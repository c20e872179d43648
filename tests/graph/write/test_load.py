"""Loading: first-start bootstrap, all-or-nothing loads, and a crash mid-load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from integrationsgraph.graph.core.config import ONTOLOGY_GRAPH, ROOT, SHAPES_GRAPH, Settings, graph_iri
from integrationsgraph.graph.core.errors import ValidationFailed
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.graphs import dataset_graphs
from integrationsgraph.graph.write.load import bootstrap, load_files
from integrationsgraph.graph.write.path import WritePath
from tests.paths import REPO

DATA = Path(__file__).parents[2] / "data" / "core"


def test_bootstrap_loads_system_graphs_and_both_datasets(store: EmbeddedStore, shapes: Shapes) -> None:
    loaded = bootstrap(WritePath(store, shapes), Settings())
    assert {r.graph for r in loaded} == {graph_iri("rheine"), graph_iri("musterstadt")}
    assert set(store.graphs()) >= {ONTOLOGY_GRAPH, SHAPES_GRAPH}
    assert dataset_graphs(store) == [graph_iri("musterstadt"), graph_iri("rheine")]
    assert all(r.report.conforms for r in loaded)


def test_bootstrap_does_not_reload_present_datasets(store: EmbeddedStore, shapes: Shapes) -> None:
    writer = WritePath(store, shapes)
    bootstrap(writer, Settings())
    assert bootstrap(writer, Settings()) == []


def test_a_load_with_one_invalid_file_writes_nothing(writer: WritePath, store: EmbeddedStore) -> None:
    files = [DATA / "kette.ttl", DATA / "handlungsziel-ohne-leitziel.ttl"]
    with pytest.raises(ValidationFailed):
        load_files(writer, files, graph_iri("teststadt"))
    assert store.count() == 0


def test_loading_into_a_filled_graph_validates_incrementally(writer: WritePath, store: EmbeddedStore) -> None:
    g = graph_iri("teststadt")
    load_files(writer, [DATA / "kette.ttl"], g)
    with pytest.raises(ValidationFailed):
        load_files(writer, [DATA / "handlungsziel-ohne-leitziel.ttl"], g)
    [result] = load_files(writer, [DATA / "kette.ttl"], g)  # the same triples again: nothing changes
    assert result.report.conforms


HALT_MID_COMMIT = """
import sys
from integrationsgraph.cli.main import main
from integrationsgraph.graph.store import embedded

commit = embedded.EmbeddedStore._commit


class Halting(list):
    def __iter__(self):
        for n, item in enumerate(list.__iter__(self)):
            if n == len(self) // 2:
                print("halfway", n, flush=True)
                sys.stdin.readline()  # blocks inside the transaction until the test kills the process
            yield item


def halting_commit(self, changes):
    return commit(self, [embedded.Change(c.graph, Halting(c.add), c.remove, c.replace) for c in changes])


embedded.EmbeddedStore._commit = halting_commit
sys.argv[0] = "integrationsgraph"
main()
"""
"""``integrationsgraph`` whose commit stops halfway through the triples it adds (inside the transaction)."""


@pytest.mark.slow
def test_sigkill_during_a_large_load_leaves_the_last_committed_state(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    big = tmp_path / "gross.nt"
    with big.open("w") as f:
        for i in range(300_000):
            f.write(f'<https://w3id.org/integrationsgraph/id/gross/x{i}> <http://example.org/p> "{i}" .\n')
    env = {**os.environ, "INTEGRATIONSGRAPH_STORE": str(store_path)}
    cli = [sys.executable, "-m", "integrationsgraph"]
    subprocess.run([*cli, "load", str(DATA / "kette.ttl"), "--graph", "teststadt"], env=env, check=True, timeout=120)
    before = EmbeddedStore(store_path)
    committed = set(before.native)
    before.close()

    # The CLI, stopped halfway through the commit: HALT_MID_COMMIT says so on stdout, and waits to be killed.
    halting = [sys.executable, "-c", HALT_MID_COMMIT, "load", str(big), "--graph", "gross"]
    with subprocess.Popen(halting, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        try:
            line = proc.stdout.readline()  # EOF (the process ended) gives ""
            assert line.startswith("halfway"), f"the load ended before its commit (exit code {proc.wait(30)})"
            assert int(line.split()[1]) == 150_000
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    after = EmbeddedStore(store_path)
    try:
        assert after.count(graph_iri("gross")) == 0, "a load killed before its commit must leave nothing"
        assert {q for q in after.native if q.graph_name.value != graph_iri("gross")} == committed
    finally:
        after.close()


def test_a_bulk_load_keeps_personal_data_private_and_equals_a_normal_load(tmp_path: Path, shapes: Shapes) -> None:
    folder = ROOT / "data" / "musterstadt"
    g = graph_iri("musterstadt")
    stores = {}
    for bulk in (False, True):
        store = EmbeddedStore(tmp_path / f"bulk-{bulk}")
        load_files(WritePath(store, shapes), [folder], g, bulk=bulk)
        stores[bulk] = store
    for graph in (g, g + "/privat"):
        assert set(stores[True].triples(graph)) == set(stores[False].triples(graph)), graph
    assert stores[True].count(g + "/privat") > 0  # the fictional person went to the companion graph
    assert stores[True].revision() != "0"


def test_a_bulk_load_with_one_invalid_file_writes_nothing(tmp_path: Path, shapes: Shapes) -> None:
    store = EmbeddedStore(tmp_path / "store")
    bad = REPO / "tests" / "data" / "core" / "handlungsziel-ohne-leitziel.ttl"
    with pytest.raises(ValidationFailed):
        load_files(WritePath(store, shapes), [ROOT / "data" / "musterstadt", bad], graph_iri("probe"), bulk=True)
    assert store.graphs() == []
