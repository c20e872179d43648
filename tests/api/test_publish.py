"""Open data, live: /catalog (content negotiation, Hydra paging a harvester follows), /dumps, /.well-known/void,
/ontology — and no personal data in any of them or in a public SPARQL result."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import SH

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import Settings, graph_iri
from integrationsgraph.graph.datasets.generate import municipality
from integrationsgraph.graph.publish.catalog import codelist_triples
from integrationsgraph.graph.rdf.io import rdflib_graph
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.privacy import private_graph
from tests.paths import DCAT_AP_SHAPES

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
ERIKA = "https://w3id.org/integrationsgraph/id/musterstadt/person/integrationsbeauftragte"
NEEDLES = ["Erika Mustermann", "erika.mustermann@musterstadt.example", ERIKA]


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """The app on the embedded store and on a real Oxigraph server (Rheine and Musterstadt loaded on start-up)."""
    with app_client(request.param, "publish-api", catalog_page_size=1) as c:
        yield c


def store_of(client: TestClient) -> Store:
    store: Store = client.app.state.ctx.store  # type: ignore[attr-defined]
    return store


def harvest(client: TestClient, url: str) -> tuple[rdflib.Graph, list[str]]:
    """Fetch the catalog the way GovData's harvester does: parse by Content-Type, follow hydra:next."""
    merged, visited = rdflib.Graph(), []
    while url and len(visited) < 10:
        visited.append(url)
        r = client.get(url)
        assert r.status_code == 200, r.text
        fmt = {"application/rdf+xml": "xml", "text/turtle": "turtle"}[r.headers["content-type"].split(";")[0]]
        page = rdflib.Graph().parse(data=r.content, format=fmt)
        merged += page
        nxt = next(iter(page.objects(None, HYDRA.next)), None)
        url = str(nxt).replace(str(client.base_url), "") if nxt else ""
    return merged, visited


def test_the_catalog_is_rdf_xml_by_default_and_paged_with_hydra(client: TestClient) -> None:
    catalog, pages = harvest(client, "/catalog")
    assert len(pages) == 2, "page size 1 and two datasets: the harvester follows hydra:next once"
    datasets = set(catalog.subjects(rdflib.RDF.type, DCAT.Dataset))
    assert len(datasets) == 2
    assert client.get("/catalog", params={"page": 3}).status_code == 404


def test_the_live_catalog_conforms_to_the_official_shapes(client: TestClient) -> None:
    shapes = rdflib.Graph()
    for path in DCAT_AP_SHAPES:
        shapes.parse(path, format="turtle")
    for page in (1, 2):
        data = rdflib.Graph().parse(data=client.get("/catalog", params={"page": page}).content, format="xml")
        data += rdflib_graph(codelist_triples())
        _conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
        assert isinstance(report, rdflib.Graph)
        assert list(report.subjects(SH.resultSeverity, SH.Violation)) == [], text


def test_the_catalog_negotiates_turtle_and_json_ld(client: TestClient) -> None:
    r = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle") and "Accept" in r.headers["vary"]
    assert rdflib.Graph().parse(data=r.text, format="turtle")
    r = client.get("/catalog.jsonld")
    assert r.headers["content-type"].startswith("application/ld+json")
    assert isinstance(json.loads(r.text), list)
    r = client.get("/catalog", headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.json()["status"] == 406


def test_the_dumps_are_the_public_data(client: TestClient) -> None:
    listed = [d["name"] for d in client.get("/dumps").json()["dumps"]]
    assert "musterstadt.nt.gz" in listed and "alle.trig" in listed
    expected = set(store_of(client).triples(graph_iri("musterstadt")))
    r = client.get("/dumps/musterstadt.nt.gz")
    assert r.headers["content-type"] == "application/gzip"
    assert {q.triple for q in ox.parse(gzip.decompress(r.content), format=ox.RdfFormat.N_TRIPLES)} == expected
    r = client.get("/dumps/musterstadt.rdf")
    assert {q.triple for q in ox.parse(r.content, format=ox.RdfFormat.RDF_XML)} == expected
    assert client.get("/dumps/gibtsnicht.ttl").status_code == 404
    assert client.get("/dumps/rheine.xlsx").status_code == 404


def test_void_describes_the_data_and_names_the_sparql_endpoint(client: TestClient) -> None:
    r = client.get("/.well-known/void")
    assert r.headers["content-type"].startswith("text/turtle")
    void = rdflib.Graph().parse(data=r.text, format="turtle")
    assert str(next(iter(void.objects(None, VOID.sparqlEndpoint)))).endswith("/sparql")
    counts = {int(o) for o in void.objects(None, VOID.triples)}  # type: ignore[call-overload]
    assert store_of(client).count(graph_iri("musterstadt")) in counts


def test_the_ontology_is_a_german_page_or_rdf(client: TestClient) -> None:
    r = client.get("/ontology", headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="de">' in r.text and "Klassen" in r.text and 'id="Massnahme"' in r.text
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=r.text, format="turtle")) > 300


def test_no_personal_data_in_any_live_artefact_or_public_query_result(client: TestClient) -> None:
    assert list(store_of(client).triples(private_graph(graph_iri("musterstadt")))), "the fixture has a person"
    paths = ["/catalog", "/catalog?page=2", "/.well-known/void", "/ontology", "/dumps"]
    paths += [f"/dumps/{n}" for n in ("musterstadt.ttl", "musterstadt.jsonld", "alle.trig", "alle.rdf")]
    for path in paths:
        body = client.get(path).content
        assert not any(n.encode() in body for n in NEEDLES), path
    for name in ("musterstadt.nt.gz", "alle.nt.gz"):
        body = gzip.decompress(client.get(f"/dumps/{name}").content)
        assert not any(n.encode() in body for n in NEEDLES), name
    everything = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert everything.status_code == 200, everything.text
    assert len(everything.json()["results"]["bindings"]) > 1000
    assert not any(n in everything.text for n in NEEDLES)
    names = client.get(
        "/sparql",
        params={"query": "SELECT ?n WHERE { ?s <http://xmlns.com/foaf/0.1/name> ?n }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert names.json()["results"]["bindings"] == []


def test_the_real_server_serves_the_catalog_a_harvester_can_parse(live_server: str) -> None:
    r = httpx.get(f"{live_server}/catalog", timeout=60)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/rdf+xml")
    catalog = rdflib.Graph().parse(data=r.content, format="xml")
    assert len(set(catalog.subjects(rdflib.RDF.type, DCAT.Dataset))) == 2
    urls = sorted(str(u) for u in catalog.objects(None, DCAT.downloadURL))
    # the dumps, and the Sachstandsbericht as page and PDF (docs/berichte.md)
    assert all(u.startswith((f"{live_server}/dumps/", f"{live_server}/berichte/")) for u in urls), urls
    assert f"{live_server}/berichte/rheine.pdf" in urls and f"{live_server}/berichte/musterstadt" in urls
    dump = httpx.get(next(u for u in urls if "/dumps/" in u), timeout=60)
    assert dump.status_code == 200 and dump.content
    page = httpx.get(f"{live_server}/berichte/rheine", timeout=60)
    assert page.status_code == 200 and "Indikatoren werden noch erarbeitet" in page.text


def test_the_dumps_page_for_browsers_links_every_dump_and_names_the_licence(client: TestClient) -> None:
    r = client.get("/dumps", headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.headers["content-type"].startswith("text/html")
    for d in client.get("/dumps").json()["dumps"]:
        assert f'href="{d["url"]}"' in r.text
    assert "Datenlizenz Deutschland" in r.text and "fiktives Beispiel" in r.text


def test_the_catalog_and_void_follow_a_write_at_once(tmp_path: Path) -> None:
    """Catalog pages and VoID are kept per store revision: a new dataset shows at once, without a restart."""
    settings = Settings(store=tmp_path / "store", write_token="test-token", catalog_page_size=50)
    with TestClient(create_app(settings)) as c:
        before = c.get("/catalog", headers={"Accept": "text/turtle"}).text
        assert c.get("/catalog", headers={"Accept": "text/turtle"}).text == before  # (from the cache)
        assert "dumps/fiktiv-001.ttl" not in before
        data = ox.serialize([q.triple for q in municipality(1)], format=ox.RdfFormat.TURTLE)
        r = c.put(
            "/store",
            params={"graph": graph_iri("fiktiv-001")},
            content=data,
            headers={"Content-Type": "text/turtle", "Authorization": "Bearer test-token"},
        )
        assert r.status_code in (201, 204), r.text
        assert "dumps/fiktiv-001.ttl" in c.get("/catalog", headers={"Accept": "text/turtle"}).text
        assert "fiktiv-001" in c.get("/.well-known/void").text
