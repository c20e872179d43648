"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol, indirect graph identification.

``?graph=<IRI>`` names a graph, ``?default`` the default graph (the union of the public graphs, as
for queries: readable, not writable — 405 for writes). GET/HEAD read (404 for a missing or private
graph); PUT replaces (201 for a new graph, 204 for an existing one); POST merges (201 / 204), and POST
without a graph creates a new graph (201 with its ``Location``); DELETE drops (204, 404 when missing).
Writes need the bearer token and go through the one write path: SHACL-checked, all or nothing.
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from integrationsgraph.api.deps import AppContext, authorised, check_request
from integrationsgraph.api.routes.sparql_http import CORS, ProtocolError, media_type, params, read_body
from integrationsgraph.graph.core.config import GRAPH_BASE, ONTOLOGY_GRAPH, SHAPES_GRAPH
from integrationsgraph.graph.core.iris import PREFIXES
from integrationsgraph.graph.rdf.io import parse_bytes, serialize_triples
from integrationsgraph.graph.sparql.service import ALIASES, GRAPH_TYPES, choose, parse_accept, visible_graphs
from integrationsgraph.graph.sparql.worker import RDF_FORMATS
from integrationsgraph.graph.store.embedded import Change
from integrationsgraph.graph.write.preview import guard, normalized

router = APIRouter(tags=["SPARQL"])

READ_ONLY_DEFAULT = "Der Standardgraph ist die Vereinigung der Datensätze und nur lesbar: bitte ?graph=<IRI> angeben."


def target(request: Request) -> str | None:
    """The graph IRI the request names, or None for the default graph."""
    values = params(request.url.query)
    graphs = values.get("graph", [])
    if len(graphs) > 1 or (graphs and "default" in values):
        raise ProtocolError(400, "Bitte genau einen Graphen: ?graph=<IRI> oder ?default.")
    if graphs:
        try:
            ox.NamedNode(graphs[0])
        except ValueError as exc:
            raise ProtocolError(400, f"Ungültige Graph-IRI {graphs[0]!r}.") from exc
        return graphs[0]
    if "default" in values:
        return None
    raise ProtocolError(400, "Bitte ?graph=<IRI> oder ?default angeben.")


def read(request: Request, graph: str | None, head: bool) -> Response:
    ctx: AppContext = request.app.state.ctx
    key = choose(parse_accept(request.headers.get("accept")), GRAPH_TYPES)
    if key is None:
        raise ProtocolError(406, f"Wir liefern {', '.join(GRAPH_TYPES.values())}.")
    visible = visible_graphs(ctx.store, private=authorised(request, ctx.settings))
    if graph is None:
        triples = list(dict.fromkeys(t for g in visible for t in ctx.store.triples(g)))
    elif graph in visible and graph in ctx.store.graphs():
        triples = list(ctx.store.triples(graph))
    else:
        raise ProtocolError(404, f"Kein Graph {graph}.")
    body = serialize_triples(triples, RDF_FORMATS[key], PREFIXES)
    headers = {**CORS, "Vary": "Accept", "Content-Length": str(len(body))}
    return Response(b"" if head else body, media_type=GRAPH_TYPES[key], headers=headers)


async def payload(request: Request, base: str) -> list[ox.Triple]:
    ctx: AppContext = request.app.state.ctx
    kind, _ = media_type(request)
    key = ALIASES.get(kind or "")
    if key not in GRAPH_TYPES:
        raise ProtocolError(415, f"Bitte RDF senden als {', '.join(GRAPH_TYPES.values())} (Content-Type).")
    data = await read_body(request, ctx.settings.max_body_bytes)
    quads = await run_in_threadpool(parse_bytes, data, RDF_FORMATS[key], "Anfrage", base)
    return [q.triple for q in quads]


def writable(graph: str | None) -> str:
    if graph is None:
        raise ProtocolError(405, READ_ONLY_DEFAULT, {"Allow": "GET, HEAD"})
    if graph in (ONTOLOGY_GRAPH, SHAPES_GRAPH):
        raise ProtocolError(403, f"Der Graph {graph} (Ontologie bzw. Regeln) lässt sich hier nicht ändern.")
    return graph


async def write(request: Request, change: Change) -> bool:
    """Commit ``change`` through the write path; True when the graph was new."""
    ctx: AppContext = request.app.state.ctx
    existed = change.graph in await run_in_threadpool(ctx.store.graphs)
    await run_in_threadpool(ctx.writer.write, change)
    return not existed


@router.get("/store", summary="Graph lesen (Graph Store Protocol)")
async def store_get(request: Request) -> Response:
    graph = target(request)
    return await run_in_threadpool(read, request, graph, False)


@router.head("/store", include_in_schema=False)
async def store_head(request: Request) -> Response:
    graph = target(request)
    return await run_in_threadpool(read, request, graph, True)


@router.put("/store", summary="Graph ersetzen (mit Schreib-Token)")
async def store_put(request: Request) -> Response:
    """Replaces the graph. Replacing a dataset's graph with content that removes more than half of its triples is
    refused (409, naming the numbers) unless the request says ``?confirm=replace``."""
    ctx: AppContext = request.app.state.ctx
    graph = writable(target(request))
    check_request(request, [graph])
    triples = await payload(request, graph)
    confirmed = params(request.url.query).get("confirm") == ["replace"]

    def precondition() -> None:  # under the write lock: the numbers are those of the graph being replaced
        if not confirmed:
            guard(set(ctx.store.triples(graph)), normalized(triples), graph, "?confirm=replace")

    existed = graph in await run_in_threadpool(ctx.store.graphs)
    change = Change(graph, add=triples, replace=True)
    await run_in_threadpool(lambda: ctx.writer.write(change, precondition=precondition))
    return Response(status_code=204 if existed else 201)


@router.post("/store", summary="In einen Graphen einfügen oder einen neuen anlegen (mit Schreib-Token)")
async def store_post(request: Request) -> Response:
    values = params(request.url.query)
    new = "graph" not in values and "default" not in values
    graph = f"{GRAPH_BASE}neu/{uuid.uuid4()}" if new else writable(target(request))
    check_request(request, [graph])
    triples = await payload(request, graph)
    created = await write(request, Change(graph, add=triples))
    headers = {"Location": str(request.url_for("store_get").include_query_params(graph=graph))} if new else None
    return Response(status_code=201 if created or new else 204, headers=headers)


@router.delete("/store", summary="Graph löschen (mit Schreib-Token)")
async def store_delete(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    graph = writable(target(request))
    check_request(request, [graph])
    if graph not in await run_in_threadpool(ctx.store.graphs):
        raise ProtocolError(404, f"Kein Graph {graph}.")
    await run_in_threadpool(ctx.writer.write, Change(graph, replace=True))
    await run_in_threadpool(ctx.store.drop, graph)
    return Response(status_code=204)
