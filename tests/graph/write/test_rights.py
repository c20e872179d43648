"""The rights in the write path: every change's graphs checked against the acting account, fail closed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.config import SYSTEM_GRAPH, graph_iri
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore
from integrationsgraph.graph.write.path import WritePath
from integrationsgraph.graph.write.rights import (
    Account,
    NobodyActs,
    RightsRefused,
    Role,
    acting,
    dataset_of,
)

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def probe(dataset: str) -> Change:
    node = ox.NamedNode(f"https://w3id.org/integrationsgraph/id/{dataset}/probe/x")
    return Change(graph_iri(dataset), add=[ox.Triple(node, LABEL, ox.Literal("x"))])


def test_a_graph_belongs_to_the_dataset_of_its_first_segment() -> None:
    assert dataset_of(graph_iri("rheine")) == "rheine"
    assert dataset_of(graph_iri("rheine") + "/privat") == "rheine"
    assert dataset_of(graph_iri("rheine") + "/v/2025/privat") == "rheine"
    assert dataset_of(graph_iri("rheine-nord")) == "rheine-nord"  # not rheine's
    assert dataset_of(SYSTEM_GRAPH) is None and dataset_of(graph_iri("shapes")) is None
    assert dataset_of("http://example.org/rheine") is None


def test_an_editor_writes_its_own_dataset_and_nothing_else(writer: WritePath, store: EmbeddedStore) -> None:
    editor = Account("red", Role.EDITOR, frozenset({"rheine"}))
    with acting(editor):
        writer.write(probe("rheine"))
        for other in (probe("rheine-nord"), probe("musterstadt"), Change("http://example.org/g", add=probe("x").add)):
            with pytest.raises(RightsRefused):
                writer.write(other)
            assert not store.count(other.graph)
        # all or nothing: one change of its own and one of another's in one transaction
        with pytest.raises(RightsRefused):
            writer.write_all([probe("rheine"), probe("musterstadt")])
    assert store.count(graph_iri("rheine")) == 1


def test_a_reader_writes_nothing_and_an_admin_everything_but_the_system_graph(writer: WritePath) -> None:
    with acting(Account("les", Role.READER, frozenset({"rheine"}))), pytest.raises(RightsRefused, match="nur lesen"):
        writer.write(probe("rheine"))
    with acting(Account("chefin", Role.ADMIN)):
        writer.write(probe("rheine"))
        writer.write(Change("http://example.org/g", add=probe("x").add))
        with pytest.raises(RightsRefused, match="Verwaltungsgraph"):
            writer.write(Change(SYSTEM_GRAPH, add=probe("x").add))


def test_the_command_line_writes_as_the_owner_but_never_the_system_graph(writer: WritePath) -> None:
    writer.write(probe("rheine"))  # nobody acts: the machine's owner (the command line)
    with pytest.raises(RightsRefused, match="Verwaltungsgraph"):
        writer.write(Change(SYSTEM_GRAPH, add=probe("x").add))


def test_the_server_write_path_fails_closed_when_nobody_acts(writer: WritePath, store: EmbeddedStore) -> None:
    writer.require_actor = True
    with pytest.raises(NobodyActs):
        writer.write(probe("rheine"))
    with pytest.raises(NobodyActs):
        writer.transact(lambda: [probe("rheine")], dry_run=True)
    assert not store.count(graph_iri("rheine"))
    with acting(Account("chefin", Role.ADMIN)):
        writer.write(probe("rheine"))


def test_no_one_writes_a_history_graph_but_the_write_path_itself(writer: WritePath, store: EmbeddedStore) -> None:
    """An editor must not rewrite what it did: the history of its own dataset is refused to every door."""
    own_history = graph_iri("rheine") + "/verlauf/privat"
    forged = Change(own_history, add=probe("x").add)
    for who in (Account("red", Role.EDITOR, frozenset({"rheine"})), Account("chefin", Role.ADMIN), None):
        with acting(who), pytest.raises(RightsRefused, match="Verlauf"):
            writer.write(forged)
    writer.write(probe("rheine"))  # the write path's own entry still lands
    assert store.count(own_history) > 0
    assert dataset_of(graph_iri("verlauf")) is None  # no dataset may be called so
