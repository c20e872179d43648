"""The one prefix map: the namespaces our data, shapes and pages use, and how to write an IRI short.

Every module that needs a namespace or a prefix takes it from here. A place that needs more prefixes (the
DCAT catalog, the SPARQL service description) adds its own to :data:`PREFIXES` (``{**PREFIXES, "void": …}``)
and never repeats one of these; ``tests/graph/core/test_iris.py`` checks that no module keeps a map of its own.
"""

from __future__ import annotations

from integrationsgraph.graph.core.config import ONTOLOGY_NS

KIO = ONTOLOGY_NS
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
CV = "http://data.europa.eu/m8g/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
TIME = "http://www.w3.org/2006/time#"
SCHEMA = "https://schema.org/"
ELI = "http://data.europa.eu/eli/ontology#"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
QB = "http://purl.org/linked-data/cube#"
FREQ = "http://publications.europa.eu/resource/authority/frequency/"
UNIT = "http://qudt.org/vocab/unit/"

PREFIXES: dict[str, str] = {
    "kio": KIO,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dct": DCT,
    "prov": PROV,
    "org": ORG,
    "cv": CV,
    "foaf": FOAF,
    "vcard": VCARD,
    "time": TIME,
    "schema": SCHEMA,
    "eli": ELI,
    "sdmx-dimension": SDMX_DIM,
    "qb": QB,
    "freq": FREQ,
    "unit": UNIT,
}
"""Prefix → namespace, for Turtle, TriG and RDF/XML output, JSON-LD contexts and short names on pages."""


def curie(iri: str) -> str:
    """``kio:Massnahme`` for an IRI in a namespace of :data:`PREFIXES`, else the IRI itself.

    >>> curie("http://www.w3.org/2004/02/skos/core#notation")
    'skos:notation'
    >>> curie("https://example.org/x")
    'https://example.org/x'
    """
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(short: str) -> str:
    """The IRI of ``skos:notation`` (a prefix of :data:`PREFIXES`); ``KeyError`` for an unknown prefix."""
    prefix, local = short.split(":", 1)
    return PREFIXES[prefix] + local


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for a SPARQL text, one per name (all of :data:`PREFIXES` without names)."""
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in (names or PREFIXES))
