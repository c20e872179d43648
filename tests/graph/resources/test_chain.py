"""The goal-chain tree of a Handlungsfeld and its scorecard, on the small fictional dataset "probe"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.resources.chain import scorecard, tree
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath

PROBE = Path(__file__).parents[2] / "data" / "resources" / "probe.ttl"
ID = "https://w3id.org/integrationsgraph/id/probe/"
G = graph_iri("probe")


@pytest.fixture
def store(backend: Store) -> Store:
    """Every test here runs on the embedded store and on a real Oxigraph server (``backend``)."""
    return backend


@pytest.fixture
def chain(writer: WritePath) -> dict[str, Any]:
    writer.write(Change(G, add=[q.triple for q in parse_file(PROBE)], replace=True))
    return tree(writer.store, G, ID + "handlungsfeld/sprache")


def test_tree_has_leitziele_handlungsziele_and_measures_in_code_order(chain: dict[str, Any]) -> None:
    assert chain["feld"] == {"iri": ID + "handlungsfeld/sprache", "label": "Sprachfoerderung", "code": "HF1"}
    assert [lz["code"] for lz in chain["leitziele"]] == ["LZ1.1", "LZ1.2"]
    hz1, hz2 = chain["leitziele"][0]["handlungsziele"]
    assert [m["code"] for m in hz1["massnahmen"]] == ["M1.1.1.1", "M1.1.1.10"]
    assert [m["code"] for m in hz2["massnahmen"]] == ["M1.1.1.2", "M1.1.1.10"]
    assert hz1["massnahmen"][0]["federfuehrend"]["label"] == "Volkshochschule Probestadt"
    assert hz1["massnahmen"][0]["status"] == "laufend"
    assert [a["label"] for a in hz1["massnahmen"][0]["kooperationspartner"]] == ["Kita-Träger Probestadt"]


def test_indicator_carries_latest_value_and_target(chain: dict[str, Any]) -> None:
    (ind,) = chain["leitziele"][0]["handlungsziele"][0]["indikatoren"]
    assert ind["letzter_wert"] == {"wert": "52.5", "stichtag": "2024-12-31"}
    assert ind["zielvorgabe"]["zielwert"] == "60"  # Oxigraph keeps decimals canonical
    assert ind["zielvorgabe"]["zieldatum"] == "2027-12-31"
    assert ind["einheit"] == "NUM"


def test_english_labels_on_request(writer: WritePath) -> None:
    writer.write(Change(G, add=[q.triple for q in parse_file(PROBE)], replace=True))
    assert tree(writer.store, G, ID + "handlungsfeld/sprache", "en")["feld"]["label"] == "Language support"


def test_actors_and_networks_of_the_field(chain: dict[str, Any]) -> None:
    actors = {a["label"]: a["rollen"] for a in chain["akteure"]}
    assert actors["Volkshochschule Probestadt"] == {"federführend": 2}
    assert actors["Kita-Träger Probestadt"] == {"Kooperationspartner": 1, "federführend": 2}
    assert [n["label"] for n in chain["netzwerke"]] == ["Netzwerk Sprache"]


def test_scorecard_counts_and_gaps(chain: dict[str, Any]) -> None:
    card = scorecard(chain)
    assert card["zaehlung"] == {
        "leitziele": 2,
        "handlungsziele": 2,
        "handlungsziele_messbar": 1,
        "handlungsziele_terminiert": 1,
        "massnahmen": 3,
        "massnahmen_mit_federfuehrung": 3,
        "massnahmen_mit_indikator": 2,
    }
    gaps = {(g["art"], g["iri"].rsplit("/", 1)[-1]) for g in card["luecken"]}
    assert gaps == {
        ("leitziel_ohne_handlungsziel", "lz1-2"),
        ("handlungsziel_nicht_messbar", "hz1-1-2"),
        ("handlungsziel_nicht_terminiert", "hz1-1-2"),
        ("massnahme_ohne_indikator", "m1-1-1-2"),
    }
    per_lz = {lz["code"]: lz["zaehlung"]["massnahmen"] for lz in card["leitziele"]}
    assert per_lz == {"LZ1.1": 3, "LZ1.2": 0}


def test_scorecard_of_a_field_without_goals_names_the_field_as_the_gap(writer: WritePath) -> None:
    writer.write(Change(G, add=[q.triple for q in parse_file(PROBE)], replace=True))
    card = scorecard(tree(writer.store, G, ID + "handlungsfeld/wohnen"))
    assert card["zaehlung"]["leitziele"] == 0
    assert [(g["art"], g["iri"]) for g in card["luecken"]] == [
        ("feld_ohne_leitziel", ID + "handlungsfeld/wohnen"),
        ("feld_ohne_netzwerk", ID + "handlungsfeld/wohnen"),
    ]
