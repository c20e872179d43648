"""The store contract on both backends (embedded, a real Oxigraph server): transactions, graphs, bindings."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from integrationsgraph.graph.core.errors import InvalidQuery
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore, Store, StoreConflict, StoreLocked

G = "https://w3id.org/integrationsgraph/graph/test"
EX = "http://example.org/"


@pytest.fixture
def store(backend: Store) -> Store:
    return backend


def t(s: str, p: str, o: str | ox.Literal) -> ox.Triple:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(EX + o)
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj)


def test_apply_adds_and_counts(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b"), t("b", "p", "c")])
    assert store.count(G) == 2
    assert store.graphs() == [G]


def test_apply_removes_and_adds_in_one_step(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b")])
    store.apply(G, add=[t("a", "p", "c")], remove=[t("a", "p", "b")])
    assert {x.object.value for x in store.triples(G)} == {EX + "c"}


def test_replace_drops_old_content(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b")])
    store.apply(G, add=[t("x", "p", "y")], replace=True)
    assert [x.subject.value for x in store.triples(G)] == [EX + "x"]


def test_replace_with_nothing_keeps_an_empty_graph(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b")])
    store.apply(G, add=[], replace=True)
    assert store.count(G) == 0


def test_literals_with_quotes_and_newlines_survive(store: Store) -> None:
    tricky = ox.Literal('Zitat: "Willkommen" }\nzweite Zeile', language="de")
    store.apply(G, add=[t("a", "label", "old")])
    store.apply(G, add=[t("a", "label", tricky)], remove=[t("a", "label", "old")])
    [triple] = list(store.triples(G))
    assert triple.object == tricky


def test_outgoing_and_incoming(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b"), t("c", "p", "b"), t("b", "p", "d")])
    assert {x.object.value for x in store.outgoing(G, [ox.NamedNode(EX + "b")])} == {EX + "d"}
    assert {x.subject.value for x in store.incoming(G, [ox.NamedNode(EX + "b")])} == {EX + "a", EX + "c"}


def test_having_reads_only_the_given_predicates_of_one_graph(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b"), t("a", "q", "c"), t("b", "r", "d"), t("a", "p", "e")])
    store.apply(G + "2", add=[t("x", "p", "y")])
    found = store.having(G, [ox.NamedNode(EX + "p"), ox.NamedNode(EX + "r"), ox.NamedNode(EX + "p")])
    assert {p: sorted((s.value, o.value) for s, o in pairs) for p, pairs in found.items()} == {
        EX + "p": [(EX + "a", EX + "b"), (EX + "a", EX + "e")],
        EX + "r": [(EX + "b", EX + "d")],
    }
    assert store.having(G, [ox.NamedNode(EX + "none")]) == {EX + "none": []}
    assert store.having(G, []) == {}


def test_query_sees_union_of_graphs_by_default(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b")])
    store.apply(G + "2", add=[t("c", "p", "d")])
    # (?p is fixed: on a SPARQL server the union also holds the revision triple of graph.core.config.SYSTEM_GRAPH)
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{EX}p> ?o }}")
    assert isinstance(result, ox.QuerySolutions)
    assert [r["n"].value for r in result] == ["2"]  # type: ignore[union-attr]


def test_query_bindings_are_terms_not_text(store: Store) -> None:
    store.apply(G, add=[t("a", "p", ox.Literal("x"))])
    hostile = ox.Literal('x" } ; DROP ALL ; SELECT * { "')
    result = store.query("SELECT ?s ?v WHERE { ?s ?p ?v }", bindings={"v": hostile})
    assert isinstance(result, ox.QuerySolutions)
    assert list(result) == []
    assert store.count(G) == 1


def test_syntax_error_is_invalid_query(store: Store) -> None:
    with pytest.raises(InvalidQuery, match="1:"):
        store.query("SELECT * WHERE { ?s ?p }")


def test_drop(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b")])
    assert store.drop(G) is True
    assert store.drop(G) is False
    assert store.graphs() == []


def test_every_commit_and_drop_moves_the_revision(store: Store) -> None:
    seen = [store.revision()]
    store.apply(G, add=[t("a", "p", "b")])
    seen.append(store.revision())
    store.commit([Change(G, remove=[t("a", "p", "b")])], expect=seen[-1])
    seen.append(store.revision())
    store.drop(G)
    seen.append(store.revision())
    assert len(set(seen)) == 4
    assert store.graphs() == []  # the revision is bookkeeping, not a graph anybody sees


def test_a_commit_against_a_stale_revision_writes_nothing(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b")])
    stale = store.revision()
    store.apply(G, add=[t("c", "p", "d")])  # another writer
    for change in (
        Change(G, add=[t("x", "p", "y")], remove=[t("a", "p", "b")]),
        Change(G, add=[t("x", "p", "y")], replace=True),
        Change(G + "2", replace=True),
    ):
        with pytest.raises(StoreConflict):
            store.commit([change], expect=stale)
    assert sorted(x.subject.value for x in store.triples(G)) == [EX + "a", EX + "c"]
    assert store.graphs() == [G]
    fresh = store.revision()
    store.commit([Change(G, add=[t("x", "p", "y")], replace=True), Change(G + "2", replace=True)], expect=fresh)
    assert [x.subject.value for x in store.triples(G)] == [EX + "x"]
    assert store.graphs() == [G, G + "2"]


def test_on_disk_store_keeps_data_and_refuses_a_second_opener(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = EmbeddedStore(path)
    first.apply(G, add=[t("a", "p", "b")])
    with pytest.raises(StoreLocked, match="anderen Prozess"):
        EmbeddedStore(path)
    first.close()
    again = EmbeddedStore(path)
    assert again.count(G) == 1
    again.close()


def test_default_graphs_restrict_the_default_graph_but_graph_still_sees_every_graph(store: Store) -> None:
    store.apply(G, add=[t("a", "p", "b")])
    store.apply(G + "2", add=[t("c", "p", "d")])
    result = store.query("SELECT ?s WHERE { ?s ?p ?o }", default_graphs=[G])
    assert isinstance(result, ox.QuerySolutions)
    assert [r["s"].value for r in result] == [EX + "a"]  # type: ignore[union-attr]
    result = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", default_graphs=[G])
    assert isinstance(result, ox.QuerySolutions)
    assert [r["g"].value for r in result] == [G, G + "2"]  # type: ignore[union-attr]
    result = store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=[G + "2"])
    assert isinstance(result, ox.QuerySolutions)
    assert [r["g"].value for r in result] == [G + "2"]  # type: ignore[union-attr]


def test_ask_and_construct_give_pyoxigraph_results(store: Store) -> None:
    store.apply(G, add=[t("a", "p", ox.Literal("Grüße", language="de"))])
    asked = store.query("ASK { ?s ?p ?o }")
    assert isinstance(asked, ox.QueryBoolean)
    assert bool(asked) is True
    built = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", bindings={"s": ox.NamedNode(EX + "a")})
    assert isinstance(built, ox.QueryTriples)
    [triple] = list(built)
    assert triple == t("a", "p", ox.Literal("Grüße", language="de"))


def test_hundreds_of_graphs_as_dataset(store: Store) -> None:
    graphs = [f"{G}/gemeinde-mit-einem-recht-langen-namen-{i:03}" for i in range(300)]
    store.commit([Change(g, add=[t(f"s{i}", "p", "o")]) for i, g in enumerate(graphs)])
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=graphs[:250])
    assert isinstance(result, ox.QuerySolutions)
    assert [r["n"].value for r in result] == ["250"]  # type: ignore[union-attr]
    result = store.query(
        "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", default_graphs=[], named_graphs=graphs
    )
    assert isinstance(result, ox.QuerySolutions)
    assert [r["n"].value for r in result] == ["300"]  # type: ignore[union-attr]
