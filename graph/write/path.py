"""The one write path: parse → validate what the change touches → commit in one transaction, or reject whole.

Every door (files, REST, SPARQL Update, Graph Store Protocol, spreadsheets) ends here. A change to
one named graph is validated on the nodes it touches and the nodes those reach (three steps out, one
step in), so a write costs O(change), not O(graph). A change that replaces a whole graph is
validated whole. A rejected change raises :class:`ValidationFailed` and writes nothing. Before the shapes,
:meth:`WritePath.check` applies the privacy rule: personal data may not end up in a graph that has no private
companion (:func:`graph.store.privacy.refuse_personal_data`), whatever the door and whether or not the shapes run.

Several processes may write to one SPARQL server (``serve --workers N``). Each write holds the store's
write lease (:mod:`graph.store.lease`) while it reads, builds and validates the change and commits it, so
nothing is lost, written twice, or validated against a state that no longer holds. The commit is also
guarded by the store's revision (for writers that do not take the lease); a lost race starts over.

Before anything is validated, the acting account's rights are checked on every graph the change touches
(:mod:`graph.write.rights`): an editor of one dataset cannot write another's, whatever the door.
Every commit carries its history entry (:mod:`graph.write.history`): who, through which door, the exact triples.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

import pyoxigraph as ox
import rdflib

from integrationsgraph.graph.core.errors import ValidationFailed, WriteBusy
from integrationsgraph.graph.core.report import Report
from integrationsgraph.graph.rdf.io import rdflib_graph, to_rdflib
from integrationsgraph.graph.shacl.engine import SparqlValidator, sparql_validator
from integrationsgraph.graph.shacl.validate import Shapes, validate
from integrationsgraph.graph.store.embedded import Change, Store, StoreConflict
from integrationsgraph.graph.store.privacy import Privacy, WithCompanions, refuse_personal_data, split_change
from integrationsgraph.graph.write import history
from integrationsgraph.graph.write.rights import authorize

SKOS_NOTATION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CONTEXT_DEPTH = 3
"""How many steps out from a touched node the validation context reaches (Maßnahme → Handlungsziel
→ Leitziel → Handlungsfeld)."""
MAX_ATTEMPTS = 40
"""How often a write starts over when other processes keep committing first."""
Deriver = Callable[[Store, Sequence[str]], None]
"""Keeps a derived graph current (the progress assessments, say): called with the graphs a write changed, right
after its commit, still under the write lock and the store's lease. Registered by whoever builds the WritePath
(a higher layer); a failing deriver is logged and never undoes the write. A deriver may have a method
``wants(change) -> bool``: then only the graphs of the changes it wants are handed to it (a write that cannot
touch what it derives costs nothing)."""
_log = logging.getLogger(__name__)


class WritePath:
    """Serialises writes in this process and validates each before it commits."""

    def __init__(
        self,
        store: Store,
        shapes: Shapes,
        privacy: Privacy | None = None,
        derivers: Sequence[Deriver] = (),
        *,
        require_actor: bool = False,
        record_history: bool = True,
    ) -> None:
        self.store = store
        self.require_actor = require_actor
        """Refuse writes that no account acts for (:mod:`graph.write.rights`): the server sets it after start-up."""
        self.record_history = record_history
        """Record every commit in the history (:mod:`graph.write.history`); off only to measure what it costs."""
        self.shapes = shapes
        self.privacy = privacy or Privacy.default()
        self.derivers = list(derivers)
        self._read = WithCompanions(store)  # validation sees a dataset together with its private triples
        self._lock = threading.RLock()
        self._fast: SparqlValidator | Literal[False] | None = None  # compiled on the first whole-graph check

    @property
    def lock(self) -> threading.RLock:
        """The write lock (re-entrant): hold it to read a state and write against it with nothing in between."""
        return self._lock

    def write(
        self,
        change: Change,
        *,
        validate_change: bool = True,
        precondition: Callable[[], None] | None = None,
    ) -> Report:
        """Validate and commit ``change``; raise :class:`ValidationFailed` (nothing written) on Violations.

        ``precondition`` runs under the write lock before anything else and may raise to refuse the
        write (an ETag that no longer matches, say), so check and commit see the same state; it runs
        again whenever the write starts over because another process committed first.
        """

        def build() -> list[Change]:
            if precondition is not None:
                precondition()
            return [change]

        return self.transact(build, validate_change=validate_change)

    def write_all(self, changes: list[Change], *, reverts: str | None = None) -> Report:
        """Validate changes to several graphs and commit them in ONE transaction, or none of them (``reverts``: the
        history entry this undoes)."""
        return self.transact(lambda: changes, reverts=reverts)

    def transact(
        self,
        build: Callable[[], list[Change]],
        *,
        validate_change: bool = True,
        dry_run: bool = False,
        reverts: str | None = None,
    ) -> Report:
        """Read the revision, ``build()`` the changes from the current state, validate, commit if still current.

        ``build`` reads whatever it needs (it may raise to refuse); when another process commits in
        between, everything runs again on the new state. Raises :class:`WriteBusy` after
        :data:`MAX_ATTEMPTS` lost races, :class:`ValidationFailed` on Violations; either way nothing is written.
        With ``dry_run`` everything up to the commit runs (the privacy rule, the shapes) and nothing is written:
        a preview answers exactly what the write would.
        """
        self.shapes.require()  # fail closed: no write without shapes (graph.shacl.validate.ShapesMissing)
        for attempt in range(MAX_ATTEMPTS):
            # The lease keeps other processes' writers out from the read to the commit (a SPARQL server does not
            # serialise concurrent updates); the revision check catches anyone who writes without it.
            with self._lock, self.store.exclusive():
                expect = self.store.revision()
                changes = build()
                self.authorize(c.graph for c in changes)
                # The privacy rule holds for the whole transaction, validated or not (what check does first).
                refuse_personal_data(self.store, changes, self.privacy)
                reports = [self._validate(c) for c in changes] if validate_change else []
                report = Report(
                    conforms=all(r.conforms for r in reports), results=[res for r in reports for res in r.results]
                )
                if not report.conforms:
                    raise ValidationFailed(report)
                if dry_run:
                    return report
                # Private triples go to the dataset's companion graph, in the same transaction.
                parts = [part for c in changes for part in split_change(self.store, c, self.privacy)]
                # The history entry (who, which door, the exact triples) commits with the change, or neither does.
                if self.record_history:
                    parts += history.entries(self.store, parts, reverts=reverts)
                try:
                    self.store.commit(parts, expect=expect)
                except StoreConflict:
                    pass
                else:
                    self._derive([c.graph for c in changes], changes)
                    return report
            time.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # let the other writer finish
        raise WriteBusy()  # after MAX_ATTEMPTS lost races

    def authorize(self, graphs: Iterable[str]) -> None:
        """Raise unless the acting account may write every one of ``graphs`` (:func:`graph.write.rights.authorize`):
        what :meth:`transact` does with every change, and what a door calls for graphs it creates or drops."""
        authorize(graphs, require_actor=self.require_actor)

    def derive(self, graphs: Iterable[str]) -> None:
        """Run the derivers for ``graphs`` changed outside :meth:`transact` (a bulk load), under lock and lease."""
        changed = list(graphs)
        if not changed or not self.derivers:
            return
        with self._lock, self.store.exclusive():
            self._derive(changed)

    def _derive(self, graphs: Sequence[str], changes: Sequence[Change] | None = None) -> None:
        for deriver in self.derivers:
            wants: Callable[[Change], bool] | None = getattr(deriver, "wants", None)
            if changes is not None and wants is not None:
                changed = sorted({c.graph for c in changes if wants(c)})
            else:
                changed = sorted(set(graphs))
            if not changed:
                continue
            try:
                deriver(self.store, changed)
            except Exception:  # the write has landed; a derived graph must not make it look failed
                _log.exception("Abgeleiteter Graph nicht aktualisiert (%s) nach Änderung von %s", deriver, changed)

    def check(self, change: Change, *, among: Sequence[Change] = ()) -> Report:
        """The report the change would get, without writing anything.

        Raises :class:`graph.store.privacy.PersonalDataRefused` when the change — together with ``among``, the other
        changes of the same transaction (a TriG file's other graphs, say) — would leave personal data in a
        graph that has no private companion.
        """
        refuse_personal_data(self.store, [change, *(c for c in among if c is not change)], self.privacy)
        return self._validate(change)

    def _validate(self, change: Change) -> Report:
        if change.replace:
            return self._check_whole(change)
        data, focus = self._context(change)
        return validate(data, self.shapes, focus_nodes=focus)

    def _check_whole(self, change: Change) -> Report:
        """A whole graph: with the shapes compiled to SPARQL on a scratch store (the same report as pyshacl, many
        times faster; :mod:`graph.shacl.engine`), or pyshacl when the compiler does not know a shape."""
        if self._fast is None:
            self._fast = sparql_validator(self.shapes) or False
        if self._fast is False:
            return validate(rdflib_graph(change.add), self.shapes)
        scratch = ox.Store()
        g = ox.NamedNode(change.graph)
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object, g) for t in change.add)
        return self._fast.validate(scratch, [change.graph])

    def _context(self, change: Change) -> tuple[rdflib.Graph, list[rdflib.term.Node]]:
        g = change.graph
        added = _Index(change.add)
        removed = {(t.subject, t.predicate, t.object) for t in change.remove}

        subjects = {t.subject for t in (*change.add, *change.remove) if isinstance(t.subject, ox.NamedNode)}
        objects = {
            t.object
            for t in (*change.add, *change.remove)
            if isinstance(t.object, ox.NamedNode) and t.predicate != RDF_TYPE
        } - subjects
        # An object is touched only if it is an instance in this graph, not a code-list value such as
        # kio:laufend, which would drag every Maßnahme with that status into the validation.
        typed = {
            t.subject
            for t in self._read.outgoing(g, objects)
            if t.predicate == RDF_TYPE and isinstance(t.subject, ox.NamedNode)
        }
        typed |= {n for n in objects if any(t.predicate == RDF_TYPE for t in added.by_subject.get(n, []))}
        touched: set[ox.NamedNode] = subjects | typed
        # Whoever points at a changed node is affected too (a Handlungsziel whose Leitziel goes away).
        changed = {t.subject for t in change.remove if isinstance(t.subject, ox.NamedNode)}
        pointing = {t.subject for t in self._read.incoming(g, changed) if isinstance(t.subject, ox.NamedNode)}
        focus = touched | pointing

        triples: set[tuple[object, object, object]] = set()
        frontier: set[ox.NamedNode] = set(focus)
        seen: set[ox.NamedNode] = set()
        for _ in range(CONTEXT_DEPTH + 1):
            frontier -= seen
            if not frontier:
                break
            seen |= frontier
            found = [
                *self._read.outgoing(g, frontier),
                *(t for n in frontier for t in added.by_subject.get(n, [])),
            ]
            nxt: set[ox.NamedNode] = set()
            for t in found:
                triples.add((t.subject, t.predicate, t.object))
                if isinstance(t.object, ox.NamedNode) and t.predicate != RDF_TYPE:
                    nxt.add(t.object)
            frontier = nxt
        # Incoming links of the focus (values of an indicator, Handlungsziele of a Leitziel) and their types.
        for t in self._read.incoming(g, focus):
            triples.add((t.subject, t.predicate, t.object))
        # Others with the same code, so "unique notation" sees them.
        notations = [t[2] for t in triples if t[1] == SKOS_NOTATION]
        same_code = [t for t in self._read.incoming(g, notations) if t.predicate == SKOS_NOTATION]  # type: ignore[arg-type]
        others = {t.subject for t in same_code if isinstance(t.subject, ox.NamedNode)} | {
            t[0] for t in triples if isinstance(t[0], ox.NamedNode) and t[0] not in seen
        }
        for t in [*same_code, *self._read.outgoing(g, others)]:
            triples.add((t.subject, t.predicate, t.object))

        data = rdflib.Graph()
        for s, p, o in triples:
            if (s, p, o) not in removed:
                data.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))  # type: ignore[arg-type]
        rdflib_graph(change.add, into=data)
        return data, [to_rdflib(n) for n in sorted(focus, key=str)]


class _Index:
    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by_subject: dict[object, list[ox.Triple]] = {}
        self.by_object: dict[object, list[ox.Triple]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)
            self.by_object.setdefault(t.object, []).append(t)
