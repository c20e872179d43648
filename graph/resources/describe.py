"""What a linked-data page shows about one IRI: its properties with German (or English) labels, the
``#fragment`` nodes it owns, the resources that link to it, and its provenance.

Property and class labels come from the ontology graph (``rdfs:label``) for ``kio:`` terms and from
:data:`graph.core.labels.TERM_LABELS` for the reused vocabularies, the same table the published site uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_GRAPH
from integrationsgraph.graph.core.iris import DCT, KIO, PROV, RDF, RDFS, SKOS, curie
from integrationsgraph.graph.core.labels import TERM_LABELS
from integrationsgraph.graph.resources.as_json import value
from integrationsgraph.graph.store.embedded import Store

INCOMING_LIMIT = 500
FIRST = [RDF + "type", SKOS + "prefLabel", SKOS + "notation", DCT + "description", SKOS + "definition"]
HIDDEN = {KIO + "fiktiv"}


@dataclass
class Value:
    """One object of a property: a link (``iri``, ``label``) or a text (``text``, ``lang``, ``datatype``)."""

    text: str
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Property:
    predicate: str
    label: str
    values: list[Value] = field(default_factory=list)


@dataclass
class Description:
    """Everything the page of one IRI shows."""

    iri: str
    graph: str
    label: str
    types: list[Value]
    fictional: bool
    properties: list[Property]
    fragments: list[Description] = field(default_factory=list)
    incoming: list[Property] = field(default_factory=list)
    derived_from: list[Value] = field(default_factory=list)
    sources: list[Value] = field(default_factory=list)


class Labeller:
    """Labels of IRIs in one language (falling back to German, then to the IRI), cached per page."""

    def __init__(self, store: Store, graph: str, lang: str) -> None:
        self.store = store
        self.graphs = [graph, ONTOLOGY_GRAPH]
        self.lang = lang
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        if iri not in self.cache:
            self.cache[iri] = self._find(iri)
        return self.cache[iri]

    def prefetch(self, iris: Iterable[str]) -> None:
        """Look up the labels of many IRIs at once: one request per graph on a SPARQL server, not one per IRI."""
        todo = [i for i in dict.fromkeys(iris) if i not in self.cache]
        if not todo:
            return
        texts: dict[str, dict[str, str]] = {i: {} for i in todo}
        nodes = [ox.NamedNode(i) for i in todo]
        for g in self.graphs:
            for t in self.store.outgoing(g, nodes):
                if t.predicate.value in (SKOS + "prefLabel", RDFS + "label") and isinstance(t.object, ox.Literal):
                    texts[value(t.subject)].setdefault(t.object.language or "", t.object.value)
        for i in todo:
            self.cache[i] = self._choose(i, texts[i])

    def _find(self, iri: str) -> str:
        self.prefetch([iri])
        return self.cache[iri]

    def _choose(self, iri: str, texts: dict[str, str]) -> str:
        if iri in TERM_LABELS:
            de, en = TERM_LABELS[iri]
            texts.setdefault("de", de)
            texts.setdefault("en", en)
        return texts.get(self.lang) or texts.get("de") or next(iter(texts.values()), curie(iri))


def exists(store: Store, graph: str, iri: str) -> bool:
    """Whether ``iri`` is the subject of any triple in ``graph``."""
    return bool(store.outgoing(graph, [ox.NamedNode(iri)]))


def describe(store: Store, graph: str, iri: str, lang: str = "de") -> Description:
    """The page of ``iri`` in ``graph`` (which must exist: see :func:`exists`)."""
    labels = Labeller(store, graph, lang)
    node = ox.NamedNode(iri)
    own = store.outgoing(graph, [node])
    incoming = [t for t in store.incoming(graph, [node]) if value(t.subject) != iri]
    fragment_iris = sorted(
        {value(t.object) for t in own if isinstance(t.object, ox.NamedNode) and value(t.object).startswith(iri + "#")}
        | {value(t.subject) for t in incoming if value(t.subject).startswith(iri + "#")}
    )
    of_fragments: dict[str, list[ox.Triple]] = {f: [] for f in fragment_iris}
    for t in store.outgoing(graph, [ox.NamedNode(f) for f in fragment_iris]) if fragment_iris else []:
        of_fragments[value(t.subject)].append(t)
    # every label the page shows, in one go (a SPARQL server would otherwise get two requests per link)
    shown = [t for ts in (own, *of_fragments.values()) for t in ts]
    shown_incoming = sorted(incoming, key=lambda t: (t.predicate.value, value(t.subject)))[:INCOMING_LIMIT]
    labels.prefetch(
        [iri, *of_fragments, *(t.predicate.value for t in shown)]
        + [value(t.object) for t in shown if isinstance(t.object, ox.NamedNode)]
        + [
            x
            for t in shown_incoming
            if isinstance(t.subject, ox.NamedNode)
            for x in (t.predicate.value, value(t.subject))
        ]
    )
    page = _describe_node(labels, graph, iri, own)
    for frag in fragment_iris:
        page.fragments.append(_describe_node(labels, graph, frag, of_fragments[frag]))
    by_pred: dict[str, Property] = {}
    for t in shown_incoming:
        subject = value(t.subject)
        if subject.startswith(iri + "#"):
            continue
        prop = by_pred.setdefault(t.predicate.value, Property(t.predicate.value, labels(t.predicate.value)))
        prop.values.append(Value(labels(subject), iri=subject))
    page.incoming = sorted(by_pred.values(), key=lambda p: p.label.casefold())
    return page


def _describe_node(labels: Labeller, graph: str, iri: str, triples: list[ox.Triple]) -> Description:
    by_pred: dict[str, Property] = {}
    fictional = False
    for t in triples:
        p = t.predicate.value
        if p == KIO + "fiktiv":
            fictional = fictional or value(t.object) == "true"
        if p in HIDDEN:
            continue
        prop = by_pred.setdefault(p, Property(p, labels(p)))
        prop.values.append(_value(labels, t.object))
    for prop in by_pred.values():
        prop.values.sort(key=lambda v: (v.lang != labels.lang, v.text.casefold()))
    order = {p: i for i, p in enumerate(FIRST)}
    props = sorted(by_pred.values(), key=lambda p: (order.get(p.predicate, len(FIRST)), p.label.casefold()))
    label_prop = by_pred.get(SKOS + "prefLabel")
    label = labels(iri) if label_prop else iri.rsplit("/", 1)[-1]
    types = by_pred.get(RDF + "type", Property("", "")).values
    return Description(
        iri=iri,
        graph=graph,
        label=label,
        types=types,
        fictional=fictional,
        properties=[p for p in props if p.predicate != RDF + "type"],
        derived_from=by_pred.get(PROV + "wasDerivedFrom", Property("", "")).values,
        sources=by_pred.get(DCT + "source", Property("", "")).values,
    )


def _value(labels: Labeller, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value(labels(term.value), iri=term.value)
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if not term.language else None
        return Value(term.value, lang=term.language, datatype=dt)
    return Value(str(term))
