"""``GET /api/{dataset}/fortschritt``: every indicator's progress status with all its inputs (JSON or CSV).

The same contract as ``integrationsgraph progress --format json|csv`` (docs/monitoring.md): a list of objects with
exactly the keys of :data:`graph.monitoring.assessments.CONTRACT_KEYS`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from integrationsgraph.api.deps import DatasetName, StoreDep
from integrationsgraph.graph.monitoring.assessments import record, records_csv
from integrationsgraph.graph.monitoring.model import Assessment
from integrationsgraph.graph.monitoring.progress import assess_all
from integrationsgraph.graph.monitoring.series import indicators
from integrationsgraph.graph.resources.crud import dataset_graph
from integrationsgraph.graph.store.embedded import Store

router = APIRouter(tags=["Monitoring"])

Format = Annotated[Literal["json", "csv"], Query(description="json (Vorgabe) oder csv (dieselben Spalten)")]


def _assessments(store: Store, dataset: str) -> list[Assessment]:
    dataset_graph(store, dataset)  # NotFound (404) for an unknown dataset
    return assess_all(indicators(store, dataset))


@router.get(
    "/api/{dataset}/fortschritt",
    summary="Fortschrittsstatus jedes Indikators mit allen Eingangswerten (Open SDG)",
    responses={
        200: {"content": {"text/csv": {}}, "description": "Liste der Bewertungen (JSON) oder CSV"},
        404: {"description": "Unbekannter Datensatz"},
    },
)
async def progress(store: StoreDep, dataset: DatasetName, format: Format = "json") -> Response:
    found = await run_in_threadpool(_assessments, store, dataset)
    if format == "csv":
        return Response(
            records_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="fortschritt-{dataset}.csv"'},
        )
    body: list[dict[str, Any]] = [record(a) for a in found]
    return JSONResponse(body)
