"""A dataset's history over HTTP: ``GET /api/{dataset}/history`` (newest first, paged), one entry with its exact
triples, and ``POST /api/{dataset}/history/{id}/revert`` (undo through the one write path, itself recorded).

Reading the history needs an account of the dataset (or an administrator): it holds the private triples too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from integrationsgraph.api.deps import ContextDep, DatasetName, TokenFirst, reader, require_token
from integrationsgraph.graph.store.embedded import Change
from integrationsgraph.graph.write import history

router = APIRouter(tags=["Verlauf"], route_class=TokenFirst)
EntryId = Annotated[str, Path(pattern=r"^[0-9]{8}T[0-9]{12}-[0-9a-f]{6}$", description="Die Kennung der Änderung")]


def _may_read(request: Request, dataset: str) -> None:
    account = reader(request)
    if account is None:
        raise HTTPException(
            401, "Der Verlauf braucht das Token eines Kontos (Authorization: Bearer …).", {"WWW-Authenticate": "Bearer"}
        )
    if not account.may_read_private(dataset):
        raise HTTPException(403, f"Das Konto „{account.name}“ darf den Verlauf von „{dataset}“ nicht sehen.")


@router.get("/api/{dataset}/history", summary="Verlauf: jede Änderung, neueste zuerst (Konto des Datensatzes)")
async def listing(
    request: Request,
    ctx: ContextDep,
    dataset: DatasetName,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    _may_read(request, dataset)
    total, entries = await run_in_threadpool(history.listing, ctx.store, dataset, offset=offset, limit=limit)
    return {"dataset": dataset, "total": total, "offset": offset, "entries": [e.to_dict() for e in entries]}


@router.get("/api/{dataset}/history/{entry}", summary="Eine Änderung mit ihren Tripeln (N-Triples je Graph)")
async def one(request: Request, ctx: ContextDep, dataset: DatasetName, entry: EntryId) -> dict[str, Any]:
    _may_read(request, dataset)
    deltas = await run_in_threadpool(history.deltas, ctx.store, dataset, entry)
    return {
        "id": entry,
        "graphs": [
            {"graph": d.graph, "added": history.ntriples(d.added), "removed": history.ntriples(d.removed)}
            for d in deltas
        ],
    }


@router.post(
    "/api/{dataset}/history/{entry}/revert",
    summary="Eine Änderung rückgängig machen (geprüft; als neue Änderung verzeichnet)",
    dependencies=[Depends(require_token)],
    responses={409: {"description": "Eine spätere Änderung hat dieselben Angaben geändert; nichts geschrieben"}},
)
async def revert(ctx: ContextDep, dataset: DatasetName, entry: EntryId) -> dict[str, Any]:
    writer = ctx.writer

    def build() -> list[Change]:  # under the write lock and lease: the check and the undo see the same state
        return history.inverse(ctx.store, dataset, entry)

    report = await run_in_threadpool(lambda: writer.transact(build, reverts=entry))
    _, [newest] = await run_in_threadpool(history.listing, ctx.store, dataset, limit=1)
    return {"reverted": entry, "entry": newest.to_dict(), "report": report.to_dict()}
