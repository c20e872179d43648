"""``/sparql``: the SPARQL 1.1 Protocol (query and update), the service description, the YASGUI page,
and the example queries at ``/api/queries``.

The protocol's rules, each pinned by a test in ``tests/api/test_sparql_protocol.py``: query by GET
(``query=``), by POST form (``application/x-www-form-urlencoded``) or POST direct
(``application/sparql-query``); update by POST form (``update=``) or direct (``application/sparql-update``)
with the bearer token; one ``query``/``update`` per request; UTF-8 only; ``default-graph-uri`` /
``named-graph-uri`` and ``using-graph-uri`` / ``using-named-graph-uri`` repeatable. CORS is allowed
for queries only (no ``Authorization`` header from other origins, no CORS headers on updates).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from integrationsgraph import __version__
from integrationsgraph.api.deps import AppContext, authorised, check_request
from integrationsgraph.api.errors import error_response, exception_response, status_of
from integrationsgraph.api.routes import graph_store
from integrationsgraph.api.routes.sparql_http import (
    CORS,
    ProtocolError,
    ProtocolRequest,
    one,
    params,
    read_get,
    read_post,
)
from integrationsgraph.graph.core.config import TEMPLATES
from integrationsgraph.graph.core.errors import Forbidden, IntegrationsgraphError, InvalidQuery, NotFound
from integrationsgraph.graph.sparql.description import description
from integrationsgraph.graph.sparql.examples import example, examples
from integrationsgraph.graph.sparql.pool import QueryBusy, QueryTimeout, Sandbox, WorkerFailed
from integrationsgraph.graph.sparql.service import GRAPH_TYPES, NotAcceptable, QueryService, choose, parse_accept
from integrationsgraph.graph.sparql.update import UpdateTimeout, apply_update

PAGES = Jinja2Templates(directory=TEMPLATES)
STATIC = Path(__file__).resolve().parents[1] / "static" / "yasgui"
STATIC_FILES = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css", "LICENSE": "text/plain"}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the query workers after the store is open; stop them before it closes."""
    ctx: AppContext = app.state.ctx
    s = ctx.settings
    service = await run_in_threadpool(
        lambda: QueryService(
            ctx.store,
            timeout=s.query_timeout,
            limit=s.result_limit,
            workers=s.query_workers,
            write_lock=ctx.writer.lock,
            sandbox=Sandbox(s.sandbox, s.worker_memory_mb),
            max_depth=s.query_max_depth,
            queue=s.query_queue,
            updates=True,
        )
    )
    app.state.sparql = service
    try:
        yield
    finally:
        await run_in_threadpool(service.close)


router = APIRouter(tags=["SPARQL"], lifespan=lifespan)
router.include_router(graph_store.router)


HANDLED: tuple[type[Exception], ...] = (
    ProtocolError,
    InvalidQuery,
    Forbidden,
    NotFound,
    NotAcceptable,
    QueryTimeout,
    UpdateTimeout,
    QueryBusy,
    WorkerFailed,
)
"""What this router answers itself, with its headers; everything else (ValidationFailed: 422 with the report)
goes to the app's handler. Either way the status comes from the one table, ``api/errors.py``."""


def failure(exc: Exception, timeout: float) -> JSONResponse:
    """The one error shape with this endpoint's header rules: CORS on every answer but a server fault (500),
    ``Retry-After`` on 503."""
    if isinstance(exc, ProtocolError):
        return error_response(exc.status_code, str(exc.detail), headers=dict(exc.headers or {}))
    assert isinstance(exc, IntegrationsgraphError)
    status = status_of(exc)
    headers = dict(CORS) if status != 500 else {}
    if status == 503:
        headers["Retry-After"] = "1"
    message = None
    if isinstance(exc, QueryTimeout):
        message = (
            f"Die Abfrage wurde nach {timeout:g} Sekunden abgebrochen (Zeitlimit). Bitte enger fassen, "
            "z. B. mit LIMIT, weniger Variablen oder MINUS statt FILTER NOT EXISTS."
        )
    return exception_response(exc, error=message, headers=headers or None)


def endpoint(request: Request) -> str:
    """This endpoint's URL (what ``request.url_for("sparql_get")`` gives, without its walk over every route:
    a quarter of a small query's time on the server)."""
    return str(request.base_url) + "sparql"


async def run_query(request: Request, query: str, values: dict[str, list[str]], **extra: Any) -> Response:
    ctx: AppContext = request.app.state.ctx
    service: QueryService = request.app.state.sparql
    with service.slot():  # a full queue answers 503 at once, before a thread is taken
        answer = await run_in_threadpool(
            service.run_in_slot,
            query,
            accept=request.headers.get("accept"),
            fmt=one(values, "format"),
            default_uris=values.get("default-graph-uri", []),
            named_uris=values.get("named-graph-uri", []),
            base_iri=endpoint(request),
            private=authorised(request, ctx.settings),
            link=endpoint(request) + "#grenzen",
            **extra,
        )
    media = answer.media_type + ("; charset=utf-8" if answer.media_type.startswith("text/") else "")
    return Response(answer.body, media_type=media, headers={**answer.headers, **CORS, "Vary": "Accept"})


async def run_update(request: Request, text: str, values: dict[str, list[str]]) -> Response:
    ctx: AppContext = request.app.state.ctx
    check_request(request)
    service: QueryService = request.app.state.sparql
    s = ctx.settings
    result = await run_in_threadpool(
        apply_update,
        ctx.writer,
        text,
        using=values.get("using-graph-uri", []),
        using_named=values.get("using-named-graph-uri", []),
        base_iri=str(request.url_for("sparql_get")),
        runner=service.updates,
        timeout=s.update_timeout or s.query_timeout,
        max_depth=s.query_max_depth,
    )
    return JSONResponse(result.to_dict())


async def act(request: Request, req: ProtocolRequest) -> Response:
    """Do what the request asks: run the query, apply the update, or describe the endpoint (the YASGUI page
    for browsers, the service description for RDF clients)."""
    if req.operation == "query":
        return await run_query(request, req.text, req.values)
    if req.operation == "update":
        return await run_update(request, req.text, req.values)
    key = choose(parse_accept(request.headers.get("accept")), {"html": "text/html", **GRAPH_TYPES})
    if key == "html" or key is None:
        return page(request)
    ctx: AppContext = request.app.state.ctx
    body = await run_in_threadpool(description, ctx.store, str(request.url_for("sparql_get")), key, ctx.settings)
    return Response(body, media_type=GRAPH_TYPES[key], headers={**CORS, "Vary": "Accept"})


@router.get("/sparql", name="sparql_get", summary="SPARQL-Abfrage (GET), Dienstbeschreibung oder Abfrage-Oberfläche")
async def sparql_get(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    try:
        return await act(request, read_get(request))
    except HANDLED as exc:
        return failure(exc, ctx.settings.query_timeout)


@router.post("/sparql", summary="SPARQL-Abfrage oder -Änderung (POST)")
async def sparql_post(request: Request) -> Response:
    ctx: AppContext = request.app.state.ctx
    try:
        return await act(request, await read_post(request, ctx.settings))
    except HANDLED as exc:
        return failure(exc, ctx.settings.query_timeout)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other() -> Response:
    """Other methods: 405 (SPARQL 1.1 Protocol: queries by GET or POST, updates by POST)."""
    return error_response(
        405, "Nur GET (Abfrage) und POST (Abfrage oder Änderung) sind erlaubt.", headers={"Allow": "GET, POST, OPTIONS"}
    )


@router.options("/sparql", include_in_schema=False)
async def sparql_preflight() -> Response:
    """CORS preflight: queries from other origins yes; the Authorization header (writes) no."""
    return Response(
        status_code=204,
        headers={
            **CORS,
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "600",
        },
    )


def page(request: Request) -> HTMLResponse:
    ctx: AppContext = request.app.state.ctx
    tabs = [{"name": ex.name, "title": ex.description_de, "query": ex.text} for ex in examples()]
    return PAGES.TemplateResponse(
        request,
        "sparql.html",
        {
            "version": __version__,
            "tabs": tabs,
            "endpoint": str(request.url_for("sparql_get")),
            "timeout": ctx.settings.query_timeout,
            "limit": ctx.settings.result_limit,
        },
    )


@router.get("/static/yasgui/{name}", include_in_schema=False)
async def yasgui_file(name: str) -> Response:
    if name not in STATIC_FILES:
        return error_response(404, f"Keine Datei {name}.")
    return FileResponse(STATIC / name, media_type=STATIC_FILES[name], headers={"Cache-Control": "max-age=86400"})


@router.get("/api/queries", summary="Beispielabfragen mit Beschreibung (de/en)")
async def list_queries(request: Request) -> list[dict[str, Any]]:
    return [
        {
            "name": ex.name,
            "description": {"de": ex.description_de, "en": ex.description_en},
            "parameters": ex.parameters,
            "url": str(request.url_for("run_example", name=ex.name)),
            "query": ex.text,
        }
        for ex in examples()
    ]


@router.get("/api/queries/{name}", name="run_example", summary="Eine Beispielabfrage ausführen")
async def run_example(request: Request, name: str) -> Response:
    ctx: AppContext = request.app.state.ctx
    try:
        ex = example(name)
        values = params(request.url.query)
        reserved = {"format"}
        given = {k: v[-1] for k, v in values.items() if k not in reserved}
        return await run_query(request, ex.text, {"format": values.get("format", [])}, bindings=ex.bind(given))
    except HANDLED as exc:
        return failure(exc, ctx.settings.query_timeout)
