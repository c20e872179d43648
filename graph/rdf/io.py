"""Reading and writing RDF files, and moving terms between pyoxigraph and rdflib.

Data is parsed by Oxigraph's parsers; the shapes by rdflib. Oxigraph gives plain strings an explicit
``xsd:string`` datatype and rdflib does not, so :func:`to_rdflib` drops it — otherwise ``sh:in`` and
``sh:hasValue`` would see different literals (``docs/architecture.md``, "Writing queries for Oxigraph").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from integrationsgraph.graph.core.errors import ParseError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "json-ld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "xml": ox.RdfFormat.RDF_XML,
    "owl": ox.RdfFormat.RDF_XML,
    "n3": ox.RdfFormat.N3,
}
"""File suffixes (and ``--format`` names) we read and write."""

DATASET_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}


def rdf_format(name_or_path: str | Path) -> ox.RdfFormat:
    """The RDF format named by a ``--format`` value or by a file's suffix."""
    key = str(name_or_path)
    key = key.rsplit(".", 1)[-1].lower() if "." in key else key.lower()
    if key not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ParseError(str(name_or_path), f"Unbekanntes RDF-Format {key!r} (bekannt: {known}).")
    return FORMATS[key]


def rdf_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into the RDF files they hold (sorted); files are kept as given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lstrip(".").lower() in FORMATS))
        elif path.exists():
            out.append(path)
        else:
            raise ParseError(str(path), "Datei oder Ordner nicht gefunden.")
    return out


def parse_file(path: Path, base_iri: str | None = None) -> list[ox.Quad]:
    """Parse one file; a syntax error names the file, line and column."""
    fmt = rdf_format(path)
    if fmt == ox.RdfFormat.RDF_XML:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ParseError(str(path), str(exc)) from exc
        return parse_bytes(data, fmt, str(path), base_iri)
    try:
        return list(ox.parse(path=str(path), format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise ParseError(str(path), _strip_position(exc.msg), exc.lineno, exc.offset) from exc
    except (OSError, ValueError) as exc:
        raise ParseError(str(path), str(exc)) from exc


def parse_bytes(data: bytes, fmt: ox.RdfFormat, source: str = "Eingabe", base_iri: str | None = None) -> list[ox.Quad]:
    """Parse RDF given as bytes (an upload, a request body)."""
    if fmt == ox.RdfFormat.RDF_XML:
        refuse_entities(data, source)
    try:
        return list(ox.parse(data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        raise ParseError(source, _strip_position(exc.msg), exc.lineno, exc.offset) from exc
    except (OSError, ValueError) as exc:
        raise ParseError(source, str(exc)) from exc


_ENTITY = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)


def refuse_entities(data: bytes, source: str) -> None:
    """Refuse RDF/XML that declares DTD entities (:class:`ParseError` with the line), before Oxigraph sees it.

    Oxigraph expands internal entities, nested ones too and even in a DOCTYPE after the root element: a
    1 KB body became a 30 MB literal, billion laughs aborted the process. Its RDF/XML parser reads only
    UTF-8 (anything else is a syntax error), so a scan of the raw bytes sees every declaration it would see;
    a check of the prolog alone would not (the DOCTYPE may come later), nor an XML parser that decodes
    UTF-16 where Oxigraph does not. Predefined entities (``&amp;``) and character references stay allowed.
    """
    found = _ENTITY.search(data)
    if found is not None:
        line = data.count(b"\n", 0, found.start()) + 1
        raise ParseError(
            source,
            "RDF/XML mit DTD-Entitäten (<!ENTITY …>) wird aus Sicherheitsgründen nicht gelesen. Bitte die "
            "Entitäten ausschreiben (z. B. volle IRIs statt &owl;) oder die Daten als Turtle senden.",
            line,
        )


def _strip_position(msg: str) -> str:
    # "Parser error between line 3 column 11 and line 4 column 1: Unexpected end of file" -> the reason
    return msg.split(": ", 1)[1] if msg.startswith("Parser error") and ": " in msg else msg


def serialize_triples(triples: Iterable[ox.Triple], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise triples in a graph format (Turtle, N-Triples, JSON-LD, RDF/XML)."""
    out = (
        ox.serialize(triples, format=fmt, prefixes=prefixes) if fmt in _PREFIXED else ox.serialize(triples, format=fmt)
    )
    assert out is not None
    return out


def serialize_quads(quads: Iterable[ox.Quad], fmt: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise quads in a dataset format (TriG, N-Quads)."""
    out = ox.serialize(quads, format=fmt, prefixes=prefixes) if fmt in _PREFIXED else ox.serialize(quads, format=fmt)
    assert out is not None
    return out


_PREFIXED = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML}


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
    """An rdflib term for a pyoxigraph term (``xsd:string`` literals become plain literals)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return rdflib.Literal(term.value, datatype=None if dt == XSD_STRING else rdflib.URIRef(dt))
    raise TypeError(f"cannot convert {term!r} to rdflib")


def from_rdflib(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A pyoxigraph term for an rdflib term."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to pyoxigraph")


def rdflib_graph(triples: Iterable[ox.Triple], into: rdflib.Graph | None = None) -> rdflib.Graph:
    """Copy pyoxigraph triples into an (in-memory) rdflib graph."""
    g = into if into is not None else rdflib.Graph()
    for t in triples:
        g.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return g


def oxigraph_triples(graph: rdflib.Graph) -> Iterator[ox.Triple]:
    """The triples of an rdflib graph as pyoxigraph triples."""
    for s, p, o in graph:
        subject = from_rdflib(s)
        assert not isinstance(subject, ox.Literal)
        predicate = from_rdflib(p)
        assert isinstance(predicate, ox.NamedNode)
        yield ox.Triple(subject, predicate, from_rdflib(o))
