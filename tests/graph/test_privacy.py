"""Personal data: the rule, the split into companion graphs on every write, and the public graphs."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.config import ROOT, Settings, graph_iri
from graph.load import dataset_graphs, load_files, validate_store
from graph.privacy import Privacy, private_graph, public_graphs, public_view
from graph.store import Change, EmbeddedStore
from graph.validate import Shapes
from graph.write import WritePath

ID = "https://w3id.org/integrationsgraph/id/test/"
KIO = "https://w3id.org/integrationsgraph/ontology#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TRUE = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
G = graph_iri("test")
MUSTER = graph_iri("musterstadt")
ERIKA = ox.NamedNode("https://w3id.org/integrationsgraph/id/musterstadt/person/integrationsbeauftragte")


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


def t(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.Triple:
    return ox.Triple(s, ox.NamedNode(p), o)


def person(local: str, public: bool = False) -> list[ox.Triple]:
    p = n(f"person/{local}")
    out = [
        ox.Triple(p, RDF_TYPE, ox.NamedNode(f"{FOAF}Person")),
        t(p, f"{SKOS}prefLabel", ox.Literal(f"Person {local}", language="de")),
        t(p, f"{FOAF}name", ox.Literal(f"Person {local}")),
        t(p, f"{VCARD}hasEmail", ox.NamedNode(f"mailto:{local}@test.example")),
        t(n("stelle/s"), f"{ORG}heldBy", p),
    ]
    if public:
        out.append(t(p, f"{KIO}oeffentlich", TRUE))
    return out


def test_a_person_and_every_triple_about_or_to_it_is_private() -> None:
    triples = person("anna")
    assert public_view(triples) == []


def test_a_public_person_stays_with_its_contact_details() -> None:
    triples = person("berta", public=True)
    assert set(public_view(triples)) == set(triples)


def test_private_properties_are_private_on_any_subject_unless_it_is_public() -> None:
    contact = n("akteur/amt#kontakt")
    mail = t(contact, f"{VCARD}hasEmail", ox.NamedNode("mailto:amt@test.example"))
    label = t(contact, f"{SKOS}prefLabel", ox.Literal("Kontakt", language="de"))
    assert public_view([mail, label]) == [label]
    flagged = [mail, label, t(contact, f"{KIO}oeffentlich", TRUE)]
    assert set(public_view(flagged)) == set(flagged)


def test_the_private_properties_come_from_the_settings() -> None:
    extra = t(n("akteur/amt"), "https://schema.org/address", ox.Literal("Hauptstraße 1"))
    assert public_view([extra]) == [extra]
    privacy = Privacy.from_settings(Settings(private_properties=["https://schema.org/address"]))
    assert public_view([extra], privacy) == []


def test_blank_nodes_reached_only_through_private_triples_are_private() -> None:
    address = ox.BlankNode("adresse")
    p = n("person/anna")
    triples = [
        *person("anna"),
        t(p, f"{VCARD}hasAddress", address),
        t(address, f"{VCARD}locality", ox.Literal("Teststadt")),
    ]
    assert public_view(triples) == []


@pytest.fixture
def muster(writer: WritePath) -> WritePath:
    load_files(writer, [ROOT / "data" / "musterstadt"], MUSTER)
    return writer


def test_the_write_path_keeps_musterstadts_person_in_the_companion_graph(
    muster: WritePath, store: EmbeddedStore
) -> None:
    public = set(store.triples(MUSTER))
    private = set(store.triples(private_graph(MUSTER)))
    assert private, "Musterstadt has a fictional person with private data"
    assert all(ERIKA not in (x.subject, x.object) for x in public)
    assert any(x.subject == ERIKA and x.predicate.value == f"{FOAF}name" for x in private)
    assert all(ERIKA in (x.subject, x.object) for x in private)
    assert private_graph(MUSTER) not in public_graphs(store)
    assert MUSTER in public_graphs(store)
    assert private_graph(MUSTER) not in dataset_graphs(store)


def test_validation_sees_the_private_triples(muster: WritePath, store: EmbeddedStore, shapes: Shapes) -> None:
    # The membership's member is the private person: a later write on the membership still validates.
    membership = ox.NamedNode(
        "https://w3id.org/integrationsgraph/id/musterstadt/mitgliedschaft/steuerungsgruppe-integrationsbeauftragte"
    )
    note = t(
        membership, "http://purl.org/dc/terms/description", ox.Literal("Seit der Gründung (fiktiv).", language="de")
    )
    report = muster.write(Change(MUSTER, add=[note]))
    assert report.conforms
    assert validate_store(store, shapes)[MUSTER].conforms


def test_marking_a_person_public_moves_its_triples_and_unmarking_moves_them_back(
    writer: WritePath, store: EmbeddedStore
) -> None:
    triples = person("carla")
    store.apply(G, add=[])  # the graph exists but is empty: the write below replaces it
    writer.write(Change(G, add=triples), validate_change=False)
    assert set(store.triples(G)) == set() and set(store.triples(private_graph(G))) == set(triples)

    flag = t(n("person/carla"), f"{KIO}oeffentlich", TRUE)
    writer.write(Change(G, add=[flag]), validate_change=False)
    assert set(store.triples(G)) == {*triples, flag}
    assert set(store.triples(private_graph(G))) == set()

    writer.write(Change(G, remove=[flag]), validate_change=False)
    assert set(store.triples(G)) == set()
    assert set(store.triples(private_graph(G))) == set(triples)


def test_removing_a_private_triple_removes_it_from_the_companion(writer: WritePath, store: EmbeddedStore) -> None:
    triples = person("dora")
    writer.write(Change(G, add=triples), validate_change=False)
    mail = triples[3]
    writer.write(Change(G, remove=[mail]), validate_change=False)
    assert mail not in set(store.triples(private_graph(G)))
    assert set(store.triples(private_graph(G))) == set(triples) - {mail}


def test_a_link_added_later_to_a_private_person_is_private(writer: WritePath, store: EmbeddedStore) -> None:
    writer.write(Change(G, add=person("emil")), validate_change=False)
    link = t(n("massnahme/m1"), f"{KIO}federfuehrend", n("person/emil"))
    writer.write(Change(G, add=[link]), validate_change=False)
    assert link in set(store.triples(private_graph(G)))
    assert link not in set(store.triples(G))


def test_replacing_a_graph_replaces_its_private_triples_too(writer: WritePath, store: EmbeddedStore) -> None:
    writer.write(Change(G, add=person("fritz")), validate_change=False)
    label = t(n("akteur/amt"), f"{SKOS}prefLabel", ox.Literal("Amt", language="de"))
    writer.write(Change(G, add=[label], replace=True), validate_change=False)
    assert set(store.triples(G)) == {label}
    assert set(store.triples(private_graph(G))) == set()
