"""Open-data publication (issue 6): time of ``publish`` for Rheine + Musterstadt and for a store of about
100,000 triples (fictional municipalities from ``graph.datasets.generate``), per step, and the size of each artefact.

Run: .venv/bin/python benchmarks/publish.py [--municipalities 9] [--repeat 3] [--out-parent /dev/shm]
Report only (no thresholds). Times are medians of ``--repeat`` runs; the first publish into an empty folder
and a re-publish (a second release) are both measured. Sizes are of the first release.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.datasets.generate import municipalities
from integrationsgraph.graph.publish.build import PublishResult, publish
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.privacy import Privacy
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath


def shipped_store(settings: Settings) -> EmbeddedStore:
    store = EmbeddedStore(None)
    shapes = Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)
    bootstrap(WritePath(store, shapes, Privacy.from_settings(settings)), settings)
    return store


def generated_store(settings: Settings, n: int) -> EmbeddedStore:
    store = EmbeddedStore(None)
    bootstrap(WritePath(store, Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)), settings)
    for name in list(settings.datasets):  # only the generated municipalities
        store.drop(f"https://w3id.org/integrationsgraph/graph/{name}")
    store.native.extend(municipalities(n, 0))
    return store


def run(
    store: EmbeddedStore, settings: Settings, repeat: int, parent: str | None
) -> tuple[PublishResult, float, float]:
    firsts, agains = [], []
    result = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=parent) as tmp:
            out = Path(tmp) / "site"
            start = time.perf_counter()
            first = publish(store, settings, out)
            firsts.append(time.perf_counter() - start)
            start = time.perf_counter()
            publish(store, settings, out)
            agains.append(time.perf_counter() - start)
            result = result or first
    assert result is not None
    return result, statistics.median(firsts), statistics.median(agains)


def sizes(result: PublishResult) -> dict[str, tuple[int, int]]:
    """Artefact group → (files, bytes)."""
    groups: dict[str, list[int]] = defaultdict(list)
    for path, info in result.files.items():
        if path.startswith("id/"):
            key = "resource pages (.html)" if path.endswith(".html") else "resource RDF (.ttl)"
        elif path.startswith("dumps/"):
            key = path
        elif path.startswith("tabellen/"):
            key = "CSV tables"
        elif path.startswith("catalog"):
            key = "catalog (" + path.rsplit(".", 1)[-1] + ")"
        else:
            key = path
        groups[key].append(int(info["bytes"]))
    return {k: (len(v), sum(v)) for k, v in sorted(groups.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--municipalities", type=int, default=9, help="≈ 11,000 triples each")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out-parent", default=None, help="where the sites are written (default: the temp folder)")
    args = parser.parse_args()
    settings = Settings()
    cases = [
        ("Rheine + Musterstadt", shipped_store(settings)),
        (f"{args.municipalities} fictional municipalities", generated_store(settings, args.municipalities)),
    ]
    for title, store in cases:
        triples = store.count()
        result, first, again = run(store, settings, args.repeat, args.out_parent)
        print(f"## {title}: {triples} quads in the store, {sum(result.datasets.values())} public dataset triples")
        print()
        where = args.out_parent or tempfile.gettempdir()
        print(
            f"publish into an empty folder: {first:.2f} s; second release into the same folder: {again:.2f} s ({where})"
        )
        print("steps (first run): " + ", ".join(f"{k} {v:.2f} s" for k, v in result.steps.items()))
        print()
        print("| artefact | files | bytes |")
        print("|---|---|---|")
        for key, (files, size) in sizes(result).items():
            print(f"| {key} | {files} | {size:,} |")
        print(f"| **total** | {len(result.files)} | {result.total_bytes():,} |")
        print()


if __name__ == "__main__":
    main()
