"""The write path's focused validation gives exactly pyshacl's full results about the focus nodes.

``validate(data, shapes, focus_nodes=…)`` drives pyshacl's shapes on the focus nodes only (graph/validate.py
``_validate_focus``); the reference is pyshacl's full validation of the same graph, filtered to those nodes.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF

from graph.config import ROOT
from graph.generate import municipality
from graph.rdfio import rdflib_graph
from graph.validate import Report, Shapes, validate

SHAPE_FILES = sorted((ROOT / "tests" / "data" / "shapes" / "invalid").glob("*.ttl"))


def keys(report: Report) -> set[tuple[str, str, str | None, str | None, str]]:
    return {(r.severity, r.focus, r.path, r.value, r.shape) for r in report.results}


def fresh(data: rdflib.Graph) -> rdflib.Graph:
    copy = rdflib.Graph()
    for t in data:
        copy.add(t)
    return copy


def check(data: rdflib.Graph, shapes: Shapes, focus: list[rdflib.term.Node]) -> None:
    full = validate(fresh(data), shapes)
    wanted = {str(n) for n in focus}
    expected = {k for k in keys(full) if k[1] in wanted}
    focused = validate(fresh(data), shapes, focus_nodes=focus)
    assert keys(focused) == expected
    assert focused.conforms == (not any(k[0] == "Violation" for k in expected))


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: Path(p).stem)
def test_every_invalid_shape_file(path: Path, shapes: Shapes) -> None:
    data = rdflib.Graph().parse(path)
    nodes = sorted({s for s in data.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef)})
    check(data, shapes, nodes)
    check(data, shapes, nodes[: max(1, len(nodes) // 2)])


def test_a_generated_town_with_defects_on_random_focus_nodes(shapes: Shapes) -> None:
    data = rdflib_graph(q.triple for q in municipality(1, seed=3))
    rnd = random.Random(5)
    kio = rdflib.Namespace("https://w3id.org/integrationsgraph/ontology#")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    measures = sorted(data.subjects(RDF.type, kio.Massnahme))
    for m in rnd.sample(measures, 6):  # defects of several kinds: lead, status, label, link
        prop = rnd.choice([kio.federfuehrend, kio.umsetzungsstatus, skos.prefLabel, kio.traegtBeiZu])
        data.remove((m, prop, None))
    nodes = sorted({s for s in data.subjects(RDF.type, None) if isinstance(s, rdflib.URIRef)})
    for _ in range(3):
        check(data, shapes, rnd.sample(nodes, 40) + rnd.sample(measures, 6))


@pytest.mark.parametrize("path", SHAPE_FILES[::5], ids=lambda p: Path(p).stem)
def test_a_whole_graph_write_is_checked_as_pyshacl_would(path: Path, shapes: Shapes) -> None:
    """Whole graphs (a load, a PUT, a new workbook) are checked by the SPARQL engine: pyshacl's report."""
    from graph.rdfio import parse_file
    from graph.store import Change, EmbeddedStore
    from graph.write import WritePath

    triples = [q.triple for q in parse_file(path)]
    writer = WritePath(EmbeddedStore(None), shapes)
    checked = writer.check(Change("https://w3id.org/integrationsgraph/graph/probe", add=triples, replace=True))
    reference = validate(rdflib_graph(triples), shapes)
    assert type(checked).__name__ == "SparqlReport"  # (the fast engine did run)
    assert keys(checked) == keys(reference) and checked.conforms == reference.conforms
