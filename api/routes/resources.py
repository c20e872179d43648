"""REST resources ``/api/{dataset}/{kind}``: list, get, create, replace, patch, delete.

One set of routes per kind in :data:`graph.resources.kinds.KINDS`, each with its own Pydantic models (so the
OpenAPI document shows every field). Writes need the bearer token, go through the one write path and
check ``If-Match`` under its lock; JSON-LD (``Accept: application/ld+json``) is the same JSON with the
context the app serves at ``/api/context.jsonld``.
"""

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from integrationsgraph.api.deps import ContextDep, DatasetName, TokenFirst, require_token
from integrationsgraph.api.errors import error_response, exception_response
from integrationsgraph.api.models import MODELS, Deleted, KindModels
from integrationsgraph.api.routes.search import invalidate_index
from integrationsgraph.graph.resources import crud as resources
from integrationsgraph.graph.resources.as_json import ResourceError, jsonld_context
from integrationsgraph.graph.resources.kinds import KINDS, Kind, slugify

router = APIRouter(tags=["Ressourcen"], route_class=TokenFirst)  # the token before the body

JSONLD = "application/ld+json"
T = TypeVar("T")

Slug = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200, description="Kurzname")]
IfMatch = Annotated[str | None, Header(max_length=200, description="ETag, den die Änderung voraussetzt")]


def limit_body(
    ctx: ContextDep, content_length: Annotated[int | None, Header(ge=0, include_in_schema=False)] = None
) -> None:
    """413 for a write whose body is larger than ``resource_max_bytes``."""
    limit = ctx.settings.resource_max_bytes
    if content_length is not None and content_length > limit:
        raise HTTPException(413, f"Die Anfrage ist zu groß (höchstens {limit} Bytes).")


WRITE = [Depends(require_token), Depends(limit_body)]


def wants_jsonld(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return JSONLD in accept or "application/json-ld" in accept


def context_url(request: Request) -> str:
    return str(request.url_for("jsonld_context"))


def _body(request: Request, data: dict[str, Any], status: int = 200, etag: str | None = None) -> JSONResponse:
    headers = {"ETag": etag} if etag else {}
    if wants_jsonld(request):
        return JSONResponse({"@context": context_url(request), **data}, status, headers, media_type=JSONLD)
    return JSONResponse(data, status, headers)


def _dump(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    return model.model_validate(data).model_dump(mode="json", exclude_none=True)


async def _run(fn: Callable[..., T], *args: Any) -> T | JSONResponse:
    try:
        return await run_in_threadpool(fn, *args)
    except ResourceError as exc:
        return exception_response(exc)


def _register(kind: Kind, models: KindModels) -> None:
    base = f"/api/{{dataset}}/{kind.path}"
    one = f"{base}/{{slug}}"
    jsonld: dict[int | str, dict[str, Any]] = {200: {"content": {JSONLD: {}}}}
    errors: dict[int | str, dict[str, Any]] = {
        404: {"description": "Unbekannter Datensatz oder unbekannte Ressource"},
    }
    write_errors: dict[int | str, dict[str, Any]] = {
        **errors,
        400: {"description": "Der Inhalt ist kein lesbares JSON"},
        401: {"description": "Schreib-Token fehlt oder ist falsch"},
        403: {"description": "Schreiben ist abgeschaltet"},
        409: {"description": "Konflikt"},
        412: {"description": "If-Match passt nicht mehr"},
        413: {"description": "Anfrage zu groß"},
        422: {"description": "Ungültige Anfrage oder Verstoß gegen die Regeln (SHACL); nichts geschrieben"},
    }

    async def list_items(
        request: Request,
        ctx: ContextDep,
        dataset: DatasetName,
        handlungsfeld: Annotated[str | None, Query(max_length=500, description="Handlungsfeld (IRI oder slug)")] = None,
        akteur: Annotated[str | None, Query(max_length=500, description="Akteur (IRI oder slug)")] = None,
        status: Annotated[str | None, Query(max_length=100, description="Status (z. B. `laufend`)")] = None,
        typ: Annotated[str | None, Query(max_length=100, description="Klasse (Kurzname, z. B. `Netzwerk`)")] = None,
        verweist_auf: Annotated[str | None, Query(max_length=500, description="verweist auf diese IRI")] = None,
        sort: Annotated[
            str, Query(pattern=r"^-?(code|label)$", description="`code`, `label`, `-code`, `-label`")
        ] = "code",
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> Response:
        filters = resources.Filters(handlungsfeld, akteur, status, typ, verweist_auf)
        args = (ctx.store, ctx.settings.base_iri, dataset, kind, filters, sort, limit, offset)
        result = await _run(resources.list_resources, *args)
        if isinstance(result, JSONResponse):
            return result
        items, total = result
        nxt = str(request.url.include_query_params(offset=offset + limit)) if offset + limit < total else None
        page = {"items": [r.json() for r in items], "total": total, "limit": limit, "offset": offset, "next": nxt}
        return _body(request, _dump(models.page, page))

    async def get_item(
        request: Request,
        ctx: ContextDep,
        dataset: DatasetName,
        slug: Slug,
        if_none_match: Annotated[str | None, Header(max_length=200)] = None,
    ) -> Response:
        res = await run_in_threadpool(resources.load, ctx.store, ctx.settings.base_iri, dataset, kind, slug)
        if if_none_match is not None and if_none_match == res.etag:
            return Response(status_code=304, headers={"ETag": res.etag})
        return _body(request, _dump(models.output, res.json()), etag=res.etag)

    async def create_item(request: Request, ctx: ContextDep, dataset: DatasetName, body: BaseModel) -> Response:
        data = body.model_dump(mode="python", exclude={"slug"})
        slug = getattr(body, "slug", None) or slugify(data["label"]["de"]) or slugify(data.get("code") or "")
        if not slug:
            return error_response(422, "Aus der Bezeichnung lässt sich kein Kurzname bilden; bitte „slug“ angeben.")
        args = (ctx.writer, ctx.settings.base_iri, dataset, kind, data, slug)
        res = await _run(resources.create, *args)
        if isinstance(res, JSONResponse):
            return res
        invalidate_index(request)
        response = _body(request, _dump(models.output, res.json()), 201, res.etag)
        response.headers["Location"] = str(request.url_for(f"{kind.path}_get", dataset=dataset, slug=res.slug))
        return response

    async def replace_item(
        request: Request, ctx: ContextDep, dataset: DatasetName, slug: Slug, body: BaseModel, if_match: IfMatch = None
    ) -> Response:
        data = body.model_dump(mode="python")
        args = (ctx.writer, ctx.settings.base_iri, dataset, kind, slug, data, if_match)
        res = await _run(resources.replace, *args)
        if isinstance(res, JSONResponse):
            return res
        invalidate_index(request)
        return _body(request, _dump(models.output, res.json()), etag=res.etag)

    async def patch_item(
        request: Request, ctx: ContextDep, dataset: DatasetName, slug: Slug, body: BaseModel, if_match: IfMatch = None
    ) -> Response:
        data = body.model_dump(mode="python", exclude_unset=True)
        args = (ctx.writer, ctx.settings.base_iri, dataset, kind, slug, data, if_match)
        res = await _run(resources.patch, *args)
        if isinstance(res, JSONResponse):
            return res
        invalidate_index(request)
        return _body(request, _dump(models.output, res.json()), etag=res.etag)

    async def delete_item(
        request: Request,
        ctx: ContextDep,
        dataset: DatasetName,
        slug: Slug,
        if_match: IfMatch = None,
        cascade: Annotated[bool, Query(description="Abhängige mitlöschen, Verweise entfernen")] = False,
    ) -> Response:
        args = (ctx.writer, ctx.settings.base_iri, dataset, kind, slug, if_match, cascade)
        res = await _run(resources.delete, *args)
        if isinstance(res, JSONResponse):
            return res
        invalidate_index(request)
        return JSONResponse(_dump(Deleted, res))

    create_item.__annotations__["body"] = models.create
    replace_item.__annotations__["body"] = models.replace
    patch_item.__annotations__["body"] = models.patch
    label = kind.label_de
    add = router.add_api_route
    add(
        base,
        list_items,
        methods=["GET"],
        response_model=models.page,
        name=f"{kind.path}_list",
        summary=f"{label}: Liste",
        responses={**jsonld, **errors, 422: {"description": "Ungültiger Filter"}},
    )
    add(
        one,
        get_item,
        methods=["GET"],
        response_model=models.output,
        name=f"{kind.path}_get",
        summary=f"{label}: lesen (mit ETag)",
        responses={**jsonld, **errors, 304: {"description": "Unverändert"}},
    )
    add(
        base,
        create_item,
        methods=["POST"],
        response_model=models.output,
        status_code=201,
        dependencies=WRITE,
        name=f"{kind.path}_create",
        summary=f"{label}: anlegen",
        responses={**jsonld, **write_errors},
    )
    add(
        one,
        replace_item,
        methods=["PUT"],
        response_model=models.output,
        dependencies=WRITE,
        name=f"{kind.path}_replace",
        summary=f"{label}: ersetzen",
        responses={**jsonld, **write_errors},
    )
    add(
        one,
        patch_item,
        methods=["PATCH"],
        response_model=models.output,
        dependencies=WRITE,
        name=f"{kind.path}_patch",
        summary=f"{label}: ändern",
        responses={**jsonld, **write_errors},
    )
    add(one, delete_item, methods=["DELETE"], response_model=Deleted, dependencies=WRITE,
        name=f"{kind.path}_delete", summary=f"{label}: löschen", responses=write_errors)  # fmt: skip


class JSONLDResponse(JSONResponse):
    media_type = JSONLD


@router.get(
    "/api/context.jsonld",
    name="jsonld_context",
    summary="JSON-LD-Kontext der REST-Schnittstelle",
    response_class=JSONLDResponse,
)
async def context() -> JSONLDResponse:
    return JSONLDResponse(jsonld_context())


for _kind in KINDS.values():
    _register(_kind, MODELS[_kind.path])
