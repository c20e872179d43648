"""The SHACL shapes in ``shapes/``, tested from data files.

Every shape has two files named after its local name: ``tests/data/shapes/valid/<Shape>.ttl`` conforms
(no Violation) and does not trip that shape; ``tests/data/shapes/invalid/<Shape>.ttl`` trips that shape,
with its severity, and no other shape reports a Violation there (except those its ``# auch:`` line names).
Validation runs the way the code runs it: rdflib parses data and shapes alike, the ontology's class
hierarchy is mixed in (so ``sh:class foaf:Agent`` sees ``org:Organization ⊑ foaf:Agent``), no inference,
SHACL-AF on, warnings allowed; the write path's focus-node validation must give the same verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import pyshacl
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import ValidationFailed
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.write.path import WritePath
from tests.data.shapes.today import turtle

ROOT = Path(__file__).resolve().parents[2]
SHAPES_DIR = ROOT / "shapes"
ONTOLOGY_DIR = ROOT / "ontology"
DATA = ROOT / "tests" / "data" / "shapes"
KIOS = rdflib.Namespace("https://w3id.org/integrationsgraph/shapes#")
SEVERITIES = {SH.Violation, SH.Warning, SH.Info}
VALID = sorted((DATA / "valid").glob("*.ttl"))
INVALID = sorted((DATA / "invalid").glob("*.ttl"))

# Predicates whose objects are shapes, and the list-valued ones.
SHAPE_VALUED = (SH.property, SH.node, SH["not"], SH.qualifiedValueShape)
SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)
OTHER_TARGETS = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


class Result(NamedTuple):
    shape: Node
    severity: Node
    focus: Node
    value: Node | None


def load_turtle(paths: Iterable[Path]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(data=turtle(path), format="turtle")  # @HEUTE@ is today (tests/data/shapes/today.py)
    return graph


@pytest.fixture(scope="module")
def shacl_graph() -> rdflib.Graph:
    return load_turtle(sorted(SHAPES_DIR.glob("*.ttl")))


@pytest.fixture(scope="module")
def full_ontology() -> rdflib.Graph:
    """``ontology/*.ttl``: the ontology and ``alignments.ttl`` (sub-class axioms of reused vocabularies)."""
    return load_turtle(sorted(ONTOLOGY_DIR.glob("*.ttl")))


@pytest.fixture(scope="module")
def ontology_graph(full_ontology: rdflib.Graph) -> rdflib.Graph:
    """The ontology's class hierarchy (its ``rdfs:subClassOf`` triples), passed to pyshacl as ``ont_graph``.

    That is all the shapes need from the ontology (``sh:class`` and ``sh:targetClass`` follow
    ``rdfs:subClassOf``) and what ``graph/shacl/validate.py`` mixes in. The whole ontology as ``ont_graph`` costs
    over a minute per call: pyshacl deep-copies every ``owl:NamedIndividual`` recursively, and the
    controlled values link to their schemes and back (``skos:inScheme`` / ``skos:hasTopConcept``).
    ``test_the_ontology_itself_trips_no_shape`` checks that the rest of the ontology cannot change a verdict.
    """
    hierarchy = rdflib.Graph()
    for triple in full_ontology.triples((None, RDFS.subClassOf, None)):
        hierarchy.add(triple)
    assert len(hierarchy) > 0, "ontology/*.ttl has no rdfs:subClassOf axioms"
    return hierarchy


def validate(
    data: rdflib.Graph, shacl_graph: rdflib.Graph, ontology_graph: rdflib.Graph, **kwargs: object
) -> list[Result]:
    focus = kwargs.get("focus_nodes")
    if isinstance(focus, list):
        # pyshacl 0.40 reads a focus IRI without an http/https/urn/file scheme (javascript:…) as a CURIE and,
        # given a URIRef, fails inside rdflib's expand_curie (TypeError); as plain text it falls back to the IRI.
        kwargs["focus_nodes"] = [str(n) if isinstance(n, rdflib.URIRef) else n for n in focus]
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=shacl_graph,
        ont_graph=ontology_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
        **kwargs,
    )
    return [
        Result(
            shape=report.value(r, SH.sourceShape),
            severity=report.value(r, SH.resultSeverity),
            focus=report.value(r, SH.focusNode),
            value=report.value(r, SH.value),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]


def also_reported(path: Path) -> set[Node]:
    """Shapes an invalid file trips besides its own, from a ``# auch: kios:A, kios:B`` comment line.

    Some mistakes cannot be made alone (a node that is both Leitziel and Handlungsziel also lacks a Leitziel).
    """
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# auch:"):
            return {KIOS[name.strip().removeprefix("kios:")] for name in line.removeprefix("# auch:").split(",")}
    return set()


def local(node: Node | None) -> str:
    return str(node).rsplit("#", 1)[-1]


def describe(results: Iterable[Result]) -> str:
    return "\n".join(f"{local(r.severity)} {local(r.shape)} focus={r.focus} value={r.value}" for r in results)


# --- which nodes are shapes ----------------------------------------------------------------------


def top_level_shapes(g: rdflib.Graph) -> set[Node]:
    """Shapes that check data on their own: typed shapes and shapes with a target."""
    nodes: set[Node] = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
    for p in (SH.targetClass, *OTHER_TARGETS):
        nodes |= set(g.subjects(p, None))
    return nodes


def value_shapes(g: rdflib.Graph) -> set[Node]:
    """Shapes used inside another shape (values of sh:not, sh:qualifiedValueShape, members of sh:or …)."""
    used: set[Node] = set()
    for p in SHAPE_VALUED:
        used |= set(g.objects(None, p))
    for p in SHAPE_LISTS:
        for head in g.objects(None, p):
            used |= set(Collection(g, head))
    return used


def shapes_for_class(shacl_graph: rdflib.Graph, types: set[Node], hierarchy: rdflib.Graph) -> list[Node]:
    """Shapes whose sh:targetClass is one of ``types`` or a super-class (what the write path selects)."""
    classes: set[Node] = set()
    todo = list(types)
    while todo:
        cls = todo.pop()
        if cls not in classes:
            classes.add(cls)
            todo.extend(hierarchy.objects(cls, RDFS.subClassOf))
    return sorted({s for c in classes for s in shacl_graph.subjects(SH.targetClass, c)}, key=str)


# --- the shapes graph itself ---------------------------------------------------------------------


def test_every_checking_shape_is_an_iri_selected_by_class(shacl_graph: rdflib.Graph) -> None:
    shapes = top_level_shapes(shacl_graph)
    assert len(shapes) > 40
    for p in OTHER_TARGETS:
        assert not list(shacl_graph.subjects(p, None)), f"{p} used: the write path selects shapes by class"
    for shape in shapes:
        assert isinstance(shape, rdflib.URIRef), f"blank-node shape: {shacl_graph.cbd(shape).serialize()}"
        assert shape in KIOS, shape
        types = set(shacl_graph.objects(shape, RDF.type))
        assert len(types & {SH.NodeShape, SH.PropertyShape}) == 1, f"{shape}: type {types}"
        assert (shape, SH.targetClass, None) in shacl_graph, f"{shape} has no sh:targetClass"


def test_no_shape_refers_to_another_shape_by_iri(shacl_graph: rdflib.Graph) -> None:
    """pyshacl 0.40 with ``use_shapes`` skips IRI sub-shapes that are not listed, and runs listed ones as
    top-level shapes. So there are no sh:property/sh:node links, and value shapes are blank nodes."""
    assert not list(shacl_graph.subject_objects(SH.property))
    assert not list(shacl_graph.subject_objects(SH.node))
    for shape in value_shapes(shacl_graph):
        assert isinstance(shape, rdflib.BNode), f"{shape} is used inside another shape by IRI"
        assert shape not in top_level_shapes(shacl_graph)


def test_every_shape_has_messages_severity_and_name(shacl_graph: rdflib.Graph) -> None:
    for shape in top_level_shapes(shacl_graph):
        messages = [m for m in shacl_graph.objects(shape, SH.message) if isinstance(m, rdflib.Literal)]
        langs = sorted(m.language or "" for m in messages)
        assert langs == ["de", "en"], f"{shape}: sh:message languages {langs}"
        severities = list(shacl_graph.objects(shape, SH.severity))
        assert len(severities) == 1 and severities[0] in SEVERITIES, f"{shape}: sh:severity {severities}"
        names = [n for n in shacl_graph.objects(shape, SH.name) if getattr(n, "language", None) == "de"]
        assert len(names) == 1, f"{shape}: needs one sh:name@de"


def test_sparql_constraints_avoid_slow_negation(shacl_graph: rdflib.Graph) -> None:
    """docs/architecture.md: FILTER NOT EXISTS grows quadratically on Oxigraph; use aggregates or OPTIONAL/!BOUND."""
    selects = [str(q) for q in shacl_graph.objects(None, SH.select)]
    assert selects
    for query in selects:
        assert "NOT EXISTS" not in query.upper(), query


def test_every_reporting_shape_has_a_valid_and_an_invalid_file(shacl_graph: rdflib.Graph) -> None:
    names = {str(s).removeprefix(str(KIOS)) for s in top_level_shapes(shacl_graph)}
    assert {p.stem for p in VALID} == names
    assert {p.stem for p in INVALID} == names


def test_readme_lists_every_shape_with_its_severity(shacl_graph: rdflib.Graph) -> None:
    rows = {}
    for line in (SHAPES_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("kios:"):
            rows[cells[0].removeprefix("kios:")] = cells[1]
    for shape in top_level_shapes(shacl_graph):
        name = str(shape).removeprefix(str(KIOS))
        assert name in rows, f"kios:{name} missing from shapes/README.md"
        assert rows[name] == local(shacl_graph.value(shape, SH.severity)), f"kios:{name}: README says {rows[name]}"


def test_the_ontology_itself_trips_no_shape(shacl_graph: rdflib.Graph, full_ontology: rdflib.Graph) -> None:
    """Nothing in the ontology (controlled values, schemes) is a target, so mixing it in changes nothing."""
    _conforms, report, _text = pyshacl.validate(
        full_ontology, shacl_graph=shacl_graph, inference="none", advanced=True, allow_warnings=True
    )
    assert not list(report.subjects(RDF.type, SH.ValidationResult)), _text


def test_agents_are_agents_through_the_alignments(ontology_graph: rdflib.Graph) -> None:
    """sh:class foaf:Agent and org:Organization rely on these chains (docs/model.md)."""
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    foaf = rdflib.Namespace("http://xmlns.com/foaf/0.1/")
    kio = rdflib.Namespace("https://w3id.org/integrationsgraph/ontology#")
    cv = rdflib.Namespace("http://data.europa.eu/m8g/")
    for cls in (
        cv.PublicOrganisation,
        org.OrganizationalUnit,
        org.FormalOrganization,
        kio.Gremium,
        kio.PolitischesGremium,
        kio.Netzwerk,
        kio.Tandem,
        foaf.Person,
    ):
        supers = set(ontology_graph.transitive_objects(cls, RDFS.subClassOf))
        assert foaf.Agent in supers, cls


# --- the data files ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_file_conforms(path: Path, shacl_graph: rdflib.Graph, ontology_graph: rdflib.Graph) -> None:
    results = validate(load_turtle([path]), shacl_graph, ontology_graph)
    violations = [r for r in results if r.severity == SH.Violation]
    assert not violations, describe(violations)
    own = [r for r in results if r.shape == KIOS[path.stem]]
    assert not own, describe(own)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_file_trips_its_shape(path: Path, shacl_graph: rdflib.Graph, ontology_graph: rdflib.Graph) -> None:
    shape = KIOS[path.stem]
    assert (shape, SH.severity, None) in shacl_graph, f"no shape kios:{path.stem}"
    results = validate(load_turtle([path]), shacl_graph, ontology_graph)
    own = [r for r in results if r.shape == shape]
    assert own, f"kios:{path.stem} reported nothing:\n{describe(results)}"
    assert {r.severity for r in own} == {shacl_graph.value(shape, SH.severity)}
    also = also_reported(path)
    assert also <= {r.shape for r in results}, f"'# auch:' names shapes that report nothing: {also}"
    others = [r for r in results if r.shape not in {shape, *also} and r.severity == SH.Violation]
    assert not others, f"other shapes report Violations too:\n{describe(others)}"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_focus_node_validation_gives_the_same_verdict(
    path: Path, shacl_graph: rdflib.Graph, ontology_graph: rdflib.Graph
) -> None:
    """The write path validates the touched node with only the shapes that target its class."""
    data = load_turtle([path])
    full = validate(data, shacl_graph, ontology_graph)
    focus = next(r.focus for r in full if r.shape == KIOS[path.stem])
    use = shapes_for_class(shacl_graph, set(data.objects(focus, RDF.type)), ontology_graph + data)
    assert KIOS[path.stem] in use
    partial = validate(data, shacl_graph, ontology_graph, focus_nodes=[focus], use_shapes=use)
    expected = {(r.shape, r.severity, r.value) for r in full if r.focus == focus}
    assert {(r.shape, r.severity, r.value) for r in partial} == expected
    assert {r.focus for r in partial} == {focus}


def test_use_shapes_ignores_targets_so_focus_nodes_go_by_class(
    shacl_graph: rdflib.Graph, ontology_graph: rdflib.Graph
) -> None:
    """pyshacl applies every shape in ``use_shapes`` to every focus node, whatever its class: the write path
    must validate nodes of different classes in separate calls, each with the shapes of its own classes."""
    data = load_turtle([DATA / "valid" / "MassnahmeFederfuehrendShape.ttl"])
    massnahme = next(data.subjects(RDF.type, rdflib.URIRef("https://w3id.org/integrationsgraph/ontology#Massnahme")))
    own = shapes_for_class(shacl_graph, set(data.objects(massnahme, RDF.type)), ontology_graph)
    assert not [
        r
        for r in validate(data, shacl_graph, ontology_graph, focus_nodes=[massnahme], use_shapes=own)
        if r.severity == SH.Violation
    ]
    wrong = validate(
        data, shacl_graph, ontology_graph, focus_nodes=[massnahme], use_shapes=[KIOS.LeitzielHandlungsfeldShape]
    )
    assert [r.shape for r in wrong] == [KIOS.LeitzielHandlungsfeldShape]


# --- addresses through the write path (issue 12, part 4) -------------------------------------------


ADDRESS_SHAPES = ["WebadresseShape", "EmailAdresseShape", "EintragAdresseShape"]


@pytest.mark.parametrize("replace", [True, False], ids=["ganzer-graph-sparql", "aenderung-pyshacl"])
@pytest.mark.parametrize("name", ADDRESS_SHAPES)
def test_the_write_path_refuses_unsafe_addresses(name: str, replace: bool, writer: WritePath, store: Store) -> None:
    """A ``javascript:`` address is refused by both engines (a whole graph is checked with the shapes compiled
    to SPARQL, a change with pyshacl on the touched nodes), in German, naming the entry; nothing is written."""
    triples = [q.triple for q in parse_file(DATA / "invalid" / f"{name}.ttl")]
    with pytest.raises(ValidationFailed) as info:
        writer.write(Change(graph_iri("adressen"), add=triples, replace=replace))
    assert store.count() == 0
    results = [r for r in info.value.report.violations if r.shape.endswith(name)]
    assert all("javascript:" in r.message_de and "nicht erlaubt" in r.message_de for r in results)
    assert any("javascript:alert(document.domain)" in (r.focus, r.value) for r in results)


@pytest.mark.parametrize("name", ADDRESS_SHAPES)
def test_the_write_path_takes_safe_addresses(name: str, writer: WritePath, store: Store) -> None:
    triples = [q.triple for q in parse_file(DATA / "valid" / f"{name}.ttl")]
    assert writer.write(Change(graph_iri("adressen"), add=triples, replace=True)).conforms
    assert writer.write(Change(graph_iri("adressen2"), add=triples)).conforms
