"""Fictional municipalities: conforming, deterministic, labelled fictional."""

from __future__ import annotations

import pyoxigraph as ox

from integrationsgraph.graph.datasets.generate import dataset_name, municipality
from integrationsgraph.graph.rdf.io import rdflib_graph
from integrationsgraph.graph.shacl.validate import Shapes, validate

FIKTIV = ox.NamedNode("https://w3id.org/integrationsgraph/ontology#fiktiv")
PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


def test_a_generated_municipality_conforms_to_the_shapes(shapes: Shapes) -> None:
    report = validate(rdflib_graph(q.triple for q in municipality(1, seed=7)), shapes)
    assert report.violations == []


def test_the_same_seed_gives_the_same_data() -> None:
    assert municipality(3, seed=1) == municipality(3, seed=1)
    assert municipality(3, seed=1) != municipality(3, seed=2)


def test_every_subject_is_marked_and_labelled_fictional() -> None:
    quads = municipality(2)
    subjects = {q.subject for q in quads}
    assert subjects == {q.subject for q in quads if q.predicate == FIKTIV}
    assert all("(fiktiv)" in q.object.value for q in quads if q.predicate == PREF_LABEL)


def test_each_municipality_is_its_own_graph() -> None:
    assert {q.graph_name.value for q in municipality(5)} == {
        f"https://w3id.org/integrationsgraph/graph/{dataset_name(5)}"
    }
