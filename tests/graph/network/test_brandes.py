"""The dense all-sources Brandes equals networkx's betweenness (unnormalised, hop counts)."""

from __future__ import annotations

import networkx as nx
import pytest

from integrationsgraph.graph.network.brandes import betweenness_dense

GRAPHS = {
    "path": nx.path_graph(7),
    "star": nx.star_graph(6),
    "cycle": nx.cycle_graph(9),
    "complete": nx.complete_graph(6),
    "grid": nx.grid_2d_graph(5, 6),  # many equally short paths
    "barbell": nx.barbell_graph(5, 3),
    "erdos-renyi": nx.gnp_random_graph(120, 0.05, seed=3),
    "barabasi-albert": nx.barabasi_albert_graph(200, 3, seed=4),
    "karate": nx.karate_club_graph(),
    "self-loop": nx.Graph([(1, 1), (1, 2), (2, 3)]),
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_equals_networkx(name: str) -> None:
    g = GRAPHS[name]
    expected = nx.betweenness_centrality(g, normalized=False)
    got = betweenness_dense(g)
    assert got.keys() == expected.keys()
    for v, value in expected.items():
        assert got[v] == pytest.approx(value, rel=1e-9, abs=1e-9), v


def test_tiny_graphs_are_zero() -> None:
    assert betweenness_dense(nx.Graph([(1, 2)])) == {1: 0.0, 2: 0.0}
    assert betweenness_dense(nx.Graph()) == {}
