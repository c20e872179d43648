"""Dependencies the routes declare: the application context, the store, the settings, and the one check of who
writes (:func:`check_token`: the configured write token or an account's token; :class:`TokenFirst` runs it before
a route reads its body)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Form, HTTPException, Path, Query, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from integrationsgraph.graph.core.config import Settings, graph_iri
from integrationsgraph.graph.shacl.validate import Shapes
from integrationsgraph.graph.store.embedded import Store
from integrationsgraph.graph.write import accounts
from integrationsgraph.graph.write.accounts import TOKEN_PREFIX
from integrationsgraph.graph.write.history import DOOR, Door
from integrationsgraph.graph.write.path import WritePath
from integrationsgraph.graph.write.rights import ACTOR, Account, Role, refusal


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


bearer = HTTPBearer(
    auto_error=False,
    description="Das Token eines Kontos (integrationsgraph user add) oder INTEGRATIONSGRAPH_WRITE_TOKEN.",
)

ENV_ADMIN = Account("INTEGRATIONSGRAPH_WRITE_TOKEN", Role.ADMIN)
"""Who the configured write token acts as: an administrator (what the one shared token always was)."""


def token_matches(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the configured write token (constant-time; never true without a configured token)."""
    token = settings.write_token
    if token is None or not given:
        return False
    return secrets.compare_digest(given.encode(), token.get_secret_value().encode())


def account_for(ctx: AppContext, given: str | None) -> Account | None:
    """The account a bearer token belongs to: the configured write token is an administrator, an account's token
    (``ig_…``) is looked up by its hash; anything else is nobody."""
    if not given:
        return None
    if token_matches(ctx.settings, given):
        return ENV_ADMIN
    if given.startswith(TOKEN_PREFIX) and len(given) <= 128:
        return accounts.find(ctx.store, given)
    return None


def check_token(ctx: AppContext, given: str | None) -> Account:
    """Writes need an account that may write: no token configured and no account → 403 (writing is off),
    missing or unknown token → 401, a reader → 403. The account then acts for the rest of the request
    (:data:`graph.write.rights.ACTOR`); which datasets it may write, the write path checks."""
    account = account_for(ctx, given)
    if account is None:
        if ctx.settings.write_token is None and not accounts.accounts(ctx.store):
            raise HTTPException(
                403,
                "Schreiben ist abgeschaltet: Auf diesem Server ist weder ein Schreib-Token noch ein Konto "
                "eingerichtet.",
            )
        raise HTTPException(
            401,
            "Schreiben braucht ein gültiges Token: das Schreib-Token oder das eines Kontos (Authorization: Bearer …).",
            {"WWW-Authenticate": "Bearer"},
        )
    if account.role is Role.READER:
        raise HTTPException(403, f"Das Konto „{account.name}“ darf nur lesen; nichts wurde geschrieben.")
    ACTOR.set(account)
    return account


def door_of(request: Request) -> Door:
    """The door a write comes through, for the history (``SPARQL Update``, ``REST`` …) with method and path."""
    path = request.url.path
    if path == "/sparql":
        name = "SPARQL Update"
    elif path == "/store":
        name = "Graph Store"
    elif path == "/api/import":
        name = "Arbeitsmappe"
    elif path.endswith("/werte"):
        name = "Messwerte (CSV)"
    elif path.endswith("/revert"):
        name = "Rückgängig"
    else:
        name = "REST"
    return Door(name, f"{request.method} {path}")


async def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """The dependency write routes declare (it shows the bearer scheme in the OpenAPI document); on a
    :class:`TokenFirst` route the same check has already run before the body was read. Async, so that the
    account it names acts in the request's own context."""
    check_token(get_context(request), credentials.credentials if credentials is not None else None)
    DOOR.set(door_of(request))


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header (the scheme in any case), else None."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def reader(request: Request) -> Account | None:
    """The account the request's bearer token belongs to, if any (for reading: any role)."""
    return account_for(get_context(request), bearer_token(request.headers.get("authorization")))


def authorised(request: Request, settings: Settings) -> bool | frozenset[str]:
    """Whose private data the request may read: True for all (an administrator), else the names of the
    datasets of its account (empty for the public)."""
    account = reader(request)
    return account.private_datasets() if account is not None else frozenset()


def check_request(request: Request, graphs: Iterable[str] = ()) -> Account:
    """:func:`check_token` on the request's ``Authorization`` header, before anything reads its body: what
    :class:`TokenFirst` routes run, and what ``/sparql`` (updates) and ``/store`` (writes) call themselves.
    A ``{dataset}`` in the path, and ``graphs`` the caller names (the Graph Store's target), are checked against
    the account's rights here already, before the body is read; the write path checks every change again."""
    account = check_token(request.app.state.ctx, bearer_token(request.headers.get("authorization")))
    DOOR.set(door_of(request))
    dataset = request.path_params.get("dataset")
    targets = [*graphs, *([graph_iri(str(dataset))] if dataset else [])]
    for graph in targets:
        if not account.may_write(graph):
            raise refusal(account, graph)
    return account


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
