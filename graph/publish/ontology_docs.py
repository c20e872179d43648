"""The ontology's documentation: every class, property and controlled value with its German and English
labels, definitions, domain and range, read from the ontology graph (``ontology/*.ttl``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from integrationsgraph.graph.core.config import ONTOLOGY_NS
from integrationsgraph.graph.core.iris import curie
from integrationsgraph.graph.core.labels import german_labels
from integrationsgraph.graph.rdf.io import rdflib_graph

KINDS = [
    ("klassen", "Klassen", "Classes", [OWL.Class, RDFS.Class]),
    ("objekteigenschaften", "Beziehungen", "Object properties", [OWL.ObjectProperty]),
    ("dateneigenschaften", "Dateneigenschaften", "Datatype properties", [OWL.DatatypeProperty]),
    ("annotationen", "Annotationen", "Annotation properties", [OWL.AnnotationProperty, RDF.Property]),
    ("schemata", "Begriffsschemata", "Concept schemes", [SKOS.ConceptScheme]),
    ("werte", "Kontrollierte Werte", "Controlled values", [SKOS.Concept]),
]


@dataclass
class Ref:
    """A link to another term: its label, and the anchor on this page when it is one of ours."""

    label: str
    iri: str
    anchor: str | None


@dataclass
class Term:
    """One documented term."""

    iri: str
    anchor: str
    kind: str
    label_de: str
    label_en: str
    definition_de: str
    definition_en: str
    domain: list[list[Ref]] = field(default_factory=list)
    range: list[list[Ref]] = field(default_factory=list)
    parents: list[Ref] = field(default_factory=list)
    scheme: list[Ref] = field(default_factory=list)
    inverse: list[Ref] = field(default_factory=list)


@dataclass
class Section:
    key: str
    title_de: str
    title_en: str
    terms: list[Term]


@dataclass
class OntologyDoc:
    title_de: str
    title_en: str
    description_de: str
    version: str
    iri: str
    sections: list[Section]

    @property
    def count(self) -> int:
        return sum(len(s.terms) for s in self.sections)


def anchor(iri: str) -> str | None:
    """The anchor of one of our terms on the documentation page (``kio:Massnahme`` → ``Massnahme``)."""
    return iri[len(ONTOLOGY_NS) :] if iri.startswith(ONTOLOGY_NS) else None


def _text(g: rdflib.Graph, s: rdflib.term.Node, preds: Iterable[rdflib.URIRef], lang: str) -> str:
    for p in preds:
        for o in g.objects(s, p):
            if isinstance(o, rdflib.Literal) and o.language == lang:
                return str(o)
    return ""


def _ref(node: rdflib.term.Node, labels: dict[str, str]) -> Ref:
    iri = str(node)
    return Ref(labels.get(iri, curie(iri)), iri, anchor(iri))


def _alternatives(g: rdflib.Graph, node: rdflib.term.Node, labels: dict[str, str]) -> list[Ref]:
    """A class or an ``owl:unionOf`` list of classes."""
    if isinstance(node, rdflib.BNode):
        for members in g.objects(node, OWL.unionOf):
            return [_ref(m, labels) for m in Collection(g, members)]
        return []
    return [_ref(node, labels)]


def document(ontology: Iterable[ox.Triple]) -> OntologyDoc:
    """The documentation of the ontology given as triples."""
    triples = list(ontology)
    labels = german_labels(triples)
    g = rdflib_graph(triples)
    onto = rdflib.URIRef(ONTOLOGY_NS.rstrip("#"))
    sections = []
    seen: set[rdflib.term.Node] = set()
    for key, title_de, title_en, classes in KINDS:
        subjects = {s for c in classes for s in g.subjects(RDF.type, c) if isinstance(s, rdflib.URIRef)}
        subjects = {s for s in subjects if str(s).startswith(ONTOLOGY_NS)} - seen
        seen |= subjects
        terms = []
        for s in sorted(subjects, key=str):
            iri = str(s)
            terms.append(
                Term(
                    iri=iri,
                    anchor=anchor(iri) or iri,
                    kind=key,
                    label_de=_text(g, s, (RDFS.label, SKOS.prefLabel), "de") or curie(iri),
                    label_en=_text(g, s, (RDFS.label, SKOS.prefLabel), "en"),
                    definition_de=_text(g, s, (SKOS.definition, RDFS.comment), "de"),
                    definition_en=_text(g, s, (SKOS.definition, RDFS.comment), "en"),
                    domain=[_alternatives(g, d, labels) for d in g.objects(s, RDFS.domain)],
                    range=[_alternatives(g, r, labels) for r in g.objects(s, RDFS.range)],
                    parents=[
                        _ref(p, labels)
                        for pred in (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.broader)
                        for p in g.objects(s, pred)
                        if isinstance(p, rdflib.URIRef)
                    ],
                    scheme=[_ref(p, labels) for p in g.objects(s, SKOS.inScheme)],
                    inverse=[_ref(p, labels) for p in g.objects(s, OWL.inverseOf)],
                )
            )
        sections.append(Section(key, title_de, title_en, terms))
    return OntologyDoc(
        title_de=_text(g, onto, (rdflib.URIRef("http://purl.org/dc/terms/title"), RDFS.label), "de"),
        title_en=_text(g, onto, (rdflib.URIRef("http://purl.org/dc/terms/title"), RDFS.label), "en"),
        description_de=_text(g, onto, (rdflib.URIRef("http://purl.org/dc/terms/description"),), "de"),
        version=str(g.value(onto, OWL.versionInfo) or ""),
        iri=str(onto),
        sections=sections,
    )
