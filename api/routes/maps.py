"""Interactive network maps: actors, Handlungsfelder, one field's goal chain, and the accessible table.

vis-network is served from pyvis's bundled copy at ``/maps/assets/vis-network.min.js``; the pages load
nothing from anywhere else. Every page takes ``?dataset=`` (without it: all datasets together).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from integrationsgraph import __version__
from integrationsgraph.api.deps import DatasetQuery, SettingsDep, StoreDep
from integrationsgraph.graph.core.config import TEMPLATES, dataset_name
from integrationsgraph.graph.datasets.inventory import display_name
from integrationsgraph.graph.network.maps import TABLE_COLUMNS, actor_map, actor_table, chain_map, field_map
from integrationsgraph.graph.network.metrics import analyse_store
from integrationsgraph.graph.network.read import analysis_graphs, field_chain, find_field, scope
from integrationsgraph.graph.network.vis import VIS_JS, VisMap, render
from integrationsgraph.graph.store.embedded import Store

router = APIRouter(prefix="/maps", tags=["Netzwerkkarten"])
templates = Jinja2Templates(directory=TEMPLATES)
ASSETS = "/maps/assets"

FieldQuery = Annotated[str | None, Query(max_length=200, description="Handlungsfeld: Kürzel (HF1) oder Kurzname")]
TypeQuery = Annotated[list[str] | None, Query(max_length=40, description="Akteurstypen, z. B. `netzwerk`")]
TopQuery = Annotated[int | None, Query(ge=1, le=100_000, description="Nur die N Akteure mit dem höchsten PageRank")]


def _query(**params: Any) -> str:
    pairs = [(k, v) for k, v in params.items() if v not in (None, "", [])]
    flat = [(k, x) for k, v in pairs for x in (v if isinstance(v, list) else [v])]
    return "?" + urlencode(flat) if flat else ""


def _links(dataset: str | None) -> dict[str, str]:
    q = _query(dataset=dataset)
    return {"Akteure": f"/maps/actors{q}", "Handlungsfelder": f"/maps/fields{q}", "Tabelle": f"/maps/actors/table{q}"}


def _actor_map(
    store: Store, base_iri: str, dataset: str | None, feld: str | None, typ: list[str] | None, top: int | None
) -> tuple[VisMap, Any]:
    k, result = analyse_store(store, dataset)
    field_iri = find_field(k, feld) if feld else None
    title = "Akteure – " + display_name(store, dataset)
    m = actor_map(k, result, field_iri=field_iri, types=typ, top=top, base_iri=base_iri, title=title)
    return m, result


@router.get("", response_class=HTMLResponse, summary="Übersicht der Karten")
async def index(request: Request, store: StoreDep) -> HTMLResponse:
    names = [dataset_name(g) for g in await run_in_threadpool(analysis_graphs, store)]
    return templates.TemplateResponse(request, "map_index.html", {"datasets": names, "version": __version__})


@router.get("/assets/vis-network.min.js", include_in_schema=False)
async def vis_network() -> FileResponse:
    """vis-network 9.1.2 (Apache-2.0 oder MIT) aus dem pyvis-Paket."""
    return FileResponse(VIS_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"})


@router.get("/actors", response_class=HTMLResponse, summary="Karte der Akteure")
async def actors(
    store: StoreDep,
    settings: SettingsDep,
    dataset: DatasetQuery = None,
    feld: FieldQuery = None,
    typ: TypeQuery = None,
    top: TopQuery = None,
) -> HTMLResponse:
    m, _result = await run_in_threadpool(_actor_map, store, settings.base_iri, dataset, feld, typ, top)
    links = {**_links(dataset), "Tabelle": "/maps/actors/table" + _query(dataset=dataset, feld=feld, typ=typ, top=top)}
    return HTMLResponse(await run_in_threadpool(lambda: render(m, assets=ASSETS, links=links)))


@router.get("/actors.json", summary="Daten der Akteurskarte (Knoten, Kanten, Details)")
async def actors_json(
    store: StoreDep,
    settings: SettingsDep,
    dataset: DatasetQuery = None,
    feld: FieldQuery = None,
    typ: TypeQuery = None,
    top: TopQuery = None,
) -> dict[str, Any]:
    m, _result = await run_in_threadpool(_actor_map, store, settings.base_iri, dataset, feld, typ, top)
    return {"title": m.title, "layout": m.layout, "legend": m.legend, **m.data()}


@router.get("/actors/table", response_class=HTMLResponse, summary="Akteure und Verbindungen als Tabelle")
async def actors_table(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    dataset: DatasetQuery = None,
    feld: FieldQuery = None,
    typ: TypeQuery = None,
    top: TopQuery = None,
    sort: Annotated[str, Query(max_length=40)] = "pagerank",
    order: Literal["asc", "desc"] = "desc",
) -> HTMLResponse:
    m, result = await run_in_threadpool(_actor_map, store, settings.base_iri, dataset, feld, typ, top)
    sort = sort if sort in TABLE_COLUMNS else "pagerank"
    rows, links = actor_table(m, result, sort=sort, descending=order == "desc")
    headings = []
    for key, label in TABLE_COLUMNS.items():
        flip = "asc" if key == sort and order == "desc" else "desc"
        headings.append(
            {
                "key": key,
                "label": label,
                "href": _query(dataset=dataset, feld=feld, typ=typ, top=top, sort=key, order=flip),
                "aria": ("descending" if order == "desc" else "ascending") if key == sort else None,
            }
        )
    context = {
        "m": m,
        "rows": rows,
        "links": links,
        "headings": headings,
        "map_href": "/maps/actors" + _query(dataset=dataset, feld=feld, typ=typ, top=top),
        "nav": _links(dataset),
        "version": __version__,
    }
    return templates.TemplateResponse(request, "map_table.html", context)


@router.get("/fields", response_class=HTMLResponse, summary="Karte der Handlungsfelder und ihrer Verbindungen")
async def fields(store: StoreDep, settings: SettingsDep, dataset: DatasetQuery = None) -> HTMLResponse:
    def build() -> str:
        k, result = analyse_store(store, dataset)
        title = "Handlungsfelder – " + display_name(store, dataset)
        m = field_map(k, result, base_iri=settings.base_iri, title=title)
        return render(m, assets=ASSETS, links=_links(dataset))

    return HTMLResponse(await run_in_threadpool(build))


@router.get("/chain/{field}", response_class=HTMLResponse, summary="Die Zielkette eines Handlungsfeldes")
async def chain(
    store: StoreDep,
    settings: SettingsDep,
    field: Annotated[str, Path(max_length=200, description="Handlungsfeld: Kürzel (HF1) oder Kurzname")],
    dataset: DatasetQuery = None,
) -> HTMLResponse:
    def build() -> str:
        k, _result = analyse_store(store, dataset)
        f = find_field(k, field)
        name = f"{k.nodes[f]['notation']} {k.nodes[f]['label']}".strip()
        tree = field_chain(store, scope(store, dataset), f, name)
        m = chain_map(tree, base_iri=settings.base_iri, title=f"Zielkette – {name} ({display_name(store, dataset)})")
        return render(m, assets=ASSETS, links=_links(dataset or k.nodes[f].get("dataset")))

    return HTMLResponse(await run_in_threadpool(build))
