"""The value rules of issue 14 hold at the one write path, whichever engine checks (a whole graph: the shapes
compiled to SPARQL; a change: pyshacl on the touched nodes) — so REST, SPARQL Update, Graph Store, load, workbook
and CSV, which all write through it, refuse the same: a Stichtag in a future year, a Geschlecht outside the list."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import ValidationFailed
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath
from tests.data.shapes.today import triples
from tests.paths import REPO

VALID = REPO / "tests" / "data" / "shapes" / "valid"
KIO = "https://w3id.org/integrationsgraph/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
VALUE = ox.NamedNode("https://w3id.org/integrationsgraph/id/test/messwert/kursquote-2020")


def variant(prop: str, obj: ox.Literal) -> list[ox.Triple]:
    """The valid file of MesswertZukunftShape with one value's ``prop`` replaced by ``obj``."""
    base = [t for t in triples(VALID / "MesswertZukunftShape.ttl") if (t.subject, t.predicate.value) != (VALUE, prop)]
    return [*base, ox.Triple(VALUE, ox.NamedNode(prop), obj)]


THIS_YEAR = dt.date.today().year
FUTURE = ox.Literal(f"{THIS_YEAR + 1}-01-01", datatype=ox.NamedNode(f"{XSD}date"))
NOW = ox.Literal(f"{THIS_YEAR}-12-31", datatype=ox.NamedNode(f"{XSD}date"))


@pytest.mark.parametrize("replace", [True, False], ids=["ganzer-graph-sparql", "aenderung-pyshacl"])
@pytest.mark.parametrize(
    ("prop", "obj", "shape"),
    [
        (f"{KIO}stichtag", FUTURE, "MesswertZukunftShape"),
        (f"{KIO}geschlecht", ox.Literal("Frauen"), "MesswertGeschlechtShape"),
    ],
)
def test_the_write_path_refuses(
    prop: str, obj: ox.Literal, shape: str, replace: bool, writer: WritePath, store: Store
) -> None:
    with pytest.raises(ValidationFailed) as info:
        writer.write(Change(graph_iri("werte"), add=variant(prop, obj), replace=replace))
    assert store.count() == 0
    assert [r.shape.rpartition("#")[2] for r in info.value.report.violations] == [shape]


@pytest.mark.parametrize("replace", [True, False], ids=["ganzer-graph-sparql", "aenderung-pyshacl"])
def test_a_stichtag_in_the_current_year_is_taken(replace: bool, writer: WritePath, store: Store) -> None:
    assert writer.write(Change(graph_iri("werte"), add=variant(f"{KIO}stichtag", NOW), replace=replace)).conforms
