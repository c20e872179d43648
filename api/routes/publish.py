"""Open data, live: the DCAT-AP.de catalog, dumps, VoID and the ontology's documentation.

The same artefacts ``integrationsgraph publish`` writes, computed from the store's public data when asked:

* ``/catalog`` (``?page=N``) by ``Accept`` — RDF/XML (the default, what GovData's harvester reads), Turtle,
  JSON-LD — or ``/catalog.rdf``, ``/catalog.ttl``, ``/catalog.jsonld``;
* ``/dumps`` (the list) and ``/dumps/{dataset|alle}.{ttl,nt.gz,jsonld,rdf,trig}``;
* ``/.well-known/void`` by ``Accept`` (Turtle by default);
* ``/ontology`` (HTML documentation, or the ontology by ``Accept``) and ``/ontology.ttl`` ….
"""

from __future__ import annotations

from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.routing import NoMatchFound

from integrationsgraph import __version__
from integrationsgraph.api.deps import ContextDep
from integrationsgraph.api.errors import error_response
from integrationsgraph.graph.core.config import ONTOLOGY_GRAPH, TEMPLATES, Settings
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.core.iris import PREFIXES
from integrationsgraph.graph.publish import live as publish_live
from integrationsgraph.graph.publish.catalog import FileInfo, serialize_catalog
from integrationsgraph.graph.publish.ontology_docs import document
from integrationsgraph.graph.publish.release import DUMPS
from integrationsgraph.graph.publish.site import ONTOLOGY_LICENCE, SOURCE, environment
from integrationsgraph.graph.sparql.service import choose, parse_accept

router = APIRouter(tags=["Offene Daten"])

RDF: dict[str, tuple[str, ox.RdfFormat]] = {
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}
DUMP_TYPES = {
    "ttl": "text/turtle",
    "nt.gz": "application/gzip",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
}
LIVE_LINKS = {"home": "/", "ontology": "/ontology", "catalog": "/catalog.ttl", "void": "/.well-known/void"}
Page = Annotated[int, Query(ge=1, description="Seite des Katalogs (Hydra-Blätterung)")]


def report_files(name: str, title: str) -> list[FileInfo]:
    """The Sachstandsbericht as two more distributions of each dataset, at the addresses api/routes/reports.py
    serves (made on request, so the live catalog names no size or checksum for them)."""
    return [
        FileInfo(
            f"berichte/{name}", "html", f"{title} – Sachstandsbericht (HTML)", f"{title} – progress report (HTML)"
        ),
        FileInfo(
            f"berichte/{name}.pdf", "pdf", f"{title} – Sachstandsbericht (PDF)", f"{title} – progress report (PDF)"
        ),
    ]


def site_of(request: Request, settings: Settings) -> str:
    """The server's public address: the configured one (behind a proxy), else the one the request used."""
    return settings.public_base_url or str(request.base_url)


def pick(request: Request, offered: dict[str, str], suffix: str | None) -> str | Response:
    """The format key from a suffix or from ``Accept``; a 406 response when nothing offered is acceptable."""
    if suffix is not None:
        if suffix not in offered:
            return error_response(404, f"Unbekanntes Format „{suffix}“; es gibt {', '.join(offered)}.")
        return suffix
    key = choose(parse_accept(request.headers.get("accept")), offered)
    if key is None:
        return error_response(406, f"Wir liefern {', '.join(offered.values())}.")
    return key


def rdf_response(data: bytes, key: str, negotiated: bool) -> Response:
    headers = {"Vary": "Accept"} if negotiated else {}
    return Response(data, media_type=RDF[key][0], headers=headers)


async def _catalog(request: Request, ctx: ContextDep, page: int, suffix: str | None) -> Response:
    key = pick(request, {k: v[0] for k, v in RDF.items()}, suffix)
    if isinstance(key, Response):
        return key
    site = site_of(request, ctx.settings)
    path = f"catalog.{suffix}" if suffix else "catalog"

    def page_url(n: int) -> str:
        return f"{site}{path}?page={n}"

    triples = await run_in_threadpool(publish_live.catalog, ctx.store, ctx.settings, site, page, page_url, report_files)
    return rdf_response(serialize_catalog(triples, RDF[key][1], site), key, suffix is None)


@router.get("/catalog", summary="DCAT-AP.de-Katalog (für GovData und Landesportale)")
async def catalog(request: Request, ctx: ContextDep, page: Page = 1) -> Response:
    return await _catalog(request, ctx, page, None)


@router.get("/catalog.{suffix}", summary="DCAT-AP.de-Katalog in einem Format (rdf, ttl, jsonld)")
async def catalog_file(request: Request, ctx: ContextDep, suffix: str, page: Page = 1) -> Response:
    return await _catalog(request, ctx, page, suffix)


templates = Jinja2Templates(directory=TEMPLATES)
FORMAT_NAMES = {"ttl": "Turtle", "nt.gz": "N-Triples (gzip)", "jsonld": "JSON-LD", "rdf": "RDF/XML", "trig": "TriG"}


@router.get(
    "/dumps",
    summary="Die Dumps, die es gibt (JSON; für Browser als Seite)",
    responses={200: {"content": {"application/json": {}, "text/html": {}}}},
)
async def dumps(request: Request, ctx: ContextDep) -> Response:
    names = await run_in_threadpool(publish_live.dump_names, ctx.store)
    site = site_of(request, ctx.settings)
    listing = [{"name": n, "url": f"{site}dumps/{n}"} for n in names]
    if "text/html" in request.headers.get("accept", ""):
        rows = [{**d, "format": FORMAT_NAMES.get(d["name"].partition(".")[2], "")} for d in listing]
        return templates.TemplateResponse(request, "dumps.html", {"dumps": rows, "version": __version__})
    return JSONResponse({"dumps": listing})


@router.get("/dumps/{file}", summary="Ein Datensatz (oder alle) als Turtle, N-Triples (gzip), JSON-LD, RDF/XML, TriG")
async def dump_file(ctx: ContextDep, file: str) -> Response:
    name, _, suffix = file.partition(".")
    if suffix not in DUMPS:
        raise NotFound(f"Unbekanntes Format „{suffix}“; es gibt {', '.join(DUMPS)}.")
    data = await run_in_threadpool(publish_live.dataset_dump, ctx.store, ctx.settings, name, suffix)
    disposition = "attachment" if suffix.endswith(".gz") else "inline"
    return Response(
        data, media_type=DUMP_TYPES[suffix], headers={"Content-Disposition": f'{disposition}; filename="{file}"'}
    )


@router.get("/.well-known/void", summary="VoID-Beschreibung der Daten")
async def void(request: Request, ctx: ContextDep) -> Response:
    key = pick(request, {"ttl": RDF["ttl"][0], "rdf": RDF["rdf"][0], "jsonld": RDF["jsonld"][0]}, None)
    if isinstance(key, Response):
        return key
    site = site_of(request, ctx.settings)
    try:
        sparql: str | None = site + str(request.app.url_path_for("sparql_get")).lstrip("/")
    except NoMatchFound:  # an app without the SPARQL endpoint
        sparql = None
    triples = await run_in_threadpool(publish_live.void, ctx.store, ctx.settings, site, sparql)
    return rdf_response(serialize_catalog(triples, RDF[key][1], site), key, True)


async def _ontology(request: Request, ctx: ContextDep, suffix: str | None) -> Response:
    offered = {"html": "text/html", **{k: v[0] for k, v in RDF.items()}}
    key = pick(request, offered, suffix)
    if isinstance(key, Response):
        return key
    triples = await run_in_threadpool(lambda: list(ctx.store.triples(ONTOLOGY_GRAPH)))
    if key == "html":
        html = (
            environment()
            .get_template("publish_ontology.html")
            .render(
                title="Ontologie",
                doc=document(triples),
                links=LIVE_LINKS,
                ontology_ttl="/ontology.ttl",
                licences=[ONTOLOGY_LICENCE],
                release=None,
                source=SOURCE,
            )
        )
        return HTMLResponse(html, headers={"Vary": "Accept"} if suffix is None else {})
    fmt = RDF[key][1]
    data = ox.serialize(triples, format=fmt, prefixes=PREFIXES if fmt != ox.RdfFormat.JSON_LD else None)
    assert data is not None
    return rdf_response(data, key, suffix is None)


@router.get("/ontology", summary="Die Ontologie: Dokumentation (HTML) oder RDF nach Accept")
async def ontology(request: Request, ctx: ContextDep) -> Response:
    return await _ontology(request, ctx, None)


@router.get("/ontology.{suffix}", summary="Die Ontologie in einem Format (html, ttl, rdf, jsonld)")
async def ontology_file(request: Request, ctx: ContextDep, suffix: str) -> Response:
    return await _ontology(request, ctx, suffix)
