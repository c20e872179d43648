"""The OWL ontology (ontology/*.ttl): labels, metadata, the names of docs/model.md, OWL-RL consistency."""

from __future__ import annotations

import re
from pathlib import Path

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

ROOT = Path(__file__).parents[2]
ONTOLOGY_FILE = ROOT / "ontology" / "integrationsgraph.ttl"
ALIGNMENTS_FILE = ROOT / "ontology" / "alignments.ttl"
MODEL_MD = ROOT / "docs" / "model.md"

KIO = Namespace("https://w3id.org/integrationsgraph/ontology#")
ONTOLOGY_IRI = URIRef("https://w3id.org/integrationsgraph/ontology")
VANN = Namespace("http://purl.org/vocab/vann/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
CV = Namespace("http://data.europa.eu/m8g/")
QB = Namespace("http://purl.org/linked-data/cube#")
# owlrl writes each inconsistency as `[] a err:ErrorMessage ; err:error "..."` (owlrl/Closure.py).
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")
ID = Namespace("https://w3id.org/integrationsgraph/id/test/")

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)

CORE_GERMAN_LABELS = {
    KIO.Handlungsfeld: "Handlungsfeld",
    KIO.Leitziel: "Leitziel",
    KIO.Handlungsziel: "Handlungsziel",
    KIO.Massnahme: "Maßnahme",
    KIO.Indikator: "Indikator",
}

SCHEMES = {
    KIO.Umsetzungsstatus: {KIO.geplant, KIO.laufend, KIO.abgeschlossen, KIO.ausgesetzt},
    KIO.Zielrichtung: {KIO.steigend, KIO.fallend, KIO.halten},
    KIO.Indikatortyp: {KIO.Kontextindikator, KIO.Wirkungsindikator},
    KIO.Bewilligungsstatus: {KIO.inErarbeitung, KIO.beantragt, KIO.bewilligt, KIO.abgelehnt},
    KIO.Konzeptstatus: {KIO.entwurf, KIO.beschlossen},
}

# Names that docs/model.md mentions on purpose without defining them: its table says
# "`kio:definition` — use `skos:definition`", i.e. there is no kio:definition.
NOT_DEFINED_ON_PURPOSE = {KIO.definition}

SAMPLE = """
@prefix kio: <https://w3id.org/integrationsgraph/ontology#> .
@prefix id:  <https://w3id.org/integrationsgraph/id/test/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

id:hf a kio:Handlungsfeld ; skos:prefLabel "Sprachförderung"@de .
id:lz a kio:Leitziel ; skos:prefLabel "Leitziel"@de ; kio:imHandlungsfeld id:hf .
id:hz a kio:Handlungsziel ; skos:prefLabel "Handlungsziel"@de ; kio:konkretisiert id:lz .
id:m a kio:Massnahme ; skos:prefLabel "Maßnahme"@de ;
    kio:traegtBeiZu id:hz ; kio:imHandlungsfeld id:hf ; kio:umsetzungsstatus kio:laufend ;
    kio:beginn "2024-01-01"^^xsd:date ; kio:federfuehrend id:fachstelle .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


@pytest.fixture(scope="module")
def alignments() -> Graph:
    graph = Graph()
    graph.parse(ALIGNMENTS_FILE, format="turtle")
    return graph


def kio_terms(graph: Graph) -> set[URIRef]:
    return {
        s for t in TERM_TYPES for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef) and s.startswith(str(KIO))
    }


def langs(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str | None]:
    return {o.language for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def closure(*graphs: Graph, data: str) -> Graph:
    merged = Graph()
    for graph in graphs:
        merged += graph
    merged.parse(data=data, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(merged)
    return merged


def errors(graph: Graph) -> list[str]:
    return sorted(str(o) for o in graph.objects(None, ERR.error))


def test_every_kio_term_has_label_and_definition_in_german_and_english(ontology: Graph) -> None:
    terms = kio_terms(ontology)
    assert len(terms) > 50
    missing = [
        f"{term} {predicate.n3()} @{lang}"
        for term in sorted(terms)
        for predicate in (RDFS.label, SKOS.definition)
        for lang in ("de", "en")
        if lang not in langs(ontology, term, predicate)
    ]
    assert missing == []


def test_every_kio_term_and_controlled_value_is_defined_by_the_ontology(ontology: Graph) -> None:
    subjects = kio_terms(ontology) | set(ontology.subjects(RDF.type, SKOS.Concept))
    subjects |= set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    assert [s for s in sorted(subjects) if (s, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology] == []


def test_core_classes_have_exactly_the_german_labels(ontology: Graph) -> None:
    for cls, label in CORE_GERMAN_LABELS.items():
        german = [o for o in ontology.objects(cls, RDFS.label) if o.language == "de"]
        assert german == [Literal(label, lang="de")], cls


def test_ontology_header_has_version_licence_and_namespace(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert ontology.value(ONTOLOGY_IRI, VANN.preferredNamespacePrefix) == Literal("kio")
    namespace = str(ontology.value(ONTOLOGY_IRI, VANN.preferredNamespaceUri))
    assert namespace == str(KIO)
    assert namespace.startswith("https://w3id.org/")
    for predicate in (DCTERMS.title, DCTERMS.description):
        assert langs(ontology, ONTOLOGY_IRI, predicate) >= {"de", "en"}
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.created) is not None
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.creator) is not None


def test_no_owl_imports(ontology: Graph, alignments: Graph) -> None:
    assert list(ontology.triples((None, OWL.imports, None))) == []
    assert list(alignments.triples((None, OWL.imports, None))) == []


def test_every_kio_iri_used_is_declared(ontology: Graph) -> None:
    used = {
        node
        for triple in ontology
        for node in triple
        if isinstance(node, URIRef) and node.startswith(str(KIO)) and node != URIRef(str(KIO))
    }
    assert [iri for iri in sorted(used) if ontology.value(iri, RDF.type) is None] == []


def test_every_kio_name_in_model_md_is_defined(ontology: Graph) -> None:
    names = set(re.findall(r"(?<![\w-])kio:([A-Za-z]+)", MODEL_MD.read_text(encoding="utf-8")))
    assert len(names) > 80
    defined = kio_terms(ontology) | set(ontology.subjects(RDF.type, SKOS.Concept))
    defined |= set(ontology.subjects(RDF.type, SKOS.ConceptScheme))
    missing = sorted(KIO[n] for n in names if KIO[n] not in defined and KIO[n] not in NOT_DEFINED_ON_PURPOSE)
    assert missing == []


def test_kio_definition_is_not_defined_because_model_md_says_use_skos_definition(ontology: Graph) -> None:
    assert (KIO.definition, None, None) not in ontology


def test_controlled_values_are_labelled_concepts_in_their_schemes(ontology: Graph) -> None:
    for scheme, members in SCHEMES.items():
        assert set(ontology.subjects(SKOS.inScheme, scheme)) == members, scheme
        for concept in members:
            assert (concept, RDF.type, SKOS.Concept) in ontology
            assert langs(ontology, concept, SKOS.prefLabel) == {"de", "en"}, concept
            assert langs(ontology, concept, RDFS.label) >= {"de", "en"}, concept


def test_schemes_are_concept_schemes_and_not_classes(ontology: Graph) -> None:
    for scheme in SCHEMES:
        assert (scheme, RDF.type, SKOS.ConceptScheme) in ontology
        assert (scheme, RDF.type, OWL.Class) not in ontology
        assert (scheme, RDF.type, RDFS.Class) not in ontology
        assert langs(ontology, scheme, SKOS.prefLabel) == {"de", "en"}


def test_konkretisiert_is_the_inverse_of_hat_handlungsziel(ontology: Graph) -> None:
    assert (KIO.hatHandlungsziel, OWL.inverseOf, KIO.konkretisiert) in ontology
    assert (KIO.konkretisiert, RDFS.subPropertyOf, SKOS.broader) in ontology
    assert (KIO.hatHandlungsziel, RDFS.subPropertyOf, SKOS.narrower) in ontology


def test_leitziel_and_handlungsziel_are_disjoint(ontology: Graph) -> None:
    assert (KIO.Leitziel, OWL.disjointWith, KIO.Handlungsziel) in ontology


def test_indicator_value_properties_are_data_cube_components(ontology: Graph) -> None:
    assert (KIO.indikator, RDF.type, QB.DimensionProperty) in ontology
    assert (KIO.wert, RDF.type, QB.MeasureProperty) in ontology
    assert (KIO.Messwert, RDFS.subClassOf, QB.Observation) in ontology


def test_alignments_hold_only_the_sub_class_axioms_model_md_lists(alignments: Graph) -> None:
    assert set(alignments) == {
        (ORG.Organization, RDFS.subClassOf, FOAF.Agent),
        (ORG.FormalOrganization, RDFS.subClassOf, ORG.Organization),
        (ORG.OrganizationalUnit, RDFS.subClassOf, ORG.Organization),
        (ORG.OrganizationalCollaboration, RDFS.subClassOf, ORG.Organization),
        (CV.PublicOrganisation, RDFS.subClassOf, ORG.Organization),
        (FOAF.Person, RDFS.subClassOf, FOAF.Agent),
    }


def test_owl_rl_closure_of_a_goal_chain_is_consistent(ontology: Graph, alignments: Graph) -> None:
    inferred = closure(ontology, alignments, data=SAMPLE)
    assert errors(inferred) == []
    assert (ID.lz, KIO.hatHandlungsziel, ID.hz) in inferred
    assert (ID.hz, SKOS.broader, ID.lz) in inferred
    assert (ID.fachstelle, RDF.type, FOAF.Agent) in inferred


def test_owl_rl_does_not_make_a_massnahme_a_ziel(ontology: Graph, alignments: Graph) -> None:
    inferred = closure(ontology, alignments, data=SAMPLE)
    assert (ID.m, RDF.type, KIO.Ziel) not in inferred
    assert (ID.m, RDF.type, SKOS.Concept) not in inferred


def test_owl_rl_flags_a_goal_that_is_both_leitziel_and_handlungsziel(ontology: Graph, alignments: Graph) -> None:
    inferred = closure(ontology, alignments, data=SAMPLE + "\nid:lz a kio:Handlungsziel .\n")
    found = errors(inferred)
    assert found != []
    assert all(message.startswith("Disjoint classes") and str(ID.lz) in message for message in found)


def test_owl_rl_flags_a_handlungsziel_that_konkretisiert_a_handlungsziel(ontology: Graph, alignments: Graph) -> None:
    inferred = closure(ontology, alignments, data=SAMPLE + "\nid:hz2 kio:konkretisiert id:hz .\n")
    assert any(str(ID.hz) in message for message in errors(inferred))
