"""The SPARQL endpoint's query side: dataset, result format, limits, and the run itself.

A query is read by :mod:`graph.sparql.text` (form, FROM clauses, SERVICE/LOAD), its dataset is fixed
here (protocol parameters over FROM over the public default dataset), the result format is chosen by
``Accept`` or ``format``, and pyoxigraph runs it in a worker process that is killed at the deadline
(:mod:`graph.sparql.pool`). pyoxigraph writes every result byte; rows past the limit are cut, and the
answer says so.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

import pyoxigraph as ox

from integrationsgraph.graph.core.errors import IntegrationsgraphError, InvalidQuery
from integrationsgraph.graph.sparql.guard import check
from integrationsgraph.graph.sparql.pool import QueryBusy, QueryPool, Sandbox, SandboxUnavailable, UpdateRunner
from integrationsgraph.graph.sparql.text import QueryInfo, analyse_query, syntax_position
from integrationsgraph.graph.sparql.worker import execute, term_to_json
from integrationsgraph.graph.store.embedded import EmbeddedStore, Store, Term
from integrationsgraph.graph.store.privacy import is_private_graph, public_graphs
from integrationsgraph.graph.write.rights import dataset_of


class NotAcceptable(IntegrationsgraphError):
    """None of the formats the client accepts fits the query's result."""


RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
ALIASES = {
    "application/json": "json",
    "application/sparql-results+json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "turtle": "ttl",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
}
"""``format=`` values and media types, each to a key of :data:`RESULT_TYPES` or :data:`GRAPH_TYPES`."""
LINK_NOTE = "Ergebnis gekürzt / result truncated"


def visible_graphs(
    store: Store, *, private: bool | AbstractSet[str] = False, graphs: list[str] | None = None
) -> list[str]:
    """The graphs a query may read: the public ones (``graph.store.privacy.public_graphs``), all with ``private``
    True, and with a set of dataset names the private companions of those datasets too (an editor's or reader's
    account); of ``graphs`` when the caller has listed them already."""
    every = store.graphs() if graphs is None else graphs
    if private is True:
        return every
    public = public_graphs(store, every)
    if not private:
        return public
    seen = set(public) | {g for g in every if is_private_graph(g) and dataset_of(g) in private}
    return [g for g in every if g in seen]


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, as sent (``*/*`` for a missing header)."""
    out: list[tuple[str, float]] = []
    for part in (header or "*/*").split(","):
        items = [p.strip() for p in part.split(";")]
        if not items[0]:
            continue
        q = 1.0
        for param in items[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        out.append((items[0].lower(), q))
    return out


def quality(ranges: list[tuple[str, float]], media_type: str) -> float:
    """The q-value the most specific matching range gives ``media_type`` (0 when none matches)."""
    main = media_type.split("/")[0]
    best, specificity = 0.0, -1
    for rng, q in ranges:
        level = 2 if rng == media_type else 1 if rng == f"{main}/*" else 0 if rng == "*/*" else -1
        if level > specificity:
            best, specificity = q, level
    return best if specificity >= 0 else 0.0


def choose(ranges: list[tuple[str, float]], offered: dict[str, str]) -> str | None:
    """The offered key the client likes best (ties go to the server's order); None if nothing is acceptable."""
    scored = [(quality(ranges, media), -i, key) for i, (key, media) in enumerate(offered.items())]
    q, _, key = max(scored)
    return key if q > 0 else None


def negotiate(form: str | None, accept: str | None, fmt: str | None) -> tuple[str, str]:
    """(results format, graph format) for a query of ``form``; ``format=`` wins over ``Accept``."""
    if fmt:
        key = ALIASES.get(fmt.lower().split(";")[0].strip(), fmt.lower())
        if key in RESULT_TYPES:
            return key, "ttl"
        if key in GRAPH_TYPES:
            return "json", key
        raise NotAcceptable(f"Unbekanntes Format {fmt!r} (bekannt: {', '.join([*RESULT_TYPES, *GRAPH_TYPES])}).")
    ranges = parse_accept(accept)
    results = choose(ranges, RESULT_TYPES)
    graphs = choose(ranges, GRAPH_TYPES)
    if form in ("CONSTRUCT", "DESCRIBE") and graphs is None:
        raise NotAcceptable(f"Für {form} liefern wir {', '.join(GRAPH_TYPES.values())}.")
    if form in ("SELECT", "ASK") and results is None:
        raise NotAcceptable(f"Für {form} liefern wir {', '.join(RESULT_TYPES.values())}.")
    return results or "json", graphs or "ttl"


@dataclass
class Dataset:
    """What the query reads: ``default`` None means the union of all graphs (pyoxigraph's fast path)."""

    default: list[str] | None
    named: list[str] | None


def dataset(
    info: QueryInfo,
    default_uris: Sequence[str],
    named_uris: Sequence[str],
    visible: list[str],
    all_graphs: list[str],
    *,
    union_safe: bool = False,
) -> Dataset:
    """Protocol parameters override FROM / FROM NAMED, which override the default dataset (the visible graphs).

    Whatever is named is cut down to the visible graphs, so a private graph reads as an empty one. The store's
    union of all graphs stands for "every visible graph" only where it is ``union_safe``: a snapshot, which holds
    no system graph (the revision, the lease, the accounts' token hashes; :mod:`graph.sparql.pool`); the live
    store's and a SPARQL server's union hold it, so there the visible graphs are listed.
    """
    allowed = set(visible)
    for iri in [*default_uris, *named_uris]:
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise InvalidQuery(f"Ungültige Graph-IRI {iri!r}: {exc}") from exc
    if default_uris or named_uris:
        return Dataset([g for g in default_uris if g in allowed], [g for g in named_uris if g in allowed])
    if info.has_dataset:
        return Dataset([g for g in info.from_graphs if g in allowed], [g for g in info.from_named if g in allowed])
    if union_safe and set(visible) == set(all_graphs):
        return Dataset(None, None)
    return Dataset(list(visible), list(visible))


@dataclass
class Answer:
    """A serialised query result."""

    body: bytes
    media_type: str
    kind: str
    rows: int
    truncated: bool
    headers: dict[str, str] = field(default_factory=dict)


def mark_truncated(body: bytes, fmt: str, limit: int, link: str) -> bytes:
    """Say in the result itself that rows were cut: ``head.link`` (JSON), ``<link>`` (XML), a comment (Turtle)."""
    if fmt == "json":
        return re.sub(rb'^\{"head":\{', b'{"head":{"link":["' + link.encode() + b'"],', body, count=1)
    if fmt == "xml":
        return body.replace(b"</head>", b'<link href="' + link.encode() + b'"/></head>', 1)
    if fmt in ("ttl", "nt"):
        note = f"# {LINK_NOTE}: nur die ersten {limit} Tripel / only the first {limit} triples ({link})\n"
        return note.encode() + body
    return body


class QueryOptions(TypedDict, total=False):
    """The keyword options of :meth:`QueryService.run_in_slot`."""

    accept: str | None
    fmt: str | None
    default_uris: Sequence[str]
    named_uris: Sequence[str]
    bindings: dict[str, Term] | None
    base_iri: str | None
    private: bool | AbstractSet[str]
    link: str


class QueryService:
    """Runs queries for the endpoint: in worker processes for an on-disk store, in-process otherwise; and works
    out updates in a worker of their own (:class:`~graph.sparql.pool.UpdateRunner`).

    Every text is checked by :mod:`graph.sparql.guard` first (SERVICE, LOAD, nesting); at most ``queue`` queries
    run or wait at once, more get :class:`QueryBusy` at once (so that waiting requests cannot pile up).
    """

    def __init__(
        self,
        store: Store,
        *,
        timeout: float,
        limit: int,
        workers: int,
        write_lock: Any = None,
        sandbox: Sandbox | None = None,
        max_depth: int = 100,
        queue: int = 32,
        updates: bool = False,
    ) -> None:
        self.store = store
        self.timeout = timeout
        self.limit = limit
        self.max_depth = max_depth
        self.queue = queue
        self._pending = 0
        self._pending_lock = threading.Lock()
        self.pool: QueryPool | None = None
        self.updates: UpdateRunner | None = None
        sandbox = sandbox or Sandbox()
        on_disk = isinstance(store, EmbeddedStore) and store.path is not None
        if on_disk and workers == 0 and sandbox.network != "off":
            raise SandboxUnavailable(
                "INTEGRATIONSGRAPH_QUERY_WORKERS=0 ließe Abfragen im Server selbst laufen, ohne Netzsperre: dafür "
                "bitte bewusst INTEGRATIONSGRAPH_SANDBOX=off setzen, oder mindestens einen Abfrage-Prozess."
            )
        try:
            if isinstance(store, EmbeddedStore) and store.path is not None and workers > 0:
                self.pool = QueryPool(store.native, Path(store.path), workers, write_lock, sandbox)
            if updates:
                self.updates = UpdateRunner(sandbox, self.pool.snapshots if self.pool is not None else None)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        if self.updates is not None:
            self.updates.close()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """One of the ``queue`` places, or :class:`QueryBusy` at once."""
        with self._pending_lock:
            if self._pending >= self.queue:
                raise QueryBusy(
                    f"Gerade laufen oder warten schon {self.queue} Abfragen (INTEGRATIONSGRAPH_QUERY_QUEUE); bitte "
                    "gleich noch einmal senden."
                )
            self._pending += 1
        try:
            yield
        finally:
            with self._pending_lock:
                self._pending -= 1

    def run(self, query: str, **options: Unpack[QueryOptions]) -> Answer:
        """Check, run and serialise one query (raises InvalidQuery, Forbidden, NotAcceptable, QueryTimeout,
        QueryBusy); the options are those of :meth:`run_in_slot`."""
        with self.slot():
            return self.run_in_slot(query, **options)

    def run_in_slot(
        self,
        query: str,
        *,
        accept: str | None = None,
        fmt: str | None = None,
        default_uris: Sequence[str] = (),
        named_uris: Sequence[str] = (),
        bindings: dict[str, Term] | None = None,
        base_iri: str | None = None,
        private: bool | AbstractSet[str] = False,
        link: str = "",
    ) -> Answer:
        """:meth:`run` for a caller that holds a :meth:`slot` already (the endpoint takes it before a thread)."""
        info = analyse_query(query)
        if info.update_keyword:
            raise InvalidQuery(
                f"Das ist eine Änderung ({info.update_keyword} …), keine Abfrage: bitte per POST als "
                "application/sparql-update oder im Formularfeld update= senden."
            )
        check(query, max_depth=self.max_depth)
        results_fmt, graph_fmt = negotiate(info.form, accept, fmt)
        every = self.store.graphs()  # once: on a SPARQL server each listing is a request
        visible = visible_graphs(self.store, private=private, graphs=every)
        ds = dataset(info, default_uris, named_uris, visible, every, union_safe=self.pool is not None)
        public_snapshot = self.pool is not None and not private
        if public_snapshot and not (default_uris or named_uris or info.has_dataset):
            # The public snapshot holds no private graph: its union of all graphs is the visible dataset.
            ds = Dataset(None, None)
        job = {
            "query": query,
            "default_graphs": ds.default,
            "named_graphs": ds.named,
            "bindings": {k: term_to_json(v) for k, v in (bindings or {}).items() if not isinstance(v, ox.Triple)},
            "base_iri": base_iri,
            "results_format": results_fmt,
            "rdf_format": graph_fmt,
            "limit": self.limit,
            "public": public_snapshot,
        }
        if self.pool is not None:
            header, body = self.pool.run(job, self.timeout)
        elif not isinstance(self.store, EmbeddedStore):  # a remote SPARQL server: its own run, an HTTP time limit
            from integrationsgraph.graph.sparql.remote import execute_remote
            from integrationsgraph.graph.store.remote import RemoteStore

            assert isinstance(self.store, RemoteStore)
            header, body = execute_remote(self.store, job, self.timeout)
        else:
            header, body = execute(self.store.native, job)
        if not header.get("ok"):
            message = str(header.get("message", ""))
            if header.get("error") == "syntax":
                line, column, reason = syntax_position(message)
                where = f" in Zeile {line}, Spalte {column}" if line else ""
                raise InvalidQuery(f"Syntaxfehler{where}: {reason}")
            raise InvalidQuery(f"Die Abfrage ließ sich nicht ausführen: {message}")
        fmt_key = str(header["format"])
        media = RESULT_TYPES.get(fmt_key) or GRAPH_TYPES[fmt_key]
        truncated = bool(header.get("truncated"))
        headers = {"X-Integrationsgraph-Rows": str(header.get("rows", 0))}
        if truncated:
            body = mark_truncated(body, fmt_key, self.limit, link)
            headers["X-Integrationsgraph-Truncated"] = "true"
            headers["X-Integrationsgraph-Limit"] = str(self.limit)
        return Answer(body, media, str(header["kind"]), int(header.get("rows", 0)), truncated, headers)
