"""The SPARQL validation engine gives pyshacl's report: on every shape test file, the shipped datasets and
generated municipalities with defects of every kind; it refuses what it cannot compile; the CLI cannot tell
which engine ran."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import RDF, SH

from integrationsgraph.cli.main import main
from integrationsgraph.graph.core.config import ROOT, graph_iri
from integrationsgraph.graph.core.report import Report
from integrationsgraph.graph.datasets.generate import municipalities
from integrationsgraph.graph.rdf.io import rdflib_graph
from integrationsgraph.graph.shacl.compile import ShapeNotSupported
from integrationsgraph.graph.shacl.engine import SparqlReport, SparqlValidator, results_graph, sparql_validator
from integrationsgraph.graph.shacl.queries import SAFE_FORMS
from integrationsgraph.graph.shacl.validate import Shapes, load_turtle_dir, validate
from integrationsgraph.graph.store.embedded import EmbeddedStore
from integrationsgraph.graph.store.privacy import private_graph
from integrationsgraph.graph.write.load import read_files, validate_store
from tests.data.shapes.today import triples
from tests.paths import REPO

SHAPE_FILES = sorted((REPO / "tests" / "data" / "shapes").glob("*/*.ttl"))
KIO = "https://w3id.org/integrationsgraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
ORG = "http://www.w3.org/ns/org#"
ID = "https://w3id.org/integrationsgraph/id/fiktiv-001/"
GRAPH = graph_iri("fiktiv-001")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@pytest.fixture(scope="module")
def engine(shapes: Shapes) -> SparqlValidator:
    return SparqlValidator(shapes)


def key(report: Report) -> Counter[tuple[str, str, str | None, str | None, str]]:
    return Counter((r.severity, r.focus, r.path, r.value, r.shape) for r in report.results)


def store_with(triples: list[ox.Triple], private: list[ox.Triple] | None = None) -> EmbeddedStore:
    store = EmbeddedStore(None)
    store.apply(GRAPH, add=triples)
    if private:
        store.apply(private_graph(GRAPH), add=private)
    return store


def both(store: EmbeddedStore, shapes: Shapes, engine: SparqlValidator) -> tuple[Report, Report]:
    """pyshacl on the dataset as validate_store copies it into rdflib, and the SPARQL engine on the store."""
    reference = validate_store(store, shapes, [GRAPH], engine="pyshacl")[GRAPH]
    return reference, engine.validate(store, [GRAPH, private_graph(GRAPH)])


def assert_same(reference: Report, fast: Report) -> None:
    assert key(fast) == key(reference)
    assert fast.results == reference.results  # labels, fields, messages and order as well
    assert fast.conforms == reference.conforms


def assert_same_graph(reference: Report, fast: Report, shapes: Shapes) -> None:
    """The results graph (``--format turtle``) holds the same triples, up to blank nodes (compared as trees:
    rdflib's ``isomorphic()`` can say no when identical results repeat, and it writes literals, which warns
    about ill-typed ones)."""
    assert isinstance(fast, SparqlReport)
    mine, theirs = results_graph(fast.conforms, fast.raw, shapes.graph), reference.graph or rdflib.Graph()
    assert len(mine) == len(theirs)
    assert tree(mine, next(mine.subjects(RDF.type, SH.ValidationReport))) == tree(
        theirs, next(theirs.subjects(RDF.type, SH.ValidationReport))
    )


def tree(g: rdflib.Graph, node: rdflib.term.Node) -> object:
    """A blank node with everything below it, as a value (a report's blank nodes form trees)."""
    if not isinstance(node, rdflib.BNode):
        return node
    return frozenset(Counter((p, tree(g, o)) for p, o in g.predicate_objects(node)).items())


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_shape_test_file(path: Path, shapes: Shapes, engine: SparqlValidator) -> None:
    store = store_with(triples(path))  # @HEUTE@ is today (tests/data/shapes/today.py)
    reference, fast = both(store, shapes, engine)
    assert_same(reference, fast)
    assert_same_graph(reference, fast, shapes)


@pytest.mark.parametrize("name", ["rheine", "musterstadt"])
def test_shipped_datasets(name: str, shapes: Shapes, engine: SparqlValidator) -> None:
    store = store_with([t for ts in read_files([ROOT / "data" / name]).values() for t in ts])
    assert_same(*both(store, shapes, engine))


def generated(seed: int) -> list[ox.Triple]:
    return [q.triple for q in municipalities(1, seed)]


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_municipalities(seed: int, shapes: Shapes, engine: SparqlValidator) -> None:
    reference, fast = both(store_with(generated(seed)), shapes, engine)
    assert reference.results
    assert_same(reference, fast)


def _n(local: str) -> ox.NamedNode:
    return ox.NamedNode(local if ":" in local else ID + local)


def _t(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(_n(s), ox.NamedNode(p), o)


def _lit(value: str, dt: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    return ox.Literal(value, datatype=ox.NamedNode(XSD + dt)) if dt else ox.Literal(value)


def defects(triples: list[ox.Triple]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """A generated municipality with a defect of every kind the shapes check (and some literals rdflib and
    Oxigraph read differently); the second list goes to the private companion graph."""
    drop = {
        (_n("leitziel/lz1-1"), ox.NamedNode(SKOS + "prefLabel")),
        (_n("akteur/netzwerk-hf2"), ox.NamedNode(ORG + "purpose")),
        (_n("messwert/i1-1-1-1-2020"), ox.NamedNode(KIO + "stichtag")),
        (_n("konzept/integrationskonzept"), ox.NamedNode(SKOS + "prefLabel")),
        (_n("indikator/i1-2-1-1"), ox.NamedNode("http://purl.org/dc/terms/accrualPeriodicity")),
        (_n("massnahme/m1-2-1-1"), ox.NamedNode(KIO + "traegtBeiZu")),
        (_n("messwert/i1-1-1-1-2021"), ox.NamedNode("http://purl.org/linked-data/sdmx/2009/dimension#refArea")),
        (_n("zielvorgabe/i1-1-2-1"), ox.NamedNode(KIO + "ausgangswert")),
    }
    out = [t for t in triples if (t.subject, t.predicate) not in drop]
    out += [
        _t("handlungsziel/hz1-1-1", SKOS + "prefLabel", _lit("Zweiter Name", lang="de")),
        _t("indikator/i1-1-1-1", SKOS + "prefLabel", _lit("Nom", lang="fr")),
        _t("indikator/i1-1-1-1", SKOS + "definition", _lit("Zweite Definition", lang="de")),
        _t("leitziel/lz1-2", KIO + "imHandlungsfeld", _n("handlungsfeld/hf2")),
        _t("leitziel/lz2-1", RDF_TYPE, _n(KIO + "Handlungsziel")),
        _t("handlungsziel/hz1-1-2", KIO + "konkretisiert", _n("handlungsziel/hz1-1-1")),
        _t("massnahme/m1-1-1-1", SKOS + "notation", _lit("5", "integer")),
        _t("massnahme/m1-1-1-2", SKOS + "notation", _lit("M1.1.1.1")),
        _t("messwert/i1-1-1-1-2021", KIO + "stichtag", _lit("2024-02-30", "date")),
        _t("messwert/i1-1-1-1-2022", KIO + "stichtag", _lit("2024-01-01Z", "date")),
        _t("messwert/i1-1-1-1-2023", KIO + "stichtag", _lit("20240101", "date")),
        _t("messwert/i1-1-1-1-2024", KIO + "stichtag", _lit("2024-12-31")),
        _t("messwert/i1-1-1-2-2020", KIO + "wert", _lit("1e5", "decimal")),
        _t("messwert/i1-1-1-2-2021", KIO + "wert", _lit("abc", "decimal")),
        _t("messwert/i1-1-1-2-2022", KIO + "wert", _lit("150", "decimal")),
        _t("messwert/i1-1-1-2-2022", KIO + "einheit", _n("http://qudt.org/vocab/unit/PERCENT")),
        _t("indikator/i1-1-2-1", KIO + "einheit", _lit("PERCENT")),
        _t("indikator/i1-1-2-1", KIO + "zielrichtung", _n(KIO + "falsch")),
        _t("indikator/i1-1-2-1", KIO + "indikatortyp", _lit("Kontextindikator")),
        _t("zielvorgabe/i1-1-1-1", KIO + "zieldatum", _lit("2019-06-30", "date")),
        _t("zielvorgabe/i1-1-2-1", KIO + "ausgangsdatum", _lit("2020")),
        _t("zielvorgabe/i1-2-1-1", KIO + "zieldatum", _lit("2020-12-31T00:00:00", "dateTime")),
        _t("massnahme/m1-1-1-3", KIO + "ende", _lit("2000-01-01", "date")),
        _t("massnahme/m1-1-2-1", KIO + "ende", _lit("2099-01-01", "date")),
        _t("massnahme/m1-1-2-1", KIO + "ende", _lit("ende offen")),
        _t("massnahme/m1-1-2-2", KIO + "federfuehrend", _lit("Stadt")),
        _t("massnahme/m1-1-2-2", KIO + "kooperationspartner", _n("leitziel/lz1-2")),
        _t("massnahme/m1-1-2-2", KIO + "umsetzungsstatus", _n(KIO + "vielleicht")),
        _t("massnahme/m1-1-2-2", KIO + "beginn", _lit("2023-02-29", "date")),
        _t("mitgliedschaft/steuerungsgruppe-1", ORG + "member", _n("person/erika")),
        _t("mitgliedschaft/steuerungsgruppe-2", ORG + "member", _n("leitziel/lz1-2")),
        _t("mitgliedschaft/steuerungsgruppe-3", ORG + "member", _n("person/otto")),
        _t("ressource/r1", RDF_TYPE, _n(KIO + "Ressource")),
        _t("ressource/r1", KIO + "zusaetzlich", _lit("true", "boolean")),
        _t("ressource/r1", KIO + "bewilligungsstatus", _n(KIO + "bewilligt")),
        _t("konzept/integrationskonzept", KIO + "konzeptstatus", _n(KIO + "beschlossen")),
        _t("stelle/s1", RDF_TYPE, _n(ORG + "Post")),
        _t("stelle/s1", KIO + "ehrenamtlich", _lit("ja", "boolean")),
        _t("stelle/s1", KIO + "ehrenamtlich", _lit("true", "boolean")),
        _t("stelle/s1", ORG + "postIn", _n("leitziel/lz1-2")),
        _t("indikator/i1-2-1-1", SKOS + "definition", _lit("Définition", lang="fr")),
        _t("konzept/zweites", RDF_TYPE, _n(KIO + "Integrationskonzept")),
        _t("konzept/zweites", SKOS + "prefLabel", _lit("Concept", lang="fr")),
        _t("konzept/zweites", SKOS + "prefLabel", _lit("Concept", lang="en")),
        _t("konzept/zweites", SKOS + "prefLabel", _lit("Second concept", lang="en")),
        _t("konzept/zweites", KIO + "konzeptstatus", _n(KIO + "entwurf")),
        _t("konzept/zweites", KIO + "konzeptstatus", _n(KIO + "beschlossen")),
        _t("leitziel/lz2-2", KIO + "imHandlungsfeld", _n("massnahme/m1-1-1-1")),
        _t("messwert/i1-1-1-1-2022", KIO + "indikator", _n("handlungsziel/hz1-1-1")),
        _t("mitgliedschaft/steuerungsgruppe-4", ORG + "organization", _n("leitziel/lz1-2")),
        _t("ressource/r1", KIO + "bewilligungsstatus", _n(KIO + "beantragt")),
        _t("zielvorgabe/i1-2-1-1", KIO + "zielwert", _lit("99", "decimal")),
        _t("zielvorgabe/i1-2-1-1", KIO + "fuerIndikator", _n("messwert/i1-1-1-1-2023")),
        _t(
            "https://example.org/Sonderziel",
            "http://www.w3.org/2000/01/rdf-schema#subClassOf",
            _n(KIO + "Leitziel"),
        ),
        _t("leitziel/sonder", RDF_TYPE, _n("https://example.org/Sonderziel")),
    ]
    private = [_t("person/erika", RDF_TYPE, _n("http://xmlns.com/foaf/0.1/Person"))]
    return out, private


def test_generated_municipality_with_defects_of_every_kind(shapes: Shapes, engine: SparqlValidator) -> None:
    data, private = defects(generated(5))
    reference, fast = both(store_with(data, private), shapes, engine)
    assert not reference.conforms
    assert_same(reference, fast)
    assert_same_graph(reference, fast, shapes)


def test_every_compiled_check_reports_something_somewhere(engine: SparqlValidator) -> None:
    """So dropping any one check loses results, and the comparisons above would fail."""
    stores = [store_with(triples(p)) for p in SHAPE_FILES]
    stores.append(store_with(*defects(generated(5))))
    reported = {id(r.check) for s in stores for r in engine.raw(s, [GRAPH, private_graph(GRAPH)])}
    silent = [
        f"{s.node} #{i} ({c.kind})" for s in engine.compiled for i, c in enumerate(s.checks) if id(c) not in reported
    ]
    assert not silent
    assert sum(len(s.checks) for s in engine.compiled) > 80


def test_a_dropped_check_shows_as_a_difference(shapes: Shapes) -> None:
    store = store_with(*defects(generated(5)))
    crippled = SparqlValidator(shapes)
    shape = next(s for s in crippled.compiled if str(s.node).endswith("#MassnahmeLaufzeitShape"))
    shape.checks.clear()
    reference, fast = both(store, shapes, crippled)
    assert key(fast) != key(reference)
    missing = key(reference) - key(fast)
    assert {k[4] for k in missing} == {str(shape.node)}


def test_safe_forms_are_read_by_rdflib_as_values() -> None:
    samples = {
        "decimal": ["0", "+1.5", "-12.25", "007.0"],
        "integer": ["0", "+5", "-17", "0042"],
        "date": ["2024-02-29", "1999-12-31", "2023-04-30", "1000-01-01"],
        "boolean": ["true", "false", "1", "0"],
    }
    for dt, values in samples.items():
        form = SAFE_FORMS[XSD + dt]
        for v in values:
            assert re.search(form, v), (dt, v)
            literal = rdflib.Literal(v, datatype=rdflib.URIRef(XSD + dt))
            assert literal.value is not None and literal.ill_typed is not True, (dt, v)


EXTRA = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kio: <https://w3id.org/integrationsgraph/ontology#> .
@prefix kios: <https://w3id.org/integrationsgraph/shapes#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kios:NeuShape a sh:PropertyShape ; sh:targetClass kio:Leitziel ; sh:path skos:prefLabel ;
    sh:message "Zu kurz"@de ; %s .
"""


@pytest.mark.parametrize(
    ("construct", "named"),
    [
        ("sh:minLength 200", "sh:minLength"),
        ("sh:closed true", "sh:closed"),
        ("sh:property [ sh:path skos:notation ; sh:minCount 1 ]", "sh:property"),
        ("sh:not [ sh:datatype <http://www.w3.org/2001/XMLSchema#string> ]", "sh:datatype"),
        ('sh:pattern "(?i)^a"', "sh:pattern"),
        ('sh:sparql [ sh:select "SELECT $this WHERE { $this $PATH ?x }" ]', "$PATH"),
        (
            'sh:sparql [ sh:select "SELECT ?x WHERE { $this <http://www.w3.org/2004/02/skos/core#notation> ?x }" ]',
            "$this",
        ),
    ],
)
def test_an_unknown_construct_is_refused_and_pyshacl_checks(
    construct: str, named: str, shapes: Shapes, caplog: pytest.LogCaptureFixture
) -> None:
    graph = load_turtle_dir(ROOT / "shapes")
    graph.parse(data=EXTRA % construct, format="turtle")
    extended = Shapes(graph, shapes.ontology)
    with pytest.raises(ShapeNotSupported) as refused:
        SparqlValidator(extended)
    assert "NeuShape" in str(refused.value) and named in str(refused.value)
    store = store_with([t for ts in read_files([ROOT / "data" / "musterstadt"]).values() for t in ts])
    with caplog.at_level(logging.WARNING):
        assert sparql_validator(extended) is None
        reports = validate_store(store, extended, [GRAPH])
    assert "NeuShape" in caplog.text
    assert key(reports[GRAPH]) == key(validate(rdflib_graph(store.triples(GRAPH)), extended))


def test_cli_reports_the_same_with_either_engine(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = EmbeddedStore(path)
    data, private = defects(generated(5))
    store.apply(GRAPH, add=data)
    store.apply(private_graph(GRAPH), add=private)
    store.close()
    del store
    outputs = {}
    for engine in ("sparql", "pyshacl"):
        for fmt in ("text", "json"):
            args = ["validate", "--store", str(path), "--graph", "fiktiv-001", "--engine", engine, "--format", fmt]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 1, (engine, fmt, result.output)
            outputs[engine, fmt] = result.output
    assert outputs["sparql", "text"] == outputs["pyshacl", "text"]
    assert outputs["sparql", "json"] == outputs["pyshacl", "json"]
    assert json.loads(outputs["sparql", "json"])["fiktiv-001"]["counts"]["Violation"] > 20
