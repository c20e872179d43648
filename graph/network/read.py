"""The networks of a dataset, read from the store with SPARQL, and their projections (pure functions).

:func:`knowledge_graph` reads actors, Maßnahmen, Handlungsfelder and the links between them into one
undirected networkx graph (the *knowledge network*); nodes are IRIs with a ``kind`` attribute
(``akteur``, ``massnahme``, ``handlungsfeld``). The projections derive the graphs the analysis works on:

* :func:`collaboration_graph` — actors only, weighted by shared Maßnahmen, shared committees/networks
  and direct links (membership, post, unit);
* :func:`actor_fields` / :func:`actor_field_graph` — in which Handlungsfelder an actor works;
* :func:`field_graph` — Handlungsfelder linked by the actors and Maßnahmen they share.

The queries use only joins, UNION and GROUP BY (docs/architecture.md: no FILTER NOT EXISTS on Oxigraph).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

import networkx as nx
import pyoxigraph as ox

from integrationsgraph.graph.core.config import GRAPH_BASE, dataset_name, graph_iri
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.core.iris import KIO, ORG, sparql_prefixes
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.graphs import dataset_graphs

PREFIXES = sparql_prefixes("kio", "skos", "org", "cv", "time")

ACTOR_TYPES: dict[str, tuple[str, str]] = {
    # most specific first: an actor with several types shows the first that matches
    f"{KIO}PolitischesGremium": ("politisches-gremium", "Politisches Gremium"),
    f"{KIO}Gremium": ("gremium", "Gremium"),
    f"{KIO}Netzwerk": ("netzwerk", "Netzwerk"),
    f"{KIO}Tandem": ("tandem", "Tandem"),
    "http://data.europa.eu/m8g/PublicOrganisation": ("kommune", "Kommune"),
    f"{ORG}OrganizationalUnit": ("einheit", "Organisationseinheit"),
    f"{ORG}FormalOrganization": ("organisation", "Organisation"),
    f"{ORG}Organization": ("organisation", "Organisation"),
    f"{ORG}Post": ("stelle", "Stelle"),
}
"""Actor classes → (type key, German label)."""

TYPE_LABELS = {key: label for key, label in ACTOR_TYPES.values()}
NETWORK_TYPES = frozenset({"gremium", "politisches-gremium", "netzwerk", "tandem"})
"""Actors that other actors are members of, and that serve a Handlungsfeld (``org:purpose``)."""

# Every pattern sits inside GRAPH ?g: a dataset is self-contained, and a default graph made of many named graphs
# costs one index look-up per graph for every pattern (21 s instead of 0.3 s for the Maßnahmen of 100 datasets).
ACTORS_QUERY = (
    PREFIXES
    + """SELECT ?g ?a ?type (SAMPLE(?l) AS ?label) WHERE {
  VALUES ?type { kio:PolitischesGremium kio:Gremium kio:Netzwerk kio:Tandem cv:PublicOrganisation
                 org:OrganizationalUnit org:FormalOrganization org:Organization org:Post }
  GRAPH ?g { ?a a ?type OPTIONAL { ?a skos:prefLabel ?l FILTER(LANG(?l) = "de") } }
} GROUP BY ?g ?a ?type"""
)
MEASURES_QUERY = (
    PREFIXES
    + """SELECT ?g ?m (SAMPLE(?l) AS ?label) (SAMPLE(?n) AS ?notation) (SAMPLE(?s) AS ?status)
       (MIN(?b) AS ?beginn) (MAX(?e) AS ?ende) WHERE {
  GRAPH ?g {
    ?m a kio:Massnahme .
    OPTIONAL { ?m skos:prefLabel ?l FILTER(LANG(?l) = "de") }
    OPTIONAL { ?m skos:notation ?n }
    OPTIONAL { ?m kio:umsetzungsstatus ?s }
    OPTIONAL { ?m kio:beginn ?b }
    OPTIONAL { ?m kio:ende ?e }
  }
} GROUP BY ?g ?m"""
)
FIELDS_QUERY = (
    PREFIXES
    + """SELECT ?g ?f (SAMPLE(?l) AS ?label) (SAMPLE(?n) AS ?notation) (SAMPLE(?p) AS ?position)
       (COUNT(DISTINCT ?lz) AS ?leitziele) WHERE {
  GRAPH ?g {
    ?f a kio:Handlungsfeld .
    OPTIONAL { ?f skos:prefLabel ?l FILTER(LANG(?l) = "de") }
    OPTIONAL { ?f skos:notation ?n }
    OPTIONAL { ?f kio:position ?p }
    OPTIONAL { ?lz kio:imHandlungsfeld ?f ; a kio:Leitziel }
  }
} GROUP BY ?g ?f"""
)
MEASURE_ACTORS_QUERY = (
    PREFIXES
    + """SELECT ?m ?a ?rolle WHERE { GRAPH ?g {
  { ?m kio:federfuehrend ?a BIND("federfuehrend" AS ?rolle) }
  UNION { ?m kio:kooperationspartner ?a BIND("kooperationspartner" AS ?rolle) }
} }"""
)
MEASURE_FIELDS_QUERY = (
    PREFIXES
    + """SELECT DISTINCT ?m ?f WHERE { GRAPH ?g {
  ?m a kio:Massnahme .
  { ?m kio:imHandlungsfeld ?f }
  UNION { ?m kio:traegtBeiZu/kio:imHandlungsfeld ?f }
  UNION { ?m kio:traegtBeiZu/kio:konkretisiert/kio:imHandlungsfeld ?f }
} }"""
)
LINKS_QUERY = (
    PREFIXES
    + """SELECT ?a ?o ?art ?von ?bis WHERE { GRAPH ?g {
  { ?ms a org:Membership ; org:member ?a ; org:organization ?o . BIND("mitglied" AS ?art)
    OPTIONAL { ?ms org:memberDuring ?i .
               OPTIONAL { ?i time:hasBeginning/time:inXSDDate ?von }
               OPTIONAL { ?i time:hasEnd/time:inXSDDate ?bis } } }
  UNION { ?a org:memberOf ?o BIND("mitglied" AS ?art) }
  UNION { ?a org:postIn ?o BIND("stelle" AS ?art) }
  UNION { ?a org:unitOf ?o BIND("einheit" AS ?art) }
} }"""
)
PURPOSE_QUERY = PREFIXES + "SELECT ?a ?f WHERE { GRAPH ?g { ?a org:purpose ?f } }"


def analysis_graphs(store: Store) -> list[str]:
    """Dataset graphs to analyse: not the system graphs, nor derived ones (``…/privat``, ``…/metriken``,
    ``…/fortschritt``)."""
    return [g for g in dataset_graphs(store) if "/" not in dataset_name(g)]


def scope(store: Store, dataset: str | None) -> list[str]:
    """The graphs of one dataset (by name), or of every dataset for ``None``; NotFound for an unknown name."""
    present = analysis_graphs(store)
    if dataset is None:
        return present
    g = dataset if dataset.startswith(GRAPH_BASE) else graph_iri(dataset)
    if g not in present:
        known = ", ".join(dataset_name(x) for x in present) or "keine"
        raise NotFound(f"Datensatz „{dataset}“ gibt es nicht (vorhanden: {known}).")
    return [g]


def _value(term: Any) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


def _rows(store: Store, query: str, graphs: Sequence[str]) -> Iterable[ox.QuerySolution]:
    """The rows in a fixed order: the graph (and its layout, communities, ties) must not depend on the order
    a store happens to answer in — the embedded store and a SPARQL server differ."""
    result = store.query(query, default_graphs=[], named_graphs=list(graphs))
    assert isinstance(result, ox.QuerySolutions)
    return sorted(result, key=lambda row: tuple("" if v is None else str(v) for v in row))


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _span(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    """The smallest interval covering two (open ends are ``None`` and stay open)."""
    lo = None if a[0] is None or b[0] is None else min(a[0], b[0])
    hi = None if a[1] is None or b[1] is None else max(a[1], b[1])
    return lo, hi


def knowledge_graph(store: Store, graphs: Sequence[str]) -> nx.Graph:
    """Actors, Maßnahmen and Handlungsfelder of ``graphs`` and the links between them, as one graph.

    Node attributes: ``kind``, ``label``, ``dataset``; actors also ``typ`` (a key of :data:`TYPE_LABELS`);
    Maßnahmen ``notation``, ``status``, ``von``/``bis`` (years or ``None``); Handlungsfelder ``notation``,
    ``position``, ``leitziele`` (how many Leitziele name it). Edge attribute ``rel``: ``federfuehrend`` /
    ``kooperationspartner`` (actor–Maßnahme), ``handlungsfeld`` (Maßnahme–field), ``zweck`` (network–field,
    ``org:purpose``), ``mitglied`` / ``stelle`` / ``einheit`` (actor–actor; ``member`` names the member side,
    ``von``/``bis`` the years of the membership). Persons are never nodes.
    """
    k = nx.Graph()
    rank = {key: i for i, key in enumerate(ACTOR_TYPES)}
    best: dict[str, str] = {}
    for row in _rows(store, ACTORS_QUERY, graphs):
        a, t = _value(row["a"]), _value(row["type"])
        if a is None or t is None or not isinstance(row["a"], ox.NamedNode):
            continue
        if a in best and rank[best[a]] <= rank[t]:
            continue
        best[a] = t
        k.add_node(
            a,
            kind="akteur",
            typ=ACTOR_TYPES[t][0],
            label=_value(row["label"]) or a.rsplit("/", 1)[-1],
            dataset=dataset_name(_value(row["g"]) or ""),
        )
    for row in _rows(store, MEASURES_QUERY, graphs):
        m = _value(row["m"])
        if m is None or m in k:
            continue
        k.add_node(
            m,
            kind="massnahme",
            label=_value(row["label"]) or m.rsplit("/", 1)[-1],
            notation=_value(row["notation"]) or "",
            status=(_value(row["status"]) or "").rsplit("#", 1)[-1],
            von=_year(_value(row["beginn"])),
            bis=_year(_value(row["ende"])),
            dataset=dataset_name(_value(row["g"]) or ""),
        )
    for row in _rows(store, FIELDS_QUERY, graphs):
        f = _value(row["f"])
        if f is None or f in k:
            continue
        pos = _value(row["position"])
        k.add_node(
            f,
            kind="handlungsfeld",
            label=_value(row["label"]) or f.rsplit("/", 1)[-1],
            notation=_value(row["notation"]) or "",
            position=int(pos) if pos and pos.lstrip("-").isdigit() else None,
            leitziele=int(_value(row["leitziele"]) or 0),
            dataset=dataset_name(_value(row["g"]) or ""),
        )
    kind = nx.get_node_attributes(k, "kind")
    for row in _rows(store, MEASURE_ACTORS_QUERY, graphs):
        m, a, rolle = _value(row["m"]), _value(row["a"]), _value(row["rolle"])
        if kind.get(m) == "massnahme" and kind.get(a) == "akteur":
            if k.has_edge(m, a) and k.edges[m, a]["rel"] == "federfuehrend":
                continue  # lead and partner at once: the lead counts
            k.add_edge(m, a, rel=rolle)
    for row in _rows(store, MEASURE_FIELDS_QUERY, graphs):
        m, f = _value(row["m"]), _value(row["f"])
        if kind.get(m) == "massnahme" and kind.get(f) == "handlungsfeld":
            k.add_edge(m, f, rel="handlungsfeld")
    for row in _rows(store, PURPOSE_QUERY, graphs):
        a, f = _value(row["a"]), _value(row["f"])
        if kind.get(a) == "akteur" and kind.get(f) == "handlungsfeld":
            k.add_edge(a, f, rel="zweck")
    for row in _rows(store, LINKS_QUERY, graphs):
        a, o, art = _value(row["a"]), _value(row["o"]), _value(row["art"]) or "mitglied"
        if a == o or kind.get(a) != "akteur" or kind.get(o) != "akteur":
            continue
        span = (_year(_value(row["von"])), _year(_value(row["bis"])))
        if k.has_edge(a, o):
            edge = k.edges[a, o]
            edge["von"], edge["bis"] = _span((edge["von"], edge["bis"]), span)
            if art == "mitglied":
                edge["rel"], edge["member"] = art, a
        else:
            k.add_edge(a, o, rel=art, member=a, von=span[0], bis=span[1])
    return k


def nodes_of(k: nx.Graph, kind: str) -> list[str]:
    """The nodes of one kind, in insertion order."""
    return [n for n, d in k.nodes(data=True) if d.get("kind") == kind]


def neighbours(k: nx.Graph, node: str, kind: str, rels: Iterable[str] | None = None) -> list[str]:
    """Neighbours of ``node`` of one kind, optionally only over edges whose ``rel`` is in ``rels``."""
    wanted = set(rels) if rels is not None else None
    data = k.nodes
    return [
        n
        for n, edge in k.adj[node].items()  # (the edge data right here: k.edges[u, v] is a slow lookup)
        if data[n].get("kind") == kind and (wanted is None or edge.get("rel") in wanted)
    ]


def memberships(k: nx.Graph) -> dict[str, list[str]]:
    """Organisation → its members (``org:Membership``, ``org:memberOf`` and posts in it)."""
    out: dict[str, list[str]] = defaultdict(list)
    for u, v, d in k.edges(data=True):
        if d.get("rel") in ("mitglied", "stelle"):
            member = d.get("member", u)
            out[v if member == u else u].append(member)
    return dict(out)


def actor_fields(k: nx.Graph) -> dict[str, dict[str, float]]:
    """Actor → {Handlungsfeld: weight}: one per Maßnahme in the field, one per ``org:purpose`` of the actor
    itself and one per committee or network it belongs to whose purpose is the field.

    >>> k = nx.Graph()
    >>> k.add_nodes_from(["a"], kind="akteur"); k.add_nodes_from(["m"], kind="massnahme")
    >>> k.add_nodes_from(["f"], kind="handlungsfeld")
    >>> k.add_edge("a", "m", rel="federfuehrend"); k.add_edge("m", "f", rel="handlungsfeld")
    >>> actor_fields(k)
    {'a': {'f': 1.0}}
    """
    out: dict[str, dict[str, float]] = {a: {} for a in nodes_of(k, "akteur")}
    for a, fields in out.items():
        for m in neighbours(k, a, "massnahme"):
            for f in neighbours(k, m, "handlungsfeld"):
                fields[f] = fields.get(f, 0.0) + 1.0
        for f in neighbours(k, a, "handlungsfeld", ["zweck"]):
            fields[f] = fields.get(f, 0.0) + 1.0
    for org, members in memberships(k).items():
        purposes = neighbours(k, org, "handlungsfeld", ["zweck"])
        for a in members:
            for f in purposes:
                out[a][f] = out[a].get(f, 0.0) + 1.0
    return out


def actor_field_graph(k: nx.Graph) -> nx.Graph:
    """The bipartite actor–Handlungsfeld graph of :func:`actor_fields` (edge attribute ``weight``)."""
    b = nx.Graph()
    b.add_nodes_from((n, k.nodes[n]) for n in nodes_of(k, "akteur") + nodes_of(k, "handlungsfeld"))
    for a, fields in actor_fields(k).items():
        b.add_edges_from((a, f, {"weight": w}) for f, w in fields.items())
    return b


def collaboration_graph(k: nx.Graph) -> nx.Graph:
    """Actors linked by what they share; ``weight`` = ``massnahmen`` + ``gremien`` + ``direkt``.

    ``massnahmen``: Maßnahmen both work on; ``gremien``: committees/networks both belong to; ``direkt``: 1
    when one is a member, post or unit of the other. ``von``/``bis``: the years the link spans (``None`` =
    open). Every actor is a node, linked or not.

    >>> k = nx.Graph()
    >>> k.add_nodes_from(["a", "b"], kind="akteur"); k.add_node("m", kind="massnahme", von=2020, bis=None)
    >>> k.add_edges_from([("m", "a"), ("m", "b")], rel="kooperationspartner")
    >>> dict(collaboration_graph(k).edges["a", "b"])["weight"]
    1.0
    """
    c = nx.Graph()
    c.add_nodes_from((a, k.nodes[a]) for a in nodes_of(k, "akteur"))

    def link(a: str, b: str, what: str, span: tuple[int | None, int | None]) -> None:
        if not c.has_edge(a, b):
            c.add_edge(a, b, weight=0.0, massnahmen=0, gremien=0, direkt=0, von=span[0], bis=span[1])
        edge = c.edges[a, b]
        edge[what] += 1
        edge["weight"] += 1.0
        edge["von"], edge["bis"] = _span((edge["von"], edge["bis"]), span)

    for m in nodes_of(k, "massnahme"):
        span = (k.nodes[m].get("von"), k.nodes[m].get("bis"))
        for a, b in combinations(sorted(neighbours(k, m, "akteur")), 2):
            link(a, b, "massnahmen", span)
    for org, members in memberships(k).items():
        spans = {
            mb: (k.edges[mb, org].get("von"), k.edges[mb, org].get("bis")) for mb in members if k.has_edge(mb, org)
        }
        for a, b in combinations(sorted(set(members)), 2):
            link(a, b, "gremien", _span(spans.get(a, (None, None)), spans.get(b, (None, None))))
    for u, v, d in k.edges(data=True):
        if d.get("rel") in ("mitglied", "stelle", "einheit"):
            a, b = sorted((u, v))
            if not (c.has_edge(a, b) and c.edges[a, b]["direkt"]):
                link(a, b, "direkt", (d.get("von"), d.get("bis")))
    return c


def field_graph(k: nx.Graph) -> nx.Graph:
    """Handlungsfelder linked by the actors working in both and the Maßnahmen assigned to both.

    Edge attributes: ``akteure`` and ``massnahmen`` (sorted IRIs) and ``weight`` (the sum of their counts).
    """
    g = nx.Graph()
    g.add_nodes_from((f, k.nodes[f]) for f in nodes_of(k, "handlungsfeld"))
    shared: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: {"akteure": set(), "massnahmen": set()})
    for a, fields in actor_fields(k).items():
        for pair in combinations(sorted(fields), 2):
            shared[pair]["akteure"].add(a)
    for m in nodes_of(k, "massnahme"):
        for pair in combinations(sorted(neighbours(k, m, "handlungsfeld")), 2):
            shared[pair]["massnahmen"].add(m)
    for (f1, f2), what in shared.items():
        akteure, massnahmen = sorted(what["akteure"]), sorted(what["massnahmen"])
        g.add_edge(f1, f2, akteure=akteure, massnahmen=massnahmen, weight=float(len(akteure) + len(massnahmen)))
    return g


CHAIN_QUERY = (
    PREFIXES
    + """SELECT ?f ?x ?parent ?ebene (SAMPLE(?l) AS ?label) (SAMPLE(?n) AS ?notation)
       (COUNT(DISTINCT ?ind) AS ?indikatoren) (COUNT(DISTINCT ?lead) AS ?federfuehrend) WHERE { GRAPH ?g {
  { ?x a kio:Leitziel ; kio:imHandlungsfeld ?f . BIND(?f AS ?parent) BIND(1 AS ?ebene) }
  UNION { ?parent a kio:Leitziel ; kio:imHandlungsfeld ?f . ?x kio:konkretisiert ?parent . BIND(2 AS ?ebene) }
  UNION { ?lz kio:imHandlungsfeld ?f . ?parent kio:konkretisiert ?lz . ?x kio:traegtBeiZu ?parent .
          BIND(3 AS ?ebene) }
  UNION { ?x kio:imHandlungsfeld ?f ; a kio:Massnahme . MINUS { ?x kio:traegtBeiZu ?hz }
          BIND(?f AS ?parent) BIND(3 AS ?ebene) }
  OPTIONAL { ?x skos:prefLabel ?l FILTER(LANG(?l) = "de") }
  OPTIONAL { ?x skos:notation ?n }
  OPTIONAL { ?x kio:gemessenDurch ?ind }
  OPTIONAL { ?x kio:federfuehrend ?lead }
} } GROUP BY ?f ?x ?parent ?ebene"""
)
LEVELS = {0: "handlungsfeld", 1: "leitziel", 2: "handlungsziel", 3: "massnahme"}
CHAIN_GAPS = {
    "kein_leitziel": "Handlungsfeld ohne Leitziel",
    "kein_handlungsziel": "Leitziel ohne Handlungsziel",
    "keine_massnahme": "Handlungsziel ohne Maßnahme",
    "kein_indikator": "Handlungsziel ohne Indikator",
    "keine_federfuehrung": "Maßnahme ohne Federführung",
}


def find_field(k: nx.Graph, key: str) -> str:
    """The Handlungsfeld of ``k`` whose IRI, last IRI segment or notation (``HF1``) is ``key``."""
    found = [
        f
        for f in nodes_of(k, "handlungsfeld")
        if key in (f, f.rsplit("/", 1)[-1]) or key.casefold() == str(k.nodes[f].get("notation", "")).casefold()
    ]
    if not found:
        raise NotFound(f"Handlungsfeld „{key}“ gibt es nicht.")
    if len(found) > 1:
        where = ", ".join(sorted(k.nodes[f].get("dataset", "") for f in found))
        raise NotFound(f"„{key}“ ist mehrdeutig ({where}): bitte einen Datensatz wählen.")
    return found[0]


def field_chain(store: Store, graphs: Sequence[str], field: str, label: str = "") -> nx.DiGraph:
    """One Handlungsfeld's goal chain as a tree: field → Leitziele → Handlungsziele → Maßnahmen.

    Edges point from parent to child. Node attributes: ``ebene`` (0–3), ``kind``, ``label``, ``notation``,
    ``indikatoren`` (Ziele), ``federfuehrend`` (Maßnahmen) and ``luecken``, keys of :data:`CHAIN_GAPS`.
    A Maßnahme that names the field directly but no Handlungsziel hangs from the field.
    """
    t = nx.DiGraph()
    t.add_node(field, ebene=0, kind="handlungsfeld", label=label or field.rsplit("/", 1)[-1], notation="")
    rows = store.query(CHAIN_QUERY, bindings={"f": ox.NamedNode(field)}, default_graphs=[], named_graphs=list(graphs))
    assert isinstance(rows, ox.QuerySolutions)
    found = []
    for row in rows:
        x, parent, level = _value(row["x"]), _value(row["parent"]), int(_value(row["ebene"]) or 0)
        if x is None or parent is None or x == field:
            continue
        found.append((level, x, parent, row))
    for level, x, parent, row in sorted(found, key=lambda r: r[:3]):  # not in the order the store answers
        if parent not in t:
            continue  # a Maßnahme under a Handlungsziel of another field's Leitziel
        if x not in t:
            t.add_node(
                x,
                ebene=level,
                kind=LEVELS[level],
                label=_value(row["label"]) or x.rsplit("/", 1)[-1],
                notation=_value(row["notation"]) or "",
                indikatoren=int(_value(row["indikatoren"]) or 0),
                federfuehrend=int(_value(row["federfuehrend"]) or 0),
            )
        t.add_edge(parent, x)
    for n, d in t.nodes(data=True):
        children = list(t.successors(n))
        gaps = []
        if d["ebene"] == 0 and not any(t.nodes[c]["ebene"] == 1 for c in children):
            gaps.append("kein_leitziel")
        elif d["ebene"] == 1 and not children:
            gaps.append("kein_handlungsziel")
        elif d["ebene"] == 2:
            gaps += [] if children else ["keine_massnahme"]
            gaps += [] if d["indikatoren"] else ["kein_indikator"]
        elif d["ebene"] == 3 and not d["federfuehrend"]:
            gaps.append("keine_federfuehrung")
        d["luecken"] = gaps
    return t


def metrics_graph(dataset_graph: str) -> str:
    """The named graph that holds the metrics of a dataset graph (``…/graph/{dataset}/metriken``)."""
    return f"{dataset_graph}/metriken"
