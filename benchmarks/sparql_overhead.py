"""Protocol overhead of /sparql: the example-query mix through the real server (loopback, keep-alive)
against the same queries run directly on pyoxigraph (parse, run, serialise as SPARQL JSON), and against
rdflib-endpoint serving the same data (``pip install -e '.[bench]'``). A report, not a test.

The data is FICTIONAL: Musterstadt (itself fictional) copied N times with its IRIs renamed
(``…/id/musterstadt/`` → ``…/id/fiktiv-bench-NNN/``), one named graph per copy.

    .venv/bin/python benchmarks/sparql_overhead.py --sizes 10000 100000 --repeat 15
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from integrationsgraph.graph.sparql.examples import examples  # noqa: E402

BASE = "https://w3id.org/integrationsgraph/id/"
GRAPHS = "https://w3id.org/integrationsgraph/graph/"


def fictional(copies: int) -> list[ox.Quad]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "musterstadt").glob("*.ttl")))
    quads: list[ox.Quad] = []
    for i in range(copies):
        name = f"fiktiv-bench-{i:03d}"
        renamed = text.replace(f"{BASE}musterstadt/", f"{BASE}{name}/")
        graph = ox.NamedNode(f"{GRAPHS}{name}")
        for q in ox.parse(renamed.encode(), format=ox.RdfFormat.TURTLE, lenient=True):
            quads.append(ox.Quad(q.subject, q.predicate, q.object, graph))
    return quads


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):
        if proc.poll() is not None:
            raise SystemExit(f"server {url} exited")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"server {url} did not start")


def median_ms(run: object, queries: list[str], repeat: int) -> list[float]:
    out = []
    for q in queries:
        run(q)  # type: ignore[operator]  # warm-up
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            run(q)  # type: ignore[operator]
            times.append((time.perf_counter() - t) * 1000)
        out.append(statistics.median(times))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--no-rdflib", action="store_true")
    args = parser.parse_args()
    queries = [ex.text for ex in examples()]
    names = [ex.name for ex in examples()]
    per_copy = len(fictional(1))
    for size in args.sizes:
        copies = max(1, round(size / per_copy))
        quads = fictional(copies)
        work = Path(tempfile.mkdtemp(prefix="sparql-bench-"))
        try:
            store = ox.Store(str(work / "store"))
            store.bulk_extend(quads)
            store.flush()

            def direct(q: str, s: ox.Store = store) -> bytes:
                r = s.query(q, use_default_graph_as_union=True)
                assert isinstance(r, ox.QuerySolutions)
                return r.serialize(format=ox.QueryResultsFormat.JSON) or b""

            t_direct = median_ms(direct, queries, args.repeat)
            del direct, store
            gc.collect()  # release the RocksDB lock before the server opens the folder
            p = port()
            env = {
                **os.environ,
                "INTEGRATIONSGRAPH_STORE": str(work / "store"),
                "INTEGRATIONSGRAPH_DATASETS": "[]",
                "INTEGRATIONSGRAPH_RESULT_LIMIT": "100000",
            }
            server = subprocess.Popen(
                [sys.executable, "-m", "integrationsgraph", "serve", "--host", "127.0.0.1", "--port", str(p)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait(f"http://127.0.0.1:{p}/health", server)
                client = httpx.Client(headers={"Accept": "application/sparql-results+json"}, timeout=120)

                def ours(q: str, c: httpx.Client = client, u: str = f"http://127.0.0.1:{p}/sparql") -> bytes:
                    r = c.post(u, content=q.encode(), headers={"Content-Type": "application/sparql-query"})
                    r.raise_for_status()
                    return r.content

                t_ours = median_ms(ours, queries, args.repeat)
            finally:
                server.terminate()
                server.wait()
            t_rdflib: list[float] = []
            if not args.no_rdflib and shutil.which("rdflib-endpoint", path=str(Path(sys.executable).parent)):
                nt = work / "data.nt"
                nt.write_bytes(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b"")
                p2 = port()
                rdf = subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "rdflib-endpoint"),
                        *("serve", "--host", "127.0.0.1", "--port", str(p2), str(nt)),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                try:
                    wait(f"http://127.0.0.1:{p2}/?query=ASK%7B%7D", rdf)
                    client2 = httpx.Client(headers={"Accept": "application/sparql-results+json"}, timeout=600)

                    def theirs(q: str, c: httpx.Client = client2, u: str = f"http://127.0.0.1:{p2}/") -> bytes:
                        r = c.post(u, data={"query": q})
                        r.raise_for_status()
                        return r.content

                    t_rdflib = median_ms(theirs, queries, max(3, args.repeat // 5))
                finally:
                    rdf.terminate()
                    rdf.wait()
            total = len(quads)
            print(f"\n## {total} triples ({copies} fictional copies of Musterstadt), medians in ms")
            print("| query | pyoxigraph | /sparql | ratio | rdflib-endpoint | rdflib / ours |")
            print("|---|---|---|---|---|---|")
            for i, name in enumerate(names):
                rd = f"{t_rdflib[i]:.1f} | {t_rdflib[i] / t_ours[i]:.0f}×" if t_rdflib else "— | —"
                print(f"| {name} | {t_direct[i]:.2f} | {t_ours[i]:.2f} | {t_ours[i] / t_direct[i]:.2f} | {rd} |")
            md, mo = statistics.median(t_direct), statistics.median(t_ours)
            line = f"| **median of the mix** | {md:.2f} | {mo:.2f} | {mo / md:.2f} |"
            if t_rdflib:
                mr = statistics.median(t_rdflib)
                line += f" {mr:.1f} | {mr / mo:.0f}× |"
            else:
                line += " — | — |"
            print(line)
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
