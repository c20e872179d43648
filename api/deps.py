"""Dependencies the routes declare: the application context, the store, the settings, and the one write-token
check (:func:`check_token`; :class:`TokenFirst` runs it before a route reads its body)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Path, Query, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from integrationsgraph.graph.core.config import Settings
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.write.path import WritePath


@dataclass
class AppContext:
    """What the app holds while it runs: nothing a second process would need (the store holds the state)."""

    settings: Settings
    store: Store
    shapes: Shapes
    writer: WritePath


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


ContextDep = Annotated[AppContext, Depends(get_context)]


def get_store(ctx: ContextDep) -> Store:
    return ctx.store


def get_settings(ctx: ContextDep) -> Settings:
    return ctx.settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

DATASET_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""A dataset's name: lower-case letters, digits and ``-`` (it becomes part of graph IRIs and page paths)."""
DATASET_MAX_LENGTH = 64
_DATASET = "Datensatz, z. B. `musterstadt`"

DatasetName = Annotated[str, Path(pattern=DATASET_PATTERN, max_length=DATASET_MAX_LENGTH, description=_DATASET)]
"""A ``{dataset}`` in the path; every route that takes a dataset uses this type, its Query or its Form variant."""
DatasetQuery = Annotated[
    str | None,
    Query(pattern=DATASET_PATTERN, max_length=DATASET_MAX_LENGTH, description=f"{_DATASET}; ohne: alle"),
]
"""``?dataset=`` (optional: without it, all datasets)."""
DatasetForm = Annotated[str, Form(pattern=DATASET_PATTERN, max_length=DATASET_MAX_LENGTH, description=_DATASET)]
"""A ``dataset`` field of a form (the workbook upload)."""


bearer = HTTPBearer(auto_error=False, description="Das Schreib-Token (INTEGRATIONSGRAPH_WRITE_TOKEN).")


def token_matches(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the configured write token (constant-time; never true without a configured token)."""
    token = settings.write_token
    if token is None or not given:
        return False
    return secrets.compare_digest(given.encode(), token.get_secret_value().encode())


def check_token(settings: Settings, given: str | None) -> None:
    """Writes need the bearer token: none configured → 403, missing or wrong → 401."""
    if settings.write_token is None:
        raise HTTPException(403, "Schreiben ist abgeschaltet: Auf diesem Server ist kein Schreib-Token eingerichtet.")
    if not token_matches(settings, given):
        raise HTTPException(
            401,
            "Schreiben braucht ein gültiges Schreib-Token (Authorization: Bearer …).",
            {"WWW-Authenticate": "Bearer"},
        )


def require_token(
    ctx: ContextDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """The dependency write routes declare (it shows the bearer scheme in the OpenAPI document); on a
    :class:`TokenFirst` route the same check has already run before the body was read."""
    check_token(ctx.settings, credentials.credentials if credentials is not None else None)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (the scheme in any case), else None."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def authorised(request: Request, settings: Settings) -> bool:
    """Whether the request carries the configured write token (it may then read private data too)."""
    return token_matches(settings, bearer_token(request.headers.get("authorization")))


def check_request(request: Request) -> None:
    """:func:`check_token` on the request's ``Authorization`` header, before anything reads its body: what
    :class:`TokenFirst` routes run, and what ``/sparql`` (updates) and ``/store`` (writes) call themselves."""
    ctx: AppContext = request.app.state.ctx
    check_token(ctx.settings, bearer_token(request.headers.get("authorization")))


class TokenFirst(APIRoute):
    """A route that declares :func:`require_token` checks it before anything reads the request body.

    FastAPI reads and parses a route's body (JSON, or a multipart form spooled to disk) *before* its
    dependencies run: an unauthenticated 1 GB upload to ``/api/import`` was read in full before the 401.
    Routers with write routes use this class (``APIRouter(route_class=TokenFirst)``); their other routes
    are left as they are.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not any(d.dependency is require_token for d in self.dependencies):
            return handler

        async def token_first(request: Request) -> Response:
            check_request(request)
            return await handler(request)

        return token_first
