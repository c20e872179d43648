"""Which named graphs hold datasets: not the system graphs, not what hangs below a dataset."""

from __future__ import annotations

from integrationsgraph.graph.core.config import GRAPH_BASE, ONTOLOGY_GRAPH, SHAPES_GRAPH, SYSTEM_GRAPH, dataset_name
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.privacy import is_private_graph

SYSTEM_GRAPHS = {ONTOLOGY_GRAPH, SHAPES_GRAPH, SYSTEM_GRAPH}


def dataset_graphs(store: Store) -> list[str]:
    """The named graphs that hold datasets: ``…/graph/{name}`` with a plain name.

    Not the ontology or the shapes, and not what hangs below a dataset (``…/{name}/privat``,
    ``…/{name}/metriken``, ``…/{name}/fortschritt``, ``…/{name}/v/2025``)."""
    return [
        g
        for g in store.graphs()
        if g not in SYSTEM_GRAPHS
        and not is_private_graph(g)
        and not (g.startswith(GRAPH_BASE) and "/" in dataset_name(g))
    ]
