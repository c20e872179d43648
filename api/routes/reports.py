"""The Sachstandsbericht in the browser: ``/berichte`` (the list), ``/berichte/{dataset}`` (HTML, printable) and
``/berichte/{dataset}.pdf`` (PDF, A4, as a download); ``?stichtag=TT.MM.JJJJ`` for another reporting date."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from integrationsgraph import __version__
from integrationsgraph.api.deps import ContextDep, DatasetName, StoreDep
from integrationsgraph.api.errors import error_response
from integrationsgraph.graph.core.config import TEMPLATES
from integrationsgraph.graph.core.lru import LRU
from integrationsgraph.graph.datasets.inventory import summaries
from integrationsgraph.graph.monitoring.report import file_name, sachstand
from integrationsgraph.graph.monitoring.report_format import parse_day
from integrationsgraph.graph.monitoring.report_pdf import render_html, render_pdf

router = APIRouter(tags=["Berichte"])
templates = Jinja2Templates(directory=TEMPLATES)

Stichtag = Annotated[
    str | None,
    Query(max_length=10, description="Berichtsstichtag, TT.MM.JJJJ oder JJJJ-MM-TT; ohne: heute"),
]
PDFS: LRU[tuple[bytes, str]] = LRU(8)
"""Recent PDFs by store revision, dataset and reporting date: drawing one takes seconds (benchmarks/report.py)."""
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}},
    404: {"description": "Unbekannter Datensatz"},
}


def _day(text: str | None) -> date | Response | None:
    if text is None:
        return None
    try:
        return parse_day(text)
    except ValueError as exc:
        return error_response(422, f"stichtag: {exc}")


@router.get("/berichte", response_class=HTMLResponse, summary="Die Sachstandsberichte, einer je Datensatz")
async def reports(request: Request, store: StoreDep) -> HTMLResponse:
    datasets = await run_in_threadpool(summaries, store)
    return templates.TemplateResponse(request, "report_index.html", {"datasets": datasets, "version": __version__})


@router.get("/berichte/{dataset}.pdf", summary="Der Sachstandsbericht als PDF (A4)", responses=PDF_RESPONSE)
async def report_pdf(ctx: ContextDep, dataset: DatasetName, stichtag: Stichtag = None) -> Response:
    when = _day(stichtag)
    if isinstance(when, Response):
        return when

    day = when or date.today()

    def build() -> tuple[bytes, str]:
        report = sachstand(ctx.store, dataset, day)
        return render_pdf(report), file_name(dataset, report.reporting_iso, "pdf")

    def cached() -> tuple[bytes, str]:
        return PDFS.get_or_make((id(ctx.store), ctx.store.revision(), dataset, day), build)

    data, name = await run_in_threadpool(cached)
    return Response(
        data, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get(
    "/berichte/{dataset}",
    response_class=HTMLResponse,
    summary="Der Sachstandsbericht als Seite zum Lesen und Drucken",
    responses={404: {"description": "Unbekannter Datensatz"}},
)
async def report_page(ctx: ContextDep, dataset: DatasetName, stichtag: Stichtag = None) -> Response:
    when = _day(stichtag)
    if isinstance(when, Response):
        return when
    report = await run_in_threadpool(sachstand, ctx.store, dataset, when)
    pdf = f"/berichte/{dataset}.pdf" + (f"?stichtag={report.reporting_iso}" if stichtag else "")
    return HTMLResponse(render_html(report, back="/berichte", pdf=pdf))
