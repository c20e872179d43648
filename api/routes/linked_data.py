"""Linked-data pages: every IRI under the base dereferences at ``/id/{dataset}/…``.

Browsers get HTML (German; ``?lang=en`` for English), RDF clients get Turtle, JSON-LD, N-Triples or
RDF/XML by ``Accept`` or by the suffix ``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``. ``/felder`` lists the
Handlungsfelder of every dataset; a Handlungsfeld's page shows its whole goal chain and scorecard.
"""

from __future__ import annotations

from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from integrationsgraph import __version__
from integrationsgraph.api.deps import ContextDep, DatasetName
from integrationsgraph.api.errors import error_response
from integrationsgraph.api.routes import monitoring
from integrationsgraph.graph.core.config import TEMPLATES, Settings, dataset_name, graph_iri
from integrationsgraph.graph.core.iris import KIO, PREFIXES, sparql_prefixes
from integrationsgraph.graph.core.links import safe_href
from integrationsgraph.graph.resources.as_json import value
from integrationsgraph.graph.resources.describe import describe, exists
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.graphs import dataset_graphs

router = APIRouter(tags=["Linked Data"])
templates = Jinja2Templates(directory=TEMPLATES)

RDF_TYPES = {
    "text/turtle": ("ttl", ox.RdfFormat.TURTLE),
    "application/ld+json": ("jsonld", ox.RdfFormat.JSON_LD),
    "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES),
    "application/rdf+xml": ("rdf", ox.RdfFormat.RDF_XML),
}
SUFFIXES = {suffix: media for media, (suffix, _fmt) in RDF_TYPES.items()}
OFFERS = ["text/html", *RDF_TYPES, "application/json"]
PRIVATE_SUFFIX = "/privat"
"""Companion graphs with personal data (``…/graph/{dataset}/privat``) are never shown."""
DEFAULT_LICENCE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
Lang = Annotated[str, Query(pattern="^(de|en)$", description="Sprache der Seite")]
UI = {
    "de": {
        "fields": "Handlungsfelder",
        "reports": "Berichte",
        "search": "Suche",
        "type": "Art",
        "links_in": "Verweise auf diese Ressource",
        "provenance": "Herkunft",
        "licence": "Lizenz",
        "source": "Quelle",
        "derived": "abgeleitet von",
        "fictional": "fiktives Beispiel",
        "as_rdf": "Als RDF",
        "switch": "English",
        "chain": "Zielkette",
        "scorecard": "Vollständigkeit",
        "actors": "Akteure",
        "latest": "letzter Wert",
        "target": "Ziel",
        "lead": "federführend",
        "partners": "Kooperationspartner",
        "gaps": "Lücken",
        "none": "keine",
        "networks": "Netzwerke und Tandems",
        "not_found": "Nicht gefunden",
    },
    "en": {
        "fields": "Fields of action",
        "reports": "Reports",
        "search": "Search",
        "type": "Type",
        "links_in": "Links to this resource",
        "provenance": "Provenance",
        "licence": "Licence",
        "source": "Source",
        "derived": "derived from",
        "fictional": "fictional example",
        "as_rdf": "As RDF",
        "switch": "Deutsch",
        "chain": "Goal chain",
        "scorecard": "Completeness",
        "actors": "Actors",
        "latest": "latest value",
        "target": "target",
        "lead": "lead",
        "partners": "partners",
        "gaps": "Gaps",
        "none": "none",
        "networks": "Networks and tandems",
        "not_found": "Not found",
    },
}


def page_url(iri: str, base_iri: str) -> str | None:
    """The path at which this server shows ``iri``; an IRI outside the base stays as it is when it is safe as a
    link (:func:`graph.core.links.safe_href`), else ``None`` and the page shows it as text."""
    return "/id/" + iri[len(base_iri) :] if iri.startswith(base_iri) else safe_href(iri)


def negotiate(accept: str) -> str:
    """The best of ``OFFERS`` for an ``Accept`` header (``text/html`` when nothing else is preferred)."""
    best, best_q = "text/html", -1.0
    for i, part in enumerate(accept.split(",")):
        items = [p.strip() for p in part.split(";")]
        media, q = items[0].lower(), 1.0
        for param in items[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        matches = [o for o in OFFERS if media in (o, "*/*") or (media.endswith("/*") and o.startswith(media[:-1]))]
        for offer in matches[:1]:
            score = q - i * 1e-6 - (0.001 if media == "*/*" else 0.0)
            if q > 0 and score > best_q:
                best, best_q = offer, score
    return "application/ld+json" if best == "application/json" else best


def _context(request: Request, settings: Settings, lang: str, **extra: Any) -> dict[str, Any]:
    return {
        "lang": lang,
        "t": UI[lang],
        "version": __version__,
        "page": lambda iri: page_url(iri, settings.base_iri),
        "switch_url": str(request.url.include_query_params(lang="en" if lang == "de" else "de")),
        **extra,
    }


def _rdf(store: Store, graph: str, iri: str) -> list[ox.Triple]:
    node = ox.NamedNode(iri)
    own = store.outgoing(graph, [node])
    fragments = {
        t.object.value for t in own if isinstance(t.object, ox.NamedNode) and t.object.value.startswith(iri + "#")
    }
    fragments |= {value(t.subject) for t in store.incoming(graph, [node]) if value(t.subject).startswith(iri + "#")}
    return own + store.outgoing(graph, [ox.NamedNode(f) for f in sorted(fragments)])


LICENCE_NAMES = {
    "http://dcat-ap.de/def/licenses/dl-by-de/2.0": "Datenlizenz Deutschland – Namensnennung – 2.0",
    "http://dcat-ap.de/def/licenses/dl-zero-de/2.0": "Datenlizenz Deutschland – Zero – 2.0",
    "http://dcat-ap.de/def/licenses/cc-zero": "Creative Commons CC Zero (CC0 1.0)",
    "http://dcat-ap.de/def/licenses/cc-by/4.0": "Creative Commons Namensnennung 4.0 (CC BY 4.0)",
}


def _licence(settings: Settings, dataset: str) -> tuple[str, str]:
    """The dataset's licence from the settings (publication's ``licence`` / ``dataset_licences``)."""
    default = getattr(settings, "licence", DEFAULT_LICENCE)
    iri = getattr(settings, "dataset_licences", {}).get(dataset, default)
    return (iri, LICENCE_NAMES.get(iri, iri))


def _not_found(request: Request, settings: Settings, lang: str, iri: str) -> Response:
    message = f"Unter {iri} gibt es keine Ressource."
    if "text/html" in request.headers.get("accept", ""):
        ctx = _context(request, settings, lang, iri=iri, message=message)
        return templates.TemplateResponse(request, "resource_404.html", ctx, status_code=404)
    return error_response(404, message)


PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}, **{media: {} for media in RDF_TYPES}}},
    404: {"description": "Unbekannte IRI", "content": {"application/json": {}, "text/html": {}}},
}


@router.get(
    "/id/{dataset}/{rest:path}",
    summary="Eine Ressource (HTML oder RDF)",
    response_class=HTMLResponse,
    responses=PAGE_RESPONSES,
)
async def resource_page(
    request: Request,
    ctx: ContextDep,
    dataset: DatasetName,
    rest: Annotated[str, Path(max_length=500)],
    lang: Lang = "de",
) -> Response:
    settings, store = ctx.settings, ctx.store
    media = negotiate(request.headers.get("accept", ""))
    stem, _, suffix = rest.rpartition(".")
    if stem and suffix in SUFFIXES:
        rest, media = stem, SUFFIXES[suffix]
    iri = f"{settings.base_iri}{dataset}/{rest}"
    graph = graph_iri(dataset)
    try:
        ox.NamedNode(iri)
    except ValueError:
        return _not_found(request, settings, lang, iri)
    if graph not in await run_in_threadpool(store.graphs) or not await run_in_threadpool(exists, store, graph, iri):
        return _not_found(request, settings, lang, iri)
    if media != "text/html":
        triples = await run_in_threadpool(_rdf, store, graph, iri)
        fmt = RDF_TYPES[media][1]
        prefixes = PREFIXES | {"id": f"{settings.base_iri}{dataset}/"}
        if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
            body = ox.serialize(triples, format=fmt, prefixes=prefixes)
        else:
            body = ox.serialize(triples, format=fmt)
        return Response(body, media_type=media, headers={"Vary": "Accept"})
    page = await run_in_threadpool(describe, store, graph, iri, lang)
    extra: dict[str, Any] = {
        "res": page,
        "dataset": dataset,
        "licence": _licence(settings, dataset),
    }
    template = "resource.html"
    if any(t.iri == KIO + "Handlungsfeld" for t in page.types):
        # the goal chain, its scorecard, the indicators' status and the measures' delivery (cached per revision)
        extra |= await run_in_threadpool(monitoring.field_extra, store, dataset, iri, lang)
        template = "field.html"
    elif any(t.iri == KIO + "Indikator" for t in page.types):
        shown = await run_in_threadpool(monitoring.indicator_extra, store, dataset, iri, lang)
        if shown is not None:
            extra |= shown
            template = "indicator.html"
    response = templates.TemplateResponse(request, template, _context(request, settings, lang, **extra))
    response.headers["Vary"] = "Accept"
    return response


FIELDS_QUERY = (
    sparql_prefixes("kio", "skos")
    + """SELECT ?f ?label ?code ?pos ?fiktiv WHERE {
  ?f a kio:Handlungsfeld .
  OPTIONAL { ?f skos:prefLabel ?label } OPTIONAL { ?f skos:notation ?code }
  OPTIONAL { ?f kio:position ?pos } OPTIONAL { ?f kio:fiktiv ?fiktiv }
}
"""
)
GOALS_QUERY = (
    sparql_prefixes("kio")
    + """SELECT ?f (COUNT(DISTINCT ?lz) AS ?n) WHERE { ?lz a kio:Leitziel ; kio:imHandlungsfeld ?f } GROUP BY ?f
"""
)


def _fields(store: Store, lang: str) -> list[dict[str, Any]]:
    out = []
    for graph in dataset_graphs(store):
        if graph.endswith(PRIVATE_SUFFIX):
            continue
        rows: dict[str, dict[str, Any]] = {}
        result = store.query(FIELDS_QUERY, default_graphs=[graph])
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            f, label, code, pos = row["f"], row["label"], row["code"], row["pos"]
            if not isinstance(f, ox.NamedNode):
                continue
            entry = rows.setdefault(f.value, {"iri": f.value, "labels": {}, "code": "", "pos": 999, "leitziele": 0})
            if isinstance(label, ox.Literal):
                entry["labels"][label.language or "de"] = label.value
            if isinstance(code, ox.Literal):
                entry["code"] = code.value
            if isinstance(pos, ox.Literal) and pos.value.isdigit():
                entry["pos"] = int(pos.value)
            entry["fiktiv"] = isinstance(row["fiktiv"], ox.Literal) and row["fiktiv"].value == "true"
        counts = store.query(GOALS_QUERY, default_graphs=[graph])
        assert isinstance(counts, ox.QuerySolutions)
        for row in counts:
            f, n = row["f"], row["n"]
            if isinstance(f, ox.NamedNode) and f.value in rows and isinstance(n, ox.Literal):
                rows[f.value]["leitziele"] = int(n.value)
        for entry in rows.values():
            labels = entry.pop("labels")
            entry["label"] = labels.get(lang) or labels.get("de") or next(iter(labels.values()), entry["iri"])
        fields = sorted(rows.values(), key=lambda e: (e["pos"], e["code"], e["label"]))
        out.append({"name": dataset_name(graph), "fields": fields})
    return out


@router.get("/felder", response_class=HTMLResponse, summary="Handlungsfelder aller Datensätze")
async def fields_page(request: Request, ctx: ContextDep, lang: Lang = "de") -> HTMLResponse:
    datasets = await run_in_threadpool(_fields, ctx.store, lang)
    return templates.TemplateResponse(
        request, "resource_fields.html", _context(request, ctx.settings, lang, datasets=datasets)
    )
