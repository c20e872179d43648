"""Loading files into the store (through the write path) and the first-start bootstrap."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from integrationsgraph.graph.core.config import (
    ONTOLOGY_GRAPH,
    SHAPES_GRAPH,
    Settings,
    graph_iri,
)
from integrationsgraph.graph.core.errors import ParseError, ValidationFailed
from integrationsgraph.graph.core.report import Report
from integrationsgraph.graph.rdf.io import DATASET_FORMATS, parse_file, rdf_files, rdf_format, rdflib_graph
from integrationsgraph.graph.shacl.engine import sparql_validator
from integrationsgraph.graph.shacl.validate import Shapes, turtle_files, validate
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore, Store
from integrationsgraph.graph.store.graphs import dataset_graphs
from integrationsgraph.graph.store.privacy import (
    WithCompanions,
    has_companion,
    private_graph,
    split_change,
)
from integrationsgraph.graph.store.remote import RemoteStore
from integrationsgraph.graph.write.path import WritePath


@dataclass
class LoadResult:
    """What one load did."""

    graph: str
    files: int
    triples: int
    seconds: float
    report: Report


def resolve_graph(name_or_iri: str) -> str:
    """A dataset name (``rheine``) becomes its graph IRI; an IRI stays as it is."""
    if ":" in name_or_iri:
        return name_or_iri
    return graph_iri(name_or_iri)


def read_files(paths: Iterable[Path], base_iri: str | None = None) -> dict[str | None, list[ox.Triple]]:
    """Parse files (folders expand to their RDF files) into triples per graph (``None`` = no graph given)."""
    out: dict[str | None, list[ox.Triple]] = {}
    for path in rdf_files(paths):
        quads_allowed = rdf_format(path) in DATASET_FORMATS
        for q in parse_file(path, base_iri=base_iri):
            graph = q.graph_name.value if quads_allowed and isinstance(q.graph_name, ox.NamedNode) else None
            out.setdefault(graph, []).append(q.triple)
    return out


def load_files(
    writer: WritePath,
    paths: list[Path],
    graph: str | None,
    *,
    replace: bool = False,
    base_iri: str | None = None,
    bulk: bool = False,
) -> list[LoadResult]:
    """Load files into ``graph`` (or into the graphs a TriG/N-Quads file names) through the write path.

    All graphs are checked before any is written: one invalid graph rejects the whole load. With ``bulk``
    (embedded store, every target graph empty) the checked triples go in through pyoxigraph's bulk loader —
    several times faster, but not one transaction: if it fails, the new graphs are removed again; if the
    process dies meanwhile, they may be partial (load again with ``--replace``).
    """
    start = time.perf_counter()
    files = rdf_files(paths)
    per_graph = read_files(files, base_iri)
    if graph is not None:
        merged = [t for triples in per_graph.values() for t in triples]
        per_graph = {graph: merged}
    elif None in per_graph:
        raise ParseError(", ".join(str(p) for p in files), "Kein Ziel-Graph: bitte --graph NAME oder IRI angeben.")
    changes = []
    empty: dict[str, bool] = {}
    for g, triples in per_graph.items():
        assert g is not None
        empty[g] = writer.store.count(g) == 0
        changes.append(Change(graph=g, add=triples, replace=replace or empty[g]))
    reports = {}
    for change in changes:  # validate every graph first ...
        reports[change.graph] = writer.check(change, among=changes)
    for report in reports.values():
        if not report.conforms:
            raise ValidationFailed(report)
    store = writer.store
    if bulk and isinstance(store, EmbeddedStore | RemoteStore) and all(empty.values()):
        with writer.lock:  # private triples still go to the companion graphs
            store.bulk_add([part for c in changes for part in split_change(store, c, writer.privacy)])
        writer.derive(c.graph for c in changes)  # derived graphs (assessments) as after any other write
        seconds = time.perf_counter() - start
        return [LoadResult(c.graph, len(files), len(c.add), seconds, reports[c.graph]) for c in changes]
    results = []
    for change in changes:  # ... then write each in its own transaction
        writer.write(change, validate_change=False)
        results.append(
            LoadResult(change.graph, len(files), len(change.add), time.perf_counter() - start, reports[change.graph])
        )
    return results


SOURCE_HASH = ox.NamedNode("http://purl.org/dc/terms/identifier")
"""A system graph names itself with ``dct:identifier "sha256:…"`` of the files it was loaded from."""


def load_system_graphs(store: Store, settings: Settings) -> None:
    """Load the ontology and the shapes into their own graphs when their files changed (read at start-up)."""
    for folder, graph in ((settings.ontology_dir, ONTOLOGY_GRAPH), (settings.shapes_dir, SHAPES_GRAPH)):
        files = turtle_files(folder, "ontology" if graph == ONTOLOGY_GRAPH else "shapes")  # none: refuse, keep
        digest = hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()
        node = ox.NamedNode(graph)
        recorded = [t.object for t in store.outgoing(graph, [node]) if t.predicate == SOURCE_HASH]
        if recorded == [ox.Literal(f"sha256:{digest}")]:
            continue  # unchanged: keep the graph as it is (reloading would renumber its blank nodes)
        triples = [q.triple for path in files for q in parse_file(path)]
        triples.append(ox.Triple(node, SOURCE_HASH, ox.Literal(f"sha256:{digest}")))
        store.apply(graph, add=triples, replace=True)


def bootstrap(writer: WritePath, settings: Settings) -> list[LoadResult]:
    """Load the system graphs, and every configured dataset that is not in the store yet."""
    load_system_graphs(writer.store, settings)
    present = set(writer.store.graphs())
    loaded = []
    for name in settings.datasets:
        graph = graph_iri(name)
        if graph not in present:
            loaded += load_files(writer, [settings.data_dir / name], graph)
    return loaded


def validate_store(
    store: Store, shapes: Shapes, graphs: list[str] | None = None, *, engine: str = "sparql"
) -> dict[str, Report]:
    """Full validation of each dataset graph on its own (together with its private triples).

    ``engine="sparql"``: the shapes compiled to SPARQL and run by the store (:mod:`graph.shacl.engine`, the same
    report, many times faster); pyshacl when the shapes use something the compiler does not know.
    ``engine="pyshacl"``: every dataset copied into rdflib and checked by pyshacl (the reference).
    """
    out = {}
    fast = sparql_validator(shapes) if engine == "sparql" else None
    read = WithCompanions(store)
    for g in graphs if graphs is not None else dataset_graphs(store):
        if fast is not None:
            out[g] = fast.validate(store, [g, private_graph(g)] if has_companion(g) else [g])
        else:
            out[g] = validate(rdflib_graph(read.triples(g)), shapes)
    return out


def validate_files(paths: list[Path], shapes: Shapes) -> Report:
    """Full validation of files (parsed together, as one graph)."""
    data = rdflib.Graph()
    for triples in read_files(paths).values():
        rdflib_graph(triples, into=data)
    return validate(data, shapes)
