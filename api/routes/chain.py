"""Goal-chain views: a Handlungsfeld's whole tree and its completeness scorecard."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool

from integrationsgraph.api.deps import AppContext, ContextDep, DatasetName
from integrationsgraph.api.models import Baum, Vollstaendigkeit
from integrationsgraph.graph.core.config import graph_iri
from integrationsgraph.graph.resources.chain import scorecard, tree
from integrationsgraph.graph.resources.crud import load
from integrationsgraph.graph.resources.kinds import KINDS

router = APIRouter(tags=["Zielkette"])

Slug = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200)]
Lang = Annotated[str, Query(pattern="^(de|en)$", description="Sprache der Bezeichnungen")]
FELD = KINDS["felder"]


def _tree(ctx: AppContext, dataset: str, slug: str, lang: str) -> dict[str, Any]:
    field = load(ctx.store, ctx.settings.base_iri, dataset, FELD, slug)
    return tree(ctx.store, graph_iri(dataset), field.iri, lang)


@router.get(
    "/api/{dataset}/felder/{slug}/baum",
    response_model=Baum,
    summary="Zielkette eines Handlungsfelds: Leitziel → Handlungsziel → Maßnahme → Indikator",
    responses={404: {"description": "Unbekannter Datensatz oder unbekanntes Handlungsfeld"}},
)
async def field_tree(ctx: ContextDep, dataset: DatasetName, slug: Slug, lang: Lang = "de") -> dict[str, Any]:
    return await run_in_threadpool(_tree, ctx, dataset, slug, lang)


@router.get(
    "/api/{dataset}/felder/{slug}/vollstaendigkeit",
    response_model=Vollstaendigkeit,
    summary="Vollständigkeit eines Handlungsfelds und seiner Leitziele, jede Lücke verlinkt",
    responses={404: {"description": "Unbekannter Datensatz oder unbekanntes Handlungsfeld"}},
)
async def field_scorecard(ctx: ContextDep, dataset: DatasetName, slug: Slug, lang: Lang = "de") -> dict[str, Any]:
    return scorecard(await run_in_threadpool(_tree, ctx, dataset, slug, lang))
