"""The write path's focused validation gives exactly pyshacl's full results about the focus nodes.

``validate(data, shapes, focus_nodes=…)`` drives pyshacl's shapes on the focus nodes only (graph/shacl/validate.py
``_validate_focus``); the reference is pyshacl's full validation of the same graph, filtered to those nodes.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF

from integrationsgraph.graph.core.config import ONTOLOGY_NS, ROOT, SHAPES_GRAPH, Settings, graph_iri
from integrationsgraph.graph.core.report import Report
from integrationsgraph.graph.datasets.generate import municipality
from integrationsgraph.graph.rdf.io import rdflib_graph
from integrationsgraph.graph.shacl.validate import Shapes, ShapesMissing, validate
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
from integrationsgraph.graph.write.load import load_system_graphs
from integrationsgraph.graph.write.path import WritePath
from tests.paths import REPO

SHAPE_FILES = sorted((REPO / "tests" / "data" / "shapes" / "invalid").glob("*.ttl"))


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
    from integrationsgraph.graph.rdf.io import parse_file
    from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
    from integrationsgraph.graph.write.path import WritePath

    triples = [q.triple for q in parse_file(path)]
    writer = WritePath(EmbeddedStore(None), shapes)
    checked = writer.check(Change("https://w3id.org/integrationsgraph/graph/probe", add=triples, replace=True))
    reference = validate(rdflib_graph(triples), shapes)
    assert type(checked).__name__ == "SparqlReport"  # (the fast engine did run)
    assert keys(checked) == keys(reference) and checked.conforms == reference.conforms


# -- fail closed: no shapes, no validation and no writes ------------------------------------------------------


def _folder_cases(tmp_path: Path) -> dict[str, tuple[Path, Path, str, str]]:
    """Broken setups → (shapes folder, ontology folder, the folder the error names, the setting it names)."""
    empty, prefixes_only = tmp_path / "leer", tmp_path / "nur-praefixe"
    empty.mkdir()
    prefixes_only.mkdir()
    (prefixes_only / "a.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n", encoding="utf-8")
    shapes, ontology = ROOT / "shapes", ROOT / "ontology"
    return {
        "typo": (tmp_path / "shaeps", ontology, str(tmp_path / "shaeps"), "INTEGRATIONSGRAPH_SHAPES_DIR"),
        "empty": (empty, ontology, str(empty), "INTEGRATIONSGRAPH_SHAPES_DIR"),
        "no shapes in the files": (prefixes_only, ontology, str(prefixes_only), "INTEGRATIONSGRAPH_SHAPES_DIR"),
        "ontology missing": (shapes, tmp_path / "onto", str(tmp_path / "onto"), "INTEGRATIONSGRAPH_ONTOLOGY_DIR"),
        "ontology empty": (shapes, empty, str(empty), "INTEGRATIONSGRAPH_ONTOLOGY_DIR"),
    }


@pytest.mark.parametrize("case", ["typo", "empty", "no shapes in the files", "ontology missing", "ontology empty"])
def test_shapes_from_a_missing_or_empty_folder_are_refused(tmp_path: Path, case: str) -> None:
    shapes_dir, ontology_dir, folder, setting = _folder_cases(tmp_path)[case]
    with pytest.raises(ShapesMissing) as caught:
        Shapes.from_dirs(shapes_dir, ontology_dir)
    assert f"„{folder}“" in str(caught.value) and setting in str(caught.value)
    assert "nichts" in str(caught.value)


def test_no_shapes_object_without_shapes_or_ontology(shapes: Shapes) -> None:
    with pytest.raises(ShapesMissing, match="keine Shapes"):
        Shapes(rdflib.Graph(), shapes.ontology)
    with pytest.raises(ShapesMissing, match="keine Klassen"):
        Shapes(shapes.graph, rdflib.Graph())


def test_the_write_path_refuses_every_write_once_its_shapes_are_gone(shapes: Shapes) -> None:
    emptied = Shapes(shapes.graph, shapes.ontology)
    store = EmbeddedStore(None)
    writer = WritePath(store, emptied)
    emptied.graph = rdflib.Graph()  # shapes that went away after start-up
    s = ox.NamedNode("https://w3id.org/integrationsgraph/id/x/handlungsziel/verwaist")
    change = Change(
        graph_iri("x"), add=[ox.Triple(s, ox.NamedNode(str(RDF.type)), ox.NamedNode(f"{ONTOLOGY_NS}Handlungsziel"))]
    )
    for validate_change in (True, False):
        with pytest.raises(ShapesMissing):
            writer.write(change, validate_change=validate_change)
    assert store.count() == 0


def test_the_stored_shapes_are_kept_when_the_folder_is_empty(tmp_path: Path) -> None:
    store = EmbeddedStore(None)
    settings = Settings(store=tmp_path / "unused", datasets=[])
    load_system_graphs(store, settings)
    before = set(store.triples(SHAPES_GRAPH))
    (tmp_path / "leer").mkdir()
    with pytest.raises(ShapesMissing):
        load_system_graphs(store, settings.model_copy(update={"shapes_dir": tmp_path / "leer"}))
    assert set(store.triples(SHAPES_GRAPH)) == before and len(before) > 100
