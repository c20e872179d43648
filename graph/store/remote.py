"""The store protocol over any SPARQL 1.1 server (SPARQL 1.1 Protocol for queries and updates).

Queries go out as ``POST application/sparql-query``; answers come back as SPARQL-JSON (parsed by
pyoxigraph into the same ``QuerySolutions``/``QueryBoolean`` the embedded store gives) or N-Triples
(read into a ``QueryTriples``). Bindings travel as a trailing ``VALUES`` block whose terms are written
by pyoxigraph (``str(term)``), never as user text. A write is ONE SPARQL update — one transaction on
Oxigraph — built by :func:`graph.store.embedded.update_text`, the same text the embedded store runs.

The default graph is the union of all graphs: Oxigraph's ``union-default-graph`` parameter asks for
it (``store_union_parameter``); servers without it must be set up so (Fuseki: ``unionDefaultGraph``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import httpx
import pyoxigraph as ox

from integrationsgraph.graph.core.config import SYSTEM_GRAPH
from integrationsgraph.graph.core.errors import IntegrationsgraphError, InvalidQuery
from integrationsgraph.graph.store.embedded import (
    COMMIT_MARK,
    DCT_IDENTIFIER,
    REVISION,
    ApplyByCommit,
    Change,
    Pairs,
    QueryResult,
    StoreConflict,
    Term,
    bump_text,
    guarded_update_text,
    update_text,
)
from integrationsgraph.graph.store.graph_store import add_graph, read_graph
from integrationsgraph.graph.store.lease import write_lease

if TYPE_CHECKING:
    from integrationsgraph.graph.core.config import Settings
    from integrationsgraph.graph.store.embedded import Store

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_POSITION = re.compile(r"error at (\d+):(\d+)")
MAX_URL_PARAMS = 2000
"""Beyond this many characters of dataset parameters the query goes as a form (``POST`` URL-encoded body)."""
BATCH = 200
"""Nodes per ``VALUES`` block when asking for the triples around many nodes."""


class RemoteStoreError(IntegrationsgraphError):
    """The SPARQL server is unreachable or answered with an error."""


class RemoteTimeout(RemoteStoreError):
    """The SPARQL server did not answer within the time limit."""


def values_block(bindings: dict[str, Term]) -> str:
    """A ``VALUES`` clause for ``bindings``; every term is serialised by pyoxigraph (N-Triples form)."""
    if not bindings:
        return ""
    names: list[str] = []
    terms: list[str] = []
    for name, term in bindings.items():
        try:
            names.append(str(ox.Variable(name)))
        except ValueError as exc:
            raise InvalidQuery(f"Ungültiger Variablenname {name!r}: {exc}") from exc
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise InvalidQuery(
                f"?{name} lässt sich beim entfernten Speicher nur an eine IRI oder ein Literal binden, "
                "nicht an einen leeren Knoten."
            )
        terms.append(str(term))
    return f"\nVALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}\n"


def _graph(iri: str) -> str:
    try:
        return str(ox.NamedNode(iri))
    except ValueError as exc:
        raise InvalidQuery(f"Ungültige Graph-IRI {iri!r}: {exc}") from exc


def _grouped(params: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in params:
        out.setdefault(k, []).append(v)
    return out


def _triples_of(body: bytes) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(body, ox.RdfFormat.N_TRIPLES)]


class RemoteStore(ApplyByCommit):
    """A SPARQL 1.1 server behind the :class:`graph.store.embedded.Store` protocol."""

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60.0,
        union_parameter: bool = True,
        graph_store_url: str | None = None,
    ) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self.union_parameter = union_parameter
        self.timeout = timeout
        auth: httpx.Auth | None = None
        headers: dict[str, str] = {}
        if user is not None:
            auth = httpx.BasicAuth(user, password or "")
        elif password is not None:
            headers["Authorization"] = f"Bearer {password}"
        self._client = httpx.Client(auth=auth, headers=headers, timeout=timeout)

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        assert settings.store_url is not None
        password = settings.store_password.get_secret_value() if settings.store_password is not None else None
        return cls(
            settings.store_url,
            settings.update_url,
            user=settings.store_user,
            password=password,
            timeout=settings.store_timeout,
            union_parameter=settings.store_union_parameter,
            graph_store_url=settings.graph_store_url,
        )

    # --- HTTP ---------------------------------------------------------------------------------------

    def _raw_query(self, text: str, params: list[tuple[str, str]], timeout: float | None = None) -> tuple[str, bytes]:
        request: dict[str, Any]
        if sum(len(k) + len(v) + 2 for k, v in params) > MAX_URL_PARAMS:
            # Many graphs would make the URL too long for some servers: send query and dataset as a form.
            request = {"data": {"query": text, **_grouped(params)}, "headers": {"Accept": ACCEPT}}
        else:
            request = {
                "params": tuple(params),
                "content": text.encode("utf-8"),
                "headers": {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": ACCEPT},
            }
        try:
            response = self._client.post(self.query_url, timeout=timeout or self.timeout, **request)
        except httpx.TimeoutException as exc:
            raise RemoteTimeout(
                f"Der SPARQL-Server hat nicht innerhalb von {timeout or self.timeout:g} s geantwortet."
            ) from exc
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"Der SPARQL-Server {self.query_url} ist nicht erreichbar: {exc}") from exc
        if response.status_code == 400:
            raise InvalidQuery(response.text.strip() or "Der SPARQL-Server hat die Abfrage abgelehnt.")
        if response.status_code >= 300:
            raise RemoteStoreError(
                f"Der SPARQL-Server antwortete mit {response.status_code}: {response.text.strip()[:500]}"
            )
        return response.headers.get("content-type", "").split(";")[0].strip().lower(), response.content

    def _update(self, text: str) -> None:
        try:
            response = self._client.post(
                self.update_url,
                content=text.encode("utf-8"),
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        except httpx.TimeoutException as exc:
            raise RemoteTimeout(
                f"Der SPARQL-Server hat die Änderung nicht innerhalb von {self.timeout:g} s bestätigt; ob sie "
                "geschrieben wurde, ist unbekannt."
            ) from exc
        except httpx.HTTPError as exc:
            raise RemoteStoreError(f"Der SPARQL-Server {self.update_url} ist nicht erreichbar: {exc}") from exc
        if response.status_code >= 300:
            raise RemoteStoreError(
                f"Der SPARQL-Server lehnte die Änderung ab ({response.status_code}): {response.text.strip()[:500]}"
            )

    def _select(self, text: str) -> ox.QuerySolutions:
        kind, body = self._raw_query(text, [])
        result = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if not isinstance(result, ox.QuerySolutions):
            raise RemoteStoreError(f"Der SPARQL-Server gab keine Tabelle zurück ({kind}).")
        return result

    def _construct(self, text: str) -> list[ox.Triple]:
        kind, body = self._raw_query(text, [])
        if kind != "application/n-triples":
            raise RemoteStoreError(f"Der SPARQL-Server gab keine Tripel zurück ({kind}).")
        return _triples_of(body)

    # --- the Store protocol --------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        bindings: dict[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        text = sparql
        if base_iri is not None:
            text = f"BASE {_graph(base_iri)}\n{text}"
        text += values_block(bindings or {})
        params: list[tuple[str, str]] = []
        if default_graphs is None and named_graphs is None:
            if self.union_parameter:
                params.append(("union-default-graph", ""))
        else:
            # The protocol's dataset has no named graphs unless they are listed; the embedded store's has all.
            every = self.graphs() if default_graphs is None or named_graphs is None else []
            params += [("default-graph-uri", g) for g in (default_graphs if default_graphs is not None else every)]
            params += [("named-graph-uri", g) for g in (named_graphs if named_graphs is not None else every)]
        try:
            kind, body = self._raw_query(text, params, timeout)
        except InvalidQuery as exc:
            if base_iri is None:
                raise
            # The BASE line we put first shifts the server's "error at LINE:COLUMN" by one line.
            message = _POSITION.sub(lambda m: f"error at {int(m.group(1)) - 1}:{m.group(2)}", str(exc), count=1)
            raise InvalidQuery(message) from exc
        if kind == "application/sparql-results+json":
            return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if kind == "application/n-triples":
            scratch = ox.Store()
            scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _triples_of(body))
            result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
            assert isinstance(result, ox.QueryTriples)
            return result
        raise RemoteStoreError(f"Unerwartetes Antwortformat des SPARQL-Servers: {kind or 'keines'}.")

    def graphs(self) -> list[str]:
        """The named graphs, without the store's own bookkeeping (:data:`graph.core.config.SYSTEM_GRAPH`)."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        return sorted(g.value for row in rows if isinstance(g := row["g"], ox.NamedNode) and g.value != SYSTEM_GRAPH)

    def count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or quads in all named graphs (the unnamed default graph is not counted)."""
        if graph is not None:
            where = f"GRAPH {_graph(graph)} {{ ?s ?p ?o }}"
        else:
            where = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {_graph(SYSTEM_GRAPH)})"
        for row in self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"):
            n = row["n"]
            assert isinstance(n, ox.Literal)
            return int(n.value)
        return 0

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        if self.graph_store_url is not None:
            yield from read_graph(self._client, self.graph_store_url, graph)
            return
        yield from self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_graph(graph)} {{ ?s ?p ?o }} }}")

    def bulk_add(self, changes: Sequence[Change]) -> None:
        """Add to empty graphs, one Graph Store ``POST`` per graph (one update per graph without a Graph Store
        URL): not one transaction — on an error the new graphs are dropped again."""
        if any(c.remove or self.count(c.graph) for c in changes):
            raise IntegrationsgraphError("Der Massenimport schreibt nur in leere Graphen.")
        with self.exclusive():
            try:
                for c in changes:
                    if self.graph_store_url is not None and c.add:
                        add_graph(self._client, self.graph_store_url, c.graph, c.add)
                    else:
                        self._update(update_text([Change(c.graph, c.add, replace=not c.add)]))
            except BaseException:
                self._update(" ;\n".join(f"DROP SILENT GRAPH {_graph(c.graph)}" for c in changes))
                raise
            finally:
                self._update(bump_text(uuid.uuid4().hex))

    def _around(self, graph: str, nodes: Iterable[Any], var: str) -> list[ox.Triple]:
        unique = list(dict.fromkeys(nodes))
        out: list[ox.Triple] = []
        for i in range(0, len(unique), BATCH):
            values = " ".join(str(n) for n in unique[i : i + BATCH])
            where = f"GRAPH {_graph(graph)} {{ VALUES ?{var} {{ {values} }} ?s ?p ?o }}"
            out += self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}")
        return out

    def outgoing(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        return self._around(graph, nodes, "s")

    def incoming(self, graph: str, nodes: Iterable[ox.NamedNode]) -> list[ox.Triple]:
        return self._around(graph, nodes, "o")

    def having(self, graph: str, predicates: Iterable[ox.NamedNode]) -> Pairs:
        unique = list(dict.fromkeys(predicates))
        out: Pairs = {p.value: [] for p in unique}
        for t in self._around(graph, unique, "p"):
            out[t.predicate.value].append((t.subject, t.object))
        return out

    def exclusive(self) -> AbstractContextManager[None]:
        """The store-wide write lease (:mod:`graph.store.lease`): one writer at a time across processes."""
        return write_lease(self._update, self._select)

    def revision(self) -> str:
        """The revision in the system graph (``""`` before the first commit through this application)."""
        rows = self._select(
            f"SELECT ?r WHERE {{ GRAPH {_graph(SYSTEM_GRAPH)} {{ {REVISION} {DCT_IDENTIFIER} ?r }} }} "
            "ORDER BY ?r LIMIT 1"
        )
        for row in rows:
            r = row["r"]
            return r.value if isinstance(r, ox.Literal) else ""
        return ""

    def commit(self, changes: Sequence[Change], *, expect: str | None = None) -> None:
        """One update; with ``expect`` it lands only if the revision is still ``expect`` (else StoreConflict).

        Several API processes (``serve --workers N``, or several machines) share the server: each validates
        against the revision it read and commits conditionally, so no write is lost or made twice.
        """
        changes = [c for c in changes if c.add or c.remove or c.replace]
        new = uuid.uuid4().hex
        if expect is None:
            self._update(" ;\n".join(p for p in (update_text(changes), bump_text(new)) if p))
            return
        self._update(guarded_update_text(changes, expect, new))
        mark = f"GRAPH {_graph(SYSTEM_GRAPH)} {{ {COMMIT_MARK} {DCT_IDENTIFIER} {ox.Literal(new)} }}"
        _kind, body = self._raw_query(f"ASK {{ {mark} }}", [])
        landed = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        if not (isinstance(landed, ox.QueryBoolean) and bool(landed)):
            raise StoreConflict("Ein anderer Prozess hat den Speicher inzwischen geändert; nichts wurde geschrieben.")
        created = [f"CREATE SILENT GRAPH {_graph(c.graph)}" for c in changes if c.replace and not c.add]
        self._update(" ;\n".join([f"DELETE DATA {{ {mark} }}", *created]))

    def drop(self, graph: str) -> bool:
        if graph not in self.graphs():
            return False
        self._update(f"DROP SILENT GRAPH {_graph(graph)} ;\n{bump_text(uuid.uuid4().hex)}")
        return True

    def close(self) -> None:
        self._client.close()


def connect(settings: Settings) -> Store:
    """The store the settings name: the SPARQL server at ``store_url`` if set, else the embedded store."""
    if settings.store_url:
        return RemoteStore.from_settings(settings)
    from integrationsgraph.graph.store.embedded import EmbeddedStore

    return EmbeddedStore(settings.store)
