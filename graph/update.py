"""SPARQL Update through the one write path.

pyoxigraph would apply an update straight to the store, past the SHACL check. So the update runs on an
in-memory copy of the store; the difference per graph (triples added, triples removed) becomes one
:class:`~graph.store.Change` per graph, which the write path validates and commits in one transaction —
all of it or nothing. Before that: refused are ``LOAD`` and ``SERVICE`` (nothing is fetched from
anywhere), and any update that would touch the ontology or the shapes graph, or write into the default
graph (which is the union of the datasets, not a graph of its own).

The default graph an update's WHERE reads is the union of all graphs, as for queries: operations
without USING / WITH get ``USING`` and ``USING NAMED`` clauses for every graph; the protocol's
``using-graph-uri`` / ``using-named-graph-uri`` take their place when given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.config import ONTOLOGY_GRAPH, SHAPES_GRAPH
from graph.errors import InvalidQuery
from graph.sparql import Forbidden
from graph.sparql_text import analyse_update, data_graphs, inject_using, syntax_position
from graph.store import Change, EmbeddedStore, Store
from graph.validate import Report
from graph.write import WritePath

PROTECTED = (ONTOLOGY_GRAPH, SHAPES_GRAPH)


@dataclass
class UpdateResult:
    """What one update did, per graph."""

    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    report: Report = field(default_factory=lambda: Report(conforms=True))

    def to_dict(self) -> dict[str, Any]:
        graphs = sorted(set(self.added) | set(self.removed))
        return {
            "status": 200,
            "graphs": [{"graph": g, "added": self.added.get(g, 0), "removed": self.removed.get(g, 0)} for g in graphs],
            "report": self.report.to_dict(),
        }


def prepare(text: str, using: Sequence[str], using_named: Sequence[str], all_graphs: list[str]) -> str:
    """Check the update's text and give it its dataset (raises InvalidQuery or Forbidden)."""
    info = analyse_update(text)
    if info.looks_like_query:
        raise InvalidQuery(
            f"Das ist eine Abfrage ({info.looks_like_query} …), keine Änderung: bitte als query= oder "
            "application/sparql-query senden."
        )
    if info.outside:
        raise Forbidden(
            f"{info.outside[0]} ist auf diesem Endpunkt nicht erlaubt: er lädt nichts von anderen Servern oder "
            "aus Dateien. Daten bitte per INSERT DATA oder über /store senden."
        )
    for iri in [*using, *using_named]:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise InvalidQuery(f"Ungültige Graph-IRI {iri!r}: {exc}") from exc
    if using or using_named:
        if info.has_using or info.has_with:
            raise InvalidQuery(
                "using-graph-uri / using-named-graph-uri dürfen nicht zusammen mit USING oder WITH in der Änderung "
                "stehen (SPARQL 1.1 Protocol, 2.2.3)."
            )
        return inject_using(text, list(using), list(using_named), skip_own=False)
    return inject_using(text, all_graphs, all_graphs, skip_own=True)


def _graph_key(quad: ox.Quad) -> str | None:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None


def _by_graph(quads: set[ox.Quad]) -> dict[str | None, list[ox.Triple]]:
    out: dict[str | None, list[ox.Triple]] = {}
    for q in quads:
        out.setdefault(_graph_key(q), []).append(q.triple)
    return out


@dataclass
class Delta:
    """The changes an update makes, the graphs it drops or creates, and the counts per graph."""

    changes: list[Change]
    dropped: set[str]
    created: set[str]
    added: dict[str, int]
    removed: dict[str, int]


def delta(store: ox.Store, text: str, base_iri: str | None) -> Delta:
    """The changes ``text`` would make to ``store`` (run on a copy)."""
    before = set(store.quads_for_pattern(None, None, None, None))
    copy = ox.Store()
    copy.extend(before)
    for graph_name in store.named_graphs():
        copy.add_graph(graph_name)
    try:
        copy.update(text, base_iri=base_iri)
    except SyntaxError as exc:
        line, column, reason = syntax_position(str(exc.msg or exc))
        where = f" in Zeile {line}, Spalte {column}" if line else ""
        raise InvalidQuery(f"Syntaxfehler{where}: {reason}") from exc
    except (OSError, ValueError) as exc:
        raise InvalidQuery(f"Die Änderung ließ sich nicht ausführen: {exc}") from exc
    after = set(copy.quads_for_pattern(None, None, None, None))
    added, removed = _by_graph(after - before), _by_graph(before - after)
    if None in added or None in removed:
        raise InvalidQuery(
            "Der Standardgraph ist die Vereinigung aller Datensätze und lässt sich nicht beschreiben: bitte "
            "GRAPH <…> (oder WITH <…>) angeben."
        )
    touched = sorted({k for k in [*added, *removed] if k is not None})
    for name in touched:
        if name in PROTECTED:
            raise Forbidden(f"Der Graph {name} (Ontologie bzw. Regeln) lässt sich über SPARQL nicht ändern.")
    old_graphs = {n.value for n in store.named_graphs() if isinstance(n, ox.NamedNode)}
    new_graphs = {n.value for n in copy.named_graphs() if isinstance(n, ox.NamedNode)}
    dropped = (old_graphs - new_graphs) - set(PROTECTED)
    if set(PROTECTED) & (old_graphs - new_graphs):
        raise Forbidden("Die Graphen der Ontologie und der Regeln lassen sich über SPARQL nicht löschen.")
    sizes = Counter(_graph_key(q) for q in before)
    changes = []
    for g in touched:
        add, remove = added.get(g, []), removed.get(g, [])
        if remove and len(remove) == sizes[g]:
            # The graph was emptied (CLEAR, DROP, DELETE WHERE {?s ?p ?o}): replace it whole.
            changes.append(Change(g, add=add, replace=True))
        else:
            changes.append(Change(g, add=add, remove=remove))
    return Delta(
        changes,
        dropped,
        (new_graphs - old_graphs) - set(touched),
        {g: len(v) for g, v in added.items() if g is not None},
        {g: len(v) for g, v in removed.items() if g is not None},
    )


def _local(store: Store, only: list[str] | None = None) -> ox.Store:
    """The pyoxigraph store to compute the delta on: the embedded one, or a copy of a remote store's graphs.

    The copy costs one request per graph (what the embedded path costs in memory anyway: ``delta`` copies) —
    only the graphs named in ``only`` when the update is all ``INSERT DATA``/``DELETE DATA``, which reads
    nothing else. It is made inside the write path's transaction, so a copy made stale by another process's
    commit is thrown away and made again.
    """
    if isinstance(store, EmbeddedStore):
        return store.native
    copy = ox.Store()
    present = store.graphs()
    for g in present if only is None else [g for g in only if g in present]:
        node = ox.NamedNode(g)
        copy.add_graph(node)
        copy.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in store.triples(g))
    return copy


def apply_update(
    writer: WritePath,
    text: str,
    *,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    base_iri: str | None = None,
) -> UpdateResult:
    """Run a SPARQL update through the write path: all of it or nothing (ValidationFailed on Violations)."""
    store = writer.store
    prepared = prepare(text, using, using_named, store.graphs())
    # The delta is computed inside the write path's transaction: from the revision it read to the commit no
    # other write slips in (this process holds the lock; another process's commit makes it start over).
    deltas: list[Delta] = []

    only = data_graphs(prepared)

    def build() -> list[Change]:
        deltas[:] = [delta(_local(store, only), prepared, base_iri)]
        return deltas[0].changes

    with writer.lock:
        report = writer.transact(build)
        d = deltas[0]
        for g in d.dropped:
            if store.count(g) == 0:
                store.drop(g)
        for g in d.created:  # CREATE GRAPH: an empty graph holds no triple to validate
            if isinstance(store, EmbeddedStore):
                store.native.add_graph(ox.NamedNode(g))
            else:
                store.apply(g, replace=True)  # a new graph: DROP SILENT + CREATE SILENT creates it empty
    return UpdateResult(d.added, d.removed, report)
