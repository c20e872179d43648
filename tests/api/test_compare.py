"""/api/vergleich/…: municipalities compared over HTTP (Rheine and the fictional Musterstadt)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from integrationsgraph.api.main import create_app
from integrationsgraph.graph.core.config import ONTOLOGY_NS, ROOT, Settings

KIO = rdflib.Namespace(ONTOLOGY_NS)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(store=tmp_path_factory.mktemp("vergleich") / "store")
    with TestClient(create_app(settings)) as c:
        yield c


def test_fields_compared(client: TestClient) -> None:
    body = client.get("/api/vergleich/handlungsfelder").json()
    assert {(d["name"], d["fiktiv"]) for d in body["datensaetze"]} == {("rheine", False), ("musterstadt", True)}
    themes = {t["iri"].rsplit("#thema-", 1)[1]: t for t in body["themen"]}
    assert len(themes) == 8
    covered = {k for k, t in themes.items() if any(r["datensatz"] == "musterstadt" for r in t["kommunen"])}
    assert covered == {"sprache", "bildung", "arbeit", "wohnen", "teilhabe", "gesundheit", "oeffnung"}
    assert set(themes["religion"]["ohne"]) == {
        "musterstadt",
        "rheine",
    }
    (sprache,) = themes["sprache"]["kommunen"]
    assert sprache["name"] == "Sprache" and sprache["werte"]["massnahmen"] > 0


def test_one_indicator_compared(client: TestClient) -> None:
    body = client.get("/api/vergleich/indikatoren", params={"referenz": "E5"}).json()
    (e5,) = body["indikatoren"]
    assert e5["code"] == "E5" and e5["label"] == "Arbeitslosenquote"
    (row,) = e5["kommunen"]
    assert row["datensatz"] == "musterstadt"
    assert row["name"] == "Arbeitslosenquote der ausländischen Bevölkerung"
    data = rdflib.Graph()
    for ttl in (ROOT / "data" / "musterstadt").glob("*.ttl"):
        data.parse(ttl)
    values = [
        (str(data.value(mw, KIO.stichtag)), float(data.value(mw, KIO.wert)))  # type: ignore[arg-type]
        for mw in data.subjects(KIO.indikator, rdflib.URIRef(row["iri"]))
    ]
    assert (row["werte"]["stichtag"], row["werte"]["wert"]) == max(values)
    assert e5["ohne"] == ["rheine"]


def test_an_unknown_reference_is_a_404_in_german(client: TestClient) -> None:
    r = client.get("/api/vergleich/indikatoren", params={"referenz": "Z9"})
    assert r.status_code == 404
    assert "Unbekannter Referenzindikator" in r.json()["error"]


def test_the_comparison_queries_are_example_queries(client: TestClient) -> None:
    names = {q["name"] for q in client.get("/api/queries").json()}
    assert {"handlungsfelder-im-vergleich", "indikator-im-vergleich"} <= names
    assert Path(__file__).name  # (the listing itself is checked in test_sparql_examples.py)
