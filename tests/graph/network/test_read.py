"""The networks read from the store (tests/data/analysis/*.ttl) and their projections, checked by hand.

Kleinstadt's collaboration graph (see the fixture's header): U–A, A–B (M1), A–C (M2), B–C (both in D), B–D, C–D;
E and X stand alone. A = Stadt, B = VHS, C = Jobcenter, D = Netzwerk Sprache, U = Fachstelle.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.network.metrics import analyse
from integrationsgraph.graph.network.read import (
    actor_field_graph,
    actor_fields,
    analysis_graphs,
    collaboration_graph,
    field_chain,
    field_graph,
    find_field,
    knowledge_graph,
    nodes_of,
    scope,
)
from integrationsgraph.graph.rdf.io import parse_file
from integrationsgraph.graph.store.embedded import Store

DATA = Path(__file__).parents[2] / "data" / "analysis"
ID = "https://w3id.org/integrationsgraph/id/kleinstadt/"
A, B, C = ID + "akteur/stadt", ID + "akteur/vhs", ID + "akteur/jobcenter"
D, U, E, X = (
    ID + "akteur/netzwerk-sprache",
    ID + "akteur/fachstelle",
    ID + "akteur/integrationsrat",
    ID + "akteur/verein",
)
F1, F2, F3 = ID + "handlungsfeld/sprache", ID + "handlungsfeld/arbeit", ID + "handlungsfeld/wohnen"
M1, M2, M3 = ID + "massnahme/m1", ID + "massnahme/m2", ID + "massnahme/m3"


@pytest.fixture
def store(backend: Store) -> Store:
    """Every test here runs on the embedded store and on a real Oxigraph server (``backend``)."""
    return backend


@pytest.fixture
def loaded(store: Store) -> Store:
    for name in ("kleinstadt", "zweitstadt"):
        store.apply(graph_iri(name), add=[q.triple for q in parse_file(DATA / f"{name}.ttl")])
    return store


@pytest.fixture
def k(loaded: Store) -> nx.Graph:
    return knowledge_graph(loaded, scope(loaded, "kleinstadt"))


def test_scope_names_one_dataset_all_or_fails(loaded: Store) -> None:
    assert scope(loaded, "kleinstadt") == [graph_iri("kleinstadt")]
    assert scope(loaded, None) == [graph_iri("kleinstadt"), graph_iri("zweitstadt")]
    with pytest.raises(NotFound, match="vorhanden: kleinstadt, zweitstadt"):
        scope(loaded, "gibtesnicht")


def test_derived_graphs_are_not_datasets(loaded: Store) -> None:
    loaded.apply(graph_iri("kleinstadt/metriken"), add=[next(iter(loaded.triples(graph_iri("kleinstadt"))))])
    assert analysis_graphs(loaded) == [graph_iri("kleinstadt"), graph_iri("zweitstadt")]


def test_actors_get_their_most_specific_type_and_persons_never_appear(k: nx.Graph) -> None:
    actors = {a: k.nodes[a]["typ"] for a in nodes_of(k, "akteur")}
    assert actors == {
        A: "kommune",
        U: "einheit",
        B: "organisation",
        C: "organisation",
        D: "netzwerk",  # also org:Organization
        E: "politisches-gremium",  # also kio:Gremium
        X: "organisation",
    }
    assert k.nodes[A]["label"] == "Stadt Kleinstadt (fiktiv)" and k.nodes[A]["dataset"] == "kleinstadt"
    assert not any("person" in n for n in k.nodes)


def test_measures_reach_their_field_directly_or_through_the_chain(k: nx.Graph) -> None:
    fields = {m: sorted(n for n in k.neighbors(m) if k.nodes[n]["kind"] == "handlungsfeld") for m in (M1, M2, M3)}
    assert fields == {M1: [F1], M2: [F2], M3: [F1]}
    assert k.edges[M1, A]["rel"] == "federfuehrend" and k.edges[M1, B]["rel"] == "kooperationspartner"
    assert (k.nodes[M3]["von"], k.nodes[M3]["bis"], k.nodes[M1]["bis"]) == (2019, 2021, None)
    assert k.nodes[M1]["status"] == "laufend" and k.nodes[F2]["leitziele"] == 2


def test_memberships_carry_their_period(k: nx.Graph) -> None:
    assert k.edges[B, D] == {"rel": "mitglied", "member": B, "von": 2018, "bis": None}
    assert (k.edges[C, D]["von"], k.edges[C, D]["bis"]) == (2020, 2022)
    assert k.edges[U, A]["rel"] == "einheit" and k.edges[D, F1]["rel"] == "zweck"


def test_collaboration_graph_weights(k: nx.Graph) -> None:
    c = collaboration_graph(k)
    assert set(c.nodes) == {A, B, C, D, U, E, X}
    pairs = {
        frozenset((u, v)): (d["massnahmen"], d["gremien"], d["direkt"], d["weight"]) for u, v, d in c.edges(data=True)
    }
    assert pairs == {
        frozenset((A, B)): (1, 0, 0, 1.0),
        frozenset((A, C)): (1, 0, 0, 1.0),
        frozenset((B, C)): (0, 1, 0, 1.0),
        frozenset((B, D)): (0, 0, 1, 1.0),
        frozenset((C, D)): (0, 0, 1, 1.0),
        frozenset((A, U)): (0, 0, 1, 1.0),
    }
    assert (c.edges[B, C]["von"], c.edges[B, C]["bis"]) == (2018, None)  # 2018– and 2020–2022 together
    assert (c.edges[A, C]["von"], c.edges[A, C]["bis"]) == (2021, 2022)  # M2's period


def test_shared_measures_add_up(k: nx.Graph) -> None:
    k.add_node("m4", kind="massnahme", label="m4", von=None, bis=None)
    k.add_edges_from([("m4", A), ("m4", B)], rel="kooperationspartner")
    edge = collaboration_graph(k).edges[A, B]
    assert (edge["massnahmen"], edge["weight"], edge["von"]) == (2, 2.0, None)


def test_actor_fields_count_measures_purposes_and_memberships(k: nx.Graph) -> None:
    fields = actor_fields(k)
    assert fields[A] == {F1: 1.0, F2: 1.0}
    assert fields[B] == {F1: 3.0}  # M1, M3 and its network's purpose
    assert fields[C] == {F2: 1.0, F1: 1.0}  # M2 and its network's purpose
    assert fields[D] == {F1: 1.0} and fields[U] == {} and fields[E] == {}
    b = actor_field_graph(k)
    assert b.edges[B, F1]["weight"] == 3.0 and not b.has_edge(B, F2)


def test_field_graph_links_fields_through_shared_actors(k: nx.Graph) -> None:
    g = field_graph(k)
    assert set(g.nodes) == {F1, F2, F3}
    assert g.edges[F1, F2] == {"akteure": sorted([A, C]), "massnahmen": [], "weight": 2.0}
    assert g.degree(F3) == 0


def test_analysis_of_the_fixture_matches_the_hand_computed_values(k: nx.Graph) -> None:
    result = analyse(k)
    by = {a.iri: a for a in result.actors}
    # betweenness, normalised by 2/((7-1)(7-2)) = 1/15: A lies on U–B, U–C, U–D (3); B and C share A–D and U–D (1 each)
    assert {a: by[a].zwischenzentralitaet for a in by} == pytest.approx(
        {A: 3 / 15, B: 1 / 15, C: 1 / 15, D: 0, U: 0, E: 0, X: 0}
    )
    assert {a: by[a].partizipation for a in by} == pytest.approx({A: 0.5, B: 0, C: 0.5, D: 0, U: 0, E: 0, X: 0})
    # E and X are dangling: their rank is spread evenly, so p = 0.15/7 + 0.85·2p/7 → p = 0.15/5.3
    assert by[E].pagerank == pytest.approx(0.15 / 5.3)
    assert by[E].gemeinschaft != by[X].gemeinschaft
    gaps = {key: [g["iri"] for g in v] for key, v in result.gaps.items()}
    assert gaps == {
        "felder_ohne_leitziel": [F3],
        "felder_ohne_netzwerk": sorted([F2, F3]),
        "felder_ohne_federfuehrung": [F3],
        "isolierte_akteure": sorted([E, X]),
        "massnahmen_ohne_feldbruecke": [M3],
    }
    sprache = next(f for f in result.fields if f.iri == F1)
    assert (sprache.leitziele, sprache.massnahmen, sprache.akteure) == (1, 2, 4)
    assert sprache.federfuehrende == [A, B] and sprache.netzwerke == [D]
    assert sprache.verbunden == [{"iri": F2, "label": "Arbeit (fiktiv)", "akteure": 2, "massnahmen": 0}]


def test_all_datasets_together_keep_their_actors_apart(loaded: Store) -> None:
    k = knowledge_graph(loaded, scope(loaded, None))
    assert len(nodes_of(k, "akteur")) == 9
    assert {k.nodes[a]["dataset"] for a in nodes_of(k, "akteur")} == {"kleinstadt", "zweitstadt"}


def test_find_field_by_notation_or_slug_and_ambiguity(loaded: Store, k: nx.Graph) -> None:
    assert find_field(k, "HF2") == F2 and find_field(k, "hf2") == F2 and find_field(k, "arbeit") == F2
    with pytest.raises(NotFound):
        find_field(k, "HF9")
    both = knowledge_graph(loaded, scope(loaded, None))
    with pytest.raises(NotFound, match="mehrdeutig"):
        find_field(both, "HF1")


def test_field_chain_marks_the_gaps(loaded: Store) -> None:
    tree = field_chain(loaded, [graph_iri("kleinstadt")], F2, "HF2 Arbeit")
    levels = {n: (d["ebene"], d["luecken"]) for n, d in tree.nodes(data=True)}
    assert levels == {
        F2: (0, []),
        ID + "leitziel/lz2": (1, []),
        ID + "leitziel/lz3": (1, ["kein_handlungsziel"]),
        ID + "handlungsziel/hz2": (2, ["kein_indikator"]),
        M2: (3, []),
    }
    assert set(tree.edges) == {
        (F2, ID + "leitziel/lz2"),
        (F2, ID + "leitziel/lz3"),
        (ID + "leitziel/lz2", ID + "handlungsziel/hz2"),
        (ID + "handlungsziel/hz2", M2),
    }


def test_field_chain_hangs_direct_measures_from_the_field_and_flags_an_empty_field(loaded: Store) -> None:
    tree = field_chain(loaded, [graph_iri("kleinstadt")], F1)
    assert set(tree.successors(F1)) == {ID + "leitziel/lz1", M3}
    assert tree.nodes[ID + "handlungsziel/hz1"]["indikatoren"] == 1
    assert tree.nodes[M1]["federfuehrend"] == 1
    empty = field_chain(loaded, [graph_iri("kleinstadt")], F3)
    assert list(empty.nodes) == [F3] and empty.nodes[F3]["luecken"] == ["kein_leitziel"]
