"""Municipalities compared: answers checked against the generator's quads, worked out in plain Python."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
import pytest
import rdflib

from integrationsgraph.graph.core.config import ROOT, Settings, graph_iri
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.datasets.compare import fields, indicators
from integrationsgraph.graph.datasets.generate import ONTOLOGY_NS, municipalities
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.sheets.columns import INTMK, THEMENFELD
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.write.load import bootstrap, load_system_graphs
from integrationsgraph.graph.write.path import WritePath

K = ONTOLOGY_NS
SKOS = "http://www.w3.org/2004/02/skos/core#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedStore, list[ox.Quad]]:
    """Rheine and Musterstadt (bootstrap), three generated municipalities, and a version graph of one."""
    settings = Settings(store=tmp_path_factory.mktemp("compare") / "store")
    store = EmbeddedStore(None)
    bootstrap(WritePath(store, Shapes.from_dirs(settings.shapes_dir, settings.ontology_dir)), settings)
    load_system_graphs(store, settings)
    quads = list(municipalities(3, seed=7))
    store.native.extend(quads)
    copy = ox.NamedNode(graph_iri("fiktiv-001/v/2020"))  # a version: must not count fiktiv-001 twice
    store.native.extend(
        ox.Quad(q.subject, q.predicate, q.object, copy) for q in quads if q.graph_name.value.endswith("001")
    )
    return store, quads


def by(quads: list[ox.Quad], predicate: str) -> dict[tuple[str, object], list[object]]:
    out: dict[tuple[str, object], list[object]] = defaultdict(list)
    for q in quads:
        if q.predicate.value == predicate:
            out[(q.graph_name.value, q.subject)].append(q.object)
    return out


def name(graph: str) -> str:
    return graph.rsplit("/", 1)[1]


def test_themes_covered_and_measures_per_field(generated: tuple[EmbeddedStore, list[ox.Quad]]) -> None:
    store, quads = generated
    theme_of = {k: v[0].value for k, v in by(quads, f"{SKOS}closeMatch").items() if "thema-" in v[0].value}  # type: ignore[attr-defined]
    in_field = by(quads, f"{K}imHandlungsfeld")
    concretises = by(quads, f"{K}konkretisiert")
    contributes = by(quads, f"{K}traegtBeiZu")
    expected: dict[str, dict[str, int]] = defaultdict(dict)
    for (g, field), theme in theme_of.items():
        goals = {lz for (g2, lz), fs in in_field.items() if g2 == g and field in fs}
        objectives = {hz for (g2, hz), lzs in concretises.items() if g2 == g and goals & set(lzs)}
        measures = {m for (g2, m), hzs in contributes.items() if g2 == g and objectives & set(hzs)}
        expected[theme][name(g)] = len(measures)

    datasets, themes = fields(store)
    assert {d.name for d in datasets} == {"rheine", "musterstadt", "fiktiv-001", "fiktiv-002", "fiktiv-003"}
    assert {d.name for d in datasets if d.fiktiv} == {"musterstadt", "fiktiv-001", "fiktiv-002", "fiktiv-003"}
    assert len(themes) == 8
    for t in themes:
        got = {r.datensatz: r.werte["massnahmen"] for r in t.kommunen if r.datensatz.startswith("fiktiv")}
        assert got == expected[t.iri], t.label
        assert "rheine" in t.ohne  # the deck maps none of Rheine's fields; nothing is made up for it
    religion = next(t for t in themes if t.iri == f"{K}thema-religion")
    assert "musterstadt" in religion.ohne
    sprache = next(t for t in themes if t.iri == f"{K}thema-sprache")
    assert [r.iri for r in sprache.kommunen if r.datensatz == "musterstadt"] == [
        "https://w3id.org/integrationsgraph/id/musterstadt/handlungsfeld/sprache"
    ]


def test_the_same_indicator_across_municipalities(generated: tuple[EmbeddedStore, list[ox.Quad]]) -> None:
    store, quads = generated
    reference = {k: v[0].value for k, v in by(quads, f"{SKOS}closeMatch").items() if "intmk-" in v[0].value}  # type: ignore[attr-defined]
    indicator_of = by(quads, f"{K}indikator")
    date_of = by(quads, f"{K}stichtag")
    value_of = by(quads, f"{K}wert")
    expected: dict[str, dict[str, tuple[str, float]]] = defaultdict(dict)
    for (g, ind), ref in reference.items():
        values = [
            (date_of[(g, mw)][0].value, float(value_of[(g, mw)][0].value))  # type: ignore[attr-defined]
            for (g2, mw), inds in indicator_of.items()
            if g2 == g and ind in inds
        ]
        expected[ref][name(g)] = max(values)
    assert len(expected) >= 5

    _datasets, entries = indicators(store)
    assert [e.code for e in entries] == sorted(e.code for e in entries if e.code)
    for e in entries:
        got = {
            r.datensatz: (r.werte["stichtag"], r.werte["wert"]) for r in e.kommunen if r.datensatz.startswith("fiktiv")
        }
        assert got == expected.get(e.iri, {}), e.code

    _datasets, (e5,) = indicators(store, "E5")
    musterstadt = [r for r in e5.kommunen if r.datensatz == "musterstadt"]
    assert [r.iri for r in musterstadt] == ["https://w3id.org/integrationsgraph/id/musterstadt/indikator/i3-1-1-2"]
    assert musterstadt[0].werte["einheit"] == "http://qudt.org/vocab/unit/PERCENT"
    assert "rheine" in e5.ohne
    assert indicators(store, f"{K}intmk-E5")[1][0].kommunen == e5.kommunen


def test_an_unknown_reference_names_the_known_ones(generated: tuple[EmbeddedStore, list[ox.Quad]]) -> None:
    with pytest.raises(NotFound, match=r"Unbekannter Referenzindikator „Z9“.*E5"):
        indicators(generated[0], "Z9")


def test_the_workbook_choices_are_the_shared_concepts() -> None:
    g = rdflib.Graph().parse(ROOT / "ontology" / "vergleich.ttl")
    for scheme, choices in (("Themenfelder", THEMENFELD), ("IntMK", INTMK)):
        concepts = set(g.subjects(rdflib.URIRef(f"{SKOS}inScheme"), rdflib.URIRef(K + scheme)))
        assert {rdflib.URIRef(iri) for _label, iri in choices} == concepts
        for label, iri in choices:
            de = str(g.value(rdflib.URIRef(iri), rdflib.URIRef(f"{SKOS}prefLabel")))
            notation = g.value(rdflib.URIRef(iri), rdflib.URIRef(f"{SKOS}notation"))
            labels = {str(o) for o in g.objects(rdflib.URIRef(iri), rdflib.URIRef(f"{SKOS}prefLabel"))}
            assert label in labels or label == f"{notation} {de}" or f"{label.split(' ', 1)[-1]}" in labels
