"""Personal data: the rule, the split into companion graphs on every write, and the public graphs."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import ROOT, Settings, graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
from integrationsgraph.graph.store.graphs import dataset_graphs
from integrationsgraph.graph.store.privacy import (
    PersonalDataRefused,
    Privacy,
    private_graph,
    public_graphs,
    public_view,
    readable_triples,
)
from integrationsgraph.graph.write.load import load_files, validate_store
from integrationsgraph.graph.write.path import WritePath

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


# ---------------------------------------------------------------------------------------------------------
# No personal data in a graph that has no private companion (issue 12, part 3)
# ---------------------------------------------------------------------------------------------------------

PEOPLE = "http://example.org/people"
OUTSIDE = [PEOPLE, graph_iri("ontology"), graph_iri("shapes")]  # the system graph: refused before (rights)


@pytest.mark.parametrize("graph", OUTSIDE)
def test_a_person_written_outside_a_dataset_graph_is_refused_and_nothing_is_written(
    writer: WritePath, store: EmbeddedStore, graph: str
) -> None:
    before = {g: set(store.triples(g)) for g in store.graphs()}
    with pytest.raises(PersonalDataRefused) as refused:
        writer.write(Change(graph, add=person("gerd")), validate_change=False)
    assert {g: set(store.triples(g)) for g in store.graphs()} == before
    message = str(refused.value)
    assert "personenbezogene Angabe" in message and f"<{graph}>" in message and "nichts wurde geschrieben" in message
    assert f"{ID}person/gerd <{SKOS}prefLabel>" in message  # focus node and path (not rdf:type)
    results = refused.value.report.results
    assert {r.path for r in results} >= {f"<{FOAF}name>", f"<{VCARD}hasEmail>"}
    assert all(r.value is None and r.severity == "Violation" for r in results)  # the value is not repeated


def test_a_contact_detail_on_any_subject_is_refused_unless_the_subject_is_public(
    writer: WritePath, store: EmbeddedStore
) -> None:
    contact = n("akteur/amt#kontakt")
    mail = t(contact, f"{VCARD}hasEmail", ox.NamedNode("mailto:amt@test.example"))
    with pytest.raises(PersonalDataRefused):
        writer.write(Change(PEOPLE, add=[mail]), validate_change=False)
    assert PEOPLE not in store.graphs()
    flagged = [mail, t(contact, f"{KIO}oeffentlich", TRUE)]
    writer.write(Change(PEOPLE, add=flagged), validate_change=False)
    assert set(store.triples(PEOPLE)) == set(flagged)
    # Taking the flag away in the same change that keeps the e-mail is refused too.
    with pytest.raises(PersonalDataRefused):
        writer.write(Change(PEOPLE, add=[mail], remove=[flagged[1]]), validate_change=False)
    assert set(store.triples(PEOPLE)) == set(flagged)


def test_a_triple_about_a_person_of_another_graph_is_refused(muster: WritePath, store: EmbeddedStore) -> None:
    about = t(ERIKA, "https://schema.org/homeLocation", ox.Literal("Musterstadt-Nord"))
    pointing = t(n("projekt/p"), "https://schema.org/contributor", ERIKA)
    for triple in (about, pointing):
        with pytest.raises(PersonalDataRefused):
            muster.write(Change(PEOPLE, add=[triple]), validate_change=False)
    assert PEOPLE not in store.graphs()


def test_ordinary_data_and_removals_outside_dataset_graphs_are_still_written(
    writer: WritePath, store: EmbeddedStore
) -> None:
    label = t(n("thema/x"), f"{SKOS}prefLabel", ox.Literal("Thema", language="de"))
    writer.write(Change(PEOPLE, add=[label]), validate_change=False)
    assert set(store.triples(PEOPLE)) == {label}
    # Personal data that got there before the rule (written straight into the store) can be removed.
    old = person("hans")
    store.apply(PEOPLE, add=old)
    writer.write(Change(PEOPLE, remove=old), validate_change=False)
    assert set(store.triples(PEOPLE)) == {label}


def test_a_private_companion_may_be_written_directly(writer: WritePath, store: EmbeddedStore) -> None:
    writer.write(Change(private_graph(G), add=person("ida")), validate_change=False)
    assert set(store.triples(private_graph(G))) == set(person("ida"))


def test_the_check_alone_refuses_too(writer: WritePath, store: EmbeddedStore) -> None:
    """``check`` is what ``load`` calls for every graph before it writes any."""
    with pytest.raises(PersonalDataRefused):
        writer.check(Change(PEOPLE, add=person("jan"), replace=True))


def test_load_refuses_a_trig_file_with_a_person_outside_and_writes_no_graph(
    writer: WritePath, store: EmbeddedStore, tmp_path: Path
) -> None:
    trig = tmp_path / "gemischt.trig"
    trig.write_text(
        f'<{G}> {{ <{ID}thema/x> <{SKOS}prefLabel> "Thema"@de . }}\n'
        f'<{PEOPLE}> {{ <{ID}person/kai> a <{FOAF}Person> ; <{FOAF}name> "Kai Probe" . }}\n',
        encoding="utf-8",
    )
    for bulk in (False, True):
        with pytest.raises(PersonalDataRefused):
            load_files(writer, [trig], None, bulk=bulk)
        assert G not in store.graphs() and PEOPLE not in store.graphs()


def test_readable_triples_is_the_one_filter(muster: WritePath, store: EmbeddedStore) -> None:
    public = readable_triples(store, MUSTER)
    assert public and all(ERIKA not in (x.subject, x.object) for x in public)
    everything = readable_triples(store, MUSTER, private=True)
    assert set(everything) == set(store.triples(MUSTER)) | set(store.triples(private_graph(MUSTER)))
    assert readable_triples(store, private_graph(MUSTER)) == []
    # A property made private after the data was written is filtered at once.
    label = ox.NamedNode(f"{SKOS}prefLabel")
    stricter = Privacy(frozenset({label.value}))
    assert all(x.predicate != label for x in readable_triples(store, MUSTER, privacy=stricter))


def test_making_a_node_a_person_is_refused_while_a_graph_without_a_companion_points_to_it(
    writer: WritePath, store: EmbeddedStore
) -> None:
    link = t(n("projekt/p"), "https://schema.org/contributor", n("person/lea"))
    writer.write(Change(PEOPLE, add=[link]), validate_change=False)  # nobody knows yet that lea is a person
    before = {g: set(store.triples(g)) for g in store.graphs()}
    with pytest.raises(PersonalDataRefused) as refused:
        writer.write(Change(G, add=[ox.Triple(n("person/lea"), RDF_TYPE, ox.NamedNode(f"{FOAF}Person"))]))
    assert f"<{PEOPLE}>" in str(refused.value)
    assert {g: set(store.triples(g)) for g in store.graphs()} == before
    # Once the link is gone, she may become a person (and stays private in the companion).
    writer.write(Change(PEOPLE, remove=[link]), validate_change=False)
    writer.write(Change(G, add=[ox.Triple(n("person/lea"), RDF_TYPE, ox.NamedNode(f"{FOAF}Person"))]))
    assert n("person/lea") in {x.subject for x in store.triples(private_graph(G))}


def test_taking_the_public_flag_away_from_contact_details_outside_a_dataset_graph_is_refused(
    writer: WritePath, store: EmbeddedStore
) -> None:
    contact = n("akteur/amt#kontakt")
    flag = t(contact, f"{KIO}oeffentlich", TRUE)
    mail = t(contact, f"{VCARD}hasEmail", ox.NamedNode("mailto:amt@test.example"))
    writer.write(Change(PEOPLE, add=[mail, flag]), validate_change=False)
    with pytest.raises(PersonalDataRefused):
        writer.write(Change(PEOPLE, remove=[flag]), validate_change=False)
    assert set(store.triples(PEOPLE)) == {mail, flag}
    writer.write(Change(PEOPLE, remove=[flag, mail]), validate_change=False)  # both together: nothing left
    assert set(store.triples(PEOPLE)) == set()


def test_a_person_made_in_one_graph_and_linked_in_another_in_one_transaction_is_refused(
    writer: WritePath, store: EmbeddedStore
) -> None:
    typed = ox.Triple(n("person/max"), RDF_TYPE, ox.NamedNode(f"{FOAF}Person"))
    link = t(n("projekt/p"), "https://schema.org/contributor", n("person/max"))
    with pytest.raises(PersonalDataRefused) as refused:
        writer.write_all([Change(G, add=[typed]), Change(PEOPLE, add=[link])])
    assert refused.value.graph == PEOPLE
    assert G not in store.graphs() and PEOPLE not in store.graphs()
    with pytest.raises(PersonalDataRefused):  # what load calls for each graph of a TriG file, before writing any
        writer.check(Change(PEOPLE, add=[link]), among=[Change(G, add=[typed])])


def test_load_refuses_a_trig_file_that_links_to_a_person_it_makes_in_another_graph(
    writer: WritePath, store: EmbeddedStore, tmp_path: Path
) -> None:
    trig = tmp_path / "verknuepft.trig"
    trig.write_text(
        f"<{G}> {{ <{ID}person/ole> a <{FOAF}Person> . }}\n"
        f"<{PEOPLE}> {{ <{ID}projekt/p> <https://schema.org/contributor> <{ID}person/ole> . }}\n",
        encoding="utf-8",
    )
    with pytest.raises(PersonalDataRefused):
        load_files(writer, [trig], None)
    assert G not in store.graphs() and PEOPLE not in store.graphs()
