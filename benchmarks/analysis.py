"""Network analysis and maps (issue 5): metrics and map generation at 1, 10 and 100 fictional municipalities,
HTML sizes, and the time until a map is interactive in headless chromium for 200, 1,000 and 2,000 actors.

Run: .venv/bin/python benchmarks/analysis.py [--sizes 1,10,100] [--actors 200,1000,2000] [--repeat 3]
Report only (no thresholds). The municipalities come from ``graph.datasets.generate`` (fictional, ≈ 150 actors and
≈ 250 Maßnahmen each); times are medians of ``--repeat`` runs unless marked "first" (a cold cache).
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from integrationsgraph.graph.datasets.generate import municipalities
from integrationsgraph.graph.network.maps import actor_map, chain_map, field_map
from integrationsgraph.graph.network.metrics import analyse, analyse_store
from integrationsgraph.graph.network.read import collaboration_graph, field_chain, knowledge_graph, nodes_of, scope
from integrationsgraph.graph.network.vis import VisMap, render, server_layout, spring_positions
from integrationsgraph.graph.store.embedded import EmbeddedStore

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PER_MUNICIPALITY = 154  # actors graph.datasets.generate makes per municipality (seed 0)


def median(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def store_of(n: int) -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.native.extend(municipalities(n, 0))
    return store


def scale_rows(sizes: list[int], repeat: int) -> list[str]:
    rows = [
        "| municipalities | triples | actors | links | build graphs (SPARQL) | all metrics | betweenness | "
        "actor map (HTML, served / file) | field map | chain map |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        store = store_of(n)
        graphs = scope(store, None)
        reps = repeat if n < 100 else 1
        t_build, k = median(lambda: knowledge_graph(store, graphs), reps)  # noqa: B023
        t_metrics, result = median(lambda: analyse(k), reps)  # noqa: B023
        top = 2000 if len(nodes_of(k, "akteur")) > 2000 else None
        start = time.perf_counter()
        m = actor_map(k, result, top=top, base_iri="https://w3id.org/integrationsgraph/id/")
        t_actor_first = time.perf_counter() - start
        t_actor, m = median(lambda: actor_map(k, result, top=top), reps)  # noqa: B023
        served, offline = render(m, assets="/maps/assets"), render(m)
        t_field, fm = median(lambda: render(field_map(k, result), assets="/maps/assets"), reps)  # noqa: B023
        field = nodes_of(k, "handlungsfeld")[0]
        t_chain, _ = median(
            lambda: render(chain_map(field_chain(store, graphs, field)), assets="/maps/assets"),  # noqa: B023
            reps,
        )
        shown = f"top {top}" if top else "all"
        rows.append(
            f"| {n} | {len(store.native):,} | {result.counts['akteure']:,} | {result.counts['verbindungen']:,} | "
            f"{t_build:.2f} s | {t_metrics:.2f} s | {result.betweenness['verfahren']} | "
            f"{shown}: first {t_actor_first:.2f} s, cached layout {t_actor:.2f} s; "
            f"{len(served.encode()) // 1024} / {len(offline.encode()) // 1024} KB | "
            f"{t_field:.2f} s, {len(fm.encode()) // 1024} KB | {t_chain:.3f} s |"
        )
        print(rows[-1], flush=True)
    return rows


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless chromium through Playwright (software rendering)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def page_seconds(browser: Browser, path: Path, ready: str, at: str, timeout: float = 600) -> float:
    """Open ``path`` offline (only ``file:`` requests pass); seconds from navigation until the JS ``ready`` holds,
    read from the JS expression ``at`` (a ``performance.now()`` in ms, or ``null`` when it never came)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(path.as_uri())
        page.wait_for_function(ready, timeout=timeout * 1000)
        value = page.evaluate(at)
        return float("inf") if value is None else float(value) / 1000
    finally:
        page.close()


def map_ready_seconds(browser: Browser, path: Path) -> float:
    """Seconds until our actor map (``api/templates/map_script.html``) says it is interactive."""
    return page_seconds(
        browser,
        path,
        "window.integrationsgraphMap && window.integrationsgraphMap.ready",
        "window.integrationsgraphMap.readyAt",
    )


def actor_map_file(n: int, folder: Path) -> tuple[VisMap, float, Path]:
    """The offline HTML of the top ``n`` actors: the map, the server layout's first time (s), the file."""
    store = store_of(math.ceil(n / PER_MUNICIPALITY))
    k, result = analyse_store(store, None)
    m = actor_map(k, result, top=n)
    g = collaboration_graph(k).subgraph([m.details[x["id"]]["iri"] for x in m.nodes])
    start = time.perf_counter()
    spring_positions(g) if len(m.nodes) > 300 else None
    t_layout = time.perf_counter() - start
    server_layout(g)
    path = folder / f"map-{n}.html"
    path.write_text(render(m), encoding="utf-8")
    return m, t_layout, path


def browser_rows(sizes: list[int], repeat: int) -> list[str]:
    rows = [
        "| actors | links | layout | server layout (first) | HTML (file) | interactive in chromium (median) |",
        "|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        for n in sizes:
            m, t_layout, path = actor_map_file(n, Path(tmp))
            times = [map_ready_seconds(browser, path) for _ in range(repeat)]
            rows.append(
                f"| {len(m.nodes):,} | {len(m.edges):,} | {m.layout} | "
                f"{f'{t_layout:.2f} s' if len(m.nodes) > 300 else '—'} | {path.stat().st_size // 1024} KB | "
                f"{statistics.median(times):.2f} s |"
            )
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1,10,100")
    parser.add_argument("--actors", default="200,1000,2000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    analyse(knowledge_graph(store_of(1), scope(store_of(1), None)))  # warm up (imports scipy on first PageRank)
    out = ["## Metrics and maps by number of municipalities", ""]
    out += scale_rows([int(x) for x in args.sizes.split(",") if x], args.repeat)
    out += ["", "## Time until the actor map is interactive (headless chromium, software rendering)", ""]
    out += browser_rows([int(x) for x in args.actors.split(",") if x], args.repeat)
    print("\n".join(out))


if __name__ == "__main__":
    main()
