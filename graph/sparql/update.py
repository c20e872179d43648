"""SPARQL Update through the one write path.

pyoxigraph would apply an update straight to the store, past the SHACL check. So the update runs on an
in-memory copy of the store; the difference per graph (triples added, triples removed) becomes one
:class:`~graph.store.embedded.Change` per graph, which the write path validates and commits in one transaction —
all of it or nothing. Before that: refused are ``LOAD`` and ``SERVICE`` (nothing is fetched from
anywhere), and any update that would touch the ontology or the shapes graph, or write into the default
graph (which is the union of the datasets, not a graph of its own).

The default graph an update's WHERE reads is the union of all graphs, as for queries: operations
without USING / WITH get ``USING`` and ``USING NAMED`` clauses for every graph; the protocol's
``using-graph-uri`` / ``using-named-graph-uri`` take their place when given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import ONTOLOGY_GRAPH, SHAPES_GRAPH
from integrationsgraph.graph.core.errors import Forbidden, IntegrationsgraphError, InvalidQuery
from integrationsgraph.graph.core.report import Report
from integrationsgraph.graph.sparql.delta import compute_on, split
from integrationsgraph.graph.sparql.guard import check
from integrationsgraph.graph.sparql.pool import QueryTimeout, UpdateRunner, WorkerFailed
from integrationsgraph.graph.sparql.text import analyse_update, data_graphs, inject_using, syntax_position
from integrationsgraph.graph.store.embedded import Change, EmbeddedStore, Store
from integrationsgraph.graph.write.path import WritePath

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


def _by_graph(quads: list[ox.Quad]) -> dict[str | None, list[ox.Triple]]:
    out: dict[str | None, list[ox.Triple]] = {}
    for q in quads:
        out.setdefault(_graph_key(q), []).append(q.triple)
    return out


class UpdateTimeout(IntegrationsgraphError):
    """The update ran past its time limit; its worker was stopped and nothing was written."""


@dataclass
class Delta:
    """The changes an update makes, the graphs it drops or creates, and the counts per graph."""

    changes: list[Change]
    dropped: set[str]
    created: set[str]
    added: dict[str, int]
    removed: dict[str, int]


def _refusal(header: dict[str, Any]) -> InvalidQuery:
    message = str(header.get("message", ""))
    if header.get("error") == "syntax":
        line, column, reason = syntax_position(message)
        where = f" in Zeile {line}, Spalte {column}" if line else ""
        return InvalidQuery(f"Syntaxfehler{where}: {reason}")
    if header.get("error") == "memory":
        return InvalidQuery(
            "Die Änderung braucht mehr Speicher als erlaubt (INTEGRATIONSGRAPH_WORKER_MEMORY_MB) und wurde "
            "abgebrochen; nichts wurde geschrieben. Bitte enger fassen."
        )
    return InvalidQuery(f"Die Änderung ließ sich nicht ausführen: {message}")


def delta_from(header: dict[str, Any], body: bytes) -> Delta:
    """The changes from a worker's answer (:func:`graph.sparql.delta.compute`); refuses the default graph and
    the protected graphs."""
    if not header.get("ok"):
        raise _refusal(header)
    added_quads, removed_quads = split(header, body)
    added, removed = _by_graph(added_quads), _by_graph(removed_quads)
    if None in added or None in removed:
        raise InvalidQuery(
            "Der Standardgraph ist die Vereinigung aller Datensätze und lässt sich nicht beschreiben: bitte "
            "GRAPH <…> (oder WITH <…>) angeben."
        )
    touched = sorted({k for k in [*added, *removed] if k is not None})
    for name in touched:
        if name in PROTECTED:
            raise Forbidden(f"Der Graph {name} (Ontologie bzw. Regeln) lässt sich über SPARQL nicht ändern.")
    old_graphs, new_graphs = set(header["graphs_before"]), set(header["graphs_after"])
    dropped = (old_graphs - new_graphs) - set(PROTECTED)
    if set(PROTECTED) & (old_graphs - new_graphs):
        raise Forbidden("Die Graphen der Ontologie und der Regeln lassen sich über SPARQL nicht löschen.")
    sizes: dict[str, int] = header.get("sizes", {})
    changes = []
    for g in touched:
        add, remove = added.get(g, []), removed.get(g, [])
        if remove and len(remove) == sizes.get(g, -1):
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


def delta(store: ox.Store, text: str, base_iri: str | None) -> Delta:
    """The changes ``text`` would make to ``store``, worked out in this process (no time or memory bound: for
    trusted callers such as the command line; the server uses :class:`~graph.sparql.pool.UpdateRunner`)."""
    quads = list(store.quads_for_pattern(None, None, None, None))
    graphs = [g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)]
    return delta_from(*compute_on(quads, graphs, {"update": text, "base_iri": base_iri}))


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


def _in_worker(
    store: Store, text: str, base_iri: str | None, only: list[str] | None, runner: UpdateRunner, timeout: float
) -> Delta:
    """The delta, worked out by the runner's worker: on a snapshot of an on-disk store, else on the graphs sent."""
    job: dict[str, Any] = {"op": "update", "update": text, "base_iri": base_iri}
    body = b""
    if runner.snapshots is None:
        local = _local(store, only)
        job["graphs"] = [g.value for g in local.named_graphs() if isinstance(g, ox.NamedNode)]
        body = ox.serialize(local.quads_for_pattern(None, None, None, None), format=ox.RdfFormat.N_QUADS) or b""
    try:
        header, out = runner.run(job, body, timeout)
    except QueryTimeout as exc:
        raise UpdateTimeout(
            f"Die Änderung wurde nach {timeout:g} Sekunden abgebrochen (INTEGRATIONSGRAPH_UPDATE_TIMEOUT); nichts "
            "wurde geschrieben."
        ) from exc
    except WorkerFailed as exc:
        raise InvalidQuery(
            "Die Änderung wurde abgebrochen, ihr Prozess ist beendet (meist: mehr Speicher als "
            "INTEGRATIONSGRAPH_WORKER_MEMORY_MB erlaubt); nichts wurde geschrieben."
        ) from exc
    return delta_from(header, out)


def apply_update(
    writer: WritePath,
    text: str,
    *,
    using: Sequence[str] = (),
    using_named: Sequence[str] = (),
    base_iri: str | None = None,
    runner: UpdateRunner | None = None,
    timeout: float = 30.0,
    max_depth: int = 100,
) -> UpdateResult:
    """Run a SPARQL update through the write path: all of it or nothing (ValidationFailed on Violations).

    With a ``runner`` (the server) the update is worked out in its worker process, with no network, within
    ``timeout`` seconds and its memory bound; the write lock is let go when the limit hits."""
    check(text, max_depth=max_depth, update=True)
    store = writer.store
    prepared = prepare(text, using, using_named, store.graphs())
    # The delta is computed inside the write path's transaction: from the revision it read to the commit no
    # other write slips in (this process holds the lock; another process's commit makes it start over).
    deltas: list[Delta] = []

    only = data_graphs(prepared)

    def build() -> list[Change]:
        if runner is not None:
            deltas[:] = [_in_worker(store, prepared, base_iri, only, runner, timeout)]
        else:
            deltas[:] = [delta(_local(store, only), prepared, base_iri)]
        # graphs it drops or creates empty need the same rights as a change, checked before anything commits
        writer.authorize([*deltas[0].dropped, *deltas[0].created])
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
