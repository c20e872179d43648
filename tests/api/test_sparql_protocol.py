"""The W3C SPARQL 1.1 Protocol test cases (sparql11/protocol/manifest.ttl), written as our own tests.

The W3C cases use graphs ``http://kasei.us/2009/09/sparql/data/data{1,2,3}.rdf``; here they are
test graphs of our own, filled through the update path. Where the W3C case clears everything
(``CLEAR ALL``), ours clears only its own graphs: the ontology and shapes graphs are protected.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import ONTOLOGY_GRAPH, Settings

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
D1, D2, D3 = (f"http://example.org/protocol/data{i}" for i in (1, 2, 3))
OUT = "http://example.org/protocol-update-dataset-test/"
DIRECT = {"Content-Type": "application/sparql-query"}
UPDATE = {"Content-Type": "application/sparql-update", **AUTH}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client(request.param, "protocol", write_token=TOKEN, datasets=[], result_limit=5) as c:
        data = f"""INSERT DATA {{
          GRAPH <{D1}> {{ <{D1}> a <http://xmlns.com/foaf/0.1/Document> }}
          GRAPH <{D2}> {{ <{D2}> a <http://xmlns.com/foaf/0.1/Document> }}
          GRAPH <{D3}> {{ <{D3}> a <http://xmlns.com/foaf/0.1/Document> }} }}"""
        assert c.post("/sparql", content=data, headers=UPDATE).status_code == 200
        yield c


def boolean(response: object) -> bool:
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    return bool(json.loads(response.text)["boolean"])  # type: ignore[attr-defined]


def test_query_get(client: TestClient) -> None:
    assert boolean(client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": D1}))


def test_query_post_form(client: TestClient) -> None:
    r = client.post(f"/sparql?default-graph-uri={quote(D1)}", content="query=ASK%20%7B%7D", headers=FORM)
    assert boolean(r)


def test_query_post_direct(client: TestClient) -> None:
    assert boolean(client.post("/sparql", content="ASK {}", headers=DIRECT))


@pytest.mark.parametrize("method", ["get", "post"])
def test_query_dataset_default_graphs(client: TestClient, method: str) -> None:
    query = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
    dataset = [("default-graph-uri", D1), ("default-graph-uri", D2)]
    if method == "get":
        r = client.get("/sparql", params=[("query", query), *dataset])
    else:
        r = client.post("/sparql", params=dataset, content=query, headers=DIRECT)
    assert boolean(r)
    # Only D1 as the default graph: D2's triple is not in it.
    assert not boolean(client.get("/sparql", params=[("query", query), ("default-graph-uri", D1)]))


@pytest.mark.parametrize("method", ["get", "post"])
def test_query_dataset_named_graphs(client: TestClient, method: str) -> None:
    query = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    dataset = [("named-graph-uri", D1), ("named-graph-uri", D2)]
    if method == "get":
        r = client.get("/sparql", params=[("query", query), *dataset])
    else:
        r = client.post("/sparql", params=dataset, content=query, headers=DIRECT)
    assert boolean(r)


def test_query_dataset_full(client: TestClient) -> None:
    query = f"ASK {{ <{D3}> a ?type GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    params = [("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2)]
    assert boolean(client.post("/sparql", params=params, content=query, headers=DIRECT))


def test_query_multiple_dataset_protocol_wins_over_from(client: TestClient) -> None:
    query = f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
    params = [("named-graph-uri", D1), ("named-graph-uri", D2)]
    assert boolean(client.post("/sparql", params=params, content=query, headers=DIRECT))
    # Without protocol parameters the FROM clause is obeyed (and there are no named graphs).
    assert boolean(client.post("/sparql", content=f"ASK FROM <{D3}> {{ <{D3}> a ?t }}", headers=DIRECT))
    assert not boolean(client.post("/sparql", content=f"ASK FROM <{D3}> {{ <{D1}> a ?t }}", headers=DIRECT))


def test_default_graph_is_the_union(client: TestClient) -> None:
    assert boolean(client.get("/sparql", params={"query": f"ASK {{ <{D1}> a ?t . <{D3}> a ?t }}"}))


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_query_content_type_select(client: TestClient, accept: str, media: str) -> None:
    r = client.post("/sparql", content="SELECT (1 AS ?value) {}", headers={**DIRECT, "Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "1" in r.text and "value" in r.text


def test_query_content_type_ask(client: TestClient) -> None:
    r = client.post("/sparql", content="ASK {}", headers={**DIRECT, "Accept": "application/sparql-results+xml"})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    assert "<boolean>true</boolean>" in r.text


@pytest.mark.parametrize("query", ["DESCRIBE <http://example.org/>", "CONSTRUCT { <s> <p> 1 } WHERE {}"])
@pytest.mark.parametrize(
    ("accept", "media"),
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        (None, "text/turtle"),
    ],
)
def test_query_content_type_graph(client: TestClient, query: str, accept: str | None, media: str) -> None:
    headers = {**DIRECT, **({"Accept": accept} if accept else {})}
    r = client.post("/sparql", content=query, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media


def test_construct_resolves_relative_iris_against_the_endpoint(client: TestClient) -> None:
    r = client.post(
        "/sparql", content="CONSTRUCT { <s> <p> 1 } WHERE {}", headers={**DIRECT, "Accept": "application/n-triples"}
    )
    assert "<http://testserver/s> <http://testserver/p>" in r.text


def test_format_parameter_wins_over_accept(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT (1 AS ?x) {}", "format": "csv"}, headers={"Accept": "text/xml"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines() == ["x", "1"]


def test_not_acceptable(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.json()["error"]


def test_update_dataset_default_graph(client: TestClient) -> None:
    update = f"""PREFIX dc: <http://purl.org/dc/terms/>
    PREFIX foaf: <http://xmlns.com/foaf/0.1/>
    CLEAR SILENT GRAPH <{OUT}> ;
    INSERT {{ GRAPH <{OUT}> {{ ?s a dc:BibliographicResource }} }} WHERE {{ ?s a foaf:Document }}"""
    r = client.post("/sparql", params={"using-graph-uri": D1}, content=update, headers=UPDATE)
    assert r.status_code == 200, r.text
    rows = client.get("/sparql", params={"query": f"SELECT ?s WHERE {{ GRAPH <{OUT}> {{ ?s ?p ?o }} }}"}).json()
    assert [b["s"]["value"] for b in rows["results"]["bindings"]] == [D1]


def test_update_dataset_default_graphs(client: TestClient) -> None:
    update = f"""CLEAR SILENT GRAPH <{OUT}> ;
    INSERT {{ GRAPH <{OUT}> {{ ?s a <http://purl.org/dc/terms/BibliographicResource> }} }}
    WHERE {{ ?s a <http://xmlns.com/foaf/0.1/Document> }}"""
    params = [("using-graph-uri", D1), ("using-graph-uri", D2)]
    assert client.post("/sparql", params=params, content=update, headers=UPDATE).status_code == 200
    rows = client.get("/sparql", params={"query": f"SELECT ?s WHERE {{ GRAPH <{OUT}> {{ ?s ?p ?o }} }} ORDER BY ?s"})
    assert [b["s"]["value"] for b in rows.json()["results"]["bindings"]] == [D1, D2]


def test_update_dataset_named_graphs_and_full(client: TestClient) -> None:
    update = f"""CLEAR SILENT GRAPH <{OUT}> ;
    INSERT {{ GRAPH <{OUT}> {{ ?s <http://example.org/in> ?in }} }}
    WHERE {{ {{ GRAPH ?g {{ ?s a <http://xmlns.com/foaf/0.1/Document> }} BIND(?g AS ?in) }}
             UNION {{ ?s a <http://xmlns.com/foaf/0.1/Document> BIND("default" AS ?in) }} }}"""
    params = [("using-graph-uri", D1), ("using-named-graph-uri", D2)]
    assert client.post("/sparql", params=params, content=update, headers=UPDATE).status_code == 200
    ask = f"""ASK {{ GRAPH <{OUT}> {{ <{D1}> <http://example.org/in> "default" .
                                    <{D2}> <http://example.org/in> <{D2}> }}
    MINUS {{ GRAPH <{OUT}> {{ <{D3}> ?p ?o }} }} }}"""
    assert boolean(client.post("/sparql", content=ask, headers=DIRECT))
    rows = client.get("/sparql", params={"query": f"SELECT * WHERE {{ GRAPH <{OUT}> {{ ?s ?p ?o }} }}"}).json()
    assert len(rows["results"]["bindings"]) == 2


def test_update_post_form_and_direct(client: TestClient) -> None:
    g = "http://example.org/protocol/form"
    r = client.post(
        "/sparql",
        content=f"update=INSERT+DATA+%7B+GRAPH+%3C{quote(g, safe='')}%3E+%7B+%3Cs%3E+%3Cp%3E+1+%7D+%7D",
        headers={**FORM, **AUTH},
    )
    assert r.status_code == 200, r.text
    assert r.json()["graphs"] == [{"graph": g, "added": 1, "removed": 0}]
    r = client.post("/sparql", content=f"CLEAR GRAPH <{g}>", headers=UPDATE)
    assert r.json()["graphs"] == [{"graph": g, "added": 0, "removed": 1}]


def test_update_base_uri_is_the_endpoint(client: TestClient) -> None:
    g = "http://example.org/protocol-base-test/"
    update = f"INSERT DATA {{ GRAPH <{g}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}"
    assert client.post("/sparql", content=update, headers=UPDATE).status_code == 200
    rows = client.get("/sparql", params={"query": f"SELECT ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"}).json()
    assert [b["o"] for b in rows["results"]["bindings"]] == [{"type": "uri", "value": "http://testserver/test"}]


def test_update_without_using_reads_the_union(client: TestClient) -> None:
    g = "http://example.org/protocol/union"
    update = (
        f"INSERT {{ GRAPH <{g}> {{ ?s a <http://example.org/Seen> }} }} "
        "WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> }"
    )
    assert client.post("/sparql", content=update, headers=UPDATE).status_code == 200
    rows = client.get("/sparql", params={"query": f"SELECT ?s WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} ORDER BY ?s"})
    assert [b["s"]["value"] for b in rows.json()["results"]["bindings"]] == [D1, D2, D3]


def test_bad_query_method(client: TestClient) -> None:
    r = client.put(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={quote(D1)}", headers=FORM)
    assert r.status_code == 405
    assert "POST" in r.headers["allow"]


def test_bad_multiple_queries(client: TestClient) -> None:
    r = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert r.status_code == 400
    assert "nur einmal" in r.json()["error"]


def test_bad_query_wrong_media_type(client: TestClient) -> None:
    r = client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


@pytest.mark.parametrize("body", ["query=ASK%20%7B%7D", "ASK {}", "update=CLEAR%20NAMED"])
def test_bad_missing_content_type(client: TestClient, body: str) -> None:
    r = client.post("/sparql", content=body.encode(), headers={"Content-Type": ""})
    assert r.status_code == 400
    assert "Content-Type" in r.json()["error"]


@pytest.mark.parametrize("kind", ["application/sparql-query", "application/sparql-update"])
def test_bad_non_utf8(client: TestClient, kind: str) -> None:
    r = client.post(
        "/sparql", content="ASK {}".encode("utf-16"), headers={"Content-Type": f"{kind}; charset=UTF-16", **AUTH}
    )
    assert r.status_code == 400
    assert "UTF-8" in r.json()["error"]


def test_bad_query_syntax_names_line_and_column(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert r.status_code == 400
    assert "Zeile 2, Spalte" in r.json()["error"]


def test_bad_update_get(client: TestClient) -> None:
    assert client.get("/sparql?update=CLEAR%20ALL").status_code == 400


def test_bad_multiple_updates(client: TestClient) -> None:
    r = client.post("/sparql", content="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", headers={**FORM, **AUTH})
    assert r.status_code == 400


def test_bad_update_wrong_media_type(client: TestClient) -> None:
    assert (
        client.post("/sparql", content="CLEAR NAMED", headers={"Content-Type": "text/plain", **AUTH}).status_code == 415
    )


def test_bad_update_syntax(client: TestClient) -> None:
    r = client.post("/sparql", content="update=CLEAR%20XYZ", headers={**FORM, **AUTH})
    assert r.status_code == 400
    assert "Syntaxfehler in Zeile 1" in r.json()["error"]


def test_bad_update_dataset_conflict(client: TestClient) -> None:
    update = """PREFIX foaf: <http://xmlns.com/foaf/0.1/>
    WITH <http://example/addresses>
    DELETE { ?person foaf:givenName 'Bill' } INSERT { ?person foaf:givenName 'William' }
    WHERE { ?person foaf:givenName 'Bill' }"""
    r = client.post(
        "/sparql", params={"using-named-graph-uri": "http://example/people"}, content=update, headers=UPDATE
    )
    assert r.status_code == 400
    assert "USING oder WITH" in r.json()["error"]


def test_update_needs_the_token(client: TestClient) -> None:
    r = client.post(
        "/sparql", content="CLEAR GRAPH <http://example.org/x>", headers={"Content-Type": "application/sparql-update"}
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    wrong = {"Content-Type": "application/sparql-update", "Authorization": "Bearer nope"}
    assert client.post("/sparql", content="CLEAR GRAPH <http://example.org/x>", headers=wrong).status_code == 401


def test_update_refused_without_a_configured_token(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = Settings(store=tmp_path_factory.mktemp("notoken") / "store", datasets=[], query_workers=0, sandbox="off")
    with TestClient(create_app(settings)) as c:
        r = c.post("/sparql", content="CLEAR GRAPH <http://example.org/x>", headers=UPDATE)
    assert r.status_code == 403
    assert "weder ein Schreib-Token noch ein Konto" in r.json()["error"]


@pytest.mark.parametrize(
    "update",
    ["LOAD <http://example.org/data.ttl>", "LOAD <file:///etc/passwd> INTO GRAPH <http://example.org/x>"],
)
def test_load_is_refused(client: TestClient, update: str) -> None:
    r = client.post("/sparql", content=update, headers=UPDATE)
    assert r.status_code == 403
    assert "LOAD ist auf diesem Endpunkt nicht erlaubt" in r.json()["error"]


def test_service_is_refused_but_not_in_a_string(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 403
    ok = client.get("/sparql", params={"query": 'SELECT ("SERVICE LOAD" AS ?x) {}'})
    assert ok.status_code == 200
    # a comment is no hiding place: the word there is refused too (tests/api/test_sparql_reach_out.py)
    commented = client.get("/sparql", params={"query": 'SELECT ("x" AS ?x) {} # SERVICE'})
    assert commented.status_code == 403
    assert "Kommentaren" in commented.json()["error"]


@pytest.mark.parametrize("update", [f"CLEAR GRAPH <{ONTOLOGY_GRAPH}>", "CLEAR ALL", "DROP ALL"])
def test_ontology_and_shapes_are_protected(client: TestClient, update: str) -> None:
    r = client.post("/sparql", content=update, headers=UPDATE)
    assert r.status_code == 403
    assert boolean(client.get("/sparql", params={"query": f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"}))
    assert boolean(client.get("/sparql", params={"query": f"ASK {{ <{D1}> ?p ?o }}"}))  # CLEAR ALL changed nothing


def test_default_graph_is_not_writable(client: TestClient) -> None:
    r = client.post(
        "/sparql", content="INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }", headers=UPDATE
    )
    assert r.status_code == 400
    assert "GRAPH" in r.json()["error"]


def test_row_limit_is_said_in_header_and_head_link(client: TestClient) -> None:
    query = "SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 6 7 } }"
    r = client.get("/sparql", params={"query": query})
    assert r.headers["x-integrationsgraph-truncated"] == "true"
    body = r.json()
    assert len(body["results"]["bindings"]) == 5
    assert body["head"]["link"] == ["http://testserver/sparql#grenzen"]
    xml = client.get("/sparql", params={"query": query, "format": "xml"}).text
    assert xml.count("<result>") == 5 and '<link href="http://testserver/sparql#grenzen"/>' in xml
    small = client.get("/sparql", params={"query": "SELECT ?n WHERE { VALUES ?n { 1 2 } }"})
    assert "x-integrationsgraph-truncated" not in small.headers


def test_triple_limit_for_construct(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"})
    assert r.headers["x-integrationsgraph-truncated"] == "true"
    assert r.text.startswith("# Ergebnis gekürzt")


def test_body_limit(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = Settings(
        store=tmp_path_factory.mktemp("small") / "s", datasets=[], max_body_bytes=100, query_workers=0, sandbox="off"
    )
    with TestClient(create_app(settings)) as c:
        r = c.post("/sparql", content="ASK {} " + "#" * 200, headers=DIRECT)
    assert r.status_code == 413


def test_cors_for_queries_not_for_updates(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": "ASK {}"}).headers["access-control-allow-origin"] == "*"
    pre = client.options("/sparql", headers={"Origin": "http://elsewhere", "Access-Control-Request-Method": "POST"})
    assert "Authorization" not in pre.headers["access-control-allow-headers"]
    r = client.post("/sparql", content="CLEAR SILENT GRAPH <http://example.org/none>", headers=UPDATE)
    assert "access-control-allow-origin" not in r.headers


def test_service_description(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.headers["content-type"].startswith("text/turtle")
    nt = client.get("/sparql", headers={"Accept": "application/n-triples"}).text
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert f"<http://testserver/sparql> <{sd}endpoint> <http://testserver/sparql> ." in nt
    assert f"<{sd}supportedLanguage> <{sd}SPARQL11Update>" in nt
    assert f"<{sd}resultFormat> <http://www.w3.org/ns/formats/SPARQL_Results_CSV>" in nt
    assert f"<{sd}name> <{D1}>" in nt
    assert "<http://rdfs.org/ns/void#triples>" in nt


def test_browser_gets_the_query_page(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    assert '<script src="/static/yasgui/yasgui.min.js">' in r.text
    assert "zentrale-akteure" in r.text
