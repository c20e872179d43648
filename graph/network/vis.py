"""The page around a map: the :class:`VisMap` contract, pyvis assembly, server layout and HTML rendering.

vis-network comes from pyvis's bundled copy: inlined for a file that opens from disk (``assets=None``) or
linked from the app (``assets="/maps/assets"``); pyvis's own template, which links Bootstrap and vis-network
from CDNs, is not used. Up to :data:`BROWSER_LAYOUT_LIMIT` nodes the browser lays the map out and stops the
physics once it has settled; above, the layout is computed here (seeded spring layout, cached per node and
edge set) and the physics stays off.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import pyvis
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from integrationsgraph import __version__
from integrationsgraph.graph.core.config import PAGE_SCRIPTS, TEMPLATES
from integrationsgraph.graph.core.links import safe_href
from integrationsgraph.graph.core.lru import LRU
from integrationsgraph.graph.network.metrics import fingerprint

BROWSER_LAYOUT_LIMIT = 300
SEED = 42
VIS_JS = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2" / "vis-network.min.js"
"""vis-network 9.1.2 (Apache-2.0 or MIT), as pyvis 0.3.2 ships it."""
MAP_JS = PAGE_SCRIPTS / "map.js"
"""The page's own script (filters, search, side panel)."""
MAP_JS_URL = "/static/js/map.js"
"""Where the app serves :data:`MAP_JS` (``/static/js/{name}`` in api/security.py)."""


@dataclass
class VisMap:
    """One map: what the template needs, all of it JSON-serialisable."""

    kind: str
    title: str
    subtitle: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    options: dict[str, Any]
    legend: list[dict[str, str]] = field(default_factory=list)
    details: dict[int, dict[str, Any]] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    physics: bool = True
    layout: str = "im Browser"
    total: int = 0
    notes: list[str] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """What the page's script reads (``<script id="map-data">``)."""
        keys = ("kind", "nodes", "edges", "options", "filters", "physics", "total")
        details = {i: {k: v for k, v in d.items() if k != "iri"} for i, d in self.details.items()}
        return {"details": details, **{k: getattr(self, k) for k in keys}}


def resource_link(iri: str, base_iri: str | None) -> str | None:
    """The link to a resource's page: ``/id/{path}`` under the app for IRIs under ``base_iri``, else the IRI
    when it is safe as a link (:func:`graph.core.links.safe_href`), else ``None`` (the page shows text).

    >>> resource_link("https://w3id.org/integrationsgraph/id/x/akteur/a", "https://w3id.org/integrationsgraph/id/")
    '/id/x/akteur/a'
    >>> resource_link("https://w3id.org/integrationsgraph/id/x/akteur/a", None)
    'https://w3id.org/integrationsgraph/id/x/akteur/a'
    >>> resource_link("javascript:alert(1)", None) is None
    True
    """
    if base_iri and iri.startswith(base_iri):
        return "/id/" + iri[len(base_iri) :]
    return safe_href(iri)


_LAYOUTS: LRU[dict[Any, tuple[float, float]]] = LRU(32)


COMMUNITY_LAYOUT_FROM = 500
"""From this many linked nodes the layout goes community by community (a spring layout costs n² per step)."""


def _spring(g: nx.Graph, seed: int, scale: float) -> dict[Any, tuple[float, float]]:
    raw = nx.spring_layout(g, seed=seed, weight="weight", scale=scale) if g.number_of_nodes() else {}
    return {n: (float(p[0]), float(p[1])) for n, p in raw.items()}


def _by_community(g: nx.Graph, seed: int) -> dict[Any, tuple[float, float]]:
    """Lay out the graph of groups, then each group around its place: Σ c² instead of n². Groups are the
    connected components (one per municipality, typically); a component of more than
    :data:`COMMUNITY_LAYOUT_FROM` nodes is split by label propagation (fast, deterministic)."""
    groups: dict[Any, int] = {}
    for part in sorted(nx.connected_components(g), key=lambda c: (-len(c), min(map(str, c)))):
        pieces = [part]
        if len(part) > COMMUNITY_LAYOUT_FROM:
            pieces = list(nx.community.label_propagation_communities(g.subgraph(part)))
        for piece in pieces:
            number = len(set(groups.values())) + 1
            groups.update((n, number) for n in piece)
    meta = nx.Graph()
    meta.add_nodes_from(set(groups.values()))
    for u, v, d in g.edges(data=True):
        a, b = groups[u], groups[v]
        if a != b:
            w = meta.edges[a, b]["weight"] if meta.has_edge(a, b) else 0.0
            meta.add_edge(a, b, weight=w + float(d.get("weight", 1.0)))
    members: dict[int, list[Any]] = {}
    for n, c in groups.items():
        members.setdefault(c, []).append(n)
    radius = {c: 45.0 * math.sqrt(len(m)) for c, m in members.items()}
    centres = _spring(meta, seed, scale=2.2 * math.sqrt(sum(r * r for r in radius.values())))
    positions = {}
    for c, nodes in members.items():
        cx, cy = centres[c]
        for n, (x, y) in _spring(g.subgraph(nodes), seed, scale=radius[c]).items():
            positions[n] = (cx + x, cy + y)
    return positions


def spring_positions(g: nx.Graph, seed: int = SEED) -> dict[Any, tuple[float, float]]:
    """Seeded spring layout in pixels for the linked nodes (community by community from
    :data:`COMMUNITY_LAYOUT_FROM` nodes); nodes without links go in rows below it (a spring layout pushes them
    far out and shrinks everything else to a dot).

    >>> g = nx.Graph([(1, 2)]); g.add_node(3)
    >>> p = spring_positions(g); p[3][1] > max(p[1][1], p[2][1])
    True
    """
    linked = g.subgraph([n for n in g.nodes if g.degree(n) > 0])
    alone = sorted((n for n in g.nodes if g.degree(n) == 0), key=str)
    scale = 60.0 * math.sqrt(max(linked.number_of_nodes(), 1))
    if linked.number_of_nodes() >= COMMUNITY_LAYOUT_FROM:
        raw = _by_community(linked, seed)
    else:
        raw = _spring(linked, seed, scale)
    positions = {n: (round(x, 1), round(y, 1)) for n, (x, y) in raw.items()}
    xs = [x for x, _y in positions.values()] or [-scale]
    left, width = min(xs), max(max(xs) - min(xs), 2 * scale)
    step, per_row = 90.0, max(int(width / 90.0), 8)
    top = max((y for _x, y in positions.values()), default=0.0) + 2 * step
    for i, n in enumerate(alone):
        positions[n] = (round(left + step * (i % per_row), 1), round(top + step * (i // per_row), 1))
    return positions


def server_layout(g: nx.Graph, seed: int = SEED) -> dict[Any, tuple[float, float]]:
    """:func:`spring_positions`, cached by the graph's fingerprint (the dataset and the filter give the graph)."""
    return _LAYOUTS.get_or_make(fingerprint(g), lambda: spring_positions(g, seed))


def vis_options(physics: bool, big: bool, hierarchical: bool = False) -> dict[str, Any]:
    options: dict[str, Any] = {
        "nodes": {"font": {"size": 14, "face": "system-ui, sans-serif"}, "borderWidth": 1},
        "edges": {
            "color": {"color": "#9aa5b1", "highlight": "#1b1b1b", "hover": "#1b1b1b"},
            "smooth": False if big else {"type": "continuous"},
            "scaling": {"min": 1, "max": 8},
        },
        "interaction": {"hover": not big, "tooltipDelay": 150, "hideEdgesOnDrag": big, "keyboard": True},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.4},
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 25, "fit": True},
        },
        "layout": {"improvedLayout": not big, "randomSeed": SEED},
    }
    if hierarchical:
        options["layout"]["hierarchical"] = {
            "enabled": True,
            "direction": "LR",
            "sortMethod": "directed",
            "levelSeparation": 280,
            "nodeSpacing": 70,
        }
    return options


def _network(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], options: dict[str, Any]) -> Network:
    """A pyvis network filled directly (``from_nx`` and ``add_edge`` check duplicates quadratically)."""
    net = Network(directed=False, cdn_resources="in_line")
    for spec in nodes:
        opts = dict(spec)
        node = Node(opts.pop("id"), opts.pop("shape", "dot"), label=opts.pop("label"), **opts)
        net.nodes.append(node.options)
        net.node_ids.append(node.options["id"])
        net.node_map[node.options["id"]] = node.options
    for spec in edges:
        opts = dict(spec)
        net.edges.append(Edge(opts.pop("from"), opts.pop("to"), False, **opts).options)
    net.options = options
    return net


def finish(
    m: VisMap, g: nx.Graph, ids: dict[Any, int], nodes: list[dict[str, Any]], edges: list[dict[str, Any]]
) -> VisMap:
    """Lay out on the server when big (``g`` holds the nodes of ``ids``), then fill ``m`` through pyvis."""
    big = len(nodes) > BROWSER_LAYOUT_LIMIT
    if big and not m.layout.startswith("hierarch"):
        positions = server_layout(g)
        for n, i in ids.items():
            nodes[i]["x"], nodes[i]["y"] = positions[n]
        m.physics, m.layout = False, "auf dem Server (Federmodell, Startwert 42), Physik aus"
    net = _network(nodes, edges, m.options or vis_options(m.physics, big))
    m.nodes, m.edges, m.options = net.nodes, net.edges, net.options
    return m


def year_range(values: list[int | None]) -> list[int]:
    known = [v for v in values if v is not None]
    return [min(known), max(known)] if known else []


_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=jinja2.select_autoescape(["html"]), keep_trailing_newline=True
)


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` can close the element.

    >>> script_json({"a": "</script>"})
    '{"a":"\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline_script(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower():
        raise ValueError(f"{path} kann nicht eingebettet werden: es enthält „</script“.")
    return text


def render(m: VisMap, *, assets: str | None = None, links: dict[str, str] | None = None) -> str:
    """The map as one HTML page.

    ``assets=None`` inlines vis-network and the page's script (the page opens from disk, offline); otherwise
    the page loads ``{assets}/vis-network.min.js`` and :data:`MAP_JS_URL` from the app, and has no inline
    script (the Content-Security-Policy forbids them). ``links`` adds navigation (label → path) for served pages.
    """
    standalone = assets is None
    return _ENV.get_template("map.html").render(
        m=m,
        data=script_json({**m.data(), "standalone": standalone}),
        vis_inline=_inline_script(VIS_JS) if standalone else "",
        script_inline=_inline_script(MAP_JS) if standalone else "",
        script=MAP_JS_URL,
        assets=assets,
        links=links or {},
        standalone=assets is None,
        version=__version__,
    )
