"""Network analysis as JSON: central and bridging actors, fields and their links, communities, gaps.

Every endpoint takes ``?dataset=`` (one dataset; without it all datasets together). ``POST
/api/analysis/metriken`` writes the metrics into ``…/graph/{dataset}/metriken`` so SPARQL can use them.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool

from integrationsgraph.api.deps import DatasetQuery, StoreDep, TokenFirst, require_token
from integrationsgraph.graph.core.config import dataset_name
from integrationsgraph.graph.network.metrics import GAP_LABELS, Analysis, analyse_store, method_text, write_metrics
from integrationsgraph.graph.network.read import metrics_graph, scope
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.write.rights import authorize

router = APIRouter(prefix="/api/analysis", tags=["Netzwerkanalyse"], route_class=TokenFirst)

SortKey = Literal["pagerank", "zwischenzentralitaet", "partizipation", "grad", "gewichteter_grad", "label"]


async def _analysis(store: Store, dataset: str | None) -> Analysis:
    _k, result = await run_in_threadpool(analyse_store, store, dataset)
    return result


def _head(dataset: str | None, result: Analysis) -> dict[str, Any]:
    return {
        "dataset": dataset or "alle",
        "anzahl": result.counts,
        "zwischenzentralitaet": {**result.betweenness, "text": method_text(result.betweenness)},
    }


@router.get("", summary="Überblick: zentrale Akteure, Brückenakteure, Lücken")
async def overview(
    store: StoreDep, dataset: DatasetQuery = None, top: Annotated[int, Query(ge=1, le=500)] = 10
) -> dict[str, Any]:
    result = await _analysis(store, dataset)
    return {
        **_head(dataset, result),
        "zentrale_akteure": [asdict(a) for a in result.central(top)],
        "brueckenakteure": [asdict(a) for a in result.bridging(top)],
        "luecken": {key: len(v) for key, v in result.gaps.items()},
        "links": {
            "akteure": "/api/analysis/actors",
            "handlungsfelder": "/api/analysis/fields",
            "gemeinschaften": "/api/analysis/communities",
            "luecken": "/api/analysis/gaps",
        },
    }


@router.get("/actors", summary="Kennzahlen aller Akteure")
async def actors(
    store: StoreDep,
    dataset: DatasetQuery = None,
    sort: SortKey = "pagerank",
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> dict[str, Any]:
    result = await _analysis(store, dataset)
    rows = sorted(result.actors, key=lambda a: a.label.casefold())
    if sort != "label":
        rows.sort(key=lambda a: getattr(a, sort), reverse=True)
    return {**_head(dataset, result), "akteure": [asdict(a) for a in rows[:limit]]}


@router.get("/fields", summary="Handlungsfelder, ihre Träger und ihre Verbindungen")
async def fields(store: StoreDep, dataset: DatasetQuery = None) -> dict[str, Any]:
    result = await _analysis(store, dataset)
    return {**_head(dataset, result), "handlungsfelder": [asdict(f) for f in result.fields]}


@router.get("/communities", summary="Gemeinschaften (Louvain, fester Startwert)")
async def communities(store: StoreDep, dataset: DatasetQuery = None) -> dict[str, Any]:
    result = await _analysis(store, dataset)
    groups: dict[int, list[dict[str, str]]] = {}
    for a in sorted(result.actors, key=lambda a: -a.pagerank):
        groups.setdefault(a.gemeinschaft, []).append({"iri": a.iri, "label": a.label})
    return {
        **_head(dataset, result),
        "gemeinschaften": [{"nummer": n, "groesse": len(m), "akteure": m} for n, m in sorted(groups.items())],
    }


@router.get("/gaps", summary="Lücken im Netz")
async def gaps(store: StoreDep, dataset: DatasetQuery = None) -> dict[str, Any]:
    result = await _analysis(store, dataset)
    return {
        **_head(dataset, result),
        "luecken": [
            {"art": key, "bezeichnung": GAP_LABELS[key], "anzahl": len(found), "ressourcen": found}
            for key, found in result.gaps.items()
        ],
    }


@router.post(
    "/metriken",
    summary="Kennzahlen als benannten Graphen …/metriken schreiben (Token)",
    dependencies=[Depends(require_token)],
)
async def write(store: StoreDep, dataset: DatasetQuery = None) -> dict[str, Any]:
    graphs = await run_in_threadpool(scope, store, dataset)
    authorize([metrics_graph(g) for g in graphs], require_actor=True)  # derived, but an editor's own datasets only
    written = await run_in_threadpool(write_metrics, store, graphs, datetime.now(UTC))
    return {
        "geschrieben": [
            {"dataset": dataset_name(g), "graph": metrics_graph(g), "tripel": n} for g, n in written.items()
        ]
    }
