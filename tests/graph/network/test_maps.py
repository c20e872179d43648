"""The maps: what they hold, that they load nothing from outside, and that a file opens offline in chromium."""

from __future__ import annotations

import json
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.network.maps import TYPE_STYLE, actor_map, actor_table, chain_map, field_map
from integrationsgraph.graph.network.metrics import analyse
from integrationsgraph.graph.network.read import field_chain, knowledge_graph, scope
from integrationsgraph.graph.network.vis import BROWSER_LAYOUT_LIMIT, render, server_layout
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.store.embedded import EmbeddedStore, Store

DATA = Path(__file__).parents[2] / "data" / "analysis"
ID = "https://w3id.org/integrationsgraph/id/kleinstadt/"
BASE = "https://w3id.org/integrationsgraph/id/"
URL = re.compile(r"https?://[^\s\"'<>()\\]+")
VIS_BUNDLE_TEXT = {
    # text inside vis-network.min.js (licence header, SVG namespace, an error message): never requested
    "https://visjs.github.io/vis-network/",
    "http://almende.com",
    "https://github.com/visjs",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "http://opensource.org/licenses/MIT",
    "http://www.w3.org/2000/svg",
    "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/zloirock/core-js",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
}


class Refs(HTMLParser):
    """Collects what a page would load (src, stylesheet links) and where its links go (a href)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.anchors.add(str(a["href"]))
        for name in ("src", "srcset", "data", "poster"):
            if a.get(name):
                self.loads.append(str(a[name]))
        if tag == "link" and a.get("href"):
            self.loads.append(str(a["href"]))


def external_urls(html: str, inline_bundle: bool) -> list[str]:
    """Every http(s) URL in the page that is not the target of a link (an ``a href``, or a side-panel link in the
    map's data), minus the text inside the inlined vis-network bundle. Nothing may be loaded from outside."""
    refs = Refs()
    refs.feed(html)
    assert not [u for u in refs.loads if re.match(r"(https?:)?//", u)], refs.loads
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", html)
    has_data = 'id="map-data"' in html
    side_panel_links = {d.get("href") for d in page_data(html)["details"].values()} if has_data else set()
    allowed = refs.anchors | side_panel_links | (VIS_BUNDLE_TEXT if inline_bundle else set())
    return [u for u in URL.findall(html) if u not in allowed]


def page_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture
def store(backend: Store) -> Store:
    """Every test here runs on the embedded store and on a real Oxigraph server (``backend``)."""
    return backend


@pytest.fixture
def kleinstadt(store: Store) -> tuple[Store, nx.Graph]:
    store.apply(graph_iri("kleinstadt"), add=[q.triple for q in parse_file(DATA / "kleinstadt.ttl")])
    return store, knowledge_graph(store, scope(store, "kleinstadt"))


def test_actor_map_sizes_by_pagerank_and_colours_by_type(kleinstadt: tuple[Store, nx.Graph]) -> None:
    _store, k = kleinstadt
    result = analyse(k)
    m = actor_map(k, result, base_iri=BASE)
    assert len(m.nodes) == 7 and len(m.edges) == 6 and m.total == 7
    labels = [n["label"] for n in m.nodes]
    assert labels[0] == "Stadt Kleinstadt (fiktiv)" and [n["rank"] for n in m.nodes] == list(range(1, 8))
    sizes = [n["size"] for n in m.nodes]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 40.0
    network_node = next(n for n in m.nodes if n["typ"] == "netzwerk")
    assert (network_node["color"]["background"], network_node["shape"]) == TYPE_STYLE["netzwerk"]
    assert m.physics and "x" not in m.nodes[0]
    stadt = m.details[0]
    assert stadt["href"] == "/id/kleinstadt/akteur/stadt"
    assert stadt["massnahmen"] == [
        ["M1.1.1.1", "Sprachcafé (fiktiv)", "federführend"],
        ["M2.1.1.1", "Jobbörse (fiktiv)", "Kooperationspartner"],
    ]
    vhs = next(d for d in m.details.values() if d["label"].startswith("Volkshochschule"))
    assert vhs["gremien"] == ["Netzwerk Sprache (fiktiv)"] and vhs["felder"] == ["Sprache (fiktiv)"]
    assert m.filters["jahre"] == [2018, 2022]
    assert {x["key"] for x in m.legend} == {"kommune", "einheit", "organisation", "netzwerk", "politisches-gremium"}


def test_actor_map_filters_on_the_server(kleinstadt: tuple[Store, nx.Graph]) -> None:
    _store, k = kleinstadt
    result = analyse(k)
    top = actor_map(k, result, top=3)
    assert [n["label"] for n in top.nodes][:1] == ["Stadt Kleinstadt (fiktiv)"] and top.total == 7
    assert len(top.nodes) == 3
    only = actor_map(k, result, types=["organisation"])
    assert {n["typ"] for n in only.nodes} == {"organisation"} and len(only.nodes) == 3
    arbeit = actor_map(k, result, field_iri=ID + "handlungsfeld/arbeit")
    assert sorted(n["label"] for n in arbeit.nodes) == ["Jobcenter (fiktiv)", "Stadt Kleinstadt (fiktiv)"]


def test_an_actor_map_without_top_is_capped(
    kleinstadt: tuple[Store, nx.Graph], monkeypatch: pytest.MonkeyPatch
) -> None:
    import integrationsgraph.graph.network.maps

    _store, k = kleinstadt
    monkeypatch.setattr(integrationsgraph.graph.network.maps, "MAX_MAP_NODES", 3)
    m = actor_map(k, analyse(k))
    assert len(m.nodes) == 3 and m.total == 7
    assert m.notes[0] == "Gezeigt: die 3 Akteure mit dem höchsten PageRank von 7 (mehr mit ?top=)."
    assert len(actor_map(k, analyse(k), top=5).nodes) == 5  # an explicit top wins


def test_the_table_holds_the_same_nodes_and_edges(kleinstadt: tuple[Store, nx.Graph]) -> None:
    _store, k = kleinstadt
    result = analyse(k)
    m = actor_map(k, result, base_iri=BASE)
    rows, links = actor_table(m, result, sort="label", descending=False)
    assert [r["label"] for r in rows] == sorted((d["label"] for d in m.details.values()), key=str.casefold)
    assert len(links) == len(m.edges)
    rows, _ = actor_table(m, result, sort="zwischenzentralitaet")
    assert rows[0]["label"] == "Stadt Kleinstadt (fiktiv)" and rows[0]["zwischenzentralitaet"] == 0.2


def test_field_and_chain_maps_mark_gaps(kleinstadt: tuple[Store, nx.Graph]) -> None:
    store, k = kleinstadt
    result = analyse(k)
    fm = field_map(k, result, base_iri=BASE)
    wohnen = next(n for n in fm.nodes if n["label"] == "HF3 Wohnen (fiktiv)")
    sprache = next(n for n in fm.nodes if n["label"] == "HF1 Sprache (fiktiv)")
    assert wohnen["shapeProperties"]["borderDashes"] and not sprache["shapeProperties"]["borderDashes"]
    bridges = sorted(n["label"] for n in fm.nodes if n.get("typ"))
    assert bridges == ["Jobcenter (fiktiv)", "Stadt Kleinstadt (fiktiv)"]
    assert fm.details[wohnen["id"]]["kette"] == "wohnen?dataset=kleinstadt"
    cm = chain_map(field_chain(store, [graph_iri("kleinstadt")], ID + "handlungsfeld/arbeit", "HF2 Arbeit"))
    flagged = sorted(n["label"] for n in cm.nodes if n["label"].startswith("⚠"))
    assert flagged == ["⚠ HZ2.1.1 Beratung ausbauen (fiktiv)", "⚠ LZ2.2 Gute Ausbildung (fiktiv)"]
    assert cm.options["layout"]["hierarchical"]["direction"] == "LR" and not cm.physics


def synthetic(n_actors: int, seed: int = 1) -> nx.Graph:
    """A fictional knowledge network: n actors, 2n measures with 1–3 actors each, 8 fields."""
    rnd = random.Random(seed)
    k = nx.Graph()
    types = list(TYPE_STYLE)
    actors = [f"a{i}" for i in range(n_actors)]
    for i, a in enumerate(actors):
        k.add_node(a, kind="akteur", typ=types[i % len(types)], label=f"Akteur {i} (fiktiv)", dataset="fiktiv")
    fields = [f"f{i}" for i in range(8)]
    for i, f in enumerate(fields):
        k.add_node(f, kind="handlungsfeld", label=f"Feld {i}", notation=f"HF{i + 1}", leitziele=1, dataset="fiktiv")
    for i in range(2 * n_actors):
        m = f"m{i}"
        k.add_node(m, kind="massnahme", label=f"Maßnahme {i}", notation=f"M{i}", von=2020, bis=None, dataset="fiktiv")
        k.add_edge(m, rnd.choice(fields), rel="handlungsfeld")
        for j, a in enumerate(rnd.sample(actors, rnd.randint(1, 3))):
            k.add_edge(m, a, rel="federfuehrend" if j == 0 else "kooperationspartner")
    return k


def test_big_maps_are_laid_out_on_the_server_once() -> None:
    k = synthetic(BROWSER_LAYOUT_LIMIT + 20)
    m = actor_map(k, analyse(k))
    assert not m.physics and not m.options["physics"]["enabled"]
    assert all("x" in n and "y" in n for n in m.nodes)
    assert m.layout.startswith("auf dem Server")
    from integrationsgraph.graph.network.read import collaboration_graph

    g = collaboration_graph(k)
    assert server_layout(g) is server_layout(g)  # cached by the graph's fingerprint


def test_large_layouts_go_group_by_group_and_are_repeatable() -> None:
    from integrationsgraph.graph.network.vis import COMMUNITY_LAYOUT_FROM, spring_positions

    g = nx.disjoint_union(nx.path_graph(COMMUNITY_LAYOUT_FROM // 2), nx.cycle_graph(COMMUNITY_LAYOUT_FROM // 2 + 10))
    g.add_node("allein")
    first = spring_positions(g)
    assert first == spring_positions(g) and set(first) == set(g.nodes)
    assert first["allein"][1] > max(y for n, (_x, y) in first.items() if n != "allein")

    def centre(nodes: range) -> tuple[float, float]:
        return (sum(first[n][0] for n in nodes) / len(nodes), sum(first[n][1] for n in nodes) / len(nodes))

    (x1, y1), (x2, y2) = centre(range(250)), centre(range(250, 510))
    assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 > 45 * (250**0.5)  # the two components do not sit on each other


def test_a_served_page_loads_vis_network_from_the_app_and_nothing_from_outside(
    kleinstadt: tuple[Store, nx.Graph],
) -> None:
    _store, k = kleinstadt
    m = actor_map(k, analyse(k), base_iri=BASE)
    html = render(m, assets="/maps/assets", links={"Tabelle": "/maps/actors/table"})
    assert '<script src="/maps/assets/vis-network.min.js"></script>' in html
    assert external_urls(html, inline_bundle=False) == []
    assert 'href="/maps/actors/table"' in html and "bootstrap" not in html.lower()
    assert len(page_data(html)["nodes"]) == 7


def test_labels_cannot_break_out_of_the_page(kleinstadt: tuple[Store, nx.Graph]) -> None:
    _store, k = kleinstadt
    k.nodes[ID + "akteur/verein"]["label"] = "</script><script>alert(1)</script>"
    html = render(actor_map(k, analyse(k)))
    assert "<script>alert(1)" not in html
    assert any(n["label"] == "</script><script>alert(1)</script>" for n in page_data(html)["nodes"])


def test_the_url_check_catches_pyvis_own_page() -> None:
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.add_node(1, label="A")
    with pytest.raises(AssertionError, match="bootstrap"):
        external_urls(net.generate_html(), inline_bundle=True)


def offline_check(browser: Any, path: Path, shot: Path) -> dict[str, Any]:
    """Open ``path`` from disk with every non-file request blocked; the map must paint and report ready."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    outside: list[str] = []
    problems: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function("window.integrationsgraphMap && window.integrationsgraphMap.ready", timeout=120_000)
    painted = page.evaluate(
        """() => { const c = document.querySelector('#map canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    result = {
        "nodes": page.evaluate("window.integrationsgraphMap.data.nodes.length"),
        "visible": page.evaluate("window.integrationsgraphMap.visible()"),
        "painted": painted,
        "outside": outside,
        "problems": problems,
    }
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    return result


def test_map_command_writes_a_file_that_works_offline(tmp_path: Path, browser: Any, artifacts: Path) -> None:
    store_path = tmp_path / "store"
    s = EmbeddedStore(store_path)
    s.apply(graph_iri("kleinstadt"), add=[q.triple for q in parse_file(DATA / "kleinstadt.ttl")])
    s.close()
    out = tmp_path / "actors.html"
    runner = CliRunner(env={"INTEGRATIONSGRAPH_DATASETS": "[]"})
    result = runner.invoke(main, ["map", "actors", "--store", str(store_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert external_urls(html, inline_bundle=True) == []
    assert "vis-network" in html and "/maps/assets" not in html
    seen = offline_check(browser, out, artifacts / "map-file-actors.png")
    assert seen["outside"] == [] and seen["problems"] == []
    assert seen["nodes"] == seen["visible"] == 7
    assert seen["painted"] > 2000
    chain = tmp_path / "chain.html"
    result = runner.invoke(main, ["map", "chain", "--field", "HF2", "--store", str(store_path), "-o", str(chain)])
    assert result.exit_code == 0, result.output
    assert offline_check(browser, chain, artifacts / "map-file-chain.png")["nodes"] == 5


def test_a_big_file_map_paints_with_the_server_layout(tmp_path: Path, browser: Any, artifacts: Path) -> None:
    k = synthetic(400)
    out = tmp_path / "big.html"
    out.write_text(render(actor_map(k, analyse(k))), encoding="utf-8")
    seen = offline_check(browser, out, artifacts / "map-file-400.png")
    assert seen["outside"] == [] and seen["problems"] == []
    assert seen["nodes"] == seen["visible"] == 400 and seen["painted"] > 10_000
