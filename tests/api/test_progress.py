"""``GET /api/{dataset}/fortschritt`` (JSON contract, CSV, errors) and the stored verdict after a write, on both
backends: a Messwert created over REST or SPARQL Update shows up at once in ``/sparql`` as the new assessment."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

TOKEN = "test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ID = "https://w3id.org/integrationsgraph/id/musterstadt/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
GRAPH = "https://w3id.org/integrationsgraph/graph/musterstadt"
KEYS = [
    "indicator",
    "label",
    "direction",
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "target_year",
    "target_value",
    "cagr_observed",
    "cagr_required",
    "ratio",
    "status",
    "manual",
]
STATUS_QUERY = f"""PREFIX kio: <{KIO}>
SELECT ?status ?latest WHERE {{ GRAPH <{GRAPH}/fortschritt> {{
  <{ID}fortschritt/i1-1-1-1> kio:fortschrittsstatus ?status ; kio:aktuellerWert ?latest }} }}"""


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    with app_client(request.param, "progress", write_token=TOKEN) as c:
        yield c


def verdict(client: TestClient) -> tuple[str, str]:
    r = client.get("/sparql", params={"query": STATUS_QUERY}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    rows = r.json()["results"]["bindings"]
    assert len(rows) == 1, rows
    return rows[0]["status"]["value"].removeprefix(KIO), rows[0]["latest"]["value"]


def test_json_contract(client: TestClient) -> None:
    r = client.get("/api/musterstadt/fortschritt")
    assert r.status_code == 200
    rows = r.json()
    assert len(rows) == 23
    assert all(list(row) == KEYS for row in rows)
    assert rows[0]["indicator"] == ID + "indikator/i1-1-1-1"
    assert (rows[0]["status"], rows[0]["manual"]) == ("substantial_progress", False)


def test_csv(client: TestClient) -> None:
    r = client.get("/api/musterstadt/fortschritt", params={"format": "csv"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "fortschritt-musterstadt.csv" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == KEYS and len(rows) == 24


def test_rheine_has_none_yet(client: TestClient) -> None:
    assert client.get("/api/rheine/fortschritt").json() == []


@pytest.mark.parametrize(("path", "status"), [("/api/gibtesnicht/fortschritt", 404), ("/api/Muster/fortschritt", 422)])
def test_errors(client: TestClient, path: str, status: int) -> None:
    r = client.get(path)
    assert r.status_code == status
    assert "error" in r.json()


def test_bad_format_is_refused(client: TestClient) -> None:
    assert client.get("/api/musterstadt/fortschritt", params={"format": "xlsx"}).status_code == 422


def test_a_value_created_over_rest_changes_the_stored_verdict(client: TestClient) -> None:
    assert verdict(client) == ("aufKurs", "62.8")
    body = {
        "label": {"de": "I1.1.1.1 Musterstadt 2026 (Test, fiktiv)"},
        "fiktiv": True,
        "indikator": ID + "indikator/i1-1-1-1",
        "gebiet": ID + "akteur/musterstadt",
        "stichtag": "2026-06-30",
        "wert": 70.0,
        "einheit": "PERCENT",
    }
    created = client.post("/api/musterstadt/messwerte", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    try:
        # 70 ≥ 66: the target is met
        assert verdict(client) == ("zielErreicht", "70")
        api = client.get("/api/musterstadt/fortschritt").json()[0]
        assert (api["latest_year"], api["latest_value"], api["status"]) == (2026, 70.0, "target_achieved")
    finally:
        slug = created.json()["iri"].rsplit("/", 1)[-1]
        assert client.delete(f"/api/musterstadt/messwerte/{slug}", headers=AUTH).status_code in (200, 204)
    assert verdict(client) == ("aufKurs", "62.8")


def test_a_sparql_update_changes_the_stored_verdict(client: TestClient) -> None:
    value = f"<{ID}messwert/i1-1-1-1-2025> <{KIO}wert>"
    update = f"""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
DELETE DATA {{ GRAPH <{GRAPH}> {{ {value} "62.8"^^xsd:decimal }} }} ;
INSERT DATA {{ GRAPH <{GRAPH}> {{ {value} "50.5"^^xsd:decimal }} }}"""
    undo = update.replace('"62.8"', '"X"').replace('"50.5"', '"62.8"').replace('"X"', '"50.5"')
    headers = {"Content-Type": "application/sparql-update", **AUTH}
    r = client.post("/sparql", content=update, headers=headers)
    assert r.status_code in (200, 204), r.text
    try:
        # 54.5 → 50.5: (50.5/54.5)^(1/4) − 1 = −0.0189; R < 0
        assert verdict(client) == ("verschlechterung", "50.5")
    finally:
        assert client.post("/sparql", content=undo, headers=headers).status_code in (200, 204)
    assert verdict(client) == ("aufKurs", "62.8")


def test_the_example_query_shows_the_same_verdicts(client: TestClient) -> None:
    r = client.get("/api/queries/fortschritt-der-indikatoren", headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    rows = [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]
    stored = {row["indikator"]: row["status"] for row in rows if row["graph"] == GRAPH + "/fortschritt"}
    api = {a["indicator"]: a["status"] for a in client.get("/api/musterstadt/fortschritt").json()}
    assert stored == api
    first = next(row for row in rows if row["code"] == "I1.1.1.1")
    assert (first["basisjahr"], first["aktuellerWert"], first["zielwert"], first["von_hand"]) == (
        "2021",
        "62.8",
        "66",
        "false",
    )
