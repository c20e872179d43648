"""Personal data: the one place that decides what is private, and where private triples live.

The rule:

* A ``foaf:Person`` is private unless it has ``kio:oeffentlich true``; every triple about a private person
  (it is the subject) or pointing to it (it is the object) is private, and so is everything about a blank
  node that only a private triple reaches.
* A triple whose property is one of the private properties (``Settings.private_properties``: e-mail,
  telephone, names …) is private unless its subject has ``kio:oeffentlich true`` (a person or a contact).

Private triples of a dataset graph ``…/graph/{dataset}`` are kept in its companion graph
``…/graph/{dataset}/privat``: :func:`split_change` sorts every write into the two graphs (in one transaction,
see :meth:`graph.write.path.WritePath.write`), so the public graphs (:func:`public_graphs`) hold no personal data and
can be served as they are. Publication applies :func:`public_view` once more on top, so a changed setting takes
effect in the published artefacts at once.

Every read for the public that goes past the SPARQL endpoint's graph list (the version diff, say) takes its
triples from :func:`readable_triples`, the one filter. Graphs without a companion (the ontology, the shapes,
the store's bookkeeping, anything outside ``…/graph/{dataset}`` such as ``http://example.org/people``) have
nowhere to keep personal data: :func:`refuse_personal_data` refuses such a write whole
(:class:`PersonalDataRefused`, raised by :meth:`graph.write.path.WritePath.check` on every door).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from integrationsgraph.graph.core.config import GRAPH_BASE, ONTOLOGY_NS, SYSTEM_GRAPH, Settings
from integrationsgraph.graph.core.errors import IntegrationsgraphError, ValidationFailed
from integrationsgraph.graph.core.report import Report, Result
from integrationsgraph.graph.store.embedded import Change, Pairs, Store

PRIVATE_SUFFIX = "/privat"
SYSTEM_NAMES = {"ontology", "shapes", "system"}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FOAF_PERSON = ox.NamedNode("http://xmlns.com/foaf/0.1/Person")
OEFFENTLICH = ox.NamedNode(f"{ONTOLOGY_NS}oeffentlich")
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"

Node = ox.NamedNode | ox.BlankNode


@dataclass(frozen=True)
class Privacy:
    """Which properties hold personal data (the person rule needs no configuration)."""

    private_properties: frozenset[str]

    @classmethod
    def from_settings(cls, settings: Settings) -> Privacy:
        return cls(frozenset(settings.private_properties))

    @classmethod
    def default(cls) -> Privacy:
        """The shipped list (``Settings.private_properties``' default)."""
        default = Settings.model_fields["private_properties"].default
        assert isinstance(default, list)
        return cls(frozenset(default))


def private_graph(graph: str) -> str:
    """The companion graph that holds the private triples of ``graph``."""
    return graph + PRIVATE_SUFFIX


def is_private_graph(graph: str) -> bool:
    """Whether ``graph`` is a private companion graph."""
    return graph.startswith(GRAPH_BASE) and graph.endswith(PRIVATE_SUFFIX)


def has_companion(graph: str) -> bool:
    """Dataset graphs have a private companion; the ontology, the shapes and the companions do not."""
    name = graph[len(GRAPH_BASE) :]
    return graph.startswith(GRAPH_BASE) and not is_private_graph(graph) and name not in SYSTEM_NAMES


def public_graphs(store: Store, graphs: list[str] | None = None) -> list[str]:
    """Every named graph the public may read (all but the private companions and the store's bookkeeping) — of
    ``graphs`` when the caller has just listed them (a request less on a SPARQL server)."""
    return [g for g in (store.graphs() if graphs is None else graphs) if not is_private_graph(g) and g != SYSTEM_GRAPH]


def readable_triples(
    store: Store, graph: str, *, private: bool = False, privacy: Privacy | None = None
) -> list[ox.Triple]:
    """The one filter for reading a graph: what a reader may see of ``graph``.

    With ``private`` (a reader with the right: the write token) the graph together with its private companion;
    otherwise :func:`public_view` of the graph alone, so a setting changed after the data was written takes
    effect at once, and a companion or the store's bookkeeping reads as empty.
    """
    if private:
        companion = private_graph(graph)
        extra = list(store.triples(companion)) if has_companion(graph) and companion in store.graphs() else []
        return [*store.triples(graph), *extra]
    if is_private_graph(graph) or graph == SYSTEM_GRAPH:
        return []
    return public_view(store.triples(graph), privacy)


def _is_true(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN and term.value in ("true", "1")


class _Facts:
    """Who is a person and who is marked public, from the ``rdf:type`` and ``kio:oeffentlich`` triples."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.persons: set[object] = set()
        self.public: set[object] = set()
        for t in triples:
            if t.predicate == RDF_TYPE and t.object == FOAF_PERSON:
                self.persons.add(t.subject)
            elif t.predicate == OEFFENTLICH and _is_true(t.object):
                self.public.add(t.subject)

    @property
    def private_persons(self) -> set[object]:
        return self.persons - self.public


def _private_nodes(triples: Sequence[ox.Triple], facts: _Facts, privacy: Privacy) -> set[object]:
    """Private persons, plus blank nodes reached only through private triples (a person's address, say)."""
    nodes: set[object] = set(facts.private_persons)
    frontier: set[object] = set(nodes)
    by_subject: dict[object, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.object, ox.BlankNode):
            by_subject.setdefault(t.subject, []).append(t)
    for t in triples:  # blank-node values of private properties
        if isinstance(t.object, ox.BlankNode) and _private_property(t, facts, privacy):
            frontier.add(t.object)
            nodes.add(t.object)
    while frontier:
        reached: set[object] = {t.object for n in frontier for t in by_subject.get(n, [])}
        nxt = reached - nodes
        nodes |= nxt
        frontier = nxt
    return nodes


def _private_property(t: ox.Triple, facts: _Facts, privacy: Privacy) -> bool:
    return t.predicate.value in privacy.private_properties and t.subject not in facts.public


def is_private(t: ox.Triple, facts: _Facts, private_nodes: set[object], privacy: Privacy) -> bool:
    """Whether one triple is private, given the facts about its subject and object."""
    return t.subject in private_nodes or t.object in private_nodes or _private_property(t, facts, privacy)


def partition(triples: Iterable[ox.Triple], privacy: Privacy | None = None) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """Split triples (a whole graph) into the public and the private ones."""
    privacy = privacy or Privacy.default()
    triples = list(triples)
    facts = _Facts(triples)
    nodes = _private_nodes(triples, facts, privacy)
    public: list[ox.Triple] = []
    private: list[ox.Triple] = []
    for t in triples:
        (private if is_private(t, facts, nodes, privacy) else public).append(t)
    return public, private


def public_view(triples: Iterable[ox.Triple], privacy: Privacy | None = None) -> list[ox.Triple]:
    """The triples the public may see (everything about a private person and every private property removed)."""
    return partition(triples, privacy)[0]


def _endpoints(triples: Iterable[ox.Triple]) -> set[Node]:
    out: set[Node] = set()
    for t in triples:
        if isinstance(t.subject, ox.NamedNode | ox.BlankNode):
            out.add(t.subject)
        if isinstance(t.object, ox.NamedNode | ox.BlankNode):
            out.add(t.object)
    return out


def _flags(t: ox.Triple) -> bool:
    return t.predicate == OEFFENTLICH or (t.predicate == RDF_TYPE and t.object == FOAF_PERSON)


def split_change(store: Store, change: Change, privacy: Privacy | None = None) -> list[Change]:
    """The changes to a dataset graph and its private companion that together carry out ``change``.

    Added triples go where the rule puts them; removed triples leave whichever graph holds them; when a
    change makes a node a person or public (or no longer), the triples about it and pointing to it move.
    Other graphs (ontology, shapes, a companion written directly) are returned unchanged.
    """
    if not has_companion(change.graph):
        return [change]
    privacy = privacy or Privacy.default()
    g, p = change.graph, private_graph(change.graph)
    if change.replace:
        public, private = partition(change.add, privacy)
        if not private and store.count(p) == 0:
            return [change]  # nothing private before or after: one change keeps the store's fast path
        return [Change(g, add=public, replace=True), Change(p, add=private, replace=True)]

    removed = set(change.remove)
    # Nodes whose person type or public flag changes: everything about them and pointing to them is re-sorted.
    flipped = [n for n in _endpoints_of_flags([*change.add, *change.remove])]
    around: dict[ox.Triple, str] = {}
    for where in (g, p):
        for t in [*store.outgoing(where, flipped), *store.incoming(where, flipped)]:
            around[t] = where
    # Where the endpoints of the added, removed and re-sorted triples stand now (their types and flags).
    nodes = [n for n in _endpoints([*change.add, *change.remove, *around]) if isinstance(n, ox.NamedNode)]
    held: dict[ox.Triple, str] = {}
    for where in (g, p):
        for t in store.outgoing(where, nodes):
            held[t] = where
    facts_triples = [t for t in held if _flags(t) and t not in removed] + [t for t in change.add if _flags(t)]
    facts = _Facts(facts_triples)
    context = [*change.add, *around]
    private_nodes = _private_nodes(context, facts, privacy)

    adds: dict[str, list[ox.Triple]] = {g: [], p: []}
    removes: dict[str, list[ox.Triple]] = {g: [], p: []}
    for t in removed:
        if t in held:
            removes[held[t]].append(t)
    placed: set[ox.Triple] = set()
    moved = False
    for t in [*change.add, *around]:
        if t in removed or t in placed:
            continue
        placed.add(t)
        target = p if is_private(t, facts, private_nodes, privacy) else g
        now = held.get(t) or around.get(t)
        if now == target:
            continue
        if now is not None:
            removes[now].append(t)
            moved = True
        adds[target].append(t)
    if not adds[p] and not removes[p] and not moved:
        return [change]
    out = [Change(g, add=adds[g], remove=removes[g])]
    if adds[p] or removes[p]:
        out.append(Change(p, add=adds[p], remove=removes[p]))
    return out


def _endpoints_of_flags(triples: Iterable[ox.Triple]) -> list[ox.NamedNode]:
    return sorted(
        {t.subject for t in triples if _flags(t) and isinstance(t.subject, ox.NamedNode)},
        key=lambda n: n.value,
    )


class WithCompanions:
    """Reads a dataset graph together with its private companion: what validation has to see."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _graphs(self, graph: str) -> list[str]:
        return [graph, private_graph(graph)] if has_companion(graph) else [graph]

    def outgoing(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        nodes = list(nodes)
        return [t for g in self._graphs(graph) for t in self.store.outgoing(g, nodes)]

    def incoming(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        nodes = list(nodes)
        return [t for g in self._graphs(graph) for t in self.store.incoming(g, nodes)]

    def triples(self, graph: str) -> list[ox.Triple]:
        return [t for g in self._graphs(graph) for t in self.store.triples(g)]

    def having(self, graph: str, predicates: Iterable[ox.NamedNode]) -> Pairs:
        predicates = list(predicates)
        out: Pairs = {p.value: [] for p in predicates}
        for g in self._graphs(graph):
            for p, pairs in self.store.having(g, predicates).items():
                out[p] += pairs
        return out


# ---------------------------------------------------------------------------------------------------------
# No personal data where no companion graph can keep it
# ---------------------------------------------------------------------------------------------------------

PRIVACY_RULE = "graph/store/privacy.py"
"""What a refusal names as its rule (no SHACL shape: the rule is this module's)."""
MESSAGE_DE = (
    "Personenbezogene Angabe in einem Graphen ohne privaten Begleitgraphen: Personen und ihre Kontaktdaten "
    "gehören in einen Datensatz-Graphen …/graph/{Datensatz}, dort bleiben sie privat."
)
MESSAGE_EN = (
    "Personal data in a graph without a private companion graph: persons and their contact details belong in a "
    "dataset graph …/graph/{dataset}, where they stay private."
)


class PersonalDataRefused(ValidationFailed):
    """A write would leave personal data in a graph that has no private companion; nothing was written.

    A kind of :class:`ValidationFailed` (HTTP 422 with one result per refused triple: focus node and path; exit
    code 1 on the command line), but the rule is the privacy rule, not a shape. The personal value itself is not
    repeated, neither in the answer nor in a log.
    """

    def __init__(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        results = [
            Result(
                severity="Violation",
                focus=_term(t.subject),
                focus_label=None,
                path=f"<{t.predicate.value}>",
                value=None,
                message_de=MESSAGE_DE,
                message_en=MESSAGE_EN,
                shape=PRIVACY_RULE,
            )
            for t in triples
        ]
        self.report = Report(conforms=False, results=results)
        self.graph = graph
        first = next((t for t in triples if t.predicate != RDF_TYPE), triples[0])  # the telling one
        more = f" (und {len(triples) - 1} weitere)" if len(triples) > 1 else ""
        IntegrationsgraphError.__init__(
            self,
            f"Abgelehnt: {len(triples)} personenbezogene Angabe(n) im Graphen <{graph}>, der keinen privaten "
            f"Begleitgraphen hat — zuerst {_term(first.subject)} <{first.predicate.value}>{more}. Personen und "
            "ihre Kontaktdaten bitte in einen Datensatz-Graphen …/graph/{Datensatz} schreiben; nichts wurde "
            "geschrieben.",
        )


def _term(node: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    return node.value if isinstance(node, ox.NamedNode) else str(node)


def is_open_graph(graph: str) -> bool:
    """Whether ``graph`` is neither a dataset graph (which splits personal data off) nor a companion."""
    return not has_companion(graph) and not is_private_graph(graph)


def exposed_triples(
    store: Store, changes: Sequence[Change], privacy: Privacy | None = None
) -> dict[str, list[ox.Triple]]:
    """The personal triples that graphs without a companion would hold after ``changes`` (one transaction).

    Two ways in: a change adds them to such a graph, or a change (to any graph) makes a node a private person
    or takes its ``kio:oeffentlich true`` away, so that what such a graph already says about it or points to
    it becomes personal. Who is a person and who is public comes from every graph of the store as it will be
    after the changes (a triple about Musterstadt's person is personal wherever it is written). Costs nothing
    when no change adds to such a graph and none touches a person type or public flag.
    """
    privacy = privacy or Privacy.default()
    adding = [c for c in changes if c.add and is_open_graph(c.graph)]
    flipped = _endpoints_of_flags([t for c in changes for t in (*c.add, *c.remove)])
    if not adding and not flipped:
        return {}
    graphs = store.graphs()
    replaced = {c.graph for c in changes if c.replace}
    removed = {(c.graph, t) for c in changes for t in c.remove}

    def kept(graph: str, t: ox.Triple) -> bool:
        return graph not in replaced and (graph, t) not in removed

    candidates: dict[str, list[ox.Triple]] = {}
    for c in adding:
        candidates.setdefault(c.graph, []).extend(c.add)
    if flipped:
        for g in graphs:
            if is_open_graph(g):
                around = [*store.outgoing(g, flipped), *store.incoming(g, flipped)]
                candidates.setdefault(g, []).extend(t for t in around if kept(g, t))
    candidates = {g: list(dict.fromkeys(ts)) for g, ts in candidates.items() if ts}
    nodes = sorted(
        {n for ts in candidates.values() for n in _endpoints(ts) if isinstance(n, ox.NamedNode)}, key=lambda n: n.value
    )
    known = [t for g in (graphs if nodes else []) for t in store.outgoing(g, nodes) if _flags(t) and kept(g, t)]
    facts = _Facts([*known, *(t for c in changes for t in c.add if _flags(t))])
    out: dict[str, list[ox.Triple]] = {}
    for g, triples in candidates.items():
        private_nodes = _private_nodes(triples, facts, privacy)
        found = [t for t in triples if is_private(t, facts, private_nodes, privacy)]
        if found:
            out[g] = found
    return out


def refuse_personal_data(store: Store, changes: Sequence[Change], privacy: Privacy | None = None) -> None:
    """Raise :class:`PersonalDataRefused` when ``changes`` would leave personal data in a graph without a
    companion (:func:`exposed_triples`); nothing is written then.

    Dataset graphs split personal data off (:func:`split_change`) and a companion is private itself; every other
    graph (the ontology, the shapes, the store's bookkeeping, ``http://example.org/people``) would serve it to
    the public. Removing personal data is always allowed.
    """
    exposed = exposed_triples(store, changes, privacy)
    if exposed:
        graph = min(exposed)
        raise PersonalDataRefused(graph, exposed[graph])
