"""Linked-data pages: HTML for browsers, RDF by Accept or suffix, links both ways, 404s; a real browser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from integrationsgraph.api.routes.linked_data import negotiate, page_url
from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.monitoring.report_format import with_unit
from integrationsgraph.graph.rdf.io import parse_file
from tests.paths import REPO

RHEINE = "https://w3id.org/integrationsgraph/id/rheine/"
FIELD = "/id/rheine/handlungsfeld/sprachfoerderung"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """The app on the embedded store and on a real Oxigraph server (Rheine and Musterstadt loaded on start-up)."""
    with app_client(request.param, "ld", write_token="test-token") as c:
        yield c


def test_negotiation_prefers_what_the_client_asks_for() -> None:
    assert negotiate("text/html,application/xhtml+xml,*/*;q=0.8") == "text/html"
    assert negotiate("text/turtle") == "text/turtle"
    assert negotiate("application/rdf+xml;q=0.5, text/turtle;q=0.9") == "text/turtle"
    assert negotiate("application/json") == "application/ld+json"
    assert negotiate("") == "text/html"
    assert page_url(RHEINE + "akteur/x", "https://w3id.org/integrationsgraph/id/") == "/id/rheine/akteur/x"


@pytest.mark.parametrize(
    ("suffix", "accept", "media", "fmt"),
    [
        ("", "text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("", "application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("", "application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("", "application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
        (".ttl", "text/html", "text/turtle", ox.RdfFormat.TURTLE),
        (".jsonld", None, "application/ld+json", ox.RdfFormat.JSON_LD),
        (".nt", None, "application/n-triples", ox.RdfFormat.N_TRIPLES),
        (".rdf", None, "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_rdf_by_accept_or_suffix(
    client: TestClient, suffix: str, accept: str | None, media: str, fmt: ox.RdfFormat
) -> None:
    r = client.get(FIELD + suffix, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media)
    triples = {q.triple for q in ox.parse(r.content, format=fmt)}
    label = ox.Triple(
        ox.NamedNode(RHEINE + "handlungsfeld/sprachfoerderung"),
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
        ox.Literal("Sprachförderung", language="de"),
    )
    assert label in triples


def test_fragment_nodes_come_with_their_document(client: TestClient) -> None:
    r = client.get("/id/rheine/quelle/praesentation.nt")
    subjects = {q.triple.subject.value for q in ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES)}
    assert RHEINE + "quelle/praesentation#handlungsfelder" in subjects


def test_html_page_in_german_with_links_both_ways_and_provenance(client: TestClient) -> None:
    r = client.get(FIELD, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<h1>Sprachförderung" in html
    assert "Handlungsfeld" in html  # the class, labelled from the ontology
    assert ">Code<" in html and "HF1" in html
    assert 'href="/id/rheine/schema/handlungsfelder"' in html  # outgoing
    assert "Verweise auf diese Ressource" in html  # incoming: the scheme's hasTopConcept
    assert "oberste Begriffe" in html
    assert "abgeleitet von" in html and "/id/rheine/quelle/praesentation#handlungsfelder" in html
    assert "Datenlizenz Deutschland" in html
    assert "fiktives Beispiel</span>" not in html


def test_english_switch(client: TestClient) -> None:
    html = client.get(FIELD, params={"lang": "en"}, headers={"Accept": "text/html"}).text
    assert "<h1>Language support" in html
    assert "field of action" in html
    assert "Links to this resource" in html
    assert 'lang="en"' in html


def test_resource_pages_lead_to_monitoring_and_reports(client: TestClient) -> None:
    for lang, word in (("de", "Berichte"), ("en", "Reports")):
        html = client.get(FIELD, params={"lang": lang}, headers={"Accept": "text/html"}).text
        nav = html.split("<nav", 1)[1].split("</nav>", 1)[0]
        assert '<a href="/monitoring">Monitoring</a>' in nav
        assert f'<a href="/berichte">{word}</a>' in nav


def test_field_page_shows_the_chain_with_latest_values(client: TestClient) -> None:
    fields = client.get("/api/musterstadt/felder", params={"limit": 1}).json()["items"]
    tree = client.get(f"/api/musterstadt/felder/{fields[0]['slug']}/baum").json()
    html = client.get(f"/id/musterstadt/handlungsfeld/{fields[0]['slug']}").text
    assert "Zielkette" in html and "Vollständigkeit" in html
    assert 'data-fiktiv="true"' in html
    for lz in tree["leitziele"]:
        assert lz["label"] in html
        for hz in lz["handlungsziele"]:
            for ind in hz["indikatoren"]:
                if ind["letzter_wert"]:  # German: 62,8 % (2025)
                    shown = with_unit(float(ind["letzter_wert"]["wert"]), ind["einheit"])
                    assert f"<strong>{shown} ({ind['letzter_wert']['stichtag'][:4]})</strong>" in html


def test_fields_page_lists_every_dataset(client: TestClient) -> None:
    html = client.get("/felder").text
    assert 'data-dataset="rheine"' in html and 'data-dataset="musterstadt"' in html
    assert 'href="/id/rheine/handlungsfeld/interreligioeser-dialog?lang=de"' in html


def test_unknown_iri_is_404(client: TestClient) -> None:
    r = client.get("/id/rheine/handlungsfeld/gibt-es-nicht", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert r.json() == {
        "status": 404,
        "error": f"Unter {RHEINE}handlungsfeld/gibt-es-nicht gibt es keine Ressource.",
        "errors": [],
    }
    page = client.get("/id/rheine/handlungsfeld/gibt-es-nicht", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Nicht gefunden" in page.text
    assert client.get("/id/nirgendwo/x/y.ttl").status_code == 404


def test_search_page(client: TestClient) -> None:
    html = client.get("/suche", params={"q": "Sprachfoerderung"}).text
    assert 'href="/id/rheine/handlungsfeld/sprachfoerderung?lang=de"' in html


def test_browser_renders_a_rheine_field_and_a_fictional_musterstadt_resource(
    live_server: str, browser: object, artifacts: Path
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{live_server}/felder")
        page.click("text=Sprachförderung")
        page.wait_for_url("**/id/rheine/handlungsfeld/sprachfoerderung**")
        assert page.locator("h1").inner_text().startswith("Sprachförderung")
        labels = page.locator("dl.props dt").all_inner_texts()
        assert "Art" in labels and "Code" in labels and "abgeleitet von" in labels
        page.screenshot(path=str(artifacts / "linked-data-rheine-handlungsfeld.png"), full_page=True)

        measures = httpx.get(f"{live_server}/api/musterstadt/massnahmen", params={"limit": 1}).json()["items"]
        page.goto(f"{live_server}/id/musterstadt/massnahme/{measures[0]['slug']}")
        assert page.locator(".fiktiv").first.inner_text() == "fiktives Beispiel"
        assert page.locator("h1").inner_text().startswith(measures[0]["label"]["de"])
        page.screenshot(path=str(artifacts / "linked-data-musterstadt-massnahme.png"), full_page=True)
        page.click("text=English")
        assert page.locator(".fiktiv").first.inner_text() == "fictional example"
    finally:
        page.close()


# --- only safe links (issue 12, part 4) ----------------------------------------------------------

LINKS = "https://w3id.org/integrationsgraph/id/musterstadt-links/"
SCRIPT_IRI = "javascript:alert(document.domain)"


class Hrefs(HTMLParser):
    """Every address a page can follow or load (``href``, ``src``, ``action``, ``formaction``)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [v for k, v in attrs if k in ("href", "src", "action", "formaction") and v is not None]


def unsafe_hrefs(html: str) -> list[str]:
    """Links a browser would follow to something other than http(s), mailto or a path on this site."""
    parser = Hrefs()
    parser.feed(html)
    return [
        h
        for h in parser.hrefs
        if urlsplit(h.strip()).scheme.lower() not in ("", "http", "https", "mailto") or h.strip().startswith("//")
    ]


@pytest.fixture(scope="module", params=["embedded", "remote"])
def links_client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """Data with ``javascript:`` addresses, put into the store directly (the shapes would refuse it)."""
    with app_client(request.param, "ld-links", datasets=[]) as c:
        store = c.app.state.ctx.store  # type: ignore[attr-defined]
        triples = [q.triple for q in parse_file(REPO / "tests" / "data" / "links" / "musterstadt-links.ttl")]
        store.apply(graph_iri("musterstadt-links"), add=triples)
        yield c


def test_page_url_links_only_safe_addresses() -> None:
    base = "https://w3id.org/integrationsgraph/id/"
    assert page_url(SCRIPT_IRI, base) is None
    assert page_url("data:text/html,<script>alert(1)</script>", base) is None
    assert page_url("https://vhs.musterstadt.example/", base) == "https://vhs.musterstadt.example/"
    assert page_url("mailto:info@musterstadt.example", base) == "mailto:info@musterstadt.example"


@pytest.mark.parametrize(
    "path",
    [
        "/id/musterstadt-links/akteur/vhs",  # foaf:homepage <javascript:…>, foaf:page <JaVaScRiPt:…>
        "/id/musterstadt-links/massnahme/m1",  # led by the actor whose own IRI is javascript:…
        "/id/musterstadt-links/handlungsfeld/sprache",  # the field page: chain and actors
        "/id/musterstadt-links/handlungsfeld/sprache?lang=en",
        "/felder",
        "/suche?q=Skriptverein",
    ],
)
def test_javascript_addresses_are_text_not_links(links_client: TestClient, path: str) -> None:
    r = links_client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 200, r.text
    assert unsafe_hrefs(r.text) == []
    if "/akteur/" in path or "/massnahme/" in path or "/handlungsfeld/" in path or "suche" in path:
        assert "Skriptverein Musterstadt (fiktiv)" in r.text  # shown, not dropped


def test_a_safe_homepage_stays_a_link(links_client: TestClient) -> None:
    html = links_client.get("/id/musterstadt-links/akteur/vhs", headers={"Accept": "text/html"}).text
    assert 'href="https://vhs.musterstadt.example/"' in html
    assert f'title="{SCRIPT_IRI}"' in html  # the unsafe IRI is there to read, as a tooltip of plain text
