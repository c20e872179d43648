"""How long each example query in ``queries/*.rq`` takes directly on pyoxigraph, at ~10k, ~100k and ~1M triples.

The store is in memory: Rheine and Musterstadt (loaded as ``integrationsgraph`` does, through the write
path) plus N FICTIONAL municipalities from ``graph.datasets.generate`` (1, 10, 100; added without validation).
Each query runs with ``store.query(text)`` (default graph = union of all graphs); the table gives the
median of ``--repeat`` runs in ms. Every size runs in a worker process; a query that takes longer than
``--cap`` seconds is stopped (the worker is restarted) and is not run again at the larger sizes.
A report, not a test:

    .venv/bin/python benchmarks/example_queries.py            # 1 and 10 municipalities
    .venv/bin/python benchmarks/example_queries.py --large    # also 100 (~1.2M triples, ~1 GB, a few minutes)
    .venv/bin/python benchmarks/example_queries.py --queries /tmp/old-queries   # another set of .rq files
"""

from __future__ import annotations

import argparse
import json
import selectors
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Also timed with a parameter, as /api/queries/{name}?feld=… runs them (Musterstadt's field "Sprache").
WITH_PARAMETER = {
    "kette-eines-feldes": ("feld", "https://w3id.org/integrationsgraph/id/musterstadt/handlungsfeld/sprache")
}


def build(n: int) -> object:
    """An in-memory store with Rheine, Musterstadt and ``n`` fictional municipalities."""
    from integrationsgraph.graph.core.config import Settings
    from integrationsgraph.graph.datasets.generate import municipalities
    from integrationsgraph.graph.shacl.validate import Shapes
    from integrationsgraph.graph.store.embedded import EmbeddedStore
    from integrationsgraph.graph.write.load import bootstrap
    from integrationsgraph.graph.write.path import WritePath

    settings = Settings()
    store = EmbeddedStore(None)
    bootstrap(WritePath(store, Shapes.from_dirs(settings.shapes_dir, ROOT / "ontology")), settings)
    store.native.extend(municipalities(n))
    return store


def worker(n: int, folder: Path, repeat: int) -> None:
    """Build the store, then answer one query name per stdin line with a JSON line of timings."""
    from integrationsgraph.graph.sparql.examples import examples

    t = time.perf_counter()
    store = build(n)
    import pyoxigraph as ox

    texts = {ex.name: ex.text for ex in examples(folder)}
    print(json.dumps({"triples": len(store.native), "build_s": time.perf_counter() - t}), flush=True)  # type: ignore[attr-defined]
    for line in sys.stdin:
        name = line.strip()
        base, _, bound = name.partition("?")
        bindings = {WITH_PARAMETER[base][0]: ox.NamedNode(WITH_PARAMETER[base][1])} if bound else None
        times, rows = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            rows = len(list(store.query(texts[base], bindings=bindings)))  # type: ignore[attr-defined]
            times.append((time.perf_counter() - t) * 1000)
            if sum(times) > 5000:  # slow: fewer runs
                break
        print(json.dumps({"name": name, "ms": statistics.median(times), "rows": rows}), flush=True)


class Worker:
    def __init__(self, n: int, folder: Path, repeat: int) -> None:
        cmd = [sys.executable, __file__, "--worker", str(n), "--queries", str(folder), "--repeat", str(repeat)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.sel = selectors.DefaultSelector()
        assert self.proc.stdout is not None
        self.sel.register(self.proc.stdout, selectors.EVENT_READ)
        self.info = self.read(None)

    def read(self, timeout: float | None) -> dict[str, object] | None:
        assert self.proc.stdout is not None
        if not self.sel.select(timeout):
            return None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"worker exited with {self.proc.wait()}")
        return dict(json.loads(line))

    def ask(self, name: str, timeout: float) -> dict[str, object] | None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        return self.read(timeout)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=Path, default=ROOT / "queries", help="folder of .rq files")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 10], help="numbers of fictional municipalities")
    ap.add_argument("--large", action="store_true", help="also 100 municipalities (~1.2M triples)")
    ap.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    ap.add_argument("--cap", type=float, default=30.0, help="seconds per run before a query is stopped")
    ap.add_argument("--only", nargs="*", default=None, help="only these query names")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        worker(args.worker, args.queries, args.repeat)
        return

    from integrationsgraph.graph.sparql.examples import examples

    names = []
    for ex in examples(args.queries):
        names += [ex.name] + ([f"{ex.name}?{WITH_PARAMETER[ex.name][0]}"] if ex.name in WITH_PARAMETER else [])
    names = [name for name in names if args.only is None or name in args.only]
    sizes = sorted(set(args.sizes + ([100] if args.large else [])))
    table: dict[str, dict[int, str]] = {name: {} for name in names}
    triples: dict[int, int] = {}
    stopped: set[str] = set()
    for n in sizes:
        w = Worker(n, args.queries, args.repeat)
        assert w.info is not None
        triples[n] = int(str(w.info["triples"]))
        print(f"{n} municipalities: {triples[n]:,} triples, built in {float(str(w.info['build_s'])):.1f} s", flush=True)
        for name in names:
            if name in stopped:
                table[name][n] = "skipped"
                continue
            answer = w.ask(name, args.cap + 10)
            if answer is None:
                table[name][n] = f"> {args.cap:.0f} s"
                stopped.add(name)
                w.stop()
                w = Worker(n, args.queries, args.repeat)
            else:
                ms = float(str(answer["ms"]))
                table[name][n] = f"{ms:,.1f} ({answer['rows']} rows)"
            print(f"  {name}: {table[name][n]}", flush=True)
        w.stop()
    print()
    print("| query | " + " | ".join(f"{triples[n]:,} triples ({n} fikt.)" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in names:
        print(f"| {name} | " + " | ".join(table[name].get(n, "") for n in sizes) + " |")


if __name__ == "__main__":
    main()
