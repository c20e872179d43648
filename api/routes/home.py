"""The landing page, the dataset list and the health check."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from integrationsgraph import __version__
from integrationsgraph.api.deps import StoreDep
from integrationsgraph.graph.core.config import TEMPLATES
from integrationsgraph.graph.datasets.inventory import summaries

router = APIRouter(tags=["Start"])
templates = Jinja2Templates(directory=TEMPLATES)


@router.get("/", response_class=HTMLResponse, summary="Startseite mit den Datensätzen")
async def landing(request: Request, store: StoreDep) -> HTMLResponse:
    datasets = await run_in_threadpool(summaries, store)
    return templates.TemplateResponse(request, "index.html", {"datasets": datasets, "version": __version__})


@router.get("/api/datasets", summary="Datensätze mit Zählungen")
async def datasets(store: StoreDep) -> list[dict[str, Any]]:
    return [asdict(d) for d in await run_in_threadpool(summaries, store)]


@router.get("/health", summary="Betriebsbereitschaft")
async def health(store: StoreDep) -> dict[str, Any]:
    graphs = await run_in_threadpool(store.graphs)
    # pid: which API process answered (several run with `serve --workers N`)
    return {"status": "ok", "version": __version__, "graphs": len(graphs), "pid": os.getpid()}


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    return Response(status_code=204)
