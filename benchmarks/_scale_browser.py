"""The map figure of ``benchmarks/scale.py``: our actor map until interactive, against pyvis's defaults (physics
on) until the network has stabilised, both offline in headless chromium (``benchmarks/analysis.py``'s browser)."""

from __future__ import annotations

import math
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from pyvis.network import Network

from benchmarks.analysis import PER_MUNICIPALITY, actor_map_file, chromium, map_ready_seconds, page_seconds, store_of
from integrationsgraph.graph.network.maps import actor_map
from integrationsgraph.graph.network.metrics import analyse_store
from integrationsgraph.graph.network.read import collaboration_graph

HOOK = """
<script>
window.__stabilisedAt = null;
network.once("stabilized", function () { window.__stabilisedAt = performance.now(); });
</script>
"""


@dataclass
class MapFigures:
    ours_s: float
    ours_nodes: int
    ours_layout: str
    pyvis_s: float | None  # None: not stabilised within the cap
    pyvis_nodes: int
    cap_s: float


def pyvis_default_page(nodes: list[str], edges: list[tuple[str, str]], folder: Path) -> Path:
    """pyvis with its defaults (physics on, barnesHut) and vis-network inlined (its other modes fetch it from a
    CDN); the Bootstrap links stay and fail (the page gets only ``file:``), and a hook notes when vis-network
    says ``stabilized``."""
    net = Network(cdn_resources="in_line")
    for n in nodes:
        net.add_node(n, label=n.rsplit("/", 1)[-1])
    for a, b in edges:
        net.edges.append({"from": a, "to": b})  # add_edge checks duplicates quadratically
    path = folder / f"pyvis-{len(nodes)}.html"
    path.write_text(net.generate_html().replace("</body>", HOOK + "</body>"), encoding="utf-8")
    return path


def top_actors(n: int) -> tuple[list[str], list[tuple[str, str]]]:
    """The IRIs of the ``n`` actors our actor map shows, and the links between them."""
    k, result = analyse_store(store_of(math.ceil(n / PER_MUNICIPALITY)), None)
    m = actor_map(k, result, top=n)
    iris = [m.details[x["id"]]["iri"] for x in m.nodes]
    return iris, list(collaboration_graph(k).subgraph(iris).edges())


def measure(actors: int, pyvis_nodes: int, cap: float, repeat: int) -> MapFigures:
    """Median seconds until our map of ``actors`` is interactive; seconds until pyvis's defaults stabilise."""
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        m, _layout_s, ours_path = actor_map_file(actors, Path(tmp))
        ours = statistics.median(map_ready_seconds(browser, ours_path) for _ in range(repeat))
        iris, edges = top_actors(pyvis_nodes)
        path = pyvis_default_page(iris, edges, Path(tmp))
        pyvis: float | None
        try:
            pyvis = page_seconds(browser, path, "window.__stabilisedAt !== null", "window.__stabilisedAt", timeout=cap)
        except PlaywrightTimeout:
            pyvis = None
    return MapFigures(ours, len(m.nodes), m.layout, pyvis, len(iris), cap)
