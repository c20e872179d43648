"""Municipalities compared (``graph/datasets/compare.py``): shared themes covered, and one indicator across them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from integrationsgraph.api.deps import StoreDep
from integrationsgraph.graph.datasets import compare

router = APIRouter(prefix="/api/vergleich", tags=["Vergleich der Kommunen"])


def _body(result: tuple[list[compare.Dataset], list[compare.Entry]], key: str) -> dict[str, Any]:
    datasets, entries = result
    return {"datensaetze": [asdict(d) for d in datasets], key: [asdict(e) for e in entries]}


@router.get("/handlungsfelder", summary="Welche gemeinsamen Themenfelder jede Kommune abdeckt")
async def fields(store: StoreDep) -> dict[str, Any]:
    """Per shared theme (``kio:Themenfelder``): each municipality's own field for it (mapped with
    ``skos:closeMatch``) and its number of measures; ``ohne`` lists the municipalities without one."""
    return _body(await run_in_threadpool(compare.fields, store), "themen")


@router.get("/indikatoren", summary="Derselbe Indikator in allen Kommunen")
async def indicators(
    store: StoreDep,
    referenz: Annotated[
        str | None,
        Query(max_length=200, description="Code (z. B. `E5`) oder IRI eines Referenzindikators; ohne: alle"),
    ] = None,
) -> dict[str, Any]:
    """Per reference indicator of the Länder integration monitoring (``kio:IntMK``): each municipality's own
    indicator for it (mapped with ``skos:closeMatch``) with its latest value, date and unit."""
    return _body(await run_in_threadpool(compare.indicators, store, referenz), "indikatoren")
