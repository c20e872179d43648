"""What the store holds, per dataset: title, whether it is fictional, counts of the main classes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_NS, dataset_name
from integrationsgraph.graph.core.iris import sparql_prefixes
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.graphs import dataset_graphs

KIO = ONTOLOGY_NS
COUNTED = {
    "Handlungsfelder": f"{KIO}Handlungsfeld",
    "Leitziele": f"{KIO}Leitziel",
    "Handlungsziele": f"{KIO}Handlungsziel",
    "Maßnahmen": f"{KIO}Massnahme",
    "Indikatoren": f"{KIO}Indikator",
    "Messwerte": f"{KIO}Messwert",
}

SUMMARY_QUERY = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?g ?class (COUNT(?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } } GROUP BY ?g ?class
"""
)

TITLE_QUERY = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?g ?title ?fiktiv WHERE {
  GRAPH ?g { ?k a kio:Integrationskonzept ; skos:prefLabel ?title . FILTER(LANG(?title) = "de")
             OPTIONAL { ?k kio:fiktiv ?fiktiv } }
} LIMIT 1
"""
)


@dataclass
class DatasetSummary:
    """One dataset as the landing page and ``/api/datasets`` show it."""

    name: str
    graph: str
    title: str
    fictional: bool
    triples: int
    counts: dict[str, int] = field(default_factory=dict)


def summaries(store: Store) -> list[DatasetSummary]:
    """A summary of every dataset graph, in name order."""
    out = []
    for g in dataset_graphs(store):
        node = ox.NamedNode(g)
        by_class: dict[str, int] = {}
        rows = store.query(SUMMARY_QUERY, bindings={"g": node}, default_graphs=[])
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            cls, n = row["class"], row["n"]
            if isinstance(cls, ox.NamedNode) and isinstance(n, ox.Literal):
                by_class[cls.value] = int(n.value)
        title, fictional = dataset_name(g), False
        rows = store.query(TITLE_QUERY, bindings={"g": node}, default_graphs=[])
        assert isinstance(rows, ox.QuerySolutions)
        for row in rows:
            if isinstance(row["title"], ox.Literal):
                title = row["title"].value
            fictional = isinstance(row["fiktiv"], ox.Literal) and row["fiktiv"].value == "true"
        out.append(
            DatasetSummary(
                name=dataset_name(g),
                graph=g,
                title=title,
                fictional=fictional,
                triples=store.count(g),
                counts={label: by_class.get(iri, 0) for label, iri in COUNTED.items()},
            )
        )
    return out


def display_name(store: Store, dataset: str | None) -> str:
    """How a page names a dataset (or all of them), saying so when the data is fictional."""
    known = {d.name: d for d in summaries(store)}
    if dataset is None:
        fictional = [d.name for d in known.values() if d.fictional]
        return "alle Datensätze" + (f" (darin fiktiv: {', '.join(fictional)})" if fictional else "")
    d = known.get(dataset)
    if d is None:
        return dataset
    return f"{d.name} – fiktives Beispiel" if d.fictional else d.name
