"""Monitoring pages: the municipality overview (``/monitoring/{dataset}``), the list of datasets (``/monitoring``),
an indicator's values as tidy CSV (``/api/{dataset}/indikatoren/{key}/werte.csv``), the vendored Vega libraries
(``/static/vendor/vega/…``), and what the linked-data pages add for an indicator and a Handlungsfeld
(:func:`indicator_extra`, :func:`field_extra`, called by :mod:`api.routes.linked_data`).

The CSV is the exchange format of issue 14 (docs/monitoring.md): UTF-8, comma, decimal point, the columns
``Jahr,Stichtag,Einheit,Gebiet,Geschlecht,Altersgruppe,Wert``; the headline series has empty breakdown cells.
Every cell goes through :func:`graph.core.cells.neutralise_row`, so no spreadsheet runs a label as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from integrationsgraph import __version__
from integrationsgraph.api.deps import ContextDep, DatasetName
from integrationsgraph.api.errors import error_response
from integrationsgraph.graph.core.cells import neutralise_row
from integrationsgraph.graph.core.config import ROOT, TEMPLATES, dataset_name, graph_iri
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.core.lru import LRU
from integrationsgraph.graph.monitoring import pages, series
from integrationsgraph.graph.monitoring.model import STATUS_DE, Indicator
from integrationsgraph.graph.monitoring.report import NO_INDICATORS, SYMBOLS
from integrationsgraph.graph.monitoring.report_format import day, local
from integrationsgraph.graph.monitoring.status import REPORTING_SYMBOLS, glances, has_indicators
from integrationsgraph.graph.network.vis import script_json
from integrationsgraph.graph.resources.chain import GAPS, scorecard, tree
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.store.graphs import dataset_graphs

router = APIRouter(tags=["Monitoring"])
templates = Jinja2Templates(directory=TEMPLATES)

VENDOR = ROOT / "graph" / "static" / "vendor" / "vega"
VENDOR_FILES = {p.name for p in VENDOR.glob("*.js")}
CSV_COLUMNS = ["Jahr", "Stichtag", "Einheit", "Gebiet", "Geschlecht", "Altersgruppe", "Wert"]
BREAKDOWNS = ("Gebiet", "Geschlecht", "Altersgruppe")
IndicatorKey = Annotated[
    str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._~-]*$", max_length=200, description="Kennung, z. B. `i1-1-1-1`")
]
COMMON = {
    "fictional": "fiktives Beispiel",
    "no_indicators": NO_INDICATORS,
    "symbols": SYMBOLS,
    "status_words": STATUS_DE,
    "reporting_symbols": REPORTING_SYMBOLS,
    "delivery": pages.DELIVERY,
    "delayed_note": pages.DELAYED_NOTE,
}


def _number(value: float) -> str:
    """A value with a decimal point and no exponent: ``62.8``, ``1234``, ``-0.5``."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def values_csv(ind: Indicator) -> str:
    """The indicator's values as tidy CSV (headline first, then the breakdowns)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    ordered = sorted(ind.observations, key=lambda o: (bool(o.breakdown), o.breakdown, o.year, o.date, o.iri))
    for o in ordered:
        parts = dict(o.breakdown)
        row = [str(o.year), day(o.date), local(o.unit or ind.unit), *(parts.get(b, "") for b in BREAKDOWNS)]
        writer.writerow(neutralise_row([*row, _number(o.value)]))
    return out.getvalue()


def indicator_iri(base_iri: str, dataset: str, key: str) -> str:
    return f"{base_iri}{dataset}/indikator/{key}"


def _known(store: Store, dataset: str) -> list[str]:
    return sorted(dataset_name(g) for g in dataset_graphs(store))


def _unknown_dataset(store: Store, dataset: str) -> Response:
    """Raises NotFound naming the datasets there are (a page for a browser, JSON for a program: api.errors)."""
    known = ", ".join(_known(store, dataset)) or "keine"
    raise NotFound(f"Unbekannter Datensatz „{dataset}“; es gibt: {known}.")


@router.get(
    "/api/{dataset}/indikatoren/{key}/werte.csv",
    summary="Werte eines Indikators als CSV (tidy: eine Zeile je Wert)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, 404: {"description": "Unbekannter Datensatz oder Indikator"}},
)
async def indicator_csv(ctx: ContextDep, dataset: DatasetName, key: IndicatorKey) -> Response:
    store = ctx.store
    if graph_iri(dataset) not in await run_in_threadpool(dataset_graphs, store):
        return await run_in_threadpool(_unknown_dataset, store, dataset)
    iri = indicator_iri(ctx.settings.base_iri, dataset, key)
    ind = await run_in_threadpool(series.indicator, store, dataset, iri)
    if ind is None:
        raise NotFound(f"Im Datensatz „{dataset}“ gibt es keinen Indikator „{key}“ ({iri}).")
    return Response(
        values_csv(ind).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{dataset}-{key}-werte.csv"'},
    )


_PAGES: LRU[Any] = LRU(256)
"""What the indicator and field pages add, per store and revision (every write moves it) and day ("verzögert")."""


def _cached(store: Store, key: tuple[str, ...], make: Callable[[], Any]) -> Any:
    return _PAGES.get_or_make((id(store), store.revision(), date.today().isoformat(), *key), make)


def indicator_extra(store: Store, dataset: str, iri: str, lang: str) -> dict[str, Any] | None:
    """What ``indicator.html`` shows beyond the generic facts; None when the indicator has no readable series."""

    def make() -> dict[str, Any] | None:
        page = pages.indicator_page(store, dataset, iri, lang)
        if page is None:
            return None
        key = iri.rstrip("/").rsplit("/", 1)[-1]
        return {
            "ind": page,
            "chart_json": script_json({"spec": page.spec, "locale": page.locale}),
            "csv_url": f"/api/{dataset}/indikatoren/{key}/werte.csv",
            "m": COMMON,
        }

    found: dict[str, Any] | None = _cached(store, ("indikator", dataset, iri, lang), make)
    return found


def field_extra(store: Store, dataset: str, field: str, lang: str) -> dict[str, Any]:
    """What ``field.html`` shows: the goal chain and its scorecard (:mod:`graph.resources.chain`), each
    indicator's status, each measure's delivery."""

    def make() -> dict[str, Any]:
        chain = tree(store, graph_iri(dataset), field, lang)
        iris = {
            i["iri"]
            for lz in chain["leitziele"]
            for i in [*lz["indikatoren"], *(i for hz in lz["handlungsziele"] for i in hz["indikatoren"])]
        }
        status = glances(store, dataset, iris)
        return {
            "chain": chain,
            "score": scorecard(chain),
            "gap_texts": GAPS,
            "glance": status,
            "measure_facts": pages.measure_facts(chain, date.today()),
            "field_has_indicators": bool(status),
            "dataset_has_indicators": bool(status) or has_indicators(store, dataset),
            "m": COMMON,
        }

    found: dict[str, Any] = _cached(store, ("feld", dataset, field, lang), make)
    return found


def _context(request: Request, base_iri: str, **extra: Any) -> dict[str, Any]:
    def page(iri: str) -> str | None:
        return "/id/" + iri[len(base_iri) :] if iri.startswith(base_iri) else None

    return {"lang": "de", "version": __version__, "m": COMMON, "page": page, **extra}


@router.get("/monitoring", response_class=HTMLResponse, summary="Monitoring: die Datensätze")
async def monitoring_index(request: Request, ctx: ContextDep) -> HTMLResponse:
    def read() -> list[pages.Overview]:
        return [pages.overview(ctx.store, name, fields=False) for name in _known(ctx.store, "")]

    overviews = await run_in_threadpool(read)
    return templates.TemplateResponse(
        request, "monitoring_index.html", _context(request, ctx.settings.base_iri, overviews=overviews)
    )


@router.get(
    "/monitoring/{dataset}",
    response_class=HTMLResponse,
    summary="Monitoring einer Kommune: alle Handlungsfelder nebeneinander",
    responses={404: {"description": "Unbekannter Datensatz"}},
)
async def monitoring_page(request: Request, ctx: ContextDep, dataset: DatasetName) -> Response:
    store = ctx.store
    if graph_iri(dataset) not in await run_in_threadpool(dataset_graphs, store):
        return await run_in_threadpool(_unknown_dataset, store, dataset)
    overview = await run_in_threadpool(pages.overview, store, dataset)
    return templates.TemplateResponse(request, "monitoring.html", _context(request, ctx.settings.base_iri, o=overview))


@router.get("/static/vendor/vega/{name}", include_in_schema=False)
async def vega_file(name: str) -> Response:
    """Vega, Vega-Lite, vega-embed and the CSP-safe expression interpreter, vendored (README.md beside them)."""
    if name not in VENDOR_FILES:
        return error_response(404, f"Keine Datei {name}.")
    return FileResponse(VENDOR / name, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})
