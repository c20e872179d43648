"""The store protocol and its embedded implementation on pyoxigraph's on-disk store.

Everything above the store speaks SPARQL or asks for triples of one named graph, so a second
implementation over a remote SPARQL 1.1 server fits the same protocol. Terms are pyoxigraph's
(``NamedNode``, ``Literal``, ``BlankNode``, ``Triple``) on both sides of the protocol.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.core.errors import IntegrationsgraphError, InvalidQuery

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Pairs = dict[str, list[tuple[ox.NamedNode | ox.BlankNode | ox.Triple, Term | ox.Triple]]]
"""Predicate IRI → the (subject, object) pairs of its triples: what :meth:`Store.having` returns."""


@dataclass
class Change:
    """What one write does to one named graph; with ``replace`` the graph's content is dropped first."""

    graph: str
    add: list[ox.Triple] = field(default_factory=list)
    remove: list[ox.Triple] = field(default_factory=list)
    replace: bool = False


class StoreLocked(IntegrationsgraphError):
    """The on-disk store is open in another process."""


class StoreConflict(IntegrationsgraphError):
    """Another writer changed the store since the revision a commit expected; nothing was written."""


DCT_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
REVISION = ox.NamedNode(SYSTEM_GRAPH + "#revision")
"""``REVISION dct:identifier "…"`` in :data:`SYSTEM_GRAPH`: a fresh value after every commit."""
COMMIT_MARK = ox.NamedNode(SYSTEM_GRAPH + "#commit")
"""``COMMIT_MARK dct:identifier "…"``: left by a conditional commit so its writer can tell it landed."""


class Store(Protocol):
    """What the rest of the application needs from a store."""

    def query(
        self,
        sparql: str,
        *,
        bindings: dict[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query. Without ``default_graphs`` the default graph is the union of all graphs.

        ``bindings`` substitute variables with terms (never splice user input into the text); a SELECT
        must project every bound variable (``SELECT ?g …`` or ``SELECT *``), as SEP-0007 demands.
        """
        ...

    def graphs(self) -> list[str]:
        """The IRIs of all named graphs but the store's bookkeeping (:data:`SYSTEM_GRAPH`)."""
        ...

    def count(self, graph: str | None = None) -> int:
        """Number of triples in one named graph, or quads in the whole store."""
        ...

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """All triples of one named graph."""
        ...

    def outgoing(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        """Triples of ``graph`` whose subject is one of ``nodes``."""
        ...

    def incoming(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        """Triples of ``graph`` whose object is one of ``nodes``."""
        ...

    def having(self, graph: str, predicates: Iterable[ox.NamedNode]) -> Pairs:
        """The triples of ``graph`` whose predicate is one of ``predicates``, as predicate IRI → its (subject,
        object) pairs: a reader that needs a few properties of many nodes need not turn the whole graph, nor
        each triple, into Python objects."""
        ...

    def apply(
        self,
        graph: str,
        *,
        add: Iterable[ox.Triple] = (),
        remove: Iterable[ox.Triple] = (),
        replace: bool = False,
    ) -> None:
        """Change one named graph in a single transaction: all of it or nothing.

        With ``replace`` the graph's whole content is dropped first and ``remove`` is ignored.
        """
        ...

    def commit(self, changes: Sequence[Change], *, expect: str | None = None) -> None:
        """Apply changes to several graphs in one transaction (a graph and its private companion, say).

        With ``expect`` (a value :meth:`revision` gave) the commit lands only if no other writer committed
        since; otherwise it writes nothing and raises :class:`StoreConflict`.
        """
        ...

    def revision(self) -> str:
        """The store's current revision: it changes with every commit, in whatever process makes it."""
        ...

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold the store-wide write lease for a read-validate-commit (several processes on one SPARQL server);
        a no-op where this process is the only writer."""
        ...

    def drop(self, graph: str) -> bool:
        """Remove a named graph; ``False`` when it did not exist."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...


def _nt(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term in N-Triples syntax, escaped by pyoxigraph itself."""
    return str(term)


def _data_block(graph: ox.NamedNode, triples: Iterable[ox.Triple]) -> str:
    lines = [f"{_nt(t.subject)} {_nt(t.predicate)} {_nt(t.object)} ." for t in triples]
    return f"GRAPH {_nt(graph)} {{\n" + "\n".join(lines) + "\n}"


def update_text(changes: Sequence[Change]) -> str:
    """ONE SPARQL update for ``changes`` (every term serialised by pyoxigraph, never spliced text).

    Shared by the embedded and the remote store: one update is one transaction on both.
    """
    parts = []
    for c in changes:
        g = ox.NamedNode(c.graph)
        if c.replace:
            parts.append(f"DROP SILENT GRAPH {_nt(g)}")
            parts.append(f"CREATE SILENT GRAPH {_nt(g)}")
        elif c.remove:
            _no_blank_removal(c.remove)
            parts.append(f"DELETE DATA {{ {_data_block(g, c.remove)} }}")
        if c.add:
            parts.append(f"INSERT DATA {{ {_data_block(g, c.add)} }}")
    return " ;\n".join(parts)


def guarded_update_text(changes: Sequence[Change], expect: str, new: str) -> str:
    """ONE SPARQL update that makes ``changes`` and moves the revision from ``expect`` to ``new`` — or, when the
    revision is no longer ``expect``, does nothing at all.

    Every operation carries the same ``WHERE`` condition on the revision; a request is one transaction, so
    they all see the revision as it was before the last operation moves it. The commit mark ``new`` shows
    afterwards whether it landed (see :class:`graph.store.remote.RemoteStore`).
    """
    system = ox.NamedNode(SYSTEM_GRAPH)
    if expect:
        condition = f"GRAPH {_nt(system)} {{ {_nt(REVISION)} {_nt(DCT_IDENTIFIER)} {_nt(ox.Literal(expect))} }}"
    else:  # no revision yet: the first guarded commit on this store
        condition = f"FILTER NOT EXISTS {{ GRAPH {_nt(system)} {{ {_nt(REVISION)} {_nt(DCT_IDENTIFIER)} ?any }} }}"
    parts = []
    for c in changes:
        g = ox.NamedNode(c.graph)
        if c.replace:
            every = f"GRAPH {_nt(g)} {{ ?s ?p ?o }}"
            parts.append(f"DELETE {{ {every} }} WHERE {{ {condition} {every} }}")
            # (an empty replace cannot create its graph conditionally: the caller creates it once this landed)
        elif c.remove:
            _no_blank_removal(c.remove)
            parts.append(f"DELETE {{ {_data_block(g, c.remove)} }} WHERE {{ {condition} }}")
        if c.add:
            parts.append(f"INSERT {{ {_data_block(g, c.add)} }} WHERE {{ {condition} }}")
    stamp = ox.Literal(new)
    parts.append(
        f"DELETE {{ GRAPH {_nt(system)} {{ {_nt(REVISION)} {_nt(DCT_IDENTIFIER)} ?old }} }} "
        f"INSERT {{ GRAPH {_nt(system)} {{ {_nt(REVISION)} {_nt(DCT_IDENTIFIER)} {_nt(stamp)} . "
        f"{_nt(COMMIT_MARK)} {_nt(DCT_IDENTIFIER)} {_nt(stamp)} }} }} "
        f"WHERE {{ {condition} OPTIONAL {{ GRAPH {_nt(system)} {{ {_nt(REVISION)} {_nt(DCT_IDENTIFIER)} ?old }} }} }}"
    )
    return " ;\n".join(parts)


def bump_text(new: str) -> str:
    """An update that sets the revision to ``new`` whatever it was (appended to unguarded commits)."""
    system = _nt(ox.NamedNode(SYSTEM_GRAPH))
    rev = f"{_nt(REVISION)} {_nt(DCT_IDENTIFIER)}"
    return (
        f"DELETE {{ GRAPH {system} {{ {rev} ?old }} }} WHERE {{ GRAPH {system} {{ {rev} ?old }} }} ;\n"
        f"INSERT DATA {{ GRAPH {system} {{ {rev} {_nt(ox.Literal(new))} }} }}"
    )


def _no_blank_removal(triples: Sequence[ox.Triple]) -> None:
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        raise IntegrationsgraphError(
            "Tripel mit leeren Knoten (blank nodes) lassen sich nur durch Ersetzen des ganzen Graphen entfernen."
        )


class ApplyByCommit:
    """``apply`` for one graph, as a single :class:`Change` handed to the store's own ``commit``."""

    def commit(self, changes: Sequence[Change], *, expect: str | None = None) -> None:
        raise NotImplementedError

    def apply(
        self,
        graph: str,
        *,
        add: Iterable[ox.Triple] = (),
        remove: Iterable[ox.Triple] = (),
        replace: bool = False,
    ) -> None:
        self.commit([Change(graph, list(add), list(remove), replace)])


class EmbeddedStore(ApplyByCommit):
    """pyoxigraph's RocksDB store in a folder on disk (or in memory when ``path`` is None)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # Only this process can open the store (RocksDB's lock), so the revision can live in memory.
        self._revision = 0
        self._commit_lock = threading.Lock()
        if path is None:
            self._store = ox.Store()
        else:
            path.mkdir(parents=True, exist_ok=True)
            try:
                self._store = ox.Store(str(path))
            except OSError as exc:
                if "lock" in str(exc).lower():
                    raise StoreLocked(
                        f"Der Speicher {path} ist von einem anderen Prozess geöffnet "
                        "(läuft `integrationsgraph serve`?). Beenden Sie ihn oder nutzen Sie die HTTP-Schnittstelle."
                    ) from exc
                raise

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store, for bulk operations that the protocol does not cover."""
        return self._store

    def query(
        self,
        sparql: str,
        *,
        bindings: dict[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): v for k, v in (bindings or {}).items()
        }
        try:
            if default_graphs is None:
                return self._store.query(
                    sparql,
                    use_default_graph_as_union=True,
                    named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None,
                    substitutions=subs or None,
                )
            return self._store.query(
                sparql,
                default_graph=[ox.NamedNode(g) for g in default_graphs],
                named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs is not None else None,
                substitutions=subs or None,
            )
        except SyntaxError as exc:
            raise InvalidQuery(str(exc)) from exc

    def graphs(self) -> list[str]:
        """The named graphs, without the store's own bookkeeping (:data:`SYSTEM_GRAPH`), as on a SPARQL server."""
        return sorted(
            g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode) and g.value != SYSTEM_GRAPH
        )

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        result = self._store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            substitutions={ox.Variable("g"): ox.NamedNode(graph)},
        )
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            n = row["n"]
            assert isinstance(n, ox.Literal)
            return int(n.value)
        return 0

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield q.triple

    def outgoing(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        g = ox.NamedNode(graph)
        return [q.triple for n in nodes for q in self._store.quads_for_pattern(n, None, None, g)]

    def incoming(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        g = ox.NamedNode(graph)
        return [q.triple for n in nodes for q in self._store.quads_for_pattern(None, None, n, g)]

    def having(self, graph: str, predicates: Iterable[ox.NamedNode]) -> Pairs:
        g = ox.NamedNode(graph)
        return {
            p.value: [(q.subject, q.object) for q in self._store.quads_for_pattern(None, p, None, g)]
            for p in dict.fromkeys(predicates)
        }

    def revision(self) -> str:
        return str(self._revision)

    def exclusive(self) -> AbstractContextManager[None]:
        return contextlib.nullcontext()  # RocksDB lets only this process open the store

    def commit(self, changes: Sequence[Change], *, expect: str | None = None) -> None:
        with self._commit_lock:
            if expect is not None and expect != str(self._revision):
                raise StoreConflict("Der Speicher wurde inzwischen geändert; nichts wurde geschrieben.")
            self._commit(changes)
            self._revision += 1

    def _commit(self, changes: Sequence[Change]) -> None:
        changes = [c for c in changes if c.add or c.remove or c.replace]
        if not changes:
            return
        # Replacing a graph that holds nothing is adding to it (a first load, a new dataset).
        changes = [Change(c.graph, c.add) if c.replace and c.add and self._empty(c.graph) else c for c in changes]
        if not any(c.replace or c.remove for c in changes):
            # extend() is one transaction, and much faster than an INSERT DATA text.
            self._store.extend(
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(c.graph)) for c in changes for t in c.add
            )
            return
        # One SPARQL update is one transaction: drops, deletes and inserts land together or not at all.
        self._store.update(update_text(changes))

    def bulk_add(self, changes: Sequence[Change]) -> None:
        """Add to empty graphs with pyoxigraph's bulk loader: fast, but not one transaction. On an error the
        graphs are removed again (they were empty); a process that dies meanwhile may leave them partial."""
        if any(c.remove or not self._empty(c.graph) for c in changes):
            raise IntegrationsgraphError("Der Massenimport schreibt nur in leere Graphen.")
        with self._commit_lock:
            try:
                self._store.bulk_extend(
                    ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(c.graph)) for c in changes for t in c.add
                )
                for c in changes:
                    if not c.add:
                        self._store.add_graph(ox.NamedNode(c.graph))
            except BaseException:
                for c in changes:
                    self._store.remove_graph(ox.NamedNode(c.graph))
                raise
            finally:
                self._revision += 1

    def _empty(self, graph: str) -> bool:
        return next(iter(self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))), None) is None

    def drop(self, graph: str) -> bool:
        g = ox.NamedNode(graph)
        if not self._store.contains_named_graph(g):
            return False
        with self._commit_lock:
            self._store.remove_graph(g)
            self._revision += 1
        return True

    def close(self) -> None:
        self._store.flush()
        del self._store


def open_store(path: Path | None) -> EmbeddedStore:
    """Open the embedded store at ``path`` (in memory for ``None``)."""
    return EmbeddedStore(path)
