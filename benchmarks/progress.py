"""Progress of every indicator (issue 14): read + assess all indicators of 100 fictional municipalities.

Goal: progress for every indicator of 100 municipalities under 5 s in total. Baseline in the same run: reading
alone (``graph.monitoring.series.indicators``, five queries per dataset); the method (``assess_all``) is pure Python
on top. Also measured: refreshing one dataset's assessment graph (what every write to a dataset adds, the
``…/fortschritt`` deriver of the write path), on the embedded on-disk store.

Run: .venv/bin/python benchmarks/progress.py [--towns 100] [--repeat 3]
Report only (no thresholds); times are medians of ``--repeat`` runs. The municipalities come from
``graph.datasets.generate`` (fictional, ≈ 150 indicators with 5 yearly values and a target each).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integrationsgraph.graph.core.config import dataset_name
from integrationsgraph.graph.datasets.generate import municipalities
from integrationsgraph.graph.monitoring.assessments import refresh
from integrationsgraph.graph.monitoring.progress import assess_all
from integrationsgraph.graph.monitoring.series import indicators
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.graphs import dataset_graphs

BASE = "https://w3id.org/integrationsgraph/id/"


def median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def measure(store: EmbeddedStore, where: str, towns: int, repeat: int) -> list[str]:
    names = sorted(dataset_name(g) for g in dataset_graphs(store))

    def read() -> int:
        return sum(len(indicators(store, n)) for n in names)

    def read_and_assess() -> int:
        return sum(len(assess_all(indicators(store, n))) for n in names)

    read()  # warm up
    t_read, count = median(read, repeat)
    t_all, _ = median(read_and_assess, repeat)
    t_refresh, triples = median(lambda: refresh(store, names[0], BASE), repeat)
    per = t_read / len(names)
    return [
        f"| {where} | {towns} | {count:,} | {t_read:.2f} s (1.00) | {t_all:.2f} s ({t_all / t_read:.2f}) | "
        f"{t_all / len(names) * 1000:.0f} ms | {t_refresh * 1000:.0f} ms, {triples:,} triples ({t_refresh / per:.2f}) |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = [
        f"## Progress of every indicator: {args.towns} fictional municipalities (goal: read + assess < 5 s)",
        "",
        "| store | towns | indicators | read all (baseline) | read + assess all (× read) | per dataset | "
        "refresh one …/fortschritt (× one read) |",
        "|---|---|---|---|---|---|---|",
    ]
    # Each store is filled from the generator: a list of a million quads kept alive would make every garbage
    # collection walk it and slow everything measured here down.
    memory = EmbeddedStore(None)
    memory.native.extend(municipalities(args.towns, 0))
    rows += measure(memory, "in memory", args.towns, args.repeat)
    print(rows[-1], flush=True)
    memory.close()
    with tempfile.TemporaryDirectory() as tmp:
        disk = EmbeddedStore(Path(tmp) / "store")
        disk.native.bulk_extend(municipalities(args.towns, 0))
        rows += measure(disk, "on disk", args.towns, args.repeat)
        disk.close()
    print("\n".join(rows))


if __name__ == "__main__":
    main()
