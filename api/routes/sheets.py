"""Spreadsheets and versions over HTTP: ``POST /api/import`` (a workbook, with the write token) and
``GET /api/{dataset}/diff`` (what changed between two versions, JSON or text)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse

from api.deps import ContextDep, require_token
from api.errors import error_response
from graph.sheets.errors import ImportFailed
from graph.sheets.read import MAX_BYTES
from graph.sheets.workbook import import_workbook
from graph.versions import CURRENT, diff, version_graph, version_record

router = APIRouter(tags=["Arbeitsmappen und Versionen"])
DatasetName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64, description="z. B. `musterstadt`")]
VERSION = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$"


@router.post(
    "/api/import",
    summary="Arbeitsmappe (xlsx) einlesen: Fehler je Zelle, nichts geschrieben bei einem Fehler",
    dependencies=[Depends(require_token)],
    responses={
        200: {"description": "Eingelesen: Zeilen, Tripel, hinzugefügt, entfernt, Warnungen"},
        413: {"description": "Datei zu groß"},
        422: {"description": "Fehler in der Arbeitsmappe, je Zelle (Blatt, Zeile, Spalte, Wert, Meldung)"},
    },
)
async def import_sheet(
    ctx: ContextDep,
    file: Annotated[UploadFile, File(description="Die Arbeitsmappe (.xlsx) nach der Vorlage")],
    dataset: Annotated[str, Form(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)],
    version: Annotated[str | None, Form(pattern=VERSION)] = None,
) -> JSONResponse:
    data = await file.read(MAX_BYTES + 1)
    name = file.filename or "Arbeitsmappe.xlsx"
    if len(data) > MAX_BYTES:
        return error_response(413, f"{name}: Die Datei ist zu groß (höchstens {MAX_BYTES // 1048576} MB).")
    graph = version_graph(dataset, version or CURRENT)

    def run() -> dict[str, Any]:
        record = version_record(ctx.store, dataset, version) if version else []
        result = import_workbook(
            ctx.writer, data, graph, dataset, ctx.settings.base_iri, source=name, extra_triples=record
        )
        return {"dataset": dataset, "version": version, **result.to_dict(), "text": result.text()}

    try:
        body = await run_in_threadpool(run)
    except ImportFailed as exc:
        errors = [e.to_dict() for e in exc.errors]
        return error_response(
            422, f"{name}: {len(errors)} Fehler in der Arbeitsmappe; nichts wurde geschrieben.", errors
        )
    return JSONResponse(body)


@router.get(
    "/api/{dataset}/diff",
    summary="Was sich zwischen zwei Versionen geändert hat (neu, entfallen, geändert)",
    response_model=None,
)
async def version_diff(
    ctx: ContextDep,
    dataset: DatasetName,
    source: Annotated[str, Query(alias="from", pattern=VERSION, description="z. B. 2020 (oder `aktuell`)")],
    target: Annotated[str, Query(alias="to", pattern=VERSION, description="z. B. 2025 (oder `aktuell`)")],
    fmt: Annotated[str, Query(alias="format", pattern="^(json|text)$", description="json oder text")] = "json",
) -> JSONResponse | PlainTextResponse:
    result = await run_in_threadpool(diff, ctx.store, dataset, source, target, ctx.settings.base_iri)
    if fmt == "text":
        return PlainTextResponse(result.to_text())
    return JSONResponse(result.to_dict())
