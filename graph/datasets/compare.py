"""Municipalities compared: which shared themes each covers, and the same indicator across them.

A municipality's fields and indicators are its own; a dataset makes them comparable by linking them with
``skos:closeMatch`` to the shared concepts of ``ontology/vergleich.ttl`` (``kio:Themenfelder``,
``kio:IntMK``). The two example queries ``handlungsfelder-im-vergleich`` and ``indikator-im-vergleich`` do
the work; here their rows become one table per theme or reference indicator, over the dataset graphs only
(not versions or metrics, which would count a municipality twice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_NS, dataset_name
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.core.iris import sparql_prefixes
from integrationsgraph.graph.sparql.examples import examples
from integrationsgraph.graph.store.embedded import Store, Term
from integrationsgraph.graph.store.graphs import dataset_graphs

KIO = ONTOLOGY_NS
TITLES = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?g ?title ?fiktiv WHERE {
  GRAPH ?g { ?k a kio:Integrationskonzept ; skos:prefLabel ?title . FILTER(LANG(?title) = "de")
             OPTIONAL { ?k kio:fiktiv ?fiktiv } }
}
"""
)
SCHEME = (
    sparql_prefixes("skos")
    + """SELECT ?scheme ?c ?label ?code WHERE {
  ?c skos:inScheme ?scheme ; skos:prefLabel ?label . FILTER(LANG(?label) = "de")
  OPTIONAL { ?c skos:notation ?code }
} ORDER BY ?code ?c
"""
)


@dataclass
class Dataset:
    name: str
    title: str
    fiktiv: bool


@dataclass
class Row:
    """One dataset's answer for one theme or reference indicator."""

    datensatz: str
    iri: str
    name: str
    werte: dict[str, Any] = field(default_factory=dict)


@dataclass
class Entry:
    """A theme or a reference indicator, with the datasets that have it and those that do not."""

    iri: str
    label: str
    code: str | None
    kommunen: list[Row] = field(default_factory=list)
    ohne: list[str] = field(default_factory=list)


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else ""


def _number(term: object) -> float | str:
    text = _text(term)
    try:
        return float(text)
    except ValueError:
        return text


def datasets(store: Store, graphs: list[str]) -> list[Dataset]:
    """Every dataset of ``graphs`` with its title and whether it is fictional (one query for all)."""
    found: dict[str, Dataset] = {g: Dataset(dataset_name(g), dataset_name(g), False) for g in graphs}
    rows = store.query(TITLES, default_graphs=[], named_graphs=graphs)
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        d = found.get(_text(row["g"]))
        if d is not None:
            d.title = _text(row["title"]) or d.title
            d.fiktiv = d.fiktiv or _text(row["fiktiv"]) == "true"
    return list(found.values())


def _scheme(store: Store, scheme: str) -> list[Entry]:
    rows = store.query(SCHEME, bindings={"scheme": ox.NamedNode(KIO + scheme)})
    assert isinstance(rows, ox.QuerySolutions)
    return [Entry(_text(r["c"]), _text(r["label"]), _text(r["code"]) or None) for r in rows]


def _rows(store: Store, query: str, bindings: dict[str, Term], graphs: list[str]) -> list[ox.QuerySolution]:
    text = next(ex.text for ex in examples() if ex.name == query)
    result = store.query(text, bindings=bindings, named_graphs=graphs)
    assert isinstance(result, ox.QuerySolutions)
    return list(result)


def _fill(entries: list[Entry], names: list[str]) -> list[Entry]:
    for e in entries:
        have = {r.datensatz for r in e.kommunen}
        e.ohne = [n for n in names if n not in have]
    return entries


def fields(store: Store) -> tuple[list[Dataset], list[Entry]]:
    """Per shared theme: each dataset's own field for it and its number of measures."""
    graphs = dataset_graphs(store)
    ds = datasets(store, graphs)
    entries = {e.iri: e for e in _scheme(store, "Themenfelder")}
    for r in _rows(store, "handlungsfelder-im-vergleich", {}, graphs):
        e = entries.get(_text(r["thema"]))
        if e is not None:
            row = Row(dataset_name(_text(r["datensatz"])), _text(r["handlungsfeld"]), _text(r["name"]))
            row.werte["massnahmen"] = int(_text(r["massnahmen"]) or 0)
            e.kommunen.append(row)
    return ds, _fill(list(entries.values()), [d.name for d in ds])


def indicators(store: Store, reference: str | None = None) -> tuple[list[Dataset], list[Entry]]:
    """Per reference indicator (or only ``reference``: a code such as ``E5`` or its IRI): each dataset's
    own indicator for it with its latest value."""
    graphs = dataset_graphs(store)
    ds = datasets(store, graphs)
    entries = _scheme(store, "IntMK")
    if reference is not None:
        entries = [e for e in entries if reference in (e.iri, e.code)]
        if not entries:
            codes = ", ".join(e.code or e.iri for e in _scheme(store, "IntMK"))
            raise NotFound(f"Unbekannter Referenzindikator „{reference}“. Bekannt sind: {codes}.")
    by_iri = {e.iri: e for e in entries}
    bindings: dict[str, Term] = {"referenz": ox.NamedNode(entries[0].iri)} if reference is not None else {}
    for r in _rows(store, "indikator-im-vergleich", bindings, graphs):
        e = by_iri.get(_text(r["referenz"]))
        if e is not None:
            row = Row(dataset_name(_text(r["datensatz"])), _text(r["indikator"]), _text(r["name"]))
            row.werte = {"stichtag": _text(r["stichtag"]), "wert": _number(r["wert"]), "einheit": _text(r["einheit"])}
            e.kommunen.append(row)
    return ds, _fill(entries, [d.name for d in ds])
