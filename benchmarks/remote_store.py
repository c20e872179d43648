"""The remote store (a real ``oxigraph serve`` over HTTP) against the embedded store, in the same run (issue 8).

Run: .venv/bin/python benchmarks/remote_store.py [--repeat N] [--sizes 0,5]

For each size, both stores hold Rheine and Musterstadt (loaded by ``bootstrap``) plus ``n`` generated
fictional municipalities. Measured on each, through the :class:`graph.store.embedded.Store` protocol:
- the example queries in ``queries/`` without parameters (median over ``--repeat`` runs, rows consumed),
- one validated write: ``graph.resources.crud.create`` of a Maßnahme, the REST API's call (validation included).
Reported: medians and the ratio remote / embedded. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.write_latency import writes
from integrationsgraph.graph.core.config import ROOT, Settings
from integrationsgraph.graph.datasets import generate
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore, Store
from integrationsgraph.graph.store.remote import RemoteStore
from integrationsgraph.graph.write.load import bootstrap
from integrationsgraph.graph.write.path import WritePath

QUERIES = ["zentrale-akteure", "handlungsziele-ohne-massnahme", "akteure-in-mehreren-feldern"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_oxigraph(location: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    exe = Path(sys.executable).parent / "oxigraph"
    proc = subprocess.Popen(
        [str(exe), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/", timeout=1)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("oxigraph serve did not start")


def fill(store: Store, shapes: Shapes, settings: Settings, n: int) -> WritePath:
    writer = WritePath(store, shapes)
    bootstrap(writer, settings)
    if n:
        by_graph: dict[str, list] = {}  # type: ignore[type-arg]
        for q in generate.municipalities(n):
            by_graph.setdefault(q.graph_name.value, []).append(q.triple)  # type: ignore[union-attr]
        for g, triples in by_graph.items():
            store.commit([Change(g, add=triples)])
    return writer


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure(writer: WritePath, repeat: int, tag: str) -> dict[str, float]:
    store = writer.store
    out: dict[str, float] = {}
    for name in QUERIES:
        text = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
        out[f"query {name}"] = median_ms(lambda text=text: list(store.query(text)), repeat)  # type: ignore[misc, arg-type]
    writes(writer, "musterstadt", 3, f"warm-{tag}")
    out["validated write (create a Maßnahme)"] = statistics.median(writes(writer, "musterstadt", repeat, tag)) * 1000
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--sizes", default="0,5", help="numbers of generated municipalities")
    args = parser.parse_args()
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    print("| generated | quads | figure | embedded | remote (oxigraph serve) | remote / embedded |")
    print("|---|---|---|---|---|---|")
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(store=Path(tmp) / "store")
            embedded = EmbeddedStore(Path(tmp) / "store")
            proc, base = start_oxigraph(Path(tmp) / "oxigraph")
            remote = RemoteStore(f"{base}/query", f"{base}/update")
            try:
                local = measure(fill(embedded, shapes, settings, n), args.repeat, f"e{n}")
                far = measure(fill(remote, shapes, settings, n), args.repeat, f"r{n}")
                size = embedded.count()
                for key, value in local.items():
                    print(f"| {n} | {size:,} | {key} | {value:.1f} ms | {far[key]:.1f} ms | {far[key] / value:.2f}× |")
            finally:
                remote.close()
                embedded.close()
                proc.terminate()
                proc.wait(timeout=30)


if __name__ == "__main__":
    main()
