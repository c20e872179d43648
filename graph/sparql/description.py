"""The SPARQL 1.1 Service Description of ``/sparql``: what a bare GET of the endpoint returns as RDF.

Endpoint, languages (query and update), result formats, features (the default graph is the union of
the public graphs; empty graphs exist), the limits, and the default dataset with ``void:triples`` per
graph. Built from terms, not from text.
"""

from __future__ import annotations

import pyoxigraph as ox

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.core.iris import PREFIXES
from integrationsgraph.graph.rdf.io import serialize_triples
from integrationsgraph.graph.sparql.service import visible_graphs
from integrationsgraph.graph.sparql.worker import RDF_FORMATS
from integrationsgraph.graph.store.embedded import Store

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
RESULT_FORMATS = [
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
]


def sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def description_triples(store: Store, endpoint: str, settings: Settings) -> list[ox.Triple]:
    """The service description as triples (public graphs only)."""
    service = ox.NamedNode(endpoint)
    dataset = ox.NamedNode(endpoint + "#datensatz")
    default = ox.NamedNode(endpoint + "#standardgraph")
    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("feature"), sd("EmptyGraphs")),
        ox.Triple(service, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(
            service,
            RDFS_COMMENT,
            ox.Literal(
                f"Zeitlimit {settings.query_timeout:g} s je Abfrage, höchstens {settings.result_limit} Zeilen je "
                "Antwort; SERVICE und LOAD sind abgeschaltet; Änderungen nur mit Schreib-Token.",
                language="de",
            ),
        ),
        ox.Triple(
            service,
            RDFS_COMMENT,
            ox.Literal(
                f"Time limit {settings.query_timeout:g} s per query, at most {settings.result_limit} rows per "
                "answer; SERVICE and LOAD are disabled; updates need the write token.",
                language="en",
            ),
        ),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    out += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS]
    total = 0
    for i, g in enumerate(visible_graphs(store), start=1):
        n = store.count(g)
        total += n
        named = ox.NamedNode(f"{endpoint}#graph-{i}")
        graph = ox.NamedNode(f"{endpoint}#graph-{i}-inhalt")
        out += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(g)),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(n), datatype=XSD_INTEGER)),
        ]
    out.append(ox.Triple(default, ox.NamedNode(VOID + "triples"), ox.Literal(str(total), datatype=XSD_INTEGER)))
    return out


def description(store: Store, endpoint: str, fmt: str, settings: Settings) -> bytes:
    """The service description serialised as ``fmt`` (a key of ``RDF_FORMATS``)."""
    prefixes = {**PREFIXES, "sd": SD, "void": VOID, "formats": FORMATS}
    return serialize_triples(description_triples(store, endpoint, settings), RDF_FORMATS[fmt], prefixes)
