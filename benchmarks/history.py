"""Listing a dataset's history of 10,000 entries, and recording one (issue 15).

Run: .venv/bin/python benchmarks/history.py [--entries 10000] [--repeat 20]

An on-disk store gets ``--entries`` small validated writes to one dataset (each a new label; every one makes a
history entry), then the first page of ``history.listing`` (50 newest of all) is timed, against a baseline in the
same run: reading the same graph's entry heads with one ``Store.having`` of a single property.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
from integrationsgraph.graph.write import history
from integrationsgraph.graph.write.path import WritePath

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store")
        writer = WritePath(store, shapes)
        g = graph_iri("verlaufbench")
        start = time.perf_counter()
        for i in range(args.entries):
            node = ox.NamedNode(f"https://w3id.org/integrationsgraph/id/verlaufbench/probe/{i}")
            writer.write(Change(g, add=[ox.Triple(node, LABEL, ox.Literal(f"Probe {i} (fiktiv)"))]))
        made = time.perf_counter() - start
        listing, baseline = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            total, page = history.listing(store, "verlaufbench", limit=50)
            listing.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            store.having(history.history_graph("verlaufbench"), [history.IDENTIFIER])
            baseline.append(time.perf_counter() - t0)
        assert total == args.entries and len(page) == 50
        store.close()
    lst, base = statistics.median(listing), statistics.median(baseline)
    print(f"{args.entries} writes with history: {made:.1f} s ({made / args.entries * 1000:.2f} ms each)")
    print(f"history listing, first page of {total}: median {lst * 1000:.1f} ms")
    print(f"baseline (one property of every entry): median {base * 1000:.1f} ms; ratio {lst / base:.1f}")


if __name__ == "__main__":
    main()
