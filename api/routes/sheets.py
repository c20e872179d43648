"""Spreadsheets and versions over HTTP: ``POST /api/import`` (a workbook, with the write token),
``POST /api/{dataset}/indikatoren/{key}/werte`` (an indicator's whole series as tidy CSV, with the write token) and
``GET /api/{dataset}/diff`` (what changed between two versions, JSON or text) and ``GET /api/{dataset}/workbook``
(the dataset as the workbook the import reads; personal data only for the dataset's accounts)."""

from __future__ import annotations

import time
from typing import Annotated, Any

import anyio.from_thread
from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from integrationsgraph.api.deps import (
    AppContext,
    ContextDep,
    DatasetForm,
    DatasetName,
    TokenFirst,
    account_for,
    bearer,
    reader,
    require_token,
)
from integrationsgraph.api.errors import error_response
from integrationsgraph.graph.core.errors import NotFound
from integrationsgraph.graph.datasets.versions import CURRENT, diff, version_graph, version_record
from integrationsgraph.graph.sheets.errors import ImportFailed
from integrationsgraph.graph.sheets.read import Limits
from integrationsgraph.graph.sheets.tidy import import_values
from integrationsgraph.graph.sheets.workbook import export_workbook, import_workbook
from integrationsgraph.graph.write.rights import authorize

router = APIRouter(tags=["Arbeitsmappen und Versionen"], route_class=TokenFirst)  # the token before the body
VERSION = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$"


class ImportStopped(Exception):
    """The import ran past its time limit, or its client hung up: stopped before anything was written."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@router.post(
    "/api/import",
    summary="Arbeitsmappe (xlsx) einlesen: Fehler je Zelle, nichts geschrieben bei einem Fehler",
    dependencies=[Depends(require_token)],
    responses={
        200: {"description": "Eingelesen (mit dry_run=true nur geprüft): Zeilen, Tripel, hinzugefügt, entfernt"},
        409: {"description": "Würde mehr als die Hälfte des Datensatzes entfernen; mit confirm=replace bestätigen"},
        413: {"description": "Datei zu groß"},
        422: {"description": "Fehler in der Arbeitsmappe, je Zelle (Blatt, Zeile, Spalte, Wert, Meldung)"},
        503: {"description": "Zeitlimit (INTEGRATIONSGRAPH_IMPORT_TIMEOUT) überschritten; nichts geschrieben"},
    },
)
async def import_sheet(
    request: Request,
    ctx: ContextDep,
    file: Annotated[UploadFile, File(description="Die Arbeitsmappe (.xlsx) nach der Vorlage")],
    dataset: DatasetForm,
    version: Annotated[str | None, Form(pattern=VERSION)] = None,
    dry_run: Annotated[
        bool, Query(description="Nur prüfen und zeigen, was sich ändern würde; nichts schreiben")
    ] = False,
    confirm: Annotated[
        str | None,
        Form(
            pattern="^replace$",
            description="„replace“ erlaubt einen Import, der mehr als die Hälfte der Tripel des Datensatzes entfernt",
        ),
    ] = None,
) -> JSONResponse:
    graph = version_graph(dataset, version or CURRENT)
    authorize([graph], require_actor=True)  # the dataset is in the form: refused before the workbook is read
    limit = ctx.settings.import_max_bytes
    data = await file.read(limit + 1)
    name = file.filename or "Arbeitsmappe.xlsx"
    if len(data) > limit:
        return error_response(413, f"{name}: Die Datei ist zu groß (höchstens {limit / 1048576:.3g} MB).")
    timeout = ctx.settings.import_timeout
    deadline = time.monotonic() + timeout

    def check() -> None:
        """Between the steps of the import, the last time under the write lock before the commit."""
        if time.monotonic() > deadline:
            raise ImportStopped(
                503,
                f"{name}: Der Import wurde nach {timeout:g} Sekunden abgebrochen (Zeitlimit); nichts wurde "
                "geschrieben. Bitte die Arbeitsmappe aufteilen oder später noch einmal versuchen.",
            )
        if anyio.from_thread.run(request.is_disconnected):  # asks the event loop, from the import's thread
            raise ImportStopped(400, f"{name}: Die Verbindung wurde vor dem Ende getrennt; nichts wurde geschrieben.")

    def run() -> dict[str, Any]:
        record = version_record(ctx.store, dataset, version) if version else []
        result = import_workbook(
            ctx.writer,
            data,
            graph,
            dataset,
            ctx.settings.base_iri,
            source=name,
            extra_triples=record,
            max_bytes=limit,
            limits=Limits.of(ctx.settings),
            check=check,
            dry_run=dry_run,
            confirm_replace=confirm == "replace",
            confirm_hint="Formularfeld confirm=replace",
        )
        return {"dataset": dataset, "version": version, **result.to_dict(), "text": result.text()}

    try:
        body = await run_in_threadpool(run)
    except ImportStopped as exc:
        headers = {"Retry-After": "60"} if exc.status == 503 else None
        return error_response(exc.status, exc.message, headers=headers)
    except ImportFailed as exc:
        errors = [e.to_dict() for e in exc.errors]
        return error_response(
            422, f"{name}: {len(errors)} Fehler in der Arbeitsmappe; nichts wurde geschrieben.", errors
        )
    return JSONResponse(body)


KEY = r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,120}$"


@router.post(
    "/api/{dataset}/indikatoren/{key}/werte",
    summary="Messwerte eines Indikators als CSV einlesen: die Datei ersetzt seine ganze Reihe",
    description="Der Körper ist eine CSV-Datei (`text/csv`, UTF-8, Komma, Dezimalpunkt) mit `Jahr` zuerst und "
    "`Wert` zuletzt, dazwischen wahlweise `Stichtag`, `Einheit`, `Gebiet`, `Geschlecht`, `Altersgruppe` "
    "(docs/messwerte.md). Danach hat der Indikator genau die Werte der Datei; die Antwort zählt neue, geänderte, "
    "entfernte und unveränderte Werte.",
    dependencies=[Depends(require_token)],
    responses={
        200: {"description": "Eingelesen: Zeilen, neu, geändert, entfernt, unverändert"},
        413: {"description": "Datei zu groß (INTEGRATIONSGRAPH_IMPORT_MAX_BYTES)"},
        415: {"description": "Kein text/csv"},
        422: {"description": "Fehler in der Datei, je Zeile und Spalte; nichts geschrieben"},
    },
)
async def import_indicator_values(
    request: Request,
    ctx: ContextDep,
    dataset: DatasetName,
    key: Annotated[str, Path(pattern=KEY, description="Kennung oder Code des Indikators, z. B. `i1-1-1-1`")],
) -> JSONResponse:
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind not in ("text/csv", "text/plain", "application/csv"):
        return error_response(415, "Bitte die Messwerte als CSV senden (Content-Type: text/csv).")
    limit = ctx.settings.import_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return error_response(413, f"Die Datei ist zu groß (höchstens {limit / 1048576:.3g} MB).")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            return error_response(413, f"Die Datei ist zu groß (höchstens {limit / 1048576:.3g} MB).")
    graph = version_graph(dataset, CURRENT)
    if graph not in ctx.store.graphs():
        return error_response(404, f"Den Datensatz „{dataset}“ gibt es nicht.")
    name = f"{key}.csv"

    def run() -> dict[str, Any]:
        result = import_values(
            ctx.writer, bytes(data), graph, ctx.settings.base_iri, dataset, key, source=name, max_bytes=limit
        )
        return {"dataset": dataset, **result.to_dict(), "text": result.text()}

    try:
        body = await run_in_threadpool(run)
    except ImportFailed as exc:
        errors = [e.to_dict() for e in exc.errors]
        status = 404 if len(errors) == 1 and errors[0]["kind"] == "verweis" and not errors[0]["row"] else 422
        return error_response(status, str(exc).split("\n", 1)[0], errors)
    return JSONResponse(body)


@router.get(
    "/api/{dataset}/diff",
    summary="Was sich zwischen zwei Versionen geändert hat (neu, entfallen, geändert)",
    description="Ohne Schreib-Token nur das Öffentliche beider Versionen, ohne personenbezogene Angaben; "
    "mit dem Schreib-Token (Authorization: Bearer …) auch die privaten Angaben.",
    response_model=None,
)
async def version_diff(
    ctx: ContextDep,
    dataset: DatasetName,
    source: Annotated[str, Query(alias="from", pattern=VERSION, description="z. B. 2020 (oder `aktuell`)")],
    target: Annotated[str, Query(alias="to", pattern=VERSION, description="z. B. 2025 (oder `aktuell`)")],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    fmt: Annotated[str, Query(alias="format", pattern="^(json|text)$", description="json oder text")] = "json",
) -> JSONResponse | PlainTextResponse:
    # Who may read the private data: an account of this dataset (or an administrator), as on /sparql and /store;
    # the filter is graph.store.privacy's.
    account = account_for(ctx, credentials.credentials if credentials is not None else None)
    private = account is not None and account.may_read_private(dataset)
    privacy = ctx.writer.privacy
    result = await run_in_threadpool(
        lambda: diff(ctx.store, dataset, source, target, ctx.settings.base_iri, private=private, privacy=privacy)
    )
    if fmt == "text":
        return PlainTextResponse(result.to_text())
    return JSONResponse(result.to_dict())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/api/{dataset}/workbook",
    summary="Der Datensatz als Arbeitsmappe (xlsx), wie sie der Import liest",
    description="Ohne Konto die öffentliche Fassung ohne personenbezogene Angaben; mit dem Token eines Kontos des "
    "Datensatzes (oder der Verwaltung) die ganze. Das erste Blatt sagt, welche es ist.",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, 404: {"description": "Unbekannter Datensatz oder Version"}},
)
async def workbook(
    request: Request,
    ctx: ContextDep,
    dataset: DatasetName,
    version: Annotated[str | None, Query(pattern=VERSION, description="z. B. 2025; ohne: die aktuelle")] = None,
) -> Response:
    account = reader(request)
    return await workbook_download(
        ctx, dataset, version, private=account is not None and account.may_read_private(dataset)
    )


async def workbook_download(ctx: AppContext, dataset: str, version: str | None, *, private: bool) -> Response:
    """The dataset (or a version) as the workbook the import reads, as a download: the whole with ``private``,
    else the public version; also what the browser's editing page offers (:mod:`api.routes.editing`)."""
    graph = version_graph(dataset, version or CURRENT)

    def build() -> bytes:
        if graph not in ctx.store.graphs():
            raise NotFound(f"Den Datensatz „{dataset}“{f' in der Version {version}' if version else ''} gibt es nicht.")
        return export_workbook(ctx.store, graph, dataset, ctx.settings.base_iri, skip=[graph], private=private)

    data = await run_in_threadpool(build)
    name = f"{dataset}{f'-{version}' if version else ''}{'' if private else '-oeffentlich'}.xlsx"
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "private, no-store" if private else "no-cache",
        "Vary": "Authorization",
    }
    return Response(data, media_type=XLSX, headers=headers)
