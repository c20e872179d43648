"""``/maps/…``: in-process on the fictional fixtures, and in headless chromium against the real server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.rdf.io import parse_file

DATA = Path(__file__).parents[1] / "data" / "analysis"
URL = re.compile(r"https?://[^\s\"'<>()\\]+")


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """The app on the embedded store and on a real Oxigraph server, the fixtures loaded into it after start-up."""
    with app_client(request.param, "maps", datasets=[]) as c:
        store = c.app.state.ctx.store  # type: ignore[attr-defined]
        for name in ("kleinstadt", "zweitstadt"):
            store.apply(graph_iri(name), add=[q.triple for q in parse_file(DATA / f"{name}.ttl")])
        yield c


class Loads(HTMLParser):
    """What a page loads (src, stylesheet links) and the targets of its plain links."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.anchors.add(str(a["href"]))
        if a.get("src"):
            self.loads.append(str(a["src"]))
        if tag == "link" and a.get("href"):
            self.loads.append(str(a["href"]))


def map_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def outside_urls(html: str) -> list[str]:
    """http(s) URLs in a served page that are neither plain links nor side-panel links; loads must be local."""
    parser = Loads()
    parser.feed(html)
    assert all(u.startswith("/") and not u.startswith("//") for u in parser.loads), parser.loads
    panel = {d.get("href") for d in map_data(html)["details"].values()} if 'id="map-data"' in html else set()
    return [u for u in URL.findall(html) if u not in parser.anchors | panel]


def test_actor_map_page(client: TestClient) -> None:
    response = client.get("/maps/actors?dataset=kleinstadt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert outside_urls(html) == []
    assert '<script src="/maps/assets/vis-network.min.js"></script>' in html
    assert 'href="/maps/actors/table?dataset=kleinstadt"' in html
    data = map_data(html)
    assert len(data["nodes"]) == 7 and len(data["edges"]) == 6
    assert data["details"]["0"]["href"] == "/id/kleinstadt/akteur/stadt"
    assert "<h1>Akteure – kleinstadt</h1>" in html and "Akteurstyp (Legende)" in html


def test_vis_network_is_served_by_the_app(client: TestClient) -> None:
    response = client.get("/maps/assets/vis-network.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "@version 9.1.2" in response.text[:1000]


def test_server_side_filters_and_the_json_twin(client: TestClient) -> None:
    body = client.get("/maps/actors.json", params={"dataset": "kleinstadt", "top": 2}).json()
    assert len(body["nodes"]) == 2 and body["total"] == 7 and body["layout"] == "im Browser"
    body = client.get("/maps/actors.json", params={"dataset": "kleinstadt", "typ": ["netzwerk", "kommune"]}).json()
    assert sorted(n["typ"] for n in body["nodes"]) == ["kommune", "netzwerk"]
    body = client.get("/maps/actors.json", params={"dataset": "kleinstadt", "feld": "HF2"}).json()
    assert len(body["nodes"]) == 2
    assert client.get("/maps/actors.json", params={"dataset": "kleinstadt", "feld": "HF9"}).status_code == 404


def test_table_has_the_same_nodes_and_edges_and_sorts(client: TestClient) -> None:
    data = client.get("/maps/actors.json?dataset=kleinstadt").json()
    html = client.get("/maps/actors/table", params={"dataset": "kleinstadt", "sort": "label", "order": "asc"}).text
    table = html.split('<table id="akteure">')[1].split("</table>")[0]
    names = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', table)
    assert sorted(names) == sorted(d["label"] for d in data["details"].values())
    assert names == sorted(names, key=str.casefold)
    assert 'aria-sort="ascending"' in html and "Akteur ▲" in html
    links = html.split('<table id="verbindungen">')[1].split("</table>")[0]
    assert links.count("<tr><td>") == len(data["edges"])
    assert 'href="/maps/actors?dataset=kleinstadt"' in html  # back to the map
    by_rank = client.get("/maps/actors/table?dataset=kleinstadt").text.split('<table id="akteure">')[1]
    assert by_rank.index("Stadt Kleinstadt") < by_rank.index("Verein ohne Verbindung")
    assert 'aria-sort="descending"' in by_rank.split("</thead>")[0]


def test_fields_and_chain_pages(client: TestClient) -> None:
    html = client.get("/maps/fields?dataset=kleinstadt").text
    assert outside_urls(html) == []
    labels = {n["label"] for n in map_data(html)["nodes"]}
    assert {"HF1 Sprache (fiktiv)", "HF2 Arbeit (fiktiv)", "HF3 Wohnen (fiktiv)", "Jobcenter (fiktiv)"} <= labels
    chain = client.get("/maps/chain/arbeit?dataset=kleinstadt")
    assert chain.status_code == 200 and "Zielkette – HF2 Arbeit (fiktiv)" in chain.text
    flagged = [n["label"] for n in map_data(chain.text)["nodes"] if n["label"].startswith("⚠")]
    assert len(flagged) == 2
    assert client.get("/maps/chain/HF1").status_code == 404  # in both datasets: ambiguous
    assert client.get("/maps/chain/HF1?dataset=zweitstadt").status_code == 200


def test_maps_index_lists_the_datasets(client: TestClient) -> None:
    html = client.get("/maps").text
    assert 'data-dataset="kleinstadt"' in html and 'href="/maps/fields?dataset=zweitstadt"' in html


CSP_LISTENER = """document.addEventListener('securitypolicyviolation', (e) => {
    (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });"""
"""Records what the Content-Security-Policy blocked (Playwright's init scripts run whatever the policy)."""


def open_map(browser: Any, url: str, shot: Path) -> tuple[Any, dict[str, Any]]:
    """Open a served map with every request recorded (and any to another host blocked), and with what the
    Content-Security-Policy blocked (``violations``) and the policy itself (``csp``)."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    host = urlsplit(url).hostname
    seen: dict[str, Any] = {"requests": [], "problems": []}

    def route(r: Any) -> None:
        seen["requests"].append(r.request.url)
        if urlsplit(r.request.url).hostname == host:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: seen["problems"].append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen["problems"].append(str(exc)))
    page.add_init_script(CSP_LISTENER)
    response = page.goto(url)
    seen["csp"] = response.headers.get("content-security-policy") if response else None
    # a function, not a string: Playwright evaluates a string predicate with eval, which the policy forbids
    page.wait_for_function("() => window.integrationsgraphMap && window.integrationsgraphMap.ready", timeout=120_000)
    seen["painted"] = page.evaluate(
        """() => { const c = document.querySelector('#map canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    seen["nodes"] = page.evaluate("window.integrationsgraphMap.data.nodes.length")
    seen["violations"] = page.evaluate("() => window.__csp || []")
    page.screenshot(path=str(shot), full_page=True)
    return page, seen


def click_node(page: Any, node: int) -> None:
    """Click one node as a user would: bring the map into view, centre the node (so that it is neither off
    screen, below the fold nor under another node or the panel), check that the map itself finds that node
    under that point, then press the mouse there."""
    page.locator("#map canvas").scroll_into_view_if_needed()
    point = page.evaluate(
        """(id) => { const n = window.integrationsgraphMap.network;
                     n.focus(id, {scale: 1.5, animation: false}); n.redraw();
                     const p = n.canvasToDOM(n.getPositions([id])[id]);
                     const c = document.querySelector('#map canvas'), r = c.getBoundingClientRect();
                     const x = p.x + r.left, y = p.y + r.top;
                     return {x: x, y: y, hit: n.getNodeAt({x: p.x, y: p.y}),
                             top: document.elementFromPoint(x, y) === c}; }""",
        node,
    )
    assert point["hit"] == node and point["top"], point
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector("#map-panel h2", timeout=10_000)


def test_actor_map_in_chromium(live_server: str, browser: Any, artifacts: Path) -> None:
    expected = httpx.get(f"{live_server}/api/analysis?dataset=musterstadt", timeout=60).json()["anzahl"]["akteure"]
    assert expected > 10
    page, seen = open_map(
        browser, f"{live_server}/maps/actors?dataset=musterstadt", artifacts / "maps-actors-musterstadt.png"
    )
    try:
        assert seen["nodes"] == expected
        assert seen["painted"] > 5000
        assert seen["problems"] == [] and seen["violations"] == []
        assert "script-src 'self'" in (seen["csp"] or "")  # the map works under the strict policy
        assert all(urlsplit(u).hostname == "127.0.0.1" for u in seen["requests"]), seen["requests"]
        assert any(u.endswith("/maps/assets/vis-network.min.js") for u in seen["requests"])
        # "top N": the count follows the slider
        page.fill("#filter-top", "5")
        page.dispatch_event("#filter-top", "input")
        assert page.text_content("#map-count").startswith(f"Angezeigt: 5 von {expected} Akteuren")
        page.click("#map-reset")
        # clicking the most central actor opens its side panel with a link to its page
        click_node(page, 0)
        link = page.locator("#map-panel a", has_text="Seite der Ressource öffnen")
        href = link.get_attribute("href")
        assert href is not None and href.startswith("/id/musterstadt/")
        assert page.locator("#map-panel h3", has_text="Kennzahlen").count() == 1
        assert httpx.get(f"{live_server}{href}", timeout=30).status_code == 200
        # the search box finds an actor by part of its name
        name = page.text_content("#map-panel h2") or ""
        page.fill("#map-search", name[:8])
        page.press("#map-search", "Enter")
        assert "Treffer" in (page.text_content("#map-search-status") or "")
        page.screenshot(path=str(artifacts / "maps-actors-musterstadt-panel.png"), full_page=True)
    finally:
        page.close()


@pytest.mark.parametrize(
    ("path", "shot"),
    [
        ("/maps/fields?dataset=musterstadt", "maps-fields-musterstadt.png"),
        ("/maps/chain/HF1?dataset=musterstadt", "maps-chain-musterstadt.png"),
    ],
)
def test_field_and_chain_maps_in_chromium(
    live_server: str, browser: Any, artifacts: Path, path: str, shot: str
) -> None:
    expected = len(map_data(httpx.get(f"{live_server}{path}", timeout=60).text)["nodes"])
    page, seen = open_map(browser, f"{live_server}{path}", artifacts / shot)
    page.close()
    assert seen["nodes"] == expected > 1
    assert seen["painted"] > 2000 and seen["problems"] == [] and seen["violations"] == []
    assert "script-src 'self'" in (seen["csp"] or "")
    assert all(urlsplit(u).hostname == "127.0.0.1" for u in seen["requests"])


def test_map_titles_say_when_the_data_is_fictional(live_server: str) -> None:
    import httpx

    html = httpx.get(live_server + "/maps/actors?dataset=musterstadt", timeout=60).text
    assert "musterstadt – fiktives Beispiel" in html
    html = httpx.get(live_server + "/maps/fields", timeout=60).text
    assert "darin fiktiv: musterstadt" in html


# --- only safe links (issue 12, part 4) ----------------------------------------------------------

LINKS_DATA = Path(__file__).parents[1] / "data" / "links" / "musterstadt-links.ttl"
SCRIPT_IRI = "javascript:alert(document.domain)"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def links_client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """Actors with ``javascript:`` addresses, put into the store directly (the shapes would refuse them)."""
    with app_client(request.param, "maps-links", datasets=[]) as c:
        store = c.app.state.ctx.store  # type: ignore[attr-defined]
        store.apply(graph_iri("musterstadt-links"), add=[q.triple for q in parse_file(LINKS_DATA)])
        yield c


def test_an_actor_with_a_javascript_iri_has_no_link_in_the_table(links_client: TestClient) -> None:
    html = links_client.get("/maps/actors/table?dataset=musterstadt-links").text
    parser = Loads()
    parser.feed(html)
    assert all(urlsplit(a).scheme in ("", "http", "https") for a in parser.anchors), parser.anchors
    assert '<th scope="row">Skriptverein Musterstadt (fiktiv)</th>' in html  # as text
    assert 'href="/id/musterstadt-links/akteur/vhs"' in html  # the other actor keeps its link
    links = html.split('<table id="verbindungen">')[1]
    assert "<td>Skriptverein Musterstadt (fiktiv)</td>" in links


def test_an_actor_with_a_javascript_iri_has_no_link_in_the_side_panel_data(links_client: TestClient) -> None:
    details = links_client.get("/maps/actors.json?dataset=musterstadt-links").json()["details"]
    by_label = {d["label"]: d for d in details.values()}
    assert by_label["Skriptverein Musterstadt (fiktiv)"]["href"] is None
    assert by_label["Volkshochschule Musterstadt (fiktiv)"]["href"] == "/id/musterstadt-links/akteur/vhs"
    html = links_client.get("/maps/actors?dataset=musterstadt-links").text
    assert SCRIPT_IRI not in html


@pytest.fixture(scope="module")
def links_server(tmp_path_factory: pytest.TempPathFactory, start_serve: Callable[..., Any]) -> Iterator[str]:
    """A real server on a store that already holds the ``javascript:`` data (written past the write path)."""
    from integrationsgraph.graph.store.embedded import EmbeddedStore

    folder = tmp_path_factory.mktemp("links-server")
    store = EmbeddedStore(folder / "store")
    store.apply(graph_iri("musterstadt-links"), add=[q.triple for q in parse_file(LINKS_DATA)])
    store.close()
    env = {"INTEGRATIONSGRAPH_STORE": str(folder / "store"), "INTEGRATIONSGRAPH_DATASETS": "[]"}
    with start_serve(env, folder) as served:
        yield served.base


def test_javascript_addresses_cannot_be_clicked_in_chromium(links_server: str, browser: Any, artifacts: Path) -> None:
    """The side panel of the actor led by nobody safe, and the actor's page: no javascript: link, no dialog."""
    page, seen = open_map(
        browser, f"{links_server}/maps/actors?dataset=musterstadt-links", artifacts / "maps-links.png"
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        assert seen["problems"] == [] and seen["violations"] == [] and seen["csp"] is not None
        index = page.evaluate(
            """() => { const d = window.integrationsgraphMap.data.details;
                       return Object.keys(d).find((k) => d[k].label.startsWith('Skript')); }"""
        )
        click_node(page, int(index))
        assert page.text_content("#map-panel h2") == "Skriptverein Musterstadt (fiktiv)"
        assert page.locator("#map-panel a", has_text="Seite der Ressource öffnen").count() == 0
        page.goto(f"{links_server}/id/musterstadt-links/akteur/vhs")
        assert page.locator('a[href^="javascript:" i]').count() == 0
        page.get_by_text("Skriptverein Musterstadt (fiktiv)").first.click()
        page.goto(f"{links_server}/maps/actors/table?dataset=musterstadt-links")
        assert page.locator('a[href^="javascript:" i]').count() == 0
        page.get_by_text("Skriptverein Musterstadt (fiktiv)").first.click()
        assert page.evaluate("() => window.__csp || []") == []
        assert dialogs == []
    finally:
        page.close()
