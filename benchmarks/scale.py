"""Every figure of the scale-and-speed issue at ~10k, ~100k and ~1M triples, each next to its baselines measured in
the same run, as one Markdown table (plus per-query details) with the machine's description.

Run: .venv/bin/python benchmarks/scale.py [--sizes 1,10,100] [--quick] [-o FILE]    (or: scripts/bench-scale)

Sizes are numbers of FICTIONAL municipalities (``integrationsgraph generate``, cached under
``$TMPDIR/integrationsgraph-scale-cache``; 1 ≈ 10k, 10 ≈ 100k, 100 ≈ 1M triples). Per size, in a temporary
folder: the data is loaded with ``integrationsgraph load`` into an on-disk store (Rheine and Musterstadt come
with the first start); that store, dumped as N-Quads, is what every baseline gets. Then: the example queries
(``queries/*.rq``) directly on pyoxigraph (parse, run, SPARQL JSON), through a real ``integrationsgraph serve``
(``/sparql``, loopback, keep-alive), through ``oxigraph serve``, rdflib's memory store and rdflib-endpoint;
ASK with 8 concurrent keep-alive clients against our server and Oxigraph's; one validated write over HTTP
(``POST /api/fiktiv-001/massnahmen``) against pyshacl with focus_nodes + use_shapes; ``validate_store`` against
pyshacl over one rdflib graph; the network metrics against networkx's betweenness; the peak RSS of the serve
process and its query workers while the query mix and the throughput run. Once per run: our actor map of
2,000 actors against pyvis's defaults, in headless chromium. ``--quick``: fewer repeats, shorter caps, and no
rdflib-endpoint or pyshacl-one-graph above 100k triples. A report, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import networkx as nx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._scale_common import (
    BIN,
    WRITE_TOKEN,
    PeakRSS,
    data_file,
    have,
    median_ms,
    oxigraph_serve,
    rdflib_endpoint,
    serve,
    throughput,
    timed,
)
from benchmarks._scale_table import Size, details, label, summary
from benchmarks.analysis import store_of
from benchmarks.run_all import machine
from integrationsgraph.graph.core.config import ROOT
from integrationsgraph.graph.network.metrics import analyse
from integrationsgraph.graph.network.read import collaboration_graph, knowledge_graph, scope
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sparql.examples import examples
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import validate_store

KNOWN = {  # measured in earlier runs, for the cells --quick leaves out
    "endpoint": "skipped (known: 308 ms for the ranking query at 100k, minutes for the mix at 1M; PERFORMANCE.md)",
    "full": "skipped (known: 93 s at 1M; PERFORMANCE.md)",
}
SPARQL_QUERY = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
TARGETS = """PREFIX kio: <https://w3id.org/integrationsgraph/ontology#>
SELECT ?hz ?lead WHERE { GRAPH <https://w3id.org/integrationsgraph/graph/fiktiv-001> {
  ?m a kio:Massnahme ; kio:traegtBeiZu ?hz ; kio:federfuehrend ?lead } } ORDER BY ?m LIMIT 1"""


def log(text: str) -> None:
    print(f"scale: {text}", file=sys.stderr, flush=True)


def load_ours(data: Path, store: Path) -> tuple[float, str]:
    """Our documented load path (``integrationsgraph load``, with ``--bulk`` once it has one): seconds, name."""
    cli = str(BIN / "integrationsgraph")
    bulk = "--bulk" in subprocess.run([cli, "load", "--help"], capture_output=True, text=True).stdout
    cmd = [cli, "load", "--store", str(store), *(["--bulk"] if bulk else []), str(data)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - start
    reported = [float(x) for x in re.findall(r"in ([0-9.]+) s", done.stdout)]
    how = f"`integrationsgraph load{' --bulk' if bulk else ''}`, {wall:.1f} s with start-up"
    return (max(reported) if reported else wall), how


def served_mix(base: str, path: str, repeat: int, timeout: float) -> tuple[dict[str, float], dict[str, int]]:
    times, rows = {}, {}
    with httpx.Client(timeout=timeout) as client:
        for ex in examples():

            def run(text: str = ex.text) -> httpx.Response:
                r = client.post(base + path, content=text.encode(), headers=SPARQL_QUERY)
                r.raise_for_status()
                return r

            times[ex.name] = median_ms(run, repeat)
            rows[ex.name] = len(run().json()["results"]["bindings"])
    return times, rows


def endpoint_mix(nq: Path, repeat: int, cap: float) -> dict[str, float | None]:
    """rdflib-endpoint: a query past ``cap`` counts as None, and the server is restarted (it is still busy)."""
    out: dict[str, float | None] = {}
    pending = list(examples())
    while pending:
        with rdflib_endpoint(nq) as url, httpx.Client(timeout=cap) as client:
            while pending:
                ex = pending.pop(0)
                try:
                    out[ex.name] = median_ms(
                        lambda t=ex.text: client.post(url, data={"query": t}).raise_for_status(), repeat
                    )  # type: ignore[misc]
                except httpx.TimeoutException:
                    out[ex.name] = None
                    break
    return out


def writes(base: str, repeat: int) -> list[float]:
    """ms per ``POST /api/fiktiv-001/massnahmen`` (the REST call: build, check, validate, commit)."""
    with httpx.Client(timeout=120, headers={"Authorization": f"Bearer {WRITE_TOKEN}"}) as client:
        r = client.post(f"{base}/sparql", content=TARGETS.encode(), headers=SPARQL_QUERY)
        row = r.raise_for_status().json()["results"]["bindings"][0]
        times = []
        for i in range(repeat + 3):
            body = {
                "label": {"de": f"Benchmark-Maßnahme {i} (fiktiv)"},
                "code": f"SCALE-{i}",
                "fiktiv": True,
                "handlungsziele": [row["hz"]["value"]],
                "federfuehrend": row["lead"]["value"],
                "status": "geplant",
            }
            start = time.perf_counter()
            client.post(f"{base}/api/fiktiv-001/massnahmen", json=body).raise_for_status()
            times.append((time.perf_counter() - start) * 1000)
        return times[3:]  # the first ones compile pyshacl's shapes


def rdflib_side(s: Size, nq: Path, args: argparse.Namespace) -> None:
    import json

    full = not (args.quick and s.n > 10)
    cmd = [sys.executable, str(Path(__file__).resolve().parent / "_scale_rdflib.py"), str(nq)]
    cmd += ["--repeat", str(args.repeat), "--cap", str(args.cap), *(["--full-validation"] if full else [])]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    for line in done.stdout.splitlines():
        v = json.loads(line)
        if v["figure"] == "load":
            s.load_rdflib_s = v["seconds"]
        elif v["figure"] == "query":
            s.rdflib[v["name"]] = v["ms"]
        elif v["figure"] == "focus":
            s.focus_ms = v["ms"]
        elif v["figure"] == "full":
            s.full_pyshacl_s = v["seconds"]
    if not full:
        s.skipped["full"] = KNOWN["full"]


def bulk_load(data: Path, folder: Path) -> float:
    """pyoxigraph's bulk_load of the same file into an empty on-disk store (what a bulk path would use)."""
    seconds = timed(lambda: ox.Store(str(folder)).bulk_load(path=str(data), format=ox.RdfFormat.TRIG))
    gc.collect()
    shutil.rmtree(folder)
    return seconds


def direct_side(s: Size, folder: Path, nq: Path, shapes: Shapes, repeat: int) -> None:
    """The mix directly on pyoxigraph (parse, run, SPARQL JSON) and ``validate_store``; dumps ``nq``."""
    store = EmbeddedStore(folder)
    native = store.native
    s.triples = len(native)
    native.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    for ex in examples():

        def direct(text: str = ex.text) -> bytes:
            r = native.query(text, use_default_graph_as_union=True)
            return r.serialize(format=ox.QueryResultsFormat.JSON) or b""  # type: ignore[union-attr]

        s.direct[ex.name] = median_ms(direct, repeat)
    s.full_s = timed(lambda: validate_store(store, shapes))
    store.close()


def measure(n: int, args: argparse.Namespace, shapes: Shapes) -> Size:
    s = Size(n)
    data = data_file(n)
    work = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    try:
        log(f"{n}: load")
        s.load_s, s.load_how = load_ours(data, work / "store")
        s.load_bulk_s = bulk_load(data, work / "bulk")
        nq = work / "served.nq"
        log(f"{n}: direct queries, full validation")
        direct_side(s, work / "store", nq, shapes, args.repeat)
        gc.collect()  # the serve process opens the folder next (RocksDB allows one)
        log(f"{label(s)}: integrationsgraph serve")
        with serve(work / "store") as (base, pid):
            with PeakRSS(pid) as peak:
                s.ours, s.rows = served_mix(base, "/sparql", args.repeat, args.cap * 10)
                t = throughput(f"{base}/sparql?query=ASK%7B%7D", 8, args.seconds)
            s.rps_ours, s.errors, s.peak_rss = t.per_second, t.errors, peak.peak
            try:
                w = writes(base, args.writes)
                s.write_ms = statistics.median(w)
                s.write_p90_ms = sorted(w)[max(0, round(0.9 * len(w)) - 1)]
            except httpx.HTTPStatusError as exc:  # recorded in the table; the other figures still run
                s.skipped["write"] = f"failed: {exc.response.status_code} {exc.response.text[:120]}"
        log(f"{label(s)}: oxigraph serve")
        with oxigraph_serve(work / "oxigraph", nq) as ox_base:
            s.oxigraph, _rows = served_mix(ox_base, "/query", args.repeat, args.cap * 10)
            s.rps_oxigraph = throughput(f"{ox_base}/query?query=ASK%7B%7D", 8, args.seconds).per_second
        log(f"{label(s)}: rdflib and pyshacl")
        rdflib_side(s, nq, args)
        if args.quick and n > 10:
            s.skipped["endpoint"] = KNOWN["endpoint"]
        elif not have("rdflib-endpoint"):
            s.skipped["endpoint"] = "skipped (not installed: pip install -e '.[bench]')"
        else:
            log(f"{label(s)}: rdflib-endpoint")
            s.endpoint = endpoint_mix(nq, max(1, args.repeat // 3), args.cap)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    log(f"{label(s)}: network metrics")
    mem = store_of(n)
    reps = 1 if n >= 100 else args.repeat
    s.metrics_s = statistics.median(timed(lambda: analyse(knowledge_graph(mem, scope(mem, None)))) for _ in range(reps))
    collab = collaboration_graph(knowledge_graph(mem, scope(mem, None)))
    s.actors = collab.number_of_nodes()
    s.exact_s = timed(lambda: nx.betweenness_centrality(collab))
    s.sampled_s = timed(lambda: nx.betweenness_centrality(collab, k=min(500, s.actors), seed=42))
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,10,100", help="numbers of fictional municipalities, comma-separated")
    ap.add_argument("--quick", action="store_true", help="fewer repeats; no rdflib-endpoint/pyshacl above 100k")
    ap.add_argument("-o", "--out", type=Path, default=None, help="also write the Markdown to this file")
    ap.add_argument("--map-actors", type=int, default=2000, help="actors on our map (0: no browser figure)")
    ap.add_argument("--pyvis-nodes", type=int, default=1000, help="nodes of the pyvis baseline")
    args = ap.parse_args()
    args.repeat, args.writes = (3, 10) if args.quick else (7, 30)
    args.cap, args.seconds = (15.0, 3.0) if args.quick else (60.0, 10.0)
    sizes = sorted({int(x) for x in args.sizes.split(",") if x})
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = machine()
    shapes = Shapes.from_dirs(ROOT / "shapes", ROOT / "ontology")
    analyse(knowledge_graph(store_of(1), scope(store_of(1), None)))  # warm-up: scipy's first import
    results = [measure(n, args, shapes) for n in sizes]
    maps = None
    if args.map_actors:
        from benchmarks._scale_browser import measure as measure_maps

        log("maps in chromium")
        maps = measure_maps(args.map_actors, args.pyvis_nodes, args.cap, 1 if args.quick else 3)
    command = f"benchmarks/scale.py --sizes {','.join(map(str, sizes))}{' --quick' if args.quick else ''}"
    lines = [
        "# Scale benchmark: every figure at ~10k, ~100k and ~1M triples",
        "",
        f"Written by `{command}` on {started}. Each figure is next to its baselines, measured in the same run on",
        "the same data (the loaded store, dumped as N-Quads, is what every baseline gets); the machine is shared",
        'and noisy: read ratios, not absolute times. Goals "at 1M" are judged at 100 municipalities; ✓/✗ = met',
        f'or not, — = no goal at this size. Queries past {args.cap:.0f} s are stopped ("> … s").',
        "",
        "## Machine",
        "",
        *header,
        "",
        "## Summary",
        "",
        *summary(results, maps, args.cap),
        "",
        "Load paths: " + "; ".join(f"{label(s)}: {s.load_how}" for s in results) + ".",
        "",
        "## Details",
        "",
        *details(results, args.cap),
    ]
    text = "\n".join(lines)
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
        log(f"written to {args.out}")


if __name__ == "__main__":
    main()
