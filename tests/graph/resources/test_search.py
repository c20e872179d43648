"""German-aware search: umlauts and ß both ways, case, stems, compounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.resources.search import SearchIndex, normalise, stem
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath

PROBE = Path(__file__).parents[2] / "data" / "resources" / "probe.ttl"
ID = "https://w3id.org/integrationsgraph/id/probe/"


@pytest.fixture
def store(backend: Store) -> Store:
    """Every test here runs on the embedded store and on a real Oxigraph server (``backend``)."""
    return backend


@pytest.fixture
def index(writer: WritePath) -> SearchIndex:
    writer.write(Change(graph_iri("probe"), add=[q.triple for q in parse_file(PROBE)], replace=True))
    return SearchIndex.build(writer.store)


def found(index: SearchIndex, query: str) -> list[str]:
    return [h.iri.removeprefix(ID) for h in index.search(query)]


def test_normalise_spells_out_umlauts_and_sharp_s() -> None:
    assert normalise("Straße") == normalise("STRASSE") == "strasse"
    assert stem("Sprachförderung") == stem("Sprachfoerderung") == stem("SPRACHFÖRDERUNG")


def test_umlaut_spelling_finds_both_ways(index: SearchIndex) -> None:
    # The field's label is spelled "Sprachfoerderung", the Leitziel's description "Sprachförderliche".
    hits = found(index, "Sprachförderung")
    assert hits[0] == "handlungsfeld/sprache"
    assert "leitziel/lz1-2" in hits
    assert set(found(index, "sprachfoerderliche")) >= {"leitziel/lz1-2", "handlungsfeld/sprache"}
    assert "massnahme/m1-1-1-1" not in found(index, "Sprachförderung")


def test_sharp_s_and_ss_meet(index: SearchIndex) -> None:
    assert found(index, "Strassenfest") == ["massnahme/m1-1-1-10"]
    assert found(index, "straßenfest") == ["massnahme/m1-1-1-10"]


def test_every_word_must_match(index: SearchIndex) -> None:
    assert found(index, "Sprachkurse Abend") == ["massnahme/m1-1-1-1"]
    assert found(index, "Sprachkurse Wohnen") == []


def test_short_stems_do_not_match_by_prefix(index: SearchIndex) -> None:
    assert found(index, "Kur") == []
    assert found(index, "Fest") == []


def test_a_query_word_inside_a_compound_is_found(index: SearchIndex) -> None:
    assert "massnahme/m1-1-1-10" in found(index, "Sprachen")
    assert "indikator/i1-1-1-1" in found(index, "Zugewanderte")


def test_filters_by_dataset_and_type(index: SearchIndex) -> None:
    assert index.search("Sprache", dataset="anderswo") == []
    kinds = {"https://w3id.org/integrationsgraph/ontology#Massnahme"}
    assert {h.iri for h in index.search("Sprache", types=kinds)} <= {
        ID + f"massnahme/{m}" for m in ("m1-1-1-1", "m1-1-1-10")
    }
    assert index.search("Probestadt")[0].fictional is True
