"""Dependencies the routes declare: the application context, the store, the write path, the settings."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from graph.config import Settings
from graph.store import Store
from graph.validate import Shapes
from graph.write import WritePath


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


bearer = HTTPBearer(auto_error=False, description="Das Schreib-Token (INTEGRATIONSGRAPH_WRITE_TOKEN).")


def token_matches(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the configured write token (constant-time; never true without a configured token)."""
    token = settings.write_token
    if token is None or not given:
        return False
    return secrets.compare_digest(given.encode(), token.get_secret_value().encode())


def require_token(
    ctx: ContextDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """Writes need the bearer token: none configured → 403, missing or wrong → 401."""
    if ctx.settings.write_token is None:
        raise HTTPException(403, "Schreiben ist abgeschaltet: Auf diesem Server ist kein Schreib-Token eingerichtet.")
    if not token_matches(ctx.settings, credentials.credentials if credentials is not None else None):
        raise HTTPException(
            401,
            "Schreiben braucht ein gültiges Schreib-Token (Authorization: Bearer …).",
            {"WWW-Authenticate": "Bearer"},
        )
