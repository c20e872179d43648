"""Full-text search: ``/api/suche`` (JSON) and ``/suche`` (HTML), German-aware (see :mod:`graph.resources.search`)."""

from __future__ import annotations

import threading
import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from integrationsgraph import __version__
from integrationsgraph.api.deps import DatasetQuery, StoreDep
from integrationsgraph.api.routes.linked_data import UI, page_url
from integrationsgraph.graph.core.config import TEMPLATES
from integrationsgraph.graph.core.iris import KIO, ORG
from integrationsgraph.graph.resources.kinds import KINDS
from integrationsgraph.graph.resources.search import SearchIndex
from integrationsgraph.graph.store.embedded import Store

router = APIRouter(tags=["Suche"])
templates = Jinja2Templates(directory=TEMPLATES)
MAX_AGE = 60.0
"""Seconds after which the index is rebuilt even without a write through this process (SPARQL updates)."""
_lock = threading.Lock()

KIND_TYPES = {path: set(kind.classes) for path, kind in KINDS.items()}
TYPE_LABELS = {c: kind.label_de for kind in KINDS.values() for c in kind.classes} | {
    KIO + "Querschnittsthema": "Querschnittsthema",
    KIO + "Zielgruppe": "Zielgruppe",
    KIO + "Leitgedanke": "Leitgedanke",
    ORG + "Role": "Rolle",
}


class Treffer(BaseModel):
    """One search result."""

    iri: str
    datensatz: str
    label: str
    label_en: str | None = None
    typen: list[str]
    fiktiv: bool
    score: float
    ausschnitt: str = Field(description="Anfang der Beschreibung")


class Suchergebnis(BaseModel):
    """Search results, best first."""

    q: str
    treffer: list[Treffer]


def _index(request: Request, store: Store) -> SearchIndex:
    revision = store.revision()  # moves with every commit, also one made by another API process
    with _lock:
        cached: tuple[str, SearchIndex] | None = getattr(request.app.state, "search_index", None)
        if cached is None or cached[0] != revision or time.monotonic() - cached[1].built > MAX_AGE:
            cached = (revision, SearchIndex.build(store))
            request.app.state.search_index = cached
        return cached[1]


def invalidate_index(request: Request) -> None:
    """Forget the index after a write; the next search rebuilds it."""
    request.app.state.search_index = None


def _search(
    request: Request, store: Store, q: str, datensatz: str | None, art: str | None, limit: int
) -> list[Treffer]:
    index = _index(request, store)
    types = KIND_TYPES.get(art) if art else None
    hits = index.search(q, dataset=datensatz, types=types, limit=limit)
    return [
        Treffer(
            iri=h.iri,
            datensatz=h.dataset,
            label=h.label,
            label_en=h.label_en,
            typen=h.types,
            fiktiv=h.fictional,
            score=round(h.score, 4),
            ausschnitt=h.snippet,
        )
        for h in hits
    ]


Q = Annotated[str, Query(min_length=1, max_length=200, description="Suchwörter (alle müssen vorkommen)")]
Art = Annotated[str | None, Query(max_length=40, description="nur diese Art, z. B. `massnahmen`")]


@router.get("/api/suche", response_model=Suchergebnis, summary="Volltextsuche über Bezeichnungen und Beschreibungen")
async def search_json(
    request: Request,
    store: StoreDep,
    q: Q,
    datensatz: DatasetQuery = None,
    art: Art = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> dict[str, Any]:
    treffer = await run_in_threadpool(_search, request, store, q, datensatz, art, limit)
    return {"q": q, "treffer": [t.model_dump() for t in treffer]}


@router.get("/suche", response_class=HTMLResponse, summary="Suche (Seite)")
async def search_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200)] = "",
    datensatz: DatasetQuery = None,
    lang: Annotated[str, Query(pattern="^(de|en)$")] = "de",
) -> HTMLResponse:
    treffer = await run_in_threadpool(_search, request, store, q, datensatz, None, 50) if q.strip() else []
    context = {
        "q": q,
        "treffer": [
            t.model_dump() | {"page": page_url(t.iri, request.app.state.ctx.settings.base_iri)} for t in treffer
        ],
        "type_labels": TYPE_LABELS,
        "lang": lang,
        "t": UI[lang],
        "version": __version__,
    }
    return templates.TemplateResponse(request, "search.html", context)
