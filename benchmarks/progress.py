"""Progress of every indicator (issue 14): read + assess all indicators of 100 fictional municipalities.

Goal: progress for every indicator of 100 municipalities under 5 s in total. Baseline in the same run: the triples
the reader needs, turned into pyoxigraph objects (``Store.having`` with the properties the reader scanned before,
issue 14's previous step): a dataset graph's needed triples as Python objects, nothing built from them. Measured
against it: reading (``graph.monitoring.series.indicators``: one SELECT per dataset, rows as SPARQL TSV) and reading
+ assessing (``assess_all``, pure Python on top). Also measured: refreshing one dataset's assessment graph (what
every write to a dataset adds, the ``…/fortschritt`` deriver of the write path).

Run: .venv/bin/python benchmarks/progress.py [--towns 100] [--repeat 3]
Report only (no thresholds); times are medians of ``--repeat`` runs. The municipalities come from
``graph.datasets.generate`` (fictional, ≈ 143 indicators with 5 yearly values and a target each).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import dataset_name, graph_iri
from integrationsgraph.graph.core.iris import DCT, KIO, RDF, SDMX_DIM
from integrationsgraph.graph.datasets.generate import municipalities
from integrationsgraph.graph.monitoring.assessments import refresh
from integrationsgraph.graph.monitoring.progress import assess_all
from integrationsgraph.graph.monitoring.series import LINKS, PROPERTIES, indicators
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.graphs import dataset_graphs

BASE = "https://w3id.org/integrationsgraph/id/"
GOAL = 5.0
NEEDED = [
    ox.NamedNode(p)
    for p in dict.fromkeys(
        [
            RDF + "type",
            *PROPERTIES,
            *(p.value for p in LINKS),
            *(KIO + p for p in ("stichtag", "wert", "einheit", "geschlecht", "altersgruppe", "gemeinde")),
            *(KIO + p for p in ("zieldatum", "zielwert", "ausgangsdatum", "ausgangswert")),
            SDMX_DIM + "refArea",
            DCT + "issued",
        ]
    )
]
"""The properties the reader scanned before it read with one SELECT: the baseline reads their triples."""


def median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def measure(store: EmbeddedStore, where: str, towns: int, repeat: int) -> list[str]:
    names = sorted(dataset_name(g) for g in dataset_graphs(store))

    def baseline() -> int:
        return sum(len(v) for n in names for v in store.having(graph_iri(n), NEEDED).values())

    def read() -> int:
        return sum(len(indicators(store, n)) for n in names)

    def read_and_assess() -> int:
        return sum(len(assess_all(indicators(store, n))) for n in names)

    read()  # warm up
    t_base, triples = median(baseline, repeat)
    t_read, count = median(read, repeat)
    t_all, _ = median(read_and_assess, repeat)
    t_refresh, written = median(lambda: refresh(store, names[0], BASE), repeat)
    per = t_read / len(names)
    return [
        f"| {where} | {towns} | {count:,} | {t_base:.2f} s, {triples:,} triples (1.00) | "
        f"{t_read:.2f} s ({t_read / t_base:.2f}) | {t_all:.2f} s ({t_all / t_base:.2f}) | "
        f"{('met' if t_all < GOAL else 'not met') if towns >= 100 else '–'} | {t_all / len(names) * 1000:.0f} ms | "
        f"{t_refresh * 1000:.0f} ms, {written:,} triples ({t_refresh / per:.2f}) |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = [
        f"## Progress of every indicator: {args.towns} fictional municipalities (goal: read + assess < {GOAL:g} s)",
        "",
        "| store | towns | indicators | baseline: the needed triples as pyoxigraph objects | read all (× baseline) | "
        f"read + assess all (× baseline) | goal (100 towns < {GOAL:g} s) | per dataset | "
        "refresh one …/fortschritt (× one read) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    # Each store is filled from the generator: a list of a million quads kept alive would make every garbage
    # collection walk it and slow everything measured here down.
    memory = EmbeddedStore(None)
    memory.native.extend(municipalities(args.towns, 0))
    rows += measure(memory, "in memory", args.towns, args.repeat)
    print(rows[-1], file=sys.stderr, flush=True)  # progress; stdout is the table
    memory.close()
    with tempfile.TemporaryDirectory() as tmp:
        disk = EmbeddedStore(Path(tmp) / "store")
        disk.native.bulk_extend(municipalities(args.towns, 0))
        rows += measure(disk, "on disk", args.towns, args.repeat)
        disk.close()
    print("\n".join(rows))


if __name__ == "__main__":
    main()
