"""``/api/analysis/…`` in-process on both backends, on the fictional Kleinstadt and Zweitstadt (tests/data/)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.rdf.io import parse_file

DATA = Path(__file__).parents[1] / "data" / "analysis"
ID = "https://w3id.org/integrationsgraph/id/kleinstadt/"


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, app_client: Callable[..., Any]) -> Iterator[TestClient]:
    """The app on the embedded store and on a real Oxigraph server, the fixtures loaded into it after start-up."""
    with app_client(request.param, "analysis", datasets=[], write_token="test-token") as c:
        store = c.app.state.ctx.store  # type: ignore[attr-defined]
        for name in ("kleinstadt", "zweitstadt"):
            store.apply(graph_iri(name), add=[q.triple for q in parse_file(DATA / f"{name}.ttl")])
        yield c


def test_overview_names_central_and_bridging_actors(client: TestClient) -> None:
    body = client.get("/api/analysis", params={"dataset": "kleinstadt", "top": 2}).json()
    assert body["dataset"] == "kleinstadt"
    assert body["anzahl"]["akteure"] == 7 and body["anzahl"]["verbindungen"] == 6
    assert body["zwischenzentralitaet"] == {"verfahren": "exakt", "text": "exakt"}
    assert body["zentrale_akteure"][0]["label"] == "Stadt Kleinstadt (fiktiv)"
    assert len(body["zentrale_akteure"]) == 2
    assert {a["label"] for a in body["brueckenakteure"]} == {"Stadt Kleinstadt (fiktiv)", "Jobcenter (fiktiv)"}
    assert body["luecken"]["isolierte_akteure"] == 2


def test_actors_sorted_by_any_metric(client: TestClient) -> None:
    body = client.get("/api/analysis/actors", params={"dataset": "kleinstadt", "sort": "zwischenzentralitaet"}).json()
    values = [a["zwischenzentralitaet"] for a in body["akteure"]]
    assert values == sorted(values, reverse=True) and values[0] == pytest.approx(0.2)
    labels = [
        a["label"] for a in client.get("/api/analysis/actors", params={"sort": "label", "limit": 3}).json()["akteure"]
    ]
    assert labels == sorted(labels, key=str.casefold) and len(labels) == 3


def test_all_datasets_together(client: TestClient) -> None:
    body = client.get("/api/analysis/actors").json()
    assert body["dataset"] == "alle" and len(body["akteure"]) == 9


def test_fields_with_their_links(client: TestClient) -> None:
    fields = {f["notation"]: f for f in client.get("/api/analysis/fields?dataset=kleinstadt").json()["handlungsfelder"]}
    assert list(fields) == ["HF1", "HF2", "HF3"]
    assert fields["HF1"]["netzwerke"] == [ID + "akteur/netzwerk-sprache"]
    assert fields["HF2"]["verbunden"] == [
        {"iri": ID + "handlungsfeld/sprache", "label": "Sprache (fiktiv)", "akteure": 2, "massnahmen": 0}
    ]


def test_gaps(client: TestClient) -> None:
    gaps = {g["art"]: g for g in client.get("/api/analysis/gaps?dataset=kleinstadt").json()["luecken"]}
    assert gaps["felder_ohne_leitziel"]["ressourcen"] == [
        {"iri": ID + "handlungsfeld/wohnen", "label": "Wohnen (fiktiv)", "dataset": "kleinstadt"}
    ]
    assert gaps["felder_ohne_netzwerk"]["anzahl"] == 2
    assert gaps["massnahmen_ohne_feldbruecke"]["bezeichnung"].startswith("Maßnahme, deren Akteure")


def test_communities_cover_every_actor_once(client: TestClient) -> None:
    groups = client.get("/api/analysis/communities?dataset=kleinstadt").json()["gemeinschaften"]
    members = [a["iri"] for g in groups for a in g["akteure"]]
    assert len(members) == len(set(members)) == 7
    assert [g["nummer"] for g in groups] == list(range(1, len(groups) + 1))
    assert groups[0]["groesse"] >= groups[-1]["groesse"]


def test_unknown_and_invalid_datasets_use_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/analysis?dataset=gibtesnicht")
    assert response.status_code == 404
    assert response.json()["status"] == 404 and "gibtesnicht" in response.json()["error"]
    assert client.get("/api/analysis?dataset=../etc").status_code == 422


def test_writing_metrics_needs_the_token_and_lands_in_the_metrics_graph(client: TestClient) -> None:
    assert client.post("/api/analysis/metriken?dataset=kleinstadt").status_code == 401
    wrong = client.post("/api/analysis/metriken?dataset=kleinstadt", headers={"Authorization": "Bearer falsch"})
    assert wrong.status_code == 401
    ok = client.post("/api/analysis/metriken?dataset=kleinstadt", headers={"Authorization": "Bearer test-token"})
    assert ok.status_code == 200
    [written] = ok.json()["geschrieben"]
    assert written["graph"] == graph_iri("kleinstadt/metriken") and written["tripel"] > 40
    store = client.app.state.ctx.store  # type: ignore[attr-defined]
    rows = store.query(
        "PREFIX kio: <https://w3id.org/integrationsgraph/ontology#> "
        "SELECT ?g ?a ?n WHERE { GRAPH ?g { ?a kio:grad ?n } }",
        bindings={"g": ox.NamedNode(graph_iri("kleinstadt/metriken")), "a": ox.NamedNode(ID + "akteur/stadt")},
    )
    assert [r["n"].value for r in rows] == ["3"]
    # the metrics graph is derived data, not a dataset of its own
    assert client.get("/api/analysis/actors").json()["anzahl"]["akteure"] == 9
