"""No private value in any public output: every GET route of the app's route table, without the token.

The routes come from the app itself (``app.routes``), so a new route cannot be forgotten: each GET route is
either exercised here (``EXERCISED``: the concrete requests made for it) or listed in ``NOT_APPLICABLE`` with
the reason. Musterstadt's fictional private person (name and e-mail, in two versions with different values)
must not show in any answer, the version diff included; with the token, the diff and the Graph Store show her
(the reader's right), which also proves the needles would be found. And no door lets personal data into a
graph that has no private companion (REST, Graph Store Protocol, SPARQL Update, workbook import).
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, unquote

import pyoxigraph as ox
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from integrationsgraph.graph.core.config import ROOT, SYSTEM_GRAPH, graph_iri
from integrationsgraph.graph.datasets.versions import version_graph
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.store.privacy import private_graph, readable_triples
from integrationsgraph.graph.write.path import WritePath
from integrationsgraph.graph.write.rights import Account, Role, acting

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MUSTER = graph_iri("musterstadt")
ID = "https://w3id.org/integrationsgraph/id/musterstadt/"
ERIKA = f"{ID}person/integrationsbeauftragte"
FOAF_NAME = "http://xmlns.com/foaf/0.1/name"
VCARD_EMAIL = "http://www.w3.org/2006/vcard/ns#hasEmail"
NEW_NAME, NEW_MAIL = "Erika Neuname", "neu.name@musterstadt.example"
NEEDLES = ["Mustermann", "erika.mustermann", "person/integrationsbeauftragte", "Neuname", "neu.name@"]
"""Her name and e-mail in both versions, and her IRI (no IRI of hers may be public either)."""
PEOPLE = "http://example.org/people"

KINDS = [
    "konzepte",
    "felder",
    "leitziele",
    "handlungsziele",
    "massnahmen",
    "indikatoren",
    "zielvorgaben",
    "messwerte",
    "akteure",
    "stellen",
    "mitgliedschaften",
    "beteiligungsformate",
]
SPARQL_QUERIES = [
    "SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
    f"SELECT * WHERE {{ GRAPH <{private_graph(MUSTER)}> {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ GRAPH <{private_graph(version_graph('musterstadt', '2025'))}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"DESCRIBE <{ERIKA}>",
    f"SELECT ?n WHERE {{ ?s <{FOAF_NAME}> ?n }}",
]

NOT_APPLICABLE = {
    "/maps/assets/vis-network.min.js": "a static script shipped with the package; reads no store",
    "/static/vendor/vega/{name}": "vendored chart scripts shipped with the package; read no store",
    "/static/vendor/swagger-ui/{name}": "vendored Swagger UI shipped with the package; reads no store",
    "/static/vendor/redoc/{name}": "vendored ReDoc shipped with the package; reads no store",
    "/api/{dataset}/workbook": "a zipped xlsx (its text cannot be searched here): tests/api/test_sheets.py opens the "
    "public workbook and finds no person in it",
}
"""GET routes not exercised, each with the reason."""


def exercised(c: TestClient) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """Per route (its path template): the requests (path, headers) that read it without the token."""
    html = {"Accept": "text/html"}
    ttl = {"Accept": "text/turtle"}
    jsonld = {"Accept": "application/ld+json"}
    slugs = {
        k: [i["slug"] for i in c.get(f"/api/musterstadt/{k}", params={"limit": 500}).json()["items"]] for k in KINDS
    }
    queries = [q["name"] for q in c.get("/api/queries").json()]
    dumps = [d["name"] for d in c.get("/dumps").json()["dumps"]]
    subjects = sorted(
        {t.subject.value for t in readable_triples(store_of(c), MUSTER) if isinstance(t.subject, ox.NamedNode)}
        | {ERIKA, f"{ID}stelle/integrationsbeauftragte"}
    )
    sparql = [(f"/sparql?query={quote(q)}", {"Accept": "application/sparql-results+json"}) for q in SPARQL_QUERIES]
    sparql += [(f"/sparql?query={quote(q)}", ttl) for q in SPARQL_QUERIES if not q.startswith("SELECT")]
    sparql += [
        (f"/sparql?query={quote('SELECT * WHERE { ?s ?p ?o }')}&default-graph-uri={quote(private_graph(MUSTER))}", {}),
        (f"/sparql?query={quote('SELECT * WHERE { ?s ?p ?o }')}&default-graph-uri={quote(SYSTEM_GRAPH)}", {}),
        ("/sparql", {}),
        ("/sparql", html),
    ]
    diff = "/api/musterstadt/diff?from={}&to={}"
    out: dict[str, list[tuple[str, dict[str, str]]]] = {
        "/openapi.json": [("/openapi.json", {})],
        "/docs": [("/docs", {})],
        "/docs/oauth2-redirect": [("/docs/oauth2-redirect", {})],
        "/redoc": [("/redoc", {})],
        "/": [("/", {}), ("/", html)],
        "/api/datasets": [("/api/datasets", {})],
        "/health": [("/health", {})],
        "/favicon.ico": [("/favicon.ico", {})],
        "/monitoring": [("/monitoring", {})],
        "/monitoring/{dataset}": [("/monitoring/musterstadt", {}), ("/monitoring/rheine", {})],
        "/api/{dataset}/fortschritt": [
            ("/api/musterstadt/fortschritt", {}),
            ("/api/musterstadt/fortschritt?format=csv", {}),
        ],
        "/api/{dataset}/indikatoren/{key}/werte.csv": [
            (f"/api/musterstadt/indikatoren/{s}/werte.csv", {}) for s in slugs["indikatoren"]
        ],
        "/api/{dataset}/history": [("/api/musterstadt/history", {})],  # 401 without an account
        "/api/{dataset}/history/{entry}": [("/api/musterstadt/history/20000101T000000000000-000000", {})],
        "/anmelden": [("/anmelden", {})],
        "/bearbeiten": [("/bearbeiten", {})],  # without a session: to /anmelden
        "/bearbeiten/{dataset}": [("/bearbeiten/musterstadt", {})],
        "/bearbeiten/{dataset}/mappe.xlsx": [("/bearbeiten/musterstadt/mappe.xlsx", {})],
        "/berichte": [("/berichte", {})],
        "/berichte/{dataset}": [("/berichte/musterstadt", {})],
        "/berichte/{dataset}.pdf": [("/berichte/musterstadt.pdf", {})],  # compressed: its text is in test_report
        "/store": [
            ("/store?default", ttl),
            (f"/store?graph={quote(MUSTER)}", ttl),
            (f"/store?graph={quote(private_graph(MUSTER))}", ttl),
            (f"/store?graph={quote(version_graph('musterstadt', '2020'))}", jsonld),
            (f"/store?graph={quote(private_graph(version_graph('musterstadt', '2020')))}", ttl),
        ],
        "/sparql": sparql,
        "/static/yasgui/{name}": [(f"/static/yasgui/{n}", {}) for n in ("yasgui.min.js", "yasgui.min.css", "LICENSE")],
        "/static/js/{name}": [(f"/static/js/{n}", {}) for n in ("map.js", "sparql.js")],
        "/api/queries": [("/api/queries", {})],
        "/api/queries/{name}": [(f"/api/queries/{n}", {}) for n in queries],
        "/api/vergleich/handlungsfelder": [("/api/vergleich/handlungsfelder", {})],
        "/api/vergleich/indikatoren": [("/api/vergleich/indikatoren", {})],
        "/api/context.jsonld": [("/api/context.jsonld", {})],
        "/api/{dataset}/felder/{slug}/baum": [(f"/api/musterstadt/felder/{s}/baum", {}) for s in slugs["felder"]],
        "/api/{dataset}/felder/{slug}/vollstaendigkeit": [
            (f"/api/musterstadt/felder/{s}/vollstaendigkeit", {}) for s in slugs["felder"]
        ],
        "/id/{dataset}/{rest:path}": [
            (iri.removeprefix("https://w3id.org/integrationsgraph") + suffix, {})
            for iri in subjects
            for suffix in ("", ".ttl", ".jsonld")
        ],
        "/felder": [("/felder", {}), ("/felder?datensatz=musterstadt", {})],
        "/api/suche": [(f"/api/suche?q={q}&limit=50", {}) for q in ("Mustermann", "Erika", "Integrationsbeauftragte")],
        "/suche": [(f"/suche?q={q}", {}) for q in ("Mustermann", "Integrationsbeauftragte")],
        "/api/{dataset}/diff": [
            (diff.format(a, b) + fmt, {})
            for a, b in (("2020", "2025"), ("2025", "2020"), ("2020", "aktuell"))
            for fmt in ("", "&format=text")
        ],
        "/api/analysis": [("/api/analysis?dataset=musterstadt", {}), ("/api/analysis", {})],
        "/api/analysis/actors": [("/api/analysis/actors?dataset=musterstadt", {})],
        "/api/analysis/fields": [("/api/analysis/fields?dataset=musterstadt", {})],
        "/api/analysis/communities": [("/api/analysis/communities?dataset=musterstadt", {})],
        "/api/analysis/gaps": [("/api/analysis/gaps", {})],
        "/maps": [("/maps", {})],
        "/maps/actors": [("/maps/actors?dataset=musterstadt", {})],
        "/maps/actors.json": [("/maps/actors.json?dataset=musterstadt", {})],
        "/maps/actors/table": [("/maps/actors/table?dataset=musterstadt", {})],
        "/maps/fields": [("/maps/fields?dataset=musterstadt", {})],
        "/maps/chain/{field}": [("/maps/chain/HF1?dataset=musterstadt", {})],
        "/catalog": [("/catalog", {}), ("/catalog?page=2", {}), ("/catalog", ttl)],
        "/catalog.{suffix}": [(f"/catalog.{s}", {}) for s in ("ttl", "jsonld", "rdf")],
        "/dumps": [("/dumps", {}), ("/dumps", html)],
        "/dumps/{file}": [(f"/dumps/{n}", {}) for n in dumps],
        "/.well-known/void": [("/.well-known/void", {})],
        "/ontology": [("/ontology", {}), ("/ontology", html)],
        "/ontology.{suffix}": [(f"/ontology.{s}", {}) for s in ("ttl", "jsonld", "rdf")],
    }
    for kind in KINDS:
        out[f"/api/{{dataset}}/{kind}"] = [(f"/api/musterstadt/{kind}?limit=500", {})]
        out[f"/api/{{dataset}}/{kind}/{{slug}}"] = [(f"/api/musterstadt/{kind}/{s}", {}) for s in slugs[kind]]
    return out


def get_routes(app: FastAPI) -> set[str]:
    """Every GET route of the app, from its route table (included routers too)."""
    return {r.path for r in iter_route_contexts(app.routes) if r.path and "GET" in (r.methods or set())}


def store_of(client: TestClient) -> Store:
    store: Store = client.app.state.ctx.store  # type: ignore[attr-defined]
    return store


def readable(body: bytes) -> bytes:
    """The body as its reader gets it: gzip and zip (xlsx) unpacked."""
    if body.startswith(b"\x1f\x8b"):
        return gzip.decompress(body)
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return b"".join(z.read(n) for n in z.namelist())
    return body


def leaked(body: bytes, asked: str = "") -> list[str]:
    """The needles in ``body``, but for those the request itself carried (a 404 may name the path it got)."""
    text = readable(body)
    return [n for n in NEEDLES if n.encode() in text and n not in unquote(asked)]


def edited(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The next version: her name and e-mail changed."""
    erika = ox.NamedNode(ERIKA)
    out = []
    for t in triples:
        if t.subject == erika and t.predicate.value == FOAF_NAME:
            t = ox.Triple(erika, t.predicate, ox.Literal(NEW_NAME))
        elif t.subject == erika and t.predicate.value == VCARD_EMAIL:
            t = ox.Triple(erika, t.predicate, ox.NamedNode(f"mailto:{NEW_MAIL}"))
        out.append(t)
    return out


@pytest.fixture(scope="module")
def client(app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """The app on the embedded store (Rheine and Musterstadt loaded on start-up) with two stored versions of
    Musterstadt whose private person has another name and e-mail in the second."""
    with app_client("embedded", "public-routes", write_token=TOKEN) as c:
        writer: WritePath = c.app.state.ctx.writer
        # Small versions (her triples and those of whatever points to her): whole copies of Musterstadt in the
        # union default graph make the example query kette-eines-feldes run out of worker memory.
        private = list(writer.store.triples(private_graph(MUSTER)))
        near = {t.subject for t in private if isinstance(t.subject, ox.NamedNode)} - {ox.NamedNode(ERIKA)}
        version = [*private, *writer.store.outgoing(MUSTER, near)]
        with acting(Account("testeinrichtung", Role.ADMIN)):  # the server's write path names who writes
            for name, triples in (("2020", version), ("2025", edited(version))):
                writer.write(
                    Change(version_graph("musterstadt", name), add=triples, replace=True), validate_change=False
                )
        assert private_graph(version_graph("musterstadt", "2025")) in writer.store.graphs()
        yield c


def test_every_get_route_is_exercised_or_not_applicable_with_a_reason(client: TestClient) -> None:
    routes = get_routes(client.app)  # type: ignore[arg-type]
    covered = set(exercised(client))
    assert not covered & set(NOT_APPLICABLE), "a route is either exercised or not applicable"
    assert routes - covered - set(NOT_APPLICABLE) == set(), "new GET route: exercise it here or say why not"
    assert (covered | set(NOT_APPLICABLE)) - routes == set(), "listed here but no longer a route"
    assert all(reason.strip() for reason in NOT_APPLICABLE.values())


def test_no_private_value_in_any_public_answer(client: TestClient) -> None:
    requests = exercised(client)
    found: dict[str, list[str]] = {}
    ok = 0
    for route, calls in requests.items():
        assert calls, f"{route}: no request made"
        for path, headers in calls:
            r = client.get(path, headers=headers)
            assert r.status_code < 500, (path, r.text[:300])
            ok += r.status_code == 200
            if hits := leaked(r.content, path):
                found[f"{path} ({headers.get('Accept', '')})"] = hits
    assert found == {}
    assert ok > 300, "most requests answer with data"
    # The requests reach what matters: her Stelle's page, the diff, the private graph by name.
    assert (
        client.get(f"{ID.removeprefix('https://w3id.org/integrationsgraph')}stelle/integrationsbeauftragte").status_code
        == 200
    )
    assert client.get(f"{ERIKA.removeprefix('https://w3id.org/integrationsgraph')}.ttl").status_code == 404


def test_no_private_value_in_a_query_posted_to_sparql(client: TestClient) -> None:
    for query in SPARQL_QUERIES:
        r = client.post(
            "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"}
        )
        assert r.status_code == 200, r.text
        assert leaked(r.content) == [], query


def test_the_diff_without_the_token_shows_no_private_value(client: TestClient) -> None:
    r = client.get("/api/musterstadt/diff", params={"from": "2020", "to": "2025"})
    assert r.status_code == 200, r.text
    assert leaked(r.content) == []
    assert r.json()["categories"] == [], "nothing public changed between the two versions"
    text = client.get("/api/musterstadt/diff", params={"from": "2020", "to": "2025", "format": "text"}).text
    assert "keine" in text and leaked(text.encode()) == []
    wrong = client.get(
        "/api/musterstadt/diff", params={"from": "2020", "to": "2025"}, headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 200 and leaked(wrong.content) == [], "a wrong token reads what the public reads"


def test_the_diff_with_the_token_shows_the_private_changes(client: TestClient) -> None:
    r = client.get("/api/musterstadt/diff", params={"from": "2020", "to": "2025", "format": "text"}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert "„Erika Mustermann“ → „Erika Neuname“" in r.text
    assert "„erika.mustermann@musterstadt.example“ → „neu.name@musterstadt.example“" in r.text


def test_the_graph_store_with_the_token_shows_her(client: TestClient) -> None:
    """The positive control of the needles: where the reader has the right, they are found."""
    r = client.get("/store", params={"graph": private_graph(MUSTER)}, headers={**AUTH, "Accept": "text/turtle"})
    assert r.status_code == 200 and set(leaked(r.content)) >= {"Mustermann", "erika.mustermann"}


# ---------------------------------------------------------------------------------------------------------
# No door lets personal data into a graph without a private companion
# ---------------------------------------------------------------------------------------------------------

PERSON_TTL = (
    f'<{ID}person/probe> a <http://xmlns.com/foaf/0.1/Person> ; <{FOAF_NAME}> "Paula Probe" ; '
    f"<{VCARD_EMAIL}> <mailto:paula.probe@musterstadt.example> .\n"
)


def assert_refused(r: Any, store: Store, before: dict[str, set[ox.Triple]], graph: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert set(body) == {"status", "error", "errors"} and body["status"] == 422
    assert "personenbezogene Angabe" in body["error"] and f"<{graph}>" in body["error"]
    assert "nichts wurde geschrieben" in body["error"]
    assert any(e["focus"] == f"{ID}person/probe" and e["path"] == f"<{FOAF_NAME}>" for e in body["errors"])
    assert "Paula Probe" not in r.text, "the personal value is not repeated"
    assert {g: set(store.triples(g)) for g in store.graphs()} == before, "nothing written"


@pytest.mark.parametrize("graph", [PEOPLE])  # the system graph: no door writes it at all (tests/api/test_rights.py)
def test_the_graph_store_refuses_a_person_outside_a_dataset_graph(client: TestClient, graph: str) -> None:
    store = store_of(client)
    before = {g: set(store.triples(g)) for g in store.graphs()}
    for method in (client.put, client.post):
        r = method(
            "/store", params={"graph": graph}, content=PERSON_TTL, headers={**AUTH, "Content-Type": "text/turtle"}
        )
        assert_refused(r, store, before, graph)


def test_sparql_update_refuses_a_person_outside_a_dataset_graph(client: TestClient) -> None:
    store = store_of(client)
    before = {g: set(store.triples(g)) for g in store.graphs()}
    update = f"INSERT DATA {{ GRAPH <{PEOPLE}> {{ {PERSON_TTL} }} }}"
    r = client.post("/sparql", data={"update": update}, headers=AUTH)
    assert_refused(r, store, before, PEOPLE)


def test_sparql_update_refuses_a_link_to_a_person_made_in_the_same_update(client: TestClient) -> None:
    """The person is typed in a dataset graph (and kept private there); the link to it in another graph."""
    store = store_of(client)
    before = {g: set(store.triples(g)) for g in store.graphs()}
    update = (
        f"INSERT DATA {{ GRAPH <{MUSTER}> {{ <{ID}person/probe> a <http://xmlns.com/foaf/0.1/Person> }} "
        f"GRAPH <{PEOPLE}> {{ <{ID}projekt/p> <https://schema.org/contributor> <{ID}person/probe> }} }}"
    )
    r = client.post("/sparql", data={"update": update}, headers=AUTH)
    assert r.status_code == 422, r.text
    assert f"<{PEOPLE}>" in r.json()["error"]
    assert {g: set(store.triples(g)) for g in store.graphs()} == before


def test_rest_refuses_a_link_to_the_private_person_outside_a_dataset_graph(client: TestClient) -> None:
    """``/api/ontology/…`` would write into the ontology graph, which has no companion: no account may (rights,
    before the privacy rule)."""
    store = store_of(client)
    before = {g: set(store.triples(g)) for g in store.graphs()}
    r = client.post("/api/ontology/stellen", json={"label": {"de": "Probe"}, "inhaber": [ERIKA]}, headers=AUTH)
    assert r.status_code == 403, r.text
    assert "Ontologie" in r.json()["error"] and "Mustermann" not in r.text
    assert {g: set(store.triples(g)) for g in store.graphs()} == before


def test_the_import_refuses_a_workbook_with_a_person_into_a_graph_without_a_companion(client: TestClient) -> None:
    """Dataset ``system`` is the store's bookkeeping graph: no door writes it (rights), and the workbook's person
    would have nowhere to go."""
    store = store_of(client)
    before = {g: set(store.triples(g)) for g in store.graphs()}
    workbook = (ROOT / "data" / "musterstadt.xlsx").read_bytes()
    r = client.post(
        "/api/import",
        files={"file": ("musterstadt.xlsx", workbook)},
        data={"dataset": "system"},
        headers=AUTH,
    )
    assert r.status_code == 403, r.text
    assert "Verwaltungsgraph" in r.json()["error"]
    assert "Mustermann" not in r.text and "erika.mustermann" not in r.text
    assert {g: set(store.triples(g)) for g in store.graphs()} == before
