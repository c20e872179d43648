"""Latency of one validated REST-style write (create a Maßnahme) as the store grows (issue 4).

Run: .venv/bin/python benchmarks/write_latency.py [--repeat N] [--sizes 0,1,10,30]

Each store is on disk (a temporary folder) and holds Rheine and Musterstadt plus ``n`` generated fictional
municipalities (``graph.datasets.generate``, ≈ 10k triples each). The write is
``graph.resources.crud.create`` — the same call the REST API makes: build the triples, check the IRI is free
under the write lock, validate the change's neighbourhood with SHACL, commit. Reported: median and 90th
percentile over ``--repeat`` writes, into Musterstadt and into the first fictional municipality, and the ratio
to the smallest store (the baseline measured in the same run); and the same writes without their history entry
(``WritePath.record_history``, alternating write by write), so the last column is what recording costs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ROOT, Settings
from integrationsgraph.graph.datasets import generate
from integrationsgraph.graph.resources.crud import create
from integrationsgraph.graph.resources.kinds import KINDS
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath

BASE = "https://w3id.org/integrationsgraph/id/"
FIRST = """
PREFIX kio: <https://w3id.org/integrationsgraph/ontology#>
SELECT ?hz ?lead WHERE { ?m a kio:Massnahme ; kio:traegtBeiZu ?hz ; kio:federfuehrend ?lead } LIMIT 1
"""


def targets(store: EmbeddedStore, dataset: str) -> tuple[str, str]:
    rows = store.query(FIRST, default_graphs=[f"https://w3id.org/integrationsgraph/graph/{dataset}"])
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        hz, lead = row["hz"], row["lead"]
        assert isinstance(hz, ox.NamedNode) and isinstance(lead, ox.NamedNode)
        return hz.value, lead.value
    raise SystemExit(f"{dataset}: no Maßnahme to copy the links from")


def writes(writer: WritePath, dataset: str, repeat: int, tag: str) -> list[float]:
    hz, lead = targets(writer.store, dataset)  # type: ignore[arg-type]
    times = []
    for i in range(repeat):
        data = {
            "label": {"de": f"Benchmark-Maßnahme {tag} {i} (fiktiv)"},
            "code": f"BENCH-{tag}-{i}",
            "fiktiv": True,
            "handlungsziele": [hz],
            "federfuehrend": lead,
            "status": "geplant",
        }
        start = time.perf_counter()
        create(writer, BASE, dataset, KINDS["massnahmen"], data, f"benchmark-{tag}-{i}")
        times.append(time.perf_counter() - start)
    return times


def p90(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.9 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sizes", default="0,1,10,30", help="numbers of generated municipalities")
    args = parser.parse_args()
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            store = EmbeddedStore(Path(tmp) / "store")
            writer = WritePath(store, shapes)
            bootstrap(writer, Settings(store=Path(tmp) / "store"))
            if n:
                store.native.extend(generate.municipalities(n))
            size = store.count()
            writes(writer, "musterstadt", 3, f"warm{n}")  # first calls compile pyshacl's shapes
            ms, off = [], []
            for i in range(args.repeat):  # alternating: with and without the history entry, what recording costs
                ms += writes(writer, "musterstadt", 1, f"m{n}-{i}")
                writer.record_history = False
                off += writes(writer, "musterstadt", 1, f"o{n}-{i}")
                writer.record_history = True
            fk = writes(writer, generate.dataset_name(1), args.repeat, f"f{n}") if n else []
            rows.append((n, size, ms, fk, off))
            store.close()
    base = statistics.median(rows[0][2])
    print(
        f"{'generated':>9} {'quads':>9} {'Musterstadt median':>19} {'p90':>8} {'ratio':>6} {'fiktiv-001 median':>18}"
        f" {'without history':>16} {'history ×':>9}"
    )
    for n, size, ms, fk, off in rows:
        med = statistics.median(ms)
        fk_text = f"{statistics.median(fk) * 1000:15.1f} ms" if fk else f"{'—':>18}"
        without = statistics.median(off)
        print(
            f"{n:>9} {size:>9} {med * 1000:16.1f} ms {p90(ms) * 1000:5.1f} ms {med / base:6.2f} {fk_text}"
            f" {without * 1000:13.1f} ms {med / without:9.2f}"
        )


if __name__ == "__main__":
    main()
