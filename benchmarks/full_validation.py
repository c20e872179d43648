"""Full validation of a store: pyshacl (the reference) against the shapes compiled to SPARQL, in the same run.

At ~10k, ~100k and ~1M triples (1, 10, 100 FICTIONAL municipalities from ``graph.datasets.generate``, bulk-loaded into
an on-disk store without validation), each size timed as:

* pyshacl on one rdflib graph holding every dataset (skipped at 100 municipalities unless ``--full``);
* pyshacl per dataset (``validate_store(..., engine="pyshacl")``; skipped at 100 unless ``--full``);
* the SPARQL engine per dataset (``validate_store``, the default), in this process;
* the SPARQL engine per dataset in 2 worker processes, each with the store opened read-only.

The table gives seconds (one run each) and the number of results; where pyshacl ran, the SPARQL engine's
results are compared with it (``same``). A report, not a test:

    .venv/bin/python benchmarks/full_validation.py --sizes 1,10
    .venv/bin/python benchmarks/full_validation.py --sizes 100          # SPARQL engine only at ~1M
    .venv/bin/python benchmarks/full_validation.py --sizes 100 --full   # pyshacl too (several minutes)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrationsgraph.graph.core.config import ROOT as APP_ROOT  # noqa: E402
from integrationsgraph.graph.core.report import Report, Result  # noqa: E402
from integrationsgraph.graph.datasets.generate import municipalities  # noqa: E402
from integrationsgraph.graph.rdf.io import rdflib_graph  # noqa: E402
from integrationsgraph.graph.shacl.engine import SparqlValidator  # noqa: E402
from integrationsgraph.graph.shacl.validate import Shapes, validate  # noqa: E402
from integrationsgraph.graph.store.embedded import EmbeddedStore  # noqa: E402
from integrationsgraph.graph.store.graphs import dataset_graphs  # noqa: E402
from integrationsgraph.graph.store.privacy import WithCompanions, has_companion, private_graph  # noqa: E402
from integrationsgraph.graph.write.load import validate_store  # noqa: E402

_worker: tuple[ox.Store, SparqlValidator] | None = None


def _open(path: str) -> None:
    global _worker
    _worker = (ox.Store.read_only(path), SparqlValidator(Shapes.from_dirs(APP_ROOT / "shapes", APP_ROOT / "ontology")))


def _validate(graph: str) -> tuple[str, Report]:
    assert _worker is not None
    store, engine = _worker
    report = engine.validate(store, [graph, private_graph(graph)] if has_companion(graph) else [graph])
    return graph, Report(report.conforms, report.results)  # the results travel back, not the raw rows


def keys(reports: dict[str, Report]) -> list[tuple[str, str, str | None, str | None, str]]:
    return sorted(key(r) for rep in reports.values() for r in rep.results)


def key(r: Result) -> tuple[str, str, str | None, str | None, str]:
    return (r.severity, r.focus, r.path, r.value, r.shape)


def timed(fn: object) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()  # type: ignore[operator]
    return time.perf_counter() - start, out


def run(n: int, full: bool, shapes: Shapes, folder: Path) -> list[str]:
    path = folder / f"store-{n}"
    store = EmbeddedStore(path)
    store.native.bulk_extend(municipalities(n))
    triples = len(store.native)
    graphs = dataset_graphs(store)
    rows = []
    reference: list[tuple[str, str, str | None, str | None, str]] | None = None

    def row(what: str, seconds: float | None, results: object) -> None:
        shown = f"{seconds:.2f}" if seconds is not None else "–"
        rows.append(f"| {n} | {triples:,} | {what} | {shown} | {results} |")

    if n < 100 or full:
        read = WithCompanions(store)
        one = rdflib_graph(t for g in graphs for t in read.triples(g))
        seconds, report = timed(lambda: validate(one, shapes))
        assert isinstance(report, Report)
        row("pyshacl, one rdflib graph", seconds, len(report.results))
        seconds, reports = timed(lambda: validate_store(store, shapes, engine="pyshacl"))
        assert isinstance(reports, dict)
        reference = keys(reports)
        row("pyshacl per dataset", seconds, len(reference))
    else:
        row("pyshacl (skipped, `--full`)", None, "–")
    seconds, reports = timed(lambda: validate_store(store, shapes))
    assert isinstance(reports, dict)
    mine = keys(reports)
    same = "" if reference is None else (", same as pyshacl" if mine == reference else ", DIFFERENT from pyshacl")
    row("SPARQL engine per dataset", seconds, f"{len(mine)}{same}")
    store.close()
    start = time.perf_counter()
    with ProcessPoolExecutor(2, initializer=_open, initargs=(str(path),)) as pool:
        parallel = dict(pool.map(_validate, graphs, chunksize=max(1, len(graphs) // 8)))
    seconds = time.perf_counter() - start
    same = ", same" if keys(parallel) == mine else ", DIFFERENT"
    row("SPARQL engine, 2 processes (incl. start-up)", seconds, f"{len(keys(parallel))}{same}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10", help="numbers of fictional municipalities (1 ≈ 10k triples)")
    parser.add_argument("--full", action="store_true", help="run pyshacl at 100 municipalities too")
    args = parser.parse_args()
    shapes = Shapes.from_dirs(APP_ROOT / "shapes", APP_ROOT / "ontology")
    print("| municipalities | triples | validation | seconds | results |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            for line in run(n, args.full, shapes, Path(tmp)):
                print(line, flush=True)


if __name__ == "__main__":
    main()
