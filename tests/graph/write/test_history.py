"""The history: every commit recorded with it, exactly; undo through the write path, on both backends."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import NotFound, ValidationFailed
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.store.privacy import is_private_graph, private_graph, public_graphs
from integrationsgraph.graph.write import history
from integrationsgraph.graph.write.history import Door, RevertConflict, through
from integrationsgraph.graph.write.path import WritePath
from integrationsgraph.graph.write.rights import Account, Role, acting

G = graph_iri("probe")
ID = "https://w3id.org/integrationsgraph/id/probe/"
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FOAF = "http://xmlns.com/foaf/0.1/"
EDITOR = Account("probe-red", Role.EDITOR, frozenset({"probe"}))


def t(name: str, label: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(ID + name), LABEL, ox.Literal(label))


@pytest.fixture
def writer(backend: Store, shapes: Shapes) -> WritePath:
    return WritePath(backend, shapes)


def test_a_write_is_recorded_with_who_where_and_its_exact_triples(writer: WritePath, backend: Store) -> None:
    writer.write(Change(G, add=[t("a", "A"), t("b", "B")]))  # the command line
    with acting(EDITOR), through(Door("REST", "POST /api/probe/felder")):
        # one triple already there, one removal of a triple that is not: neither counts
        writer.write(Change(G, add=[t("a", "A"), t("c", "C")], remove=[t("b", "B"), t("x", "X")]))
    total, [newest, first] = history.listing(backend, "probe")
    assert total == 2
    assert (first.account, first.door, first.added, first.removed) == (
        "ohne Konto (auf dem Rechner des Dienstes)",
        "Kommandozeile",
        2,
        0,
    )
    assert (newest.account, newest.door, newest.summary) == ("probe-red", "REST", "POST /api/probe/felder")
    assert (newest.added, newest.removed) == (1, 1) and newest.id > first.id
    [delta] = history.deltas(backend, "probe", newest.id)
    assert delta.graph == G and delta.added == [t("c", "C")] and delta.removed == [t("b", "B")]


def test_the_history_is_private_and_a_refused_write_leaves_no_entry(
    writer: WritePath, backend: Store, shapes: Shapes
) -> None:
    writer.write(Change(G, add=[t("a", "A")]))
    graph = history.history_graph("probe")
    assert is_private_graph(graph) and graph not in public_graphs(backend)
    bad = ox.Triple(
        ox.NamedNode(ID + "m"), RDF_TYPE, ox.NamedNode("https://w3id.org/integrationsgraph/ontology#Massnahme")
    )
    with pytest.raises(ValidationFailed):
        writer.write(Change(G, add=[bad]))
    assert history.listing(backend, "probe")[0] == 1


def test_revert_restores_the_exact_triples_and_is_recorded(writer: WritePath, backend: Store) -> None:
    writer.write(Change(G, add=[t("a", "A"), t("b", "B")]))
    before = set(backend.triples(G))
    writer.write(Change(G, add=[t("c", "C")], remove=[t("a", "A")]))
    _, [entry, _first] = history.listing(backend, "probe")
    writer.transact(lambda: history.inverse(backend, "probe", entry.id), reverts=entry.id)
    assert set(backend.triples(G)) == before
    _, [undo, *_] = history.listing(backend, "probe")
    assert undo.reverts == entry.id and (undo.added, undo.removed) == (1, 1)
    with pytest.raises(NotFound):
        history.inverse(backend, "probe", "20000101T000000000000-000000")


def test_revert_refuses_when_a_later_change_touched_the_same_triples(writer: WritePath, backend: Store) -> None:
    writer.write(Change(G, add=[t("a", "A")]))
    writer.write(Change(G, add=[t("b", "B")]))
    _, [second, _] = history.listing(backend, "probe")
    writer.write(Change(G, remove=[t("b", "B")]))  # a later change removed what the second added
    state = set(backend.triples(G))
    with pytest.raises(RevertConflict, match="spätere Änderung"):
        writer.transact(lambda: history.inverse(backend, "probe", second.id), reverts=second.id)
    assert set(backend.triples(G)) == state and history.listing(backend, "probe")[0] == 3


def test_a_person_is_recorded_in_the_private_history_and_undone_into_her_companion(
    writer: WritePath, backend: Store
) -> None:
    erika = ox.NamedNode(ID + "person/erika")
    person = [
        ox.Triple(erika, RDF_TYPE, ox.NamedNode(FOAF + "Person")),
        ox.Triple(erika, ox.NamedNode(FOAF + "name"), ox.Literal("Erika Probe")),
    ]
    writer.write(Change(G, add=[t("a", "A")]))
    writer.write(Change(G, add=person))
    assert set(person) <= set(backend.triples(private_graph(G)))
    _, [entry, _] = history.listing(backend, "probe")
    [delta] = history.deltas(backend, "probe", entry.id)
    assert delta.graph == G and set(delta.added) == set(person)  # recorded against the dataset graph
    writer.transact(lambda: history.inverse(backend, "probe", entry.id), reverts=entry.id)
    assert not set(backend.triples(private_graph(G))) and set(backend.triples(G)) == {t("a", "A")}


def test_a_replacement_records_what_it_really_removed_and_prune_drops_old_entries(
    writer: WritePath, backend: Store
) -> None:
    writer.write(Change(G, add=[t("a", "A"), t("b", "B")]))
    writer.write(Change(G, add=[t("b", "B"), t("c", "C")], replace=True))
    _, [entry, _] = history.listing(backend, "probe")
    [delta] = history.deltas(backend, "probe", entry.id)
    assert delta.added == [t("c", "C")] and delta.removed == [t("a", "A")]
    assert history.prune(backend, "probe", "2000-01-01") == 0
    assert history.prune(backend, "probe", "9999-01-01") == 2
    assert history.listing(backend, "probe") == (0, []) and not list(backend.triples(history.history_graph("probe")))


def test_retention_removes_only_entries_older_than_the_setting(writer: WritePath, backend: Store) -> None:
    writer.write(Change(G, add=[t("a", "A")]))
    writer.write(Change(G, add=[t("b", "B")]))
    _, [new, old] = history.listing(backend, "probe")
    graph = history.history_graph("probe")
    node = history.entry_node("probe", old.id)
    [ended] = [x for x in backend.outgoing(graph, [node]) if x.predicate == history.ENDED]
    aged = ox.Triple(node, history.ENDED, ox.Literal("2020-01-01T00:00:00+00:00", datatype=ended.object.datatype))  # type: ignore[union-attr]
    backend.apply(graph, add=[aged], remove=[ended])  # as if written years ago
    assert history.keep(backend, ["probe"], None) == 0  # default: forever
    assert history.keep(backend, ["probe"], 365) == 1
    assert [e.id for e in history.listing(backend, "probe")[1]] == [new.id]
