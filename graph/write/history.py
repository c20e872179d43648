"""The history: every committed write, from every door, recorded in the same transaction as the write itself.

An entry (a ``prov:Activity``) says when, which account, through which door, a short summary, and the exact
triples the write added and removed, per graph — what :func:`revert` needs to undo it. Entries live in a
dataset's history graph ``…/graph/{dataset}/verlauf/privat``: a private graph, so neither public queries, nor
dumps, nor the published site show it; an administrator and the dataset's own accounts read it
(:mod:`graph.write.rights`). Writes to graphs outside a dataset go to ``…/graph/verlauf/privat``.

:meth:`graph.write.path.WritePath.transact` calls :func:`entries` with the parts it commits and adds the entry
to the same commit: the change and its record land together or not at all (also when the process is killed).
Who acts and through which door come from :data:`graph.write.rights.ACTOR` and :data:`DOOR`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from integrationsgraph.graph.core.config import GRAPH_BASE, graph_iri
from integrationsgraph.graph.core.errors import IntegrationsgraphError, NotFound
from integrationsgraph.graph.store.embedded import Change, Store
from integrationsgraph.graph.store.privacy import PRIVATE_SUFFIX, private_graph
from integrationsgraph.graph.write.rights import ACTOR, dataset_of, is_history

NS = "https://w3id.org/integrationsgraph/verlauf#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
ACTIVITY = ox.NamedNode(PROV + "Activity")
ENDED = ox.NamedNode(PROV + "endedAtTime")
ASSOCIATED = ox.NamedNode(PROV + "wasAssociatedWith")
COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")
DOOR_P = ox.NamedNode(NS + "zugang")
ACCOUNT = ox.NamedNode(NS + "konto")
ADDED_N = ox.NamedNode(NS + "anzahlHinzugefuegt")
REMOVED_N = ox.NamedNode(NS + "anzahlEntfernt")
CHANGED = ox.NamedNode(NS + "geaendert")  # a node per graph: its graph, added and removed triples as N-Triples
GRAPH_P = ox.NamedNode(NS + "graph")
ADDED = ox.NamedNode(NS + "hinzugefuegt")
REMOVED = ox.NamedNode(NS + "entfernt")
REVERTS = ox.NamedNode(NS + "machtRueckgaengig")
XSD = "http://www.w3.org/2001/XMLSchema#"
HEAD = [ENDED, ACCOUNT, DOOR_P, COMMENT, ADDED_N, REMOVED_N, REVERTS, IDENTIFIER]
"""What a listing shows of an entry (not its triples)."""
NO_ACCOUNT = "ohne Konto (auf dem Rechner des Dienstes)"
"""Who a write without an account was: the command line, or the service loading its data at start-up."""
OTHER = GRAPH_BASE + "verlauf/privat"
"""The history of writes to graphs outside a dataset."""


@dataclass(frozen=True)
class Door:
    """Through which door a write came, and a short summary of it (``POST /api/rheine/felder``)."""

    name: str
    summary: str = ""


DOOR: ContextVar[Door | None] = ContextVar("integrationsgraph_door", default=None)
"""The door of the current write (set by the server per request, by the command line per command)."""


@contextmanager
def through(door: Door) -> Iterator[None]:
    """Run the block's writes as coming through ``door``."""
    token = DOOR.set(door)
    try:
        yield
    finally:
        DOOR.reset(token)


def history_graph(dataset: str | None) -> str:
    """Where a dataset's history is kept (``…/graph/rheine/verlauf/privat``)."""
    return f"{graph_iri(dataset)}/verlauf/privat" if dataset else OTHER


is_history_graph = is_history
"""Whether a graph is a history graph (the one test, :func:`graph.write.rights.is_history`)."""


def base_graph(graph: str) -> str:
    """The graph a change is recorded against: a private companion's dataset graph (undo re-sorts it)."""
    return graph.removesuffix(PRIVATE_SUFFIX)


@dataclass
class Delta:
    """The exact triples a commit adds to and removes from one graph."""

    graph: str
    added: list[ox.Triple] = field(default_factory=list)
    removed: list[ox.Triple] = field(default_factory=list)


def exact(store: Store, part: Change) -> Delta:
    """What ``part`` really changes: added triples that were not there, removed ones that were (read before the
    commit, under the write lock; a whole-graph replacement reads the graph, the others only their subjects)."""
    add = list(dict.fromkeys(part.add))
    if part.replace:
        current = set(store.triples(part.graph))
        wanted = set(add)
        return Delta(part.graph, [t for t in add if t not in current], [t for t in current if t not in wanted])
    subjects = list({t.subject for t in [*add, *part.remove] if isinstance(t.subject, ox.NamedNode)})
    present = set(store.outgoing(part.graph, subjects)) if subjects else set()
    removed = [t for t in dict.fromkeys(part.remove) if t in present]
    gone = set(removed)
    return Delta(part.graph, [t for t in add if t not in present or t in gone], removed)


def ntriples(triples: Sequence[ox.Triple]) -> str:
    """Triples as N-Triples text (how an entry keeps them, and how the API shows them)."""
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    """Sortable by time: ``20261207T234512123456-3f9a1c``."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + secrets.token_hex(3)


def entry_node(dataset: str | None, entry: str) -> ox.NamedNode:
    base = f"https://w3id.org/integrationsgraph/id/{dataset}" if dataset else "https://w3id.org/integrationsgraph/id"
    return ox.NamedNode(f"{base}/aenderung/{entry}")


def entries(store: Store, parts: Sequence[Change], reverts: str | None = None) -> list[Change]:
    """The history entries for a commit of ``parts``, one per dataset touched, as changes to add to it."""
    by_dataset: dict[str | None, list[Delta]] = defaultdict(list)
    merged: dict[str, Delta] = {}
    for part in parts:
        if is_history_graph(part.graph):
            continue
        d = exact(store, part)
        if not d.added and not d.removed:
            continue
        key = base_graph(part.graph)
        if key not in merged:
            merged[key] = Delta(key)
            by_dataset[dataset_of(key)].append(merged[key])
        merged[key].added += d.added
        merged[key].removed += d.removed
    account = ACTOR.get()
    door = DOOR.get() or Door("Kommandozeile" if account is None else "unbekannt")
    out = []
    for dataset, deltas in by_dataset.items():
        entry = new_id()
        node = entry_node(dataset, entry)
        added, removed = sum(len(d.added) for d in deltas), sum(len(d.removed) for d in deltas)
        triples = [
            ox.Triple(node, RDF_TYPE, ACTIVITY),
            ox.Triple(node, IDENTIFIER, ox.Literal(entry)),
            ox.Triple(node, ENDED, ox.Literal(_now(), datatype=ox.NamedNode(XSD + "dateTime"))),
            ox.Triple(node, ACCOUNT, ox.Literal(account.name if account else NO_ACCOUNT)),
            ox.Triple(node, DOOR_P, ox.Literal(door.name)),
            ox.Triple(node, COMMENT, ox.Literal(door.summary or door.name)),
            ox.Triple(node, ADDED_N, ox.Literal(str(added), datatype=ox.NamedNode(XSD + "integer"))),
            ox.Triple(node, REMOVED_N, ox.Literal(str(removed), datatype=ox.NamedNode(XSD + "integer"))),
        ]
        if account is not None:
            triples.append(ox.Triple(node, ASSOCIATED, ox.NamedNode(f"{GRAPH_BASE}system#konto-{account.name}")))
        if reverts:
            triples.append(ox.Triple(node, REVERTS, ox.Literal(reverts)))
        for i, d in enumerate(deltas, 1):
            b = ox.NamedNode(f"{node.value}/graph-{i}")
            triples += [
                ox.Triple(node, CHANGED, b),
                ox.Triple(b, GRAPH_P, ox.NamedNode(d.graph)),
                ox.Triple(b, ADDED, ox.Literal(ntriples(d.added))),
                ox.Triple(b, REMOVED, ox.Literal(ntriples(d.removed))),
            ]
        out.append(Change(history_graph(dataset), add=triples))
    return out


@dataclass(frozen=True)
class Entry:
    """One history entry as listed (newest first)."""

    id: str
    time: str
    account: str
    door: str
    summary: str
    added: int
    removed: int
    reverts: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "account": self.account,
            "door": self.door,
            "summary": self.summary,
            "added": self.added,
            "removed": self.removed,
            "reverts": self.reverts,
        }


def listing(store: Store, dataset: str, *, offset: int = 0, limit: int = 50) -> tuple[int, list[Entry]]:
    """The dataset's entries, newest first: how many there are, and those from ``offset`` on (``limit`` of them).

    Reads one property of every entry (its Kennung, which sorts by time), then the heads of the page's entries
    only — never the recorded triples of the others."""
    graph = history_graph(dataset)
    ids = [
        (o.value, s)
        for s, o in store.having(graph, [IDENTIFIER]).get(IDENTIFIER.value, [])
        if isinstance(o, ox.Literal) and isinstance(s, ox.NamedNode)
    ]
    ids.sort(key=lambda x: x[0], reverse=True)
    page = ids[offset : offset + limit]
    values: dict[object, dict[str, str]] = defaultdict(dict)
    wanted = {p.value for p in HEAD}
    for t in store.outgoing(graph, [node for _, node in page]):
        if t.predicate.value in wanted and isinstance(t.object, ox.Literal):
            values[t.subject][t.predicate.value] = t.object.value
    out = []
    for entry, node in page:
        v = values[node]
        out.append(
            Entry(
                entry,
                v.get(ENDED.value, ""),
                v.get(ACCOUNT.value, ""),
                v.get(DOOR_P.value, ""),
                v.get(COMMENT.value, ""),
                int(v.get(ADDED_N.value, "0")),
                int(v.get(REMOVED_N.value, "0")),
                v.get(REVERTS.value),
            )
        )
    return len(ids), out


def _parse(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)] if text else []


def deltas(store: Store, dataset: str, entry: str) -> list[Delta]:
    """The exact triples of one entry, per graph (raises NotFound)."""
    graph = history_graph(dataset)
    node = entry_node(dataset, entry)
    own = store.outgoing(graph, [node])
    if not own:
        raise NotFound(f"Keine Änderung {entry} im Verlauf von „{dataset}“.")
    blanks = [t.object for t in own if t.predicate == CHANGED and isinstance(t.object, ox.NamedNode)]
    parts: dict[object, dict[str, object]] = defaultdict(dict)
    for t in store.outgoing(graph, blanks):
        parts[t.subject][t.predicate.value] = t.object
    out = []
    for b in sorted(blanks, key=str):
        p = parts[b]
        g, a, r = p.get(GRAPH_P.value), p.get(ADDED.value), p.get(REMOVED.value)
        assert isinstance(g, ox.NamedNode) and isinstance(a, ox.Literal) and isinstance(r, ox.Literal)
        out.append(Delta(g.value, _parse(a.value), _parse(r.value)))
    return out


class RevertConflict(IntegrationsgraphError):
    """A later change touched what the entry changed: the undo is refused, nothing written (409)."""


def inverse(store: Store, dataset: str, entry: str) -> list[Change]:
    """The changes that undo ``entry``, checked against the current state (the graph and its private companion):
    every triple it added must still be there, every one it removed must still be gone; else
    :class:`RevertConflict` naming how many and one example."""
    out = []
    for d in deltas(store, dataset, entry):
        companion = private_graph(d.graph)
        subjects = list({t.subject for t in [*d.added, *d.removed] if isinstance(t.subject, ox.NamedNode)})
        now = set(store.outgoing(d.graph, subjects)) | set(store.outgoing(companion, subjects))
        blank = [t for t in d.added if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
        if blank:
            raise RevertConflict(
                f"Die Änderung {entry} hat {len(blank)} Tripel mit leeren Knoten (blank nodes) angelegt; sie lässt "
                "sich nicht Tripel für Tripel rückgängig machen. Bitte die vorige Fassung wieder einspielen."
            )
        missing = [t for t in d.added if t not in now]
        back = [t for t in d.removed if t in now]
        if missing or back:
            example = (missing or back)[0]
            raise RevertConflict(
                f"Die Änderung {entry} lässt sich nicht rückgängig machen: eine spätere Änderung hat "
                f"{len(missing) + len(back)} der betroffenen Angaben geändert (z. B. {example}). Nichts wurde "
                "geschrieben."
            )
        out.append(Change(d.graph, add=d.removed, remove=d.added))
    return out


def prune(store: Store, dataset: str, before: str) -> int:
    """Remove the entries that ended before ``before`` (an ISO date, ``2026-01-01``); returns how many."""
    graph = history_graph(dataset)
    old = {
        s
        for s, o in store.having(graph, [ENDED]).get(ENDED.value, [])
        if isinstance(o, ox.Literal) and o.value < before
    }
    if not old:
        return 0
    parts = {
        t.object
        for t in store.outgoing(graph, [n for n in old if isinstance(n, ox.NamedNode)])
        if t.predicate == CHANGED
    }
    gone = old | parts
    nodes = [n for n in gone if isinstance(n, ox.NamedNode)]
    store.apply(graph, remove=store.outgoing(graph, nodes))
    return len(old)


def keep(store: Store, datasets: Iterable[str], days: int | None) -> int:
    """Apply the retention setting (``Settings.history_keep_days``) to ``datasets``; how many entries went."""
    if days is None:
        return 0
    cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat()
    return sum(prune(store, d, cutoff) for d in datasets)
