"""The one write path on both backends: validate what a change touches, commit all or nothing."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.errors import ValidationFailed
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath

DATA = Path(__file__).parents[2] / "data"

G = "https://w3id.org/integrationsgraph/graph/test"
ID = "https://w3id.org/integrationsgraph/id/test/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def chain() -> list[ox.Triple]:
    return [q.triple for q in parse_file(DATA / "core" / "kette.ttl")]


@pytest.fixture
def store(backend: Store) -> Store:
    return backend


def snapshot(store: Store) -> set[ox.Quad]:
    return {
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in store.graphs() for t in store.triples(g)
    }


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


def k(local: str) -> ox.NamedNode:
    return ox.NamedNode(KIO + local)


def test_a_valid_graph_is_written(writer: WritePath, store: Store) -> None:
    report = writer.write(Change(G, add=chain(), replace=True))
    assert report.conforms
    assert store.count(G) == len(chain())


def test_an_invalid_graph_is_rejected_and_nothing_is_written(writer: WritePath, store: Store) -> None:
    bad = [q.triple for q in parse_file(DATA / "core" / "handlungsziel-ohne-leitziel.ttl")]
    with pytest.raises(ValidationFailed) as info:
        writer.write(Change(G, add=bad, replace=True))
    assert store.count() == 0
    [result] = [r for r in info.value.report.violations if r.path == "kio:konkretisiert"]
    assert result.focus == ID + "handlungsziel/verwaist"
    assert result.focus_label == "Beratung ausbauen"


def test_incremental_change_that_breaks_the_chain_is_rejected_and_leaves_the_store_as_it_was(
    writer: WritePath, store: Store
) -> None:
    writer.write(Change(G, add=chain(), replace=True))
    before = snapshot(store)
    # Remove the Leitziel's type: the Handlungsziel pointing at it no longer has a Leitziel.
    with pytest.raises(ValidationFailed) as info:
        writer.write(Change(G, remove=[ox.Triple(n("leitziel/lz1"), RDF_TYPE, k("Leitziel"))]))
    assert snapshot(store) == before
    assert any(r.focus == ID + "handlungsziel/hz1" for r in info.value.report.violations)


def test_incremental_change_that_keeps_the_chain_is_written(writer: WritePath, store: Store) -> None:
    writer.write(Change(G, add=chain(), replace=True))
    new_measure = [
        ox.Triple(n("massnahme/m2"), RDF_TYPE, k("Massnahme")),
        ox.Triple(n("massnahme/m2"), ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Sprachcafé", language="de")),
        ox.Triple(n("massnahme/m2"), ox.NamedNode(SKOS + "notation"), ox.Literal("M1.1.1.2")),
        ox.Triple(n("massnahme/m2"), k("traegtBeiZu"), n("handlungsziel/hz1")),
        ox.Triple(n("massnahme/m2"), k("federfuehrend"), n("akteur/vhs")),
    ]
    report = writer.write(Change(G, add=new_measure))
    assert report.conforms
    assert store.count(G) == len(chain()) + len(new_measure)


def test_incremental_change_sees_duplicate_codes_elsewhere_in_the_graph(writer: WritePath, store: Store) -> None:
    writer.write(Change(G, add=chain(), replace=True))
    twin = [
        ox.Triple(n("massnahme/m3"), RDF_TYPE, k("Massnahme")),
        ox.Triple(n("massnahme/m3"), ox.NamedNode(SKOS + "prefLabel"), ox.Literal("Doppelt", language="de")),
        ox.Triple(n("massnahme/m3"), ox.NamedNode(SKOS + "notation"), ox.Literal("M1.1.1.1")),  # taken by m1
        ox.Triple(n("massnahme/m3"), k("traegtBeiZu"), n("handlungsziel/hz1")),
        ox.Triple(n("massnahme/m3"), k("federfuehrend"), n("akteur/vhs")),
    ]
    with pytest.raises(ValidationFailed):
        writer.write(Change(G, add=twin))
    assert store.count(G) == len(chain())


def test_check_reports_without_writing(writer: WritePath, store: Store) -> None:
    report = writer.check(Change(G, add=chain(), replace=True))
    assert report.conforms
    assert store.count() == 0


def test_a_dry_run_validates_and_writes_nothing(writer: WritePath, store: Store) -> None:
    writer.write(Change(G, add=chain(), replace=True))
    before, revision = snapshot(store), store.revision()
    report = writer.transact(lambda: [Change(G, add=[], replace=True)], dry_run=True)
    assert report.conforms
    assert snapshot(store) == before and store.revision() == revision
    bad = [q.triple for q in parse_file(DATA / "core" / "handlungsziel-ohne-leitziel.ttl")]
    with pytest.raises(ValidationFailed):
        writer.transact(lambda: [Change(G, add=bad, replace=True)], dry_run=True)
    assert snapshot(store) == before
