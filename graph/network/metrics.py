"""Network metrics and gaps: pure functions over networkx graphs, returning plain dicts.

The graphs come from :mod:`graph.network.read`. :func:`analyse` bundles every metric of one knowledge network into
an :class:`Analysis`; only the last two functions touch the store: :func:`analyse_store` (cached by the
network's fingerprint, so a repeated request costs the queries, not the betweenness) and
:func:`write_metrics`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx
import pyoxigraph as ox

from integrationsgraph.graph.core.iris import KIO
from integrationsgraph.graph.core.lru import LRU
from integrationsgraph.graph.network.brandes import DENSE_LIMIT, betweenness_dense
from integrationsgraph.graph.network.read import (
    NETWORK_TYPES,
    TYPE_LABELS,
    actor_fields,
    collaboration_graph,
    field_graph,
    knowledge_graph,
    metrics_graph,
    neighbours,
    nodes_of,
    scope,
)
from integrationsgraph.graph.store.embedded import Store

EXACT_LIMIT = 1000
"""Up to this many nodes betweenness is exact; above, it is estimated from ``SAMPLE_K`` sources."""
SAMPLE_K = 500
SEED = 42
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def degree(g: nx.Graph) -> dict[Any, int]:
    """Number of neighbours of every node.

    >>> degree(nx.path_graph(3))
    {0: 1, 1: 2, 2: 1}
    """
    return {n: int(d) for n, d in g.degree()}


def weighted_degree(g: nx.Graph, weight: str = "weight") -> dict[Any, float]:
    """Sum of the weights of every node's edges (its *strength*); a missing weight counts 1.

    >>> g = nx.Graph(); g.add_edge("a", "b", weight=2.0); g.add_edge("b", "c", weight=0.5)
    >>> weighted_degree(g)
    {'a': 2.0, 'b': 2.5, 'c': 0.5}
    """
    return {n: float(d) for n, d in g.degree(weight=weight)}


def betweenness(
    g: nx.Graph, exact_limit: int = EXACT_LIMIT, k: int = SAMPLE_K, seed: int = SEED
) -> tuple[dict[Any, float], dict[str, Any]]:
    """Normalised betweenness centrality over hop counts, and how it was computed.

    Computed per connected component (no shortest path leaves one; 100 municipalities are 100 components) and
    normalised for the whole graph, as networkx does. A component of up to ``exact_limit`` nodes is exact; a
    bigger one is estimated from ``k`` source nodes drawn with ``seed`` (Brandes–Pich), which an earlier
    run measured at 7 s instead of 189 s for 12,777 actors.

    Returns
    -------
    values, method
        ``method`` is ``{"verfahren": "exakt"}``, or ``{"verfahren": "stichprobe", "k": k, "seed": seed,
        "komponenten": n}`` with the number of sampled components.

    Examples
    --------
    >>> values, method = betweenness(nx.path_graph(3))
    >>> values[1], method["verfahren"]
    (1.0, 'exakt')
    """
    n = g.number_of_nodes()
    values = dict.fromkeys(g.nodes, 0.0)
    sampled = 0
    for part in nx.connected_components(g):
        if len(part) < 3:
            continue
        sub = g.subgraph(part)
        if len(part) <= min(exact_limit, DENSE_LIMIT):
            raw = betweenness_dense(sub)  # networkx's exact values, all sources at once (graph/network/brandes.py)
        elif len(part) <= exact_limit:
            raw = nx.betweenness_centrality(sub.copy(), normalized=False)
        else:
            sampled += 1
            raw = nx.betweenness_centrality(sub.copy(), k=min(k, len(part)), normalized=False, seed=seed)
        values.update(raw)
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0  # normalized=False already halves the double count
    values = {node: v * scale for node, v in values.items()}
    if sampled:
        return values, {"verfahren": "stichprobe", "k": k, "seed": seed, "komponenten": sampled}
    return values, {"verfahren": "exakt"}


def pagerank(g: nx.Graph, weight: str = "weight", alpha: float = 0.85) -> dict[Any, float]:
    """Weighted PageRank (damping ``alpha``); an empty graph gives an empty dict.

    >>> round(pagerank(nx.star_graph(2))[0], 4)
    0.4865
    """
    if g.number_of_nodes() == 0:
        return {}
    return dict(nx.pagerank(g, alpha=alpha, weight=weight))


def participation(links: Mapping[Any, Mapping[Any, float]]) -> dict[Any, float]:
    """Participation coefficient across fields (Guimerà & Amaral 2005): ``1 − Σ_s (k_is / k_i)²``.

    ``links`` maps each node to its link weight per field. 0 means all of a node's links lie in one field
    (or it has none); it approaches 1 when they spread evenly over many fields — the *bridging* actors.

    >>> participation({"a": {"F1": 2, "F2": 2}, "b": {"F1": 3}, "c": {}})
    {'a': 0.5, 'b': 0.0, 'c': 0.0}
    """
    out = {}
    for node, weights in links.items():
        total = float(sum(weights.values()))
        out[node] = 0.0 if total == 0 else 1.0 - sum((w / total) ** 2 for w in weights.values())
    return out


def communities(g: nx.Graph, weight: str = "weight", seed: int = SEED) -> dict[Any, int]:
    """Louvain communities (seeded, so stable): node → community number, 1 = the largest.

    Ties in size are broken by the smallest member, so the numbering does not depend on set order.

    >>> g = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> communities(g)
    {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2}
    """
    if g.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(g, weight=weight, seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(str(n) for n in c)))
    return {n: i for i, c in enumerate(ordered, start=1) for n in sorted(c, key=str)}


@dataclass
class ActorMetrics:
    """Every metric of one actor."""

    iri: str
    label: str
    typ: str
    typ_label: str
    dataset: str
    grad: int
    gewichteter_grad: float
    zwischenzentralitaet: float
    pagerank: float
    partizipation: float
    gemeinschaft: int
    handlungsfelder: list[str] = field(default_factory=list)
    massnahmen: int = 0
    federfuehrend: int = 0


@dataclass
class FieldSummary:
    """One Handlungsfeld: what carries it and what it is linked to."""

    iri: str
    label: str
    notation: str
    dataset: str
    leitziele: int
    massnahmen: int
    akteure: int
    federfuehrende: list[str]
    netzwerke: list[str]
    verbunden: list[dict[str, Any]]


@dataclass
class Analysis:
    """The metrics and gaps of one knowledge network (see :func:`analyse`)."""

    actors: list[ActorMetrics]
    fields: list[FieldSummary]
    gaps: dict[str, list[dict[str, str]]]
    betweenness: dict[str, Any]
    counts: dict[str, int]

    def central(self, n: int = 10) -> list[ActorMetrics]:
        """The ``n`` actors with the highest PageRank."""
        return sorted(self.actors, key=lambda a: (-a.pagerank, a.label))[:n]

    def bridging(self, n: int = 10) -> list[ActorMetrics]:
        """The ``n`` actors that spread widest across fields (participation > 0), then by betweenness."""
        spread = [a for a in self.actors if a.partizipation > 0]
        return sorted(spread, key=lambda a: (-a.partizipation, -a.zwischenzentralitaet, a.label))[:n]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


GAP_LABELS = {
    "felder_ohne_leitziel": "Handlungsfeld ohne Leitziel",
    "felder_ohne_netzwerk": "Handlungsfeld ohne Netzwerk, Gremium oder Tandem",
    "felder_ohne_federfuehrung": "Handlungsfeld ohne federführende Akteure",
    "isolierte_akteure": "Akteur ohne Verbindung",
    "massnahmen_ohne_feldbruecke": "Maßnahme, deren Akteure in keinem anderen Handlungsfeld arbeiten",
}


def gaps(k: nx.Graph, collab: nx.Graph, fields_of: Mapping[str, Mapping[str, float]]) -> dict[str, list[str]]:
    """The gaps of a knowledge network, each a sorted list of IRIs (keys: :data:`GAP_LABELS`).

    * fields that no Leitziel names, that no network, committee or tandem serves (``org:purpose``), and in
      which no Maßnahme has a lead actor;
    * actors without any link in the collaboration graph;
    * Maßnahmen with actors, none of whom works in a Handlungsfeld outside the Maßnahme's own.
    """
    fields = nodes_of(k, "handlungsfeld")
    out: dict[str, list[str]] = {key: [] for key in GAP_LABELS}
    for f in fields:
        if not k.nodes[f].get("leitziele"):
            out["felder_ohne_leitziel"].append(f)
        if not any(k.nodes[a].get("typ") in NETWORK_TYPES for a in neighbours(k, f, "akteur", ["zweck"])):
            out["felder_ohne_netzwerk"].append(f)
        measures = neighbours(k, f, "massnahme")
        if not any(neighbours(k, m, "akteur", ["federfuehrend"]) for m in measures):
            out["felder_ohne_federfuehrung"].append(f)
    out["isolierte_akteure"] = [a for a in collab.nodes if collab.degree(a) == 0]
    for m in nodes_of(k, "massnahme"):
        own = set(neighbours(k, m, "handlungsfeld"))
        actors = neighbours(k, m, "akteur")
        if own and actors and all(set(fields_of.get(a, {})) <= own for a in actors):
            out["massnahmen_ohne_feldbruecke"].append(m)
    return {key: sorted(v) for key, v in out.items()}


def analyse(k: nx.Graph) -> Analysis:
    """Every metric and gap of the knowledge network ``k`` (from :func:`graph.network.read.knowledge_graph`)."""
    collab = collaboration_graph(k)
    fields_of = actor_fields(k)
    deg, wdeg = degree(collab), weighted_degree(collab)
    btw, method = betweenness(collab)
    pr, part, comm = pagerank(collab), participation(fields_of), communities(collab)
    actors = []
    for a, d in collab.nodes(data=True):
        measures = neighbours(k, a, "massnahme")
        actors.append(
            ActorMetrics(
                iri=a,
                label=d["label"],
                typ=d["typ"],
                typ_label=TYPE_LABELS[d["typ"]],
                dataset=d.get("dataset", ""),
                grad=deg[a],
                gewichteter_grad=wdeg[a],
                zwischenzentralitaet=btw[a],
                pagerank=pr.get(a, 0.0),
                partizipation=part.get(a, 0.0),
                gemeinschaft=comm.get(a, 0),
                handlungsfelder=sorted(fields_of.get(a, {})),
                massnahmen=len(measures),
                federfuehrend=len(neighbours(k, a, "massnahme", ["federfuehrend"])),
            )
        )
    fg = field_graph(k)
    actors_in: dict[str, list[str]] = {}
    for a, fs in fields_of.items():
        for f in fs:
            actors_in.setdefault(f, []).append(a)
    summaries = []
    for f in sorted(fg.nodes, key=lambda f: (fg.nodes[f].get("position") or 0, fg.nodes[f]["notation"], f)):
        d = fg.nodes[f]
        measures = neighbours(k, f, "massnahme")
        leads = sorted({a for m in measures for a in neighbours(k, m, "akteur", ["federfuehrend"])})
        working = actors_in.get(f, [])
        linked = [
            {"iri": o, "label": fg.nodes[o]["label"], **{x: len(fg.edges[f, o][x]) for x in ("akteure", "massnahmen")}}
            for o in sorted(fg.neighbors(f), key=lambda o: -fg.edges[f, o]["weight"])
        ]
        summaries.append(
            FieldSummary(
                iri=f,
                label=d["label"],
                notation=d["notation"],
                dataset=d.get("dataset", ""),
                leitziele=d.get("leitziele", 0),
                massnahmen=len(measures),
                akteure=len(working),
                federfuehrende=leads,
                netzwerke=sorted(a for a in neighbours(k, f, "akteur", ["zweck"])),
                verbunden=linked,
            )
        )
    found = gaps(k, collab, fields_of)
    labelled = {
        key: [{"iri": n, "label": k.nodes[n]["label"], "dataset": k.nodes[n].get("dataset", "")} for n in v]
        for key, v in found.items()
    }
    counts = {
        "akteure": collab.number_of_nodes(),
        "verbindungen": collab.number_of_edges(),
        "massnahmen": len(nodes_of(k, "massnahme")),
        "handlungsfelder": fg.number_of_nodes(),
        "gemeinschaften": len(set(comm.values())),
    }
    return Analysis(actors=actors, fields=summaries, gaps=labelled, betweenness=method, counts=counts)


XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
GAP_CONCEPTS = {
    "felder_ohne_leitziel": "ohneLeitziel",
    "felder_ohne_netzwerk": "ohneNetzwerk",
    "felder_ohne_federfuehrung": "ohneFederfuehrung",
    "isolierte_akteure": "ohneVerbindung",
    "massnahmen_ohne_feldbruecke": "ohneFeldbruecke",
}
"""Gap keys → their ``kio:`` concept in ``ontology/metriken.ttl``."""


def method_text(method: Mapping[str, Any]) -> str:
    """How betweenness was computed, as a person reads it.

    >>> method_text({"verfahren": "stichprobe", "k": 500, "seed": 42})
    'Stichprobe (k = 500 Startknoten je Komponente über 1000, Startwert 42)'
    """
    if method.get("verfahren") == "stichprobe":
        return (
            f"Stichprobe (k = {method['k']} Startknoten je Komponente über {EXACT_LIMIT}, Startwert {method['seed']})"
        )
    return "exakt"


def metric_triples(analysis: Analysis, metrics_graph: str, source_graph: str, generated: datetime) -> list[ox.Triple]:
    """The metrics and gaps as triples for the named graph ``metrics_graph`` (terms: ``ontology/metriken.ttl``).

    Each actor carries ``kio:grad``, ``kio:gewichteterGrad``, ``kio:zwischenzentralitaet``, ``kio:pagerank``,
    ``kio:partizipationskoeffizient`` and ``kio:gemeinschaft``; every resource with a gap ``kio:luecke``; the
    graph's own IRI describes the run (``kio:Netzwerkanalyse``, source, time, betweenness method).
    """
    kio = KIO

    def lit(value: float | int | str, datatype: str) -> ox.Literal:
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))

    run = ox.NamedNode(metrics_graph)
    out = [
        ox.Triple(run, ox.NamedNode(RDF_TYPE), ox.NamedNode(kio + "Netzwerkanalyse")),
        ox.Triple(run, ox.NamedNode(PROV + "wasDerivedFrom"), ox.NamedNode(source_graph)),
        ox.Triple(run, ox.NamedNode(PROV + "generatedAtTime"), lit(generated.isoformat(), "dateTime")),
        ox.Triple(run, ox.NamedNode(kio + "berechnungsverfahren"), ox.Literal(method_text(analysis.betweenness))),
    ]
    for a in analysis.actors:
        s = ox.NamedNode(a.iri)
        out += [
            ox.Triple(s, ox.NamedNode(kio + "grad"), lit(a.grad, "integer")),
            ox.Triple(s, ox.NamedNode(kio + "gewichteterGrad"), lit(a.gewichteter_grad, "decimal")),
            ox.Triple(s, ox.NamedNode(kio + "zwischenzentralitaet"), lit(a.zwischenzentralitaet, "double")),
            ox.Triple(s, ox.NamedNode(kio + "pagerank"), lit(a.pagerank, "double")),
            ox.Triple(s, ox.NamedNode(kio + "partizipationskoeffizient"), lit(a.partizipation, "double")),
            ox.Triple(s, ox.NamedNode(kio + "gemeinschaft"), lit(a.gemeinschaft, "integer")),
        ]
    for key, found in analysis.gaps.items():
        concept = ox.NamedNode(kio + GAP_CONCEPTS[key])
        out += [ox.Triple(ox.NamedNode(g["iri"]), ox.NamedNode(kio + "luecke"), concept) for g in found]
    return out


def fingerprint(g: nx.Graph) -> str:
    """A hash of a graph's nodes, edges and attributes: equal graphs, equal fingerprints."""
    h = hashlib.sha1(usedforsecurity=False)
    for n in sorted(g.nodes, key=str):
        h.update(repr((n, sorted(g.nodes[n].items()))).encode())
    for u, v, d in sorted(((*sorted((str(u), str(v))), d) for u, v, d in g.edges(data=True)), key=lambda e: e[:2]):
        h.update(repr((u, v, sorted(d.items()))).encode())
    return h.hexdigest()


CACHE_SIZE = 16
_CACHE: LRU[Analysis] = LRU(CACHE_SIZE)


def analyse_store(store: Store, dataset: str | None) -> tuple[nx.Graph, Analysis]:
    """The knowledge network of one dataset (or of all for ``None``) and its analysis, cached by fingerprint."""
    k = knowledge_graph(store, scope(store, dataset))
    return k, _CACHE.get_or_make(fingerprint(k), lambda: analyse(k))


def write_metrics(store: Store, datasets: Sequence[str], generated: datetime) -> dict[str, int]:
    """Analyse each dataset on its own and replace its metrics graph; dataset graph → triples written.

    Metrics are derived data: written with ``replace=True`` straight to the store, not through the
    validating write path.
    """
    written = {}
    for graph in datasets:
        _k, result = analyse_store(store, graph)
        triples = metric_triples(result, metrics_graph(graph), graph, generated)
        store.apply(metrics_graph(graph), add=triples, replace=True)
        written[graph] = len(triples)
    return written
